package oktasim

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/hex"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// accessTokenLifetime is how long access tokens live, as Okta's org authorization server
// issues them (one hour).
const accessTokenLifetime = time.Hour

// authority is the org authorization server: the service app allowed to use it, its key
// pair (made on first use) and the access tokens issued.
type authority struct {
	clientID string
	scopes   []string

	keyOnce sync.Once
	priv    *rsa.PrivateKey
	keyErr  error

	mu     sync.Mutex
	tokens map[string]issued
	jtis   map[string]bool
}

// issued is an access token the authority issued.
type issued struct {
	scopes  []string
	expires time.Time
}

// newAuthority returns the authority of the client holding scopes.
func newAuthority(clientID string, scopes []string) *authority {
	return &authority{clientID: clientID, scopes: slices.Clone(scopes), tokens: map[string]issued{}, jtis: map[string]bool{}}
}

// key returns the client's private key, made on first use.
func (a *authority) key() (*rsa.PrivateKey, error) {
	a.keyOnce.Do(func() { a.priv, a.keyErr = rsa.GenerateKey(rand.Reader, 2048) })
	return a.priv, a.keyErr
}

// issue returns a new access token for scopes, valid from now.
func (a *authority) issue(scopes []string, now time.Time) string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	tok := "eyJsim." + hex.EncodeToString(b)
	a.mu.Lock()
	defer a.mu.Unlock()
	for k, v := range a.tokens { // forget expired tokens
		if now.After(v.expires) {
			delete(a.tokens, k)
		}
	}
	a.tokens[tok] = issued{scopes: scopes, expires: now.Add(accessTokenLifetime)}
	return tok
}

// principal is who a request comes from: an SSWS token (every permission) or an access
// token's scopes.
type principal struct {
	ssws   bool
	scopes []string
}

// can reports whether p holds scope; a .manage scope implies its .read.
func (p principal) can(scope string) bool {
	if p.ssws || slices.Contains(p.scopes, scope) {
		return true
	}
	if base, ok := strings.CutSuffix(scope, ".read"); ok {
		return slices.Contains(p.scopes, base+".manage")
	}
	return false
}

// authenticate returns the principal of r, or false when its credentials are missing,
// unknown or expired.
func (s *Server) authenticate(r *http.Request) (principal, bool) {
	h := r.Header.Get("Authorization")
	if tok, ok := strings.CutPrefix(h, "SSWS "); ok {
		return principal{ssws: true}, tok == s.opts.APIToken
	}
	tok, ok := strings.CutPrefix(h, "Bearer ")
	if !ok {
		return principal{}, false
	}
	a := s.auth
	a.mu.Lock()
	defer a.mu.Unlock()
	is, ok := a.tokens[tok]
	if !ok || s.clock().After(is.expires) {
		return principal{}, false
	}
	return principal{scopes: is.scopes}, true
}
