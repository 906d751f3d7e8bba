package web

import (
	"context"
	"net"
	"net/http"
	"strings"

	"github.com/nhiscope/nhi"
)

// meBody is the answer of GET /api/v1/me.
type meBody struct {
	User struct {
		Name  string `json:"name"`
		Email string `json:"email"`
		Role  Role   `json:"role"`
	} `json:"user"`
	// Via says how the caller signed in: session or token.
	Via       string `json:"via"`
	CSRFToken string `json:"csrf_token"`
}

func (s *Server) me(w http.ResponseWriter, _ *http.Request, p *principal) error {
	var b meBody
	b.User.Name, b.User.Email, b.User.Role = p.User.Name, p.User.Email, p.User.Role
	b.Via = "token"
	if p.Session != nil {
		b.Via, b.CSRFToken = "session", p.Session.CSRF
	}
	writeJSON(w, http.StatusOK, b)
	return nil
}

// clientIP is the address the request came from (the direct peer: headers such as
// X-Forwarded-For are not trusted).
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// login checks a local user's password and starts a session.
func (s *Server) login(w http.ResponseWriter, r *http.Request, _ *principal) error {
	var in struct {
		Username string `json:"username"`
		Password string `json:"password"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if !sameOrigin(r) {
		return nhi.Errorf(nhi.CodeForbidden, "cross-origin request refused")
	}
	name := strings.TrimSpace(in.Username)
	if len(name) > maxNameLen || len(in.Password) > maxPasswordLen {
		return nhi.Errorf(nhi.CodeInvalid, "the user name or password is too long")
	}
	ipKey, userKey := "ip:"+clientIP(r), "user:"+strings.ToLower(name)
	if wait := s.limiter.blocked(ipKey, userKey); wait > 0 {
		return &httpError{status: http.StatusTooManyRequests, code: nhi.CodeRateLimited, retryAfter: wait,
			msg: "too many failed sign-ins; try again later"}
	}
	u, hash, err := s.auth.User(r.Context(), name)
	if err != nil && nhi.ErrorCode(err) != nhi.CodeNotFound {
		return err
	}
	if hash == "" {
		hash = dummyHash // the same work whether or not the user exists
	}
	ok, cerr := s.checkPassword(r.Context(), hash, in.Password)
	if cerr != nil {
		return cerr
	}
	if !ok || err != nil || u.Source != SourceLocal {
		s.limiter.failed(ipKey, userKey)
		if aerr := appendAudit(r.Context(), s.st, s.now(), "anonymous", auditLoginFailed, "user:"+nhi.CleanText(name),
			map[string]any{"ip": clientIP(r)}); aerr != nil {
			s.log.Error("audit failed sign-in", "err", aerr)
		}
		return nhi.Errorf(nhi.CodeUnauthorized, "wrong user name or password")
	}
	s.limiter.reset(userKey)
	return s.startSession(w, r, u, "password")
}

// The longest user name and password a sign-in may send.
const (
	maxNameLen     = 256
	maxPasswordLen = 1024
)

// checkPassword checks a password against its hash, at most one check per CPU at once:
// each takes tens of milliseconds and 19 MiB, and a flood of sign-ins from many
// addresses must not exhaust the server.
func (s *Server) checkPassword(ctx context.Context, hash, password string) (bool, error) {
	select {
	case s.hashSlots <- struct{}{}:
	case <-ctx.Done():
		return false, nhi.WrapError(nhi.CodeCanceled, ctx.Err(), "canceled")
	}
	defer func() { <-s.hashSlots }()
	return checkPassword(hash, password), nil
}

// startSession creates a session for u, sets its cookie and records the sign-in.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, u User, method string) error {
	id := randomString(32)
	now := s.now()
	sess := Session{IDHash: sha256Hex(id), User: u.Name, CSRF: randomString(32), CreatedAt: now, ExpiresAt: now.Add(s.cfg.SessionTTL)}
	if err := s.auth.CreateSession(r.Context(), sess); err != nil {
		return err
	}
	if err := appendAudit(r.Context(), s.st, now, u.Name, auditLogin, "user:"+u.Name,
		map[string]any{"method": method, "ip": clientIP(r)}); err != nil {
		return err
	}
	http.SetCookie(w, s.cookie(id, int(s.cfg.SessionTTL.Seconds())))
	if method == "password" {
		w.WriteHeader(http.StatusNoContent)
	}
	return nil
}

// cookie returns the session cookie with value v, living maxAge seconds (negative deletes).
func (s *Server) cookie(v string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: sessionCookie, Value: v, Path: "/", MaxAge: maxAge, HttpOnly: true,
		Secure: s.cfg.Secure, SameSite: http.SameSiteStrictMode}
}

// logout ends the caller's session.
func (s *Server) logout(w http.ResponseWriter, r *http.Request, p *principal) error {
	if err := s.auth.DeleteSession(r.Context(), p.Session.IDHash); err != nil {
		return err
	}
	http.SetCookie(w, s.cookie("", -1))
	if err := appendAudit(r.Context(), s.st, s.now(), p.actor(), auditLogout, "user:"+p.User.Name, nil); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
