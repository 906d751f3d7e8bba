package googleworkspacesim

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/nhiscope/nhi/estate"
)

// simProjectNumber is the number of the simulated GCP project the service account lives in.
const simProjectNumber = "371925846012"

// Access tokens live an hour (Google answers expires_in 3599); at most maxAccessTokens are
// remembered, the oldest forgotten first.
const (
	accessTokenTTL  = time.Hour
	maxAccessTokens = 10_000
)

// scopeSet is a set of the Admin SDK scopes the simulator checks, as bits.
type scopeSet uint8

// The bits of scopeSet.
const (
	bitUserReadonly scopeSet = 1 << iota
	bitUser
	bitUserSecurity
	bitAuditReadonly
)

// scopeBits returns the bits of the known scopes among scopes.
func scopeBits(scopes []string) scopeSet {
	var s scopeSet
	for _, sc := range scopes {
		switch sc {
		case ScopeUserReadonly:
			s |= bitUserReadonly
		case ScopeUser:
			s |= bitUser
		case ScopeUserSecurity:
			s |= bitUserSecurity
		case ScopeAuditReadonly:
			s |= bitAuditReadonly
		}
	}
	return s
}

// accessToken is what the simulator remembers of an access token it issued.
type accessToken struct {
	subject int32 // the impersonated admin, a person index
	scopes  scopeSet
	expires time.Time
}

// authority is the simulated Google identity side: one service account with one key, and
// the access tokens issued to it.
type authority struct {
	email, clientID, projectID string

	keyOnce sync.Once
	key     *rsa.PrivateKey
	keyID   string
	keyErr  error

	mu        sync.RWMutex
	audiences map[string]bool
	tokens    map[string]accessToken
	order     []string // issue order, for eviction
}

// newAuthority derives the service account's names from the estate; the key is generated
// on first use.
func newAuthority(e *estate.Estate, domain string) *authority {
	h := mix64(hashString(fnvOffset, e.CustomerID+"\x00"+domain))
	project := fmt.Sprintf("nhi-sim-%06x", h&0xffffff)
	return &authority{
		email:     "nhi-scanner@" + project + ".iam.gserviceaccount.com",
		clientID:  fmt.Sprintf("10%019d", mix64(h)%10_000_000_000_000_000_000),
		projectID: project,
		audiences: map[string]bool{"https://oauth2.googleapis.com/token": true},
		tokens:    map[string]accessToken{},
	}
}

// signingKey returns the service account's key, generating it on first use.
func (a *authority) signingKey() (*rsa.PrivateKey, string, error) {
	a.keyOnce.Do(func() {
		a.key, a.keyErr = rsa.GenerateKey(rand.Reader, 2048)
		if a.keyErr != nil {
			a.keyErr = fmt.Errorf("generate service account key: %w", a.keyErr)
			return
		}
		der := x509.MarshalPKCS1PublicKey(&a.key.PublicKey)
		sum := sha256.Sum256(der)
		a.keyID = hex.EncodeToString(sum[:20])
	})
	return a.key, a.keyID, a.keyErr
}

// ServiceAccountKey returns a Google service-account JSON key file for the key the simulator
// issued and verifies, with token_uri set to baseURL+"/token". baseURL is where the handler
// is served (an httptest server's URL). It returns nil if the key cannot be generated.
func (s *Server) ServiceAccountKey(baseURL string) []byte {
	a := s.auth
	key, keyID, err := a.signingKey()
	if err != nil {
		return nil
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil
	}
	tokenURI := strings.TrimSuffix(baseURL, "/") + tokenPath
	a.mu.Lock()
	a.audiences[tokenURI] = true
	a.mu.Unlock()
	b, err := json.MarshalIndent(map[string]string{
		"type":                        "service_account",
		"project_id":                  a.projectID,
		"private_key_id":              keyID,
		"private_key":                 string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})),
		"client_email":                a.email,
		"client_id":                   a.clientID,
		"auth_uri":                    "https://accounts.google.com/o/oauth2/auth",
		"token_uri":                   tokenURI,
		"auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
		"client_x509_cert_url":        "https://www.googleapis.com/robot/v1/metadata/x509/" + a.email,
		"universe_domain":             "googleapis.com",
	}, "", "  ")
	if err != nil {
		return nil
	}
	return b
}

// ServiceAccountEmail returns the client_email of the simulated service account.
func (s *Server) ServiceAccountEmail() string { return s.auth.email }

// ServiceAccountClientID returns the OAuth client ID of the simulated service account: the
// client the admin audit log shows domain-wide delegation being authorized for.
func (s *Server) ServiceAccountClientID() string { return s.auth.clientID }

// AccessToken issues an access token directly, as the token endpoint would for a JWT
// impersonating subject (an active admin's email) with the given scopes. It is a shortcut
// for tests and benchmarks that do not exercise the OAuth flow.
func (s *Server) AccessToken(subject string, scopes ...string) (string, error) {
	p, err := s.checkSubject(subject)
	if err != nil {
		return "", err
	}
	if err := s.checkScopes(scopes); err != nil {
		return "", err
	}
	return s.auth.issue(p, scopeBits(scopes), s.clock()), nil
}

// issue mints an access token.
func (a *authority) issue(subject int32, scopes scopeSet, now time.Time) string {
	tok := "ya29." + rand.Text() + rand.Text()
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.tokens) >= maxAccessTokens {
		a.evict(now)
	}
	a.tokens[tok] = accessToken{subject: subject, scopes: scopes, expires: now.Add(accessTokenTTL)}
	a.order = append(a.order, tok)
	return tok
}

// evict forgets expired tokens, then the oldest, until there is room. a.mu is held.
func (a *authority) evict(now time.Time) {
	for k, t := range a.tokens {
		if !now.Before(t.expires) {
			delete(a.tokens, k)
		}
	}
	i := 0
	for ; i < len(a.order) && len(a.tokens) >= maxAccessTokens; i++ {
		delete(a.tokens, a.order[i])
	}
	live := a.order[:0]
	for _, k := range a.order[i:] {
		if _, ok := a.tokens[k]; ok {
			live = append(live, k)
		}
	}
	clear(a.order[len(live):])
	a.order = live
}

// lookup returns the live access token tok.
func (a *authority) lookup(tok string, now time.Time) (accessToken, bool) {
	a.mu.RLock()
	t, ok := a.tokens[tok]
	a.mu.RUnlock()
	return t, ok && now.Before(t.expires)
}

// audienceOK reports whether aud is a token URL the simulator answers to.
func (a *authority) audienceOK(aud, requestURL string) bool {
	if aud == requestURL {
		return true
	}
	a.mu.RLock()
	defer a.mu.RUnlock()
	return a.audiences[aud]
}
