package web_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
	"github.com/nhiscope/nhi/web"
)

// TestRolesAreEnforced tries each write as each role: only the roles allowed succeed, the
// others get 403.
func TestRolesAreEnforced(t *testing.T) {
	t.Parallel()
	w := sharedWorld(t)
	ts := w.server(t, web.Config{})
	clients := map[string]*client{}
	for _, r := range web.Roles() {
		clients[string(r)] = signIn(t, ts, string(r))
	}
	finding := openFinding(t, w)
	until := time.Now().Add(24 * time.Hour).UTC().Format(time.RFC3339)
	for _, tc := range []struct {
		name   string
		method string
		path   func() string
		body   any
		least  web.Role
		ok     int
	}{
		{"suppress", "POST", func() string { return "/api/v1/findings/" + finding + "/suppress" },
			map[string]string{"reason": "accepted for the test", "until": until}, web.RoleAnalyst, 200},
		{"propose", "POST", func() string { return "/api/v1/plans" },
			map[string]any{"identity_ids": []string{someGrant(t, w, 5).ID}, "action": "revoke_grant"}, web.RoleAnalyst, 201},
		{"approve", "POST", func() string {
			return "/api/v1/plans/" + proposePlan(t, clients["analyst"], someGrant(t, w, 6).ID) + "/approve"
		},
			nil, web.RoleApprover, 200},
		{"reject", "POST", func() string {
			return "/api/v1/plans/" + proposePlan(t, clients["analyst"], someGrant(t, w, 7).ID) + "/reject"
		},
			map[string]string{"reason": "not now"}, web.RoleApprover, 200},
		{"list users", "GET", func() string { return "/api/v1/users" }, nil, web.RoleAdmin, 200},
		{"create user", "POST", func() string { return "/api/v1/users" },
			map[string]string{"username": "u" + strconv.FormatInt(time.Now().UnixNano(), 36), "role": "viewer"}, web.RoleAdmin, 201},
		{"read", "GET", func() string { return "/api/v1/findings" }, nil, web.RoleViewer, 200},
	} {
		for _, role := range web.Roles() {
			r := clients[string(role)].do(tc.method, tc.path(), tc.body)
			allowed := rank(role) >= rank(tc.least)
			switch {
			case allowed && r.status != tc.ok:
				t.Errorf("%s as %s: %d %s, want %d", tc.name, role, r.status, r.body, tc.ok)
			case !allowed:
				if code, _ := errorOf(t, r); r.status != http.StatusForbidden || code != "forbidden" {
					t.Errorf("%s as %s: %d %s, want 403 forbidden", tc.name, role, r.status, code)
				}
			}
		}
	}
}

func rank(r web.Role) int {
	for i, x := range web.Roles() {
		if x == r {
			return i
		}
	}
	return -1
}

// openFinding returns the ID of an open finding.
func openFinding(t *testing.T, w *world) string {
	t.Helper()
	p, err := w.db.ListFindings(context.Background(), store.FindingFilter{Status: nhi.FindingOpen, Limit: 1})
	if err != nil || len(p.Items) == 0 {
		t.Fatalf("no open finding: %v", err)
	}
	return p.Items[0].ID
}

// proposePlan proposes revoking one identity and returns the plan's ID.
func proposePlan(t *testing.T, c *client, identityID string) string {
	t.Helper()
	r := c.do("POST", "/api/v1/plans", map[string]any{"identity_ids": []string{identityID}, "action": "revoke_grant", "reason": "test"})
	if r.status != http.StatusCreated {
		t.Fatalf("propose: %d %s", r.status, r.body)
	}
	var p nhi.Plan
	decodeInto(t, r, &p)
	return p.ID
}

// TestCSRF refuses unsafe session requests without the session's token, with another
// session's token, or from another origin, and accepts bearer tokens without one.
func TestCSRF(t *testing.T) {
	t.Parallel()
	w := sharedWorld(t)
	ts := w.server(t, web.Config{})
	c := signIn(t, ts, "analyst")
	other := signIn(t, ts, "analyst")
	body := map[string]any{"identity_ids": []string{someGrant(t, w, 8).ID}, "action": "revoke_grant"}
	for _, tc := range []struct {
		name, csrf, origin string
		status             int
	}{
		{"no token", "", "", 403},
		{"another session's token", other.csrf, "", 403},
		{"right token, foreign origin", c.csrf, "https://evil.example", 403},
		{"right token", c.csrf, "", 201},
		{"right token, own origin", c.csrf, ts.URL, 201},
	} {
		cc := *c
		cc.csrf = tc.csrf
		req := func() answer {
			if tc.origin == "" {
				return cc.do("POST", "/api/v1/plans", body)
			}
			return cc.doWith("POST", "/api/v1/plans", body, map[string]string{"Origin": tc.origin})
		}
		r := req()
		if r.status != tc.status {
			t.Errorf("%s: %d %s, want %d", tc.name, r.status, r.body, tc.status)
		}
	}
	// Signing out is unsafe too.
	cc := *c
	cc.csrf = ""
	if r := cc.do("DELETE", "/api/v1/session", nil); r.status != http.StatusForbidden {
		t.Errorf("sign out without CSRF token: %d", r.status)
	}
	if r := c.do("DELETE", "/api/v1/session", nil); r.status != http.StatusNoContent {
		t.Errorf("sign out: %d %s", r.status, r.body)
	}
	if r := c.do("GET", "/api/v1/me", nil); r.status != http.StatusUnauthorized {
		t.Errorf("after sign-out /me = %d", r.status)
	}
}

// TestLoginRateLimit fails five sign-ins, then finds even the right password refused with
// 429 and Retry-After, until the window passes; failures are audited.
func TestLoginRateLimit(t *testing.T) {
	t.Parallel()
	w := sharedWorld(t)
	var mu sync.Mutex
	now := time.Now()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	ts := w.server(t, web.Config{Now: clock})
	c := newClient(t, ts)
	before := auditCount(t, w, "auth.login_failed")
	for i := range 5 {
		r := c.do("POST", "/api/v1/session", map[string]string{"username": "approver", "password": "wrong password " + strconv.Itoa(i)})
		if code, _ := errorOf(t, r); r.status != 401 || code != "unauthorized" {
			t.Fatalf("failure %d: %d %s", i+1, r.status, code)
		}
	}
	r := c.do("POST", "/api/v1/session", map[string]string{"username": "approver", "password": password})
	code, _ := errorOf(t, r)
	retry, _ := strconv.Atoi(r.header.Get("Retry-After"))
	if r.status != 429 || code != "rate_limited" || retry < 60 || retry > 15*60+1 {
		t.Fatalf("sixth attempt: %d %s Retry-After %q", r.status, code, r.header.Get("Retry-After"))
	}
	// The same address is limited for other users too.
	if r := c.do("POST", "/api/v1/session", map[string]string{"username": "viewer", "password": password}); r.status != 429 {
		t.Errorf("another user from the same address: %d, want 429", r.status)
	}
	if got := auditCount(t, w, "auth.login_failed") - before; got < 5 {
		t.Errorf("%d failed sign-ins audited, want at least 5", got)
	}
	mu.Lock()
	now = now.Add(16 * time.Minute)
	mu.Unlock()
	if r := c.do("POST", "/api/v1/session", map[string]string{"username": "approver", "password": password}); r.status != 204 {
		t.Errorf("after the window: %d %s", r.status, r.body)
	}
}

// auditCount counts the audit entries of one kind.
func auditCount(t *testing.T, w *world, kind nhi.AuditKind) int {
	t.Helper()
	n := 0
	_, _, err := store.Walk(0, func(lim int, after string) (store.Page[nhi.AuditEntry], error) {
		seq, _ := strconv.ParseInt(after, 10, 64)
		es, err := w.db.ListAudit(context.Background(), store.AuditFilter{AfterSeq: seq, Limit: lim})
		p := store.Page[nhi.AuditEntry]{Items: es}
		if len(es) == lim {
			p.Next = strconv.FormatInt(es[len(es)-1].Seq, 10)
		}
		return p, err
	}, func(e nhi.AuditEntry) error {
		if e.Kind == kind {
			n++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestBearerTokens creates tokens, uses them without CSRF, and checks that scopes, the
// owner's role, revocation and expiry are enforced.
func TestBearerTokens(t *testing.T) {
	t.Parallel()
	w := sharedWorld(t)
	var mu sync.Mutex
	now := time.Now()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	ts := w.server(t, web.Config{Now: clock})
	analyst := signIn(t, ts, "analyst")
	mint := func(c *client, scopes []string, days int) (web.Token, string) {
		t.Helper()
		r := c.do("POST", "/api/v1/tokens", map[string]any{"name": "ci", "scopes": scopes, "expires_in_days": days})
		if r.status != http.StatusCreated {
			t.Fatalf("create token %v: %d %s", scopes, r.status, r.body)
		}
		var out struct {
			Token  web.Token `json:"token"`
			Secret string    `json:"secret"`
		}
		decodeInto(t, r, &out)
		return out.Token, out.Secret
	}
	readTok, readSecret := mint(analyst, []string{"read"}, 1)
	_, writeSecret := mint(analyst, []string{"read", "write"}, 30)
	if !strings.HasPrefix(readSecret, "nhi_") {
		t.Fatalf("secret %q lacks the prefix", readSecret)
	}
	if r := analyst.do("POST", "/api/v1/tokens", map[string]any{"name": "x", "scopes": []string{"approve"}}); r.status != 403 {
		t.Errorf("an analyst minting an approve token: %d", r.status)
	}
	bot := newClient(t, ts)
	bot.bearer = readSecret
	bot.get("/api/v1/identities?limit=1", nil)
	var me struct {
		User struct{ Name string } `json:"user"`
		Via  string                `json:"via"`
	}
	bot.get("/api/v1/me", &me)
	if me.User.Name != "analyst" || me.Via != "token" {
		t.Errorf("me with a token = %+v", me)
	}
	propose := map[string]any{"identity_ids": []string{someGrant(t, w, 9).ID}, "action": "revoke_grant"}
	if r := bot.do("POST", "/api/v1/plans", propose); r.status != 403 {
		t.Errorf("a read token proposing: %d, want 403", r.status)
	}
	writer := newClient(t, ts)
	writer.bearer = writeSecret
	if r := writer.do("POST", "/api/v1/plans", propose); r.status != 201 {
		t.Errorf("a write token proposing without CSRF: %d %s", r.status, r.body)
	}
	if r := writer.do("POST", "/api/v1/tokens", map[string]any{"name": "y", "scopes": []string{"read"}}); r.status != 403 {
		t.Errorf("a token minting a token: %d", r.status)
	}
	if r := analyst.do("DELETE", "/api/v1/tokens/"+readTok.ID, nil); r.status != 200 {
		t.Fatalf("revoke: %d %s", r.status, r.body)
	}
	if r := bot.do("GET", "/api/v1/identities", nil); r.status != 401 {
		t.Errorf("a revoked token: %d, want 401", r.status)
	}
	mu.Lock()
	now = now.Add(31 * 24 * time.Hour)
	mu.Unlock()
	if r := writer.do("GET", "/api/v1/identities", nil); r.status != 401 {
		t.Errorf("an expired token: %d, want 401", r.status)
	}
	for _, bad := range []string{"Bearer nhi_unknown", "Basic abc", "Bearer " + strings.TrimPrefix(writeSecret, "nhi_")} {
		c := newClient(t, ts)
		r := c.doWith("GET", "/api/v1/identities", nil, map[string]string{"Authorization": bad})
		if r.status != 401 {
			t.Errorf("Authorization %q: %d", bad, r.status)
		}
	}
	if n := auditCount(t, w, "token.revoked"); n == 0 {
		t.Error("the revocation is not audited")
	}
}

// TestBootstrap creates the first administrator once, with a password that signs in and
// is stored only as an argon2id hash, on each AuthStore.
func TestBootstrap(t *testing.T) {
	t.Parallel()
	w := sharedWorld(t)
	forEachBackend(t, func(t *testing.T, _ authBackend, auth web.AuthStore) {
		ctx := context.Background()
		pw, err := web.Bootstrap(ctx, auth, w.db, time.Now())
		if err != nil || len(pw) < 20 {
			t.Fatalf("Bootstrap = %q, %v", pw, err)
		}
		again, err := web.Bootstrap(ctx, auth, w.db, time.Now())
		if err != nil || again != "" {
			t.Fatalf("second Bootstrap = %q, %v; want nothing", again, err)
		}
		if n, err := auth.CountUsers(ctx); err != nil || n != 1 {
			t.Errorf("CountUsers after Bootstrap = %d, %v; want 1", n, err)
		}
		u, hash, err := auth.User(ctx, web.BootstrapUser)
		if err != nil || u.Role != web.RoleAdmin || !strings.HasPrefix(hash, "$argon2id$") || strings.Contains(hash, pw) {
			t.Fatalf("admin = %+v hash %q, %v", u, hash, err)
		}
		ts := w.server(t, web.Config{Auth: auth})
		c := newClient(t, ts)
		if r := c.do("POST", "/api/v1/session", map[string]string{"username": "admin", "password": pw}); r.status != 204 {
			t.Errorf("sign in with the bootstrap password: %d %s", r.status, r.body)
		}
		if err := web.CreateUser(ctx, auth, w.db, "admin", web.User{Name: "short", Role: web.RoleViewer}, "short", time.Now()); nhi.ErrorCode(err) != nhi.CodeInvalid {
			t.Errorf("a short password: %v", err)
		}
	})
}

// TestSecretsAreStoredHashed finds neither a session cookie nor an API token secret in
// the auth tables of each AuthStore, only their SHA-256, and finds the session gone after
// signing out.
func TestSecretsAreStoredHashed(t *testing.T) {
	t.Parallel()
	w := sharedWorld(t)
	forEachBackend(t, func(t *testing.T, b authBackend, auth web.AuthStore) {
		u := web.User{Name: "viewer", Email: "viewer@example.com", Role: web.RoleViewer}
		if err := web.CreateUser(t.Context(), auth, w.db, "test", u, password, time.Now()); err != nil {
			t.Fatal(err)
		}
		ts := w.server(t, web.Config{Auth: auth})
		c := signIn(t, ts, "viewer")
		r := c.do("POST", "/api/v1/tokens", map[string]any{"name": "hash check", "scopes": []string{"read"}})
		var tok struct {
			Secret string `json:"secret"`
		}
		decodeInto(t, r, &tok)
		base, _ := url.Parse(ts.URL)
		var cookie string
		for _, ck := range c.hc.Jar.Cookies(base) {
			if ck.Name == "nhi_session" {
				cookie = ck.Value
			}
		}
		if cookie == "" || tok.Secret == "" {
			t.Fatalf("cookie %q, secret %q", cookie, tok.Secret)
		}
		sessions, tokens := b.dump(t, "web_sessions"), b.dump(t, "web_tokens")
		if strings.Contains(sessions, cookie) || !strings.Contains(sessions, sha256Hex(cookie)) {
			t.Errorf("web_sessions holds the cookie, or not its hash:\n%s", sessions)
		}
		if strings.Contains(tokens, tok.Secret) || strings.Contains(tokens, strings.TrimPrefix(tok.Secret, "nhi_")) ||
			!strings.Contains(tokens, sha256Hex(tok.Secret)) {
			t.Errorf("web_tokens holds the secret, or not its hash:\n%s", tokens)
		}
		if r := c.do("DELETE", "/api/v1/session", nil); r.status != http.StatusNoContent {
			t.Fatalf("sign out: %d %s", r.status, r.body)
		}
		if sessions := b.dump(t, "web_sessions"); strings.Contains(sessions, sha256Hex(cookie)) {
			t.Errorf("the session outlives signing out:\n%s", sessions)
		}
	})
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}
