package web

import (
	"crypto/subtle"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/nhiscope/nhi"
)

// permission is what an endpoint requires of its caller.
type permission int

// The permissions, from none to admin.
const (
	// permPublic needs no sign-in.
	permPublic permission = iota
	// permSession needs a signed-in browser (not an API token): managing one's tokens.
	permSession
	// permSignedIn needs any signed-in caller.
	permSignedIn
	permRead
	permWrite
	permApprove
	permAdmin
)

// The scopes of API tokens, one per permission a role can hold.
const (
	ScopeRead    = "read"
	ScopeWrite   = "write"
	ScopeApprove = "approve"
	ScopeAdmin   = "admin"
)

// Scopes lists the scopes an API token can carry.
func Scopes() []string { return []string{ScopeRead, ScopeWrite, ScopeApprove, ScopeAdmin} }

// scope is the token scope that grants p.
func (p permission) scope() string {
	switch p {
	case permWrite:
		return ScopeWrite
	case permApprove:
		return ScopeApprove
	case permAdmin:
		return ScopeAdmin
	}
	return ScopeRead
}

// minRole is the least role that holds p.
func (p permission) minRole() Role {
	switch p {
	case permWrite:
		return RoleAnalyst
	case permApprove:
		return RoleApprover
	case permAdmin:
		return RoleAdmin
	}
	return RoleViewer
}

// allows reports whether role r holds scope sc.
func (r Role) allows(sc string) bool {
	for _, p := range []permission{permRead, permWrite, permApprove, permAdmin} {
		if p.scope() == sc {
			return r.rank() >= p.minRole().rank()
		}
	}
	return false
}

// principal is the authenticated caller of a request.
type principal struct {
	User    User
	Session *Session
	Token   *Token
}

// actor names the caller in the audit trail.
func (p *principal) actor() string {
	if p == nil {
		return "anonymous"
	}
	if p.Token != nil {
		return p.User.Name + " (token " + p.Token.ID + ")"
	}
	return p.User.Name
}

// can reports whether the caller holds permission need: its role must, and an API token
// must also carry the matching scope.
func (p *principal) can(need permission) bool {
	if need <= permSignedIn {
		return true
	}
	if p.User.Role.rank() < need.minRole().rank() {
		return false
	}
	return p.Token == nil || slices.Contains(p.Token.Scopes, need.scope())
}

// sessionCookie is the name of the session cookie.
const sessionCookie = "nhi_session"

// tokenPrefix starts every API token's secret.
const tokenPrefix = "nhi_"

// authorize finds the caller of r and checks that it holds need; unsafe requests made
// with a session cookie must carry the session's CSRF token and, when the browser says
// where they come from, come from this server.
func (s *Server) authorize(r *http.Request, need permission) (*principal, error) {
	p, err := s.identify(r)
	if err != nil {
		return nil, err
	}
	switch {
	case need == permPublic:
		return p, nil
	case p == nil:
		return nil, nhi.Errorf(nhi.CodeUnauthorized, "sign in first")
	case need == permSession && p.Session == nil:
		return nil, nhi.Errorf(nhi.CodeForbidden, "this needs a signed-in browser session, not an API token")
	case !p.can(need):
		return nil, nhi.Errorf(nhi.CodeForbidden, "your role (%s) or token scope does not allow this: it needs %s", p.User.Role, need.minRole())
	}
	if p.Session != nil && unsafe(r.Method) {
		if err := checkCSRF(r, p.Session); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// identify returns the caller of r: an API token in the Authorization header, else the
// session of the cookie, else nil. A bad or expired token is an error; a bad cookie is
// treated as no session.
func (s *Server) identify(r *http.Request) (*principal, error) {
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, secret, _ := strings.Cut(h, " ")
		if !strings.EqualFold(scheme, "Bearer") || !strings.HasPrefix(secret, tokenPrefix) {
			return nil, nhi.Errorf(nhi.CodeUnauthorized, "the Authorization header must be Bearer nhi_...")
		}
		t, u, err := s.auth.TokenByHash(r.Context(), sha256Hex(secret))
		switch {
		case nhi.ErrorCode(err) == nhi.CodeNotFound:
			return nil, nhi.Errorf(nhi.CodeUnauthorized, "unknown API token")
		case err != nil:
			return nil, err
		case !t.RevokedAt.IsZero():
			return nil, nhi.Errorf(nhi.CodeUnauthorized, "this API token was revoked")
		case !s.now().Before(t.ExpiresAt):
			return nil, nhi.Errorf(nhi.CodeUnauthorized, "this API token expired")
		}
		return &principal{User: u, Token: &t}, nil
	}
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil, nil
	}
	sess, u, err := s.auth.Session(r.Context(), sha256Hex(c.Value))
	switch {
	case nhi.ErrorCode(err) == nhi.CodeNotFound:
		return nil, nil
	case err != nil:
		return nil, err
	case !s.now().Before(sess.ExpiresAt):
		return nil, nil
	}
	return &principal{User: u, Session: &sess}, nil
}

func unsafe(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return false
	}
	return true
}

// checkCSRF refuses an unsafe session request without the session's CSRF token, or
// whose Origin is another site.
func checkCSRF(r *http.Request, sess *Session) error {
	if !sameOrigin(r) {
		return nhi.Errorf(nhi.CodeForbidden, "cross-origin request refused")
	}
	got := r.Header.Get("X-CSRF-Token")
	if got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(sess.CSRF)) != 1 {
		return nhi.Errorf(nhi.CodeForbidden, "missing or wrong X-CSRF-Token header (GET /api/v1/me gives it)")
	}
	return nil
}

// sameOrigin reports whether the request's Origin header, when present, names this
// server's host.
func sameOrigin(r *http.Request) bool {
	o := r.Header.Get("Origin")
	if o == "" {
		return true
	}
	u, err := url.Parse(o)
	return err == nil && u.Host != "" && strings.EqualFold(u.Host, r.Host)
}

// String names the permission as the OpenAPI document's x-nhi-role does.
func (p permission) String() string {
	switch p {
	case permPublic:
		return "public"
	case permSession:
		return "session"
	case permSignedIn:
		return "signed-in"
	}
	return string(p.minRole())
}
