package main

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// fakeAPI implements the console's API contract (see /api/v1 in the web package) over an
// in-memory world. It lets the console and its browser tests run before the real API
// exists; run the helper with -fake to use it.
type fakeAPI struct {
	mu       sync.Mutex
	w        *fakeWorld
	now      func() time.Time
	users    map[string]fakeUser
	sessions map[string]fakeSession
}

type fakeUser struct{ password, role string }

type fakeSession struct{ user, role, csrf string }

var roleRank = map[string]int{"viewer": 0, "analyst": 1, "approver": 2, "admin": 3}

// newFakeAPI returns the fake API with one user per role (password: the user's role
// followed by passwordSuffix).
func newFakeAPI(now func() time.Time) *fakeAPI {
	f := &fakeAPI{w: newFakeWorld(now(), 240), now: now, users: map[string]fakeUser{}, sessions: map[string]fakeSession{}}
	for _, r := range []string{"viewer", "analyst", "approver", "admin"} {
		f.users[r] = fakeUser{password: r + passwordSuffix, role: r}
	}
	return f
}

// handler routes the API and sends everything else to ui, with the API's security headers.
func (f *fakeAPI) handler(ui http.Handler) http.Handler {
	m := http.NewServeMux()
	m.HandleFunc("GET /api/v1/me", f.me)
	m.HandleFunc("POST /api/v1/session", f.signIn)
	m.HandleFunc("DELETE /api/v1/session", f.auth("viewer", f.signOut))
	m.HandleFunc("GET /auth/oidc/login", func(w http.ResponseWriter, r *http.Request) {
		fail(w, http.StatusNotFound, "not_found", "single sign-on is not configured")
	})
	m.HandleFunc("GET /api/v1/dashboard", f.auth("viewer", f.dashboard))
	m.HandleFunc("GET /api/v1/identities", f.auth("viewer", f.listIdentities))
	m.HandleFunc("GET /api/v1/identities/{id}", f.auth("viewer", f.getIdentity))
	m.HandleFunc("GET /api/v1/apps", f.auth("viewer", func(w http.ResponseWriter, r *http.Request, _ fakeSession) { page(w, r, f.w.apps) }))
	m.HandleFunc("GET /api/v1/vendors/{name}", f.auth("viewer", f.getVendor))
	m.HandleFunc("GET /api/v1/findings", f.auth("viewer", f.listFindings))
	m.HandleFunc("POST /api/v1/findings/{id}/suppress", f.auth("analyst", f.suppress))
	m.HandleFunc("GET /api/v1/plans", f.auth("viewer", f.listPlans))
	m.HandleFunc("POST /api/v1/plans", f.auth("analyst", f.propose))
	m.HandleFunc("POST /api/v1/plans/{id}/{verb}", f.auth("approver", f.decide))
	m.HandleFunc("GET /api/v1/audit", f.auth("viewer", f.listAudit))
	m.HandleFunc("GET /api/v1/connectors", f.auth("viewer", f.connectors))
	m.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		fail(w, http.StatusNotFound, "not_found", "no such endpoint")
	})
	m.Handle("/", ui)
	return securityHeaders(m)
}

// securityHeaders sets the headers the real API sets on every answer.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
			"object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		if strings.HasPrefix(r.URL.Path, "/api/") {
			h.Set("Cache-Control", "no-store")
		}
		next.ServeHTTP(w, r)
	})
}

// auth checks the session, the CSRF token on unsafe methods and the role.
func (f *fakeAPI) auth(need string, next func(http.ResponseWriter, *http.Request, fakeSession)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s, ok := f.session(r)
		switch {
		case !ok:
			fail(w, http.StatusUnauthorized, "unauthorized", "sign in first")
		case r.Method != http.MethodGet && r.Header.Get("X-CSRF-Token") != s.csrf:
			fail(w, http.StatusForbidden, "forbidden", "missing or wrong CSRF token")
		case roleRank[s.role] < roleRank[need]:
			fail(w, http.StatusForbidden, "forbidden", "your role cannot do this")
		default:
			f.mu.Lock()
			defer f.mu.Unlock()
			next(w, r, s)
		}
	}
}

func (f *fakeAPI) session(r *http.Request) (fakeSession, bool) {
	c, err := r.Cookie("nhi_session")
	if err != nil {
		return fakeSession{}, false
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	s, ok := f.sessions[c.Value]
	return s, ok
}

func (f *fakeAPI) me(w http.ResponseWriter, r *http.Request) {
	s, ok := f.session(r)
	if !ok {
		fail(w, http.StatusUnauthorized, "unauthorized", "sign in first")
		return
	}
	reply(w, map[string]any{"user": map[string]string{"name": s.user, "email": s.user + "@example.com", "role": s.role},
		"csrf_token": s.csrf})
}

func (f *fakeAPI) signIn(w http.ResponseWriter, r *http.Request) {
	var in struct{ Username, Password string }
	if json.NewDecoder(r.Body).Decode(&in) != nil {
		fail(w, http.StatusBadRequest, "invalid", "bad JSON")
		return
	}
	u, ok := f.users[in.Username]
	if !ok || u.password != in.Password {
		fail(w, http.StatusUnauthorized, "unauthorized", "wrong username or password")
		return
	}
	id, csrf := token(), token()
	f.mu.Lock()
	f.sessions[id] = fakeSession{user: in.Username, role: u.role, csrf: csrf}
	f.w.addAudit(f.now(), in.Username, "session.created", "", "")
	f.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: "nhi_session", Value: id, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode})
	w.WriteHeader(http.StatusNoContent)
}

func (f *fakeAPI) signOut(w http.ResponseWriter, r *http.Request, s fakeSession) {
	c, _ := r.Cookie("nhi_session")
	delete(f.sessions, c.Value)
	f.w.addAudit(f.now(), s.user, "session.deleted", "", "")
	http.SetCookie(w, &http.Cookie{Name: "nhi_session", Value: "", Path: "/", MaxAge: -1})
	w.WriteHeader(http.StatusNoContent)
}

// page answers one page of items from an offset cursor.
func page[T any](w http.ResponseWriter, r *http.Request, items []T) {
	off, _ := strconv.Atoi(r.URL.Query().Get("cursor"))
	limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	off = min(max(off, 0), len(items))
	end := min(off+limit, len(items))
	next := ""
	if end < len(items) {
		next = strconv.Itoa(end)
	}
	reply(w, map[string]any{"items": slices.Clone(items[off:end]), "next_cursor": next})
}

func reply(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func fail(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]string{"code": code, "message": msg}})
}

func token() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
