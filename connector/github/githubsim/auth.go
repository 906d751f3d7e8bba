package githubsim

import (
	"crypto/rand"
	"crypto/subtle"
	"maps"
	"math/big"
	"net/http"
	"strings"
	"time"
)

// tokenLife is how long installation tokens live.
const tokenLife = time.Hour

// maxTokens is how many installation tokens are remembered; expired ones are forgotten
// first when there are more.
const maxTokens = 10_000

// kind is the kind of credential a request presented.
type kind uint8

// The kinds of credential; kindNone is a request without a valid one.
const (
	kindNone kind = iota
	kindJWT
	kindInst
	kindOwner
)

// String returns the kind as Request.Token names it.
func (k kind) String() string {
	return [...]string{"", "app-jwt", "installation", "owner-pat"}[k]
}

// instToken is what the simulator remembers of an installation token it minted.
type instToken struct {
	install int64
	perms   map[string]string
	expires time.Time
}

// caller is the authenticated caller of an API request and what the request resolved.
type caller struct {
	kind kind
	// inst is the installation of an installation token; perms the token's own.
	inst  *install
	perms map[string]string
	// user is the account acting: the owner for the PAT, nhi's bot for an installation
	// token, -1 for a JWT.
	user int32
	// bucket keys the caller's rate limits; limitName names it in the exceeded message.
	bucket, limitName string
	// org and repo are the organization and repository the path names, -1 for none.
	org, repo int32
	// ignore says an Ignore fault matched: answer as if the change was made, change
	// nothing.
	ignore bool
}

// parseAuthorization splits an Authorization header into its scheme ("bearer" or
// "token", lower case) and credential; false for anything else.
func parseAuthorization(h string) (scheme, cred string, ok bool) {
	scheme, cred, ok = strings.Cut(strings.TrimSpace(h), " ")
	scheme = strings.ToLower(scheme)
	cred = strings.TrimSpace(cred)
	if !ok || (scheme != "bearer" && scheme != "token") || cred == "" || strings.ContainsAny(cred, " \t\r\n") {
		return "", "", false
	}
	return scheme, cred, true
}

// authenticate identifies the caller of r. A failure returns the answer GitHub gives:
// 401 Bad credentials, a JWT's own 401 message, or 403 for a suspended installation.
func (s *Server) authenticate(r *http.Request, now time.Time) (caller, *apiError) {
	c := caller{user: -1, org: -1, repo: -1}
	scheme, cred, ok := parseAuthorization(r.Header.Get("Authorization"))
	bad := badCredentials()
	switch {
	case !ok:
		return c, &bad
	case looksLikeJWT(cred):
		if scheme != "bearer" {
			e := jwtUndecodable()
			return c, &e
		}
		if e := s.verifyJWT(cred, now); e != nil {
			return c, e
		}
		c.kind, c.bucket, c.limitName = kindJWT, "app", "integration ID "+itoa(s.w.app.ID)
		return c, nil
	case subtle.ConstantTimeCompare([]byte(cred), []byte(s.ownerPAT)) == 1:
		c.kind, c.user = kindOwner, s.w.owner
		c.bucket, c.limitName = "owner", "user ID "+itoa(s.w.users[s.w.owner].ID)
		return c, nil
	}
	return s.installationCaller(c, cred, now)
}

// installationCaller authenticates an installation token.
func (s *Server) installationCaller(c caller, cred string, now time.Time) (caller, *apiError) {
	bad := badCredentials()
	s.tokMu.RLock()
	t, ok := s.tokens[cred]
	s.tokMu.RUnlock()
	if !ok || !now.Before(t.expires) {
		return c, &bad
	}
	s.w.mu.RLock()
	in := s.w.installs[s.w.instIdx[t.install]]
	gone, suspended := in.gone, !in.in.SuspendedAt.IsZero()
	s.w.mu.RUnlock()
	switch {
	case gone:
		return c, &bad
	case suspended:
		return c, &apiError{Status: http.StatusForbidden, Message: "This installation has been suspended"}
	}
	c.kind, c.inst, c.perms, c.user = kindInst, in, t.perms, s.w.bot
	c.bucket, c.limitName = "inst:"+itoa(t.install), "installation ID "+itoa(t.install)
	return c, nil
}

// mint returns a new installation token for in with perms, valid for an hour from now.
func (s *Server) mint(in *install, perms map[string]string, now time.Time) (string, time.Time) {
	tok := randomToken("ghs_")
	exp := now.Add(tokenLife)
	s.tokMu.Lock()
	defer s.tokMu.Unlock()
	if len(s.tokens) >= maxTokens {
		for k, t := range s.tokens {
			if !now.Before(t.expires) || len(s.tokens) >= maxTokens {
				delete(s.tokens, k)
			}
		}
	}
	s.tokens[tok] = instToken{install: in.in.ID, perms: maps.Clone(perms), expires: exp}
	return tok, exp
}

// base62 is the alphabet of GitHub's tokens.
const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// randomToken returns prefix and 36 random base62 characters, the shape of GitHub's
// tokens (ghp_, ghs_).
func randomToken(prefix string) string {
	b := make([]byte, 36)
	n := big.NewInt(int64(len(base62)))
	for i := range b {
		v, err := rand.Int(rand.Reader, n)
		if err != nil {
			panic("githubsim: crypto/rand failed: " + err.Error())
		}
		b[i] = base62[v.Int64()]
	}
	return prefix + string(b)
}

// The levels of a permission, in order; 0 is none.
func levelOf(v string) int {
	switch v {
	case "read":
		return 1
	case "write":
		return 2
	case "admin":
		return 3
	}
	return 0
}

// permitted reports whether an installation token may use perm at level need: both the
// token and the installation (now) must hold it.
func (s *Server) permitted(c caller, perm, need string) bool {
	if perm == "" {
		return true
	}
	s.w.mu.RLock()
	have := c.inst.in.Permissions[perm]
	s.w.mu.RUnlock()
	return levelOf(c.perms[perm]) >= levelOf(need) && levelOf(have) >= levelOf(need)
}
