package entrasim

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"sync"
	"time"
)

// maxAccessTokens is how many access tokens are remembered; the oldest are forgotten first.
const maxAccessTokens = 10_000

// client is an app registration that can obtain tokens: a client ID, a secret, a
// certificate made on first use, and the application permissions of Microsoft Graph
// granted to it.
type client struct {
	id, name, secret string
	roles            []string

	certOnce sync.Once
	cert     *x509.Certificate
	key      *rsa.PrivateKey
	certErr  error
}

// accessToken is what the simulator remembers of an access token it issued: the roles
// granted when it was issued, as a real token carries them.
type accessToken struct {
	clientID, name string
	roles          []string
	expires        time.Time
}

// The states of a presented access token.
const (
	tokenUnknown = iota
	tokenStale
	tokenLive
)

// authority is the simulated Microsoft identity platform of the tenant: its client apps
// and the access tokens issued to them.
type authority struct {
	tenantID string
	ttl      time.Duration

	mu       sync.RWMutex
	clients  map[string]*client
	first    string // the default client
	tokens   map[string]accessToken
	tokOrder []string
}

// newAuthority returns an authority with no clients yet.
func newAuthority(tenantID string, ttl time.Duration) *authority {
	return &authority{tenantID: tenantID, ttl: ttl, clients: map[string]*client{}, tokens: map[string]accessToken{}}
}

// addClient registers a client app with a fresh secret.
func (a *authority) addClient(name string, roles []string) (*client, error) {
	if err := checkRoles(roles); err != nil {
		return nil, fmt.Errorf("entrasim: %w", err)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	c := &client{id: guid("entrasim client", a.tenantID, strconv.Itoa(len(a.clients))), name: name,
		secret: newSecret(), roles: slices.Clone(roles)}
	a.clients[c.id] = c
	if a.first == "" {
		a.first = c.id
	}
	return c, nil
}

// newSecret returns a client secret shaped like Entra's: three characters, "8Q~", and 34
// more.
func newSecret() string {
	t := rand.Text() + rand.Text()
	return t[:3] + "8Q~" + t[3:37]
}

// client returns the client with ID id.
func (a *authority) client(id string) (*client, bool) {
	a.mu.RLock()
	defer a.mu.RUnlock()
	c, ok := a.clients[id]
	return c, ok
}

// certificate returns the client's certificate and key, making them on first use.
func (c *client) certificate(now time.Time) (*x509.Certificate, *rsa.PrivateKey, error) {
	c.certOnce.Do(func() {
		key, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			c.certErr = fmt.Errorf("entrasim: generate certificate key: %w", err)
			return
		}
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(now.UnixNano()), Subject: pkix.Name{CommonName: c.name},
			NotBefore: now.Add(-time.Hour), NotAfter: now.AddDate(1, 0, 0), KeyUsage: x509.KeyUsageDigitalSignature}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
		if err == nil {
			c.cert, err = x509.ParseCertificate(der)
		}
		c.key, c.certErr = key, err
	})
	return c.cert, c.key, c.certErr
}

// thumbprint returns the base64url SHA-1 thumbprint of a certificate, as the x5t header of
// a client assertion carries it.
func thumbprint(cert *x509.Certificate) string {
	sum := sha1.Sum(cert.Raw)
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// issue mints an access token for c, with the roles c holds now.
func (a *authority) issue(c *client, now time.Time) (string, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	roles := slices.Clone(c.roles)
	exp := now.Add(a.ttl)
	claims, err := json.Marshal(map[string]any{"aud": "https://graph.microsoft.com",
		"iss": "https://sts.windows.net/" + a.tenantID + "/", "iat": now.Unix(), "nbf": now.Unix(), "exp": exp.Unix(),
		"app_displayname": c.name, "appid": c.id, "idtyp": "app", "roles": roles, "tid": a.tenantID, "ver": "1.0"})
	if err != nil {
		return "", fmt.Errorf("entrasim: token claims: %w", err)
	}
	sig := make([]byte, 64)
	_, _ = rand.Read(sig)
	tok := "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9." + base64.RawURLEncoding.EncodeToString(claims) + "." +
		base64.RawURLEncoding.EncodeToString(sig)
	if len(a.tokens) >= maxAccessTokens {
		a.evict(now)
	}
	a.tokens[tok] = accessToken{clientID: c.id, name: c.name, roles: roles, expires: exp}
	a.tokOrder = append(a.tokOrder, tok)
	return tok, nil
}

// evict forgets expired tokens, then the oldest, until there is room. a.mu is held.
func (a *authority) evict(now time.Time) {
	for k, t := range a.tokens {
		if !now.Before(t.expires) {
			delete(a.tokens, k)
		}
	}
	i := 0
	for ; i < len(a.tokOrder) && len(a.tokens) >= maxAccessTokens; i++ {
		delete(a.tokens, a.tokOrder[i])
	}
	live := a.tokOrder[:0]
	for _, k := range a.tokOrder[i:] {
		if _, ok := a.tokens[k]; ok {
			live = append(live, k)
		}
	}
	clear(a.tokOrder[len(live):])
	a.tokOrder = live
}

// lookup returns the access token tok and its state.
func (a *authority) lookup(tok string, now time.Time) (accessToken, int) {
	a.mu.RLock()
	t, ok := a.tokens[tok]
	a.mu.RUnlock()
	switch {
	case !ok:
		return t, tokenUnknown
	case !now.Before(t.expires):
		return t, tokenStale
	}
	return t, tokenLive
}

// errNoClient is returned for a client ID the simulator did not register.
var errNoClient = errors.New("entrasim: no such client")
