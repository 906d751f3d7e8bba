package github

import (
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
	gh "github.com/google/go-github/v89/github"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector/internal/answers"
)

// Token lifetimes.
const (
	// jwtBackdate and jwtLifetime set a JWT's iat and exp around now: GitHub accepts an
	// iat up to 60 seconds in the past (against clock drift) and an exp at most 10 minutes
	// after it. The JWT keeps whole seconds, truncated: 59 s keeps iat within 60 s.
	jwtBackdate = 59 * time.Second
	jwtLifetime = 9 * time.Minute
	// tokenMargin is how long before its expiry an installation token is replaced.
	tokenMargin = 5 * time.Minute
)

// parsePrivateKey reads the app's PEM private key; the error names the reference only.
func parsePrivateKey(pem []byte, ref string) (*rsa.PrivateKey, error) {
	key, err := jwt.ParseRSAPrivateKeyFromPEM(pem)
	if err != nil {
		return nil, nhi.Errorf(nhi.CodeInvalid,
			"github: private key %s is not an RSA private key in PEM form (download it from the app's settings page)", ref)
	}
	return key, nil
}

// appJWT returns a JSON web token authenticating as the app, valid around now.
func appJWT(appID int64, key *rsa.PrivateKey, now time.Time) (string, error) {
	claims := jwt.RegisteredClaims{
		Issuer:    strconv.FormatInt(appID, 10),
		IssuedAt:  jwt.NewNumericDate(now.Add(-jwtBackdate)),
		ExpiresAt: jwt.NewNumericDate(now.Add(jwtLifetime)),
	}
	return jwt.NewWithClaims(jwt.SigningMethodRS256, claims).SignedString(key)
}

// authError marks a failure to authenticate as the app or to obtain an installation
// token, or in token mode to read an organization with the token: it ends the scan.
type authError struct {
	org string
	err error
	// token marks token mode's first read of the organization.
	token bool
}

// Error describes the failure.
func (e *authError) Error() string {
	if e.token {
		return fmt.Sprintf("read organization %s with the token: %v", e.org, e.err)
	}
	return fmt.Sprintf("obtain installation token for %s: %v", e.org, e.err)
}

// Unwrap returns the cause.
func (e *authError) Unwrap() error { return e.err }

// installToken is the cached installation token of one organization. Its mutex is held
// while a token is obtained, so concurrent requests wait for one exchange.
type installToken struct {
	mu      sync.Mutex
	id      int64
	token   string
	expires time.Time
}

// credentials holds what the connector authenticates with and the installation tokens
// it obtained, shared by every scan; it is safe for concurrent use.
type credentials struct {
	appID int64
	key   *rsa.PrivateKey
	// owner is the owner PAT, "" when none is configured.
	owner string
	now   func() time.Time

	mu       sync.Mutex
	tokens   map[string]*installToken // by lower-case organization login
	clientID string                   // learned from the installations
	// ownCreds are the credential IDs of the owner token's own SAML credential
	// authorizations, learned from the listings.
	ownCreds map[int64]bool
}

// entry returns the token cache entry of org.
func (c *credentials) entry(org string) *installToken {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.tokens[strings.ToLower(org)]
	if e == nil {
		e = &installToken{}
		c.tokens[strings.ToLower(org)] = e
	}
	return e
}

// learnClientID records the app's client ID.
func (c *credentials) learnClientID(id string) {
	if id == "" {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.clientID = id
}

// installationID returns org's installation ID if it is known already.
func (c *credentials) installationID(org string) int64 {
	e := c.entry(org)
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.id
}

// token returns a valid installation token of org, exchanging the app's JWT for a new
// one through app (a client authenticating with the JWT) when the cached one is near
// its expiry.
func (c *credentials) token(ctx context.Context, org string, app *gh.Client) (string, error) {
	e := c.entry(org)
	e.mu.Lock()
	defer e.mu.Unlock()
	now := c.now()
	if e.token != "" && now.Add(tokenMargin).Before(e.expires) {
		return e.token, nil
	}
	if e.id == 0 {
		inst, _, err := app.Apps.GetOrganizationInstallation(ctx, org)
		if err != nil {
			return "", &authError{org: org, err: err}
		}
		e.id = inst.GetID()
		c.learnClientID(inst.GetClientID())
	}
	tok, _, err := app.Apps.CreateInstallationToken(ctx, e.id, nil)
	if err != nil {
		return "", &authError{org: org, err: err}
	}
	if tok.GetToken() == "" {
		return "", &authError{org: org, err: errors.New("GitHub answered an empty installation token")}
	}
	e.token, e.expires = tok.GetToken(), tok.GetExpiresAt().Time
	if e.expires.IsZero() {
		e.expires = now.Add(time.Hour)
	}
	return e.token, nil
}

// drop forgets org's cached token if it is still tok.
func (c *credentials) drop(org, tok string) {
	e := c.entry(org)
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.token == tok {
		e.token = ""
	}
}

// jwtTransport authenticates requests as the app, with a fresh JWT each time.
type jwtTransport struct {
	creds *credentials
	base  http.RoundTripper
}

// RoundTrip signs a JWT and sends req with it.
func (t *jwtTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	tok, err := appJWT(t.creds.appID, t.creds.key, t.creds.now())
	if err != nil {
		closeBody(req)
		return nil, &authError{org: "the app", err: err}
	}
	return t.base.RoundTrip(withAuth(req, "Bearer "+tok))
}

// installTransport authenticates requests with an organization's installation token.
type installTransport struct {
	creds *credentials
	org   string
	app   *gh.Client
	base  http.RoundTripper
}

// RoundTrip sends req with a valid installation token. An answer 401 drops the cached
// token (expired early, or revoked) and the request is sent once more with a new one.
func (t *installTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	for try := 0; ; try++ {
		tok, err := t.creds.token(req.Context(), t.org, t.app)
		if err != nil {
			closeBody(req)
			return nil, err
		}
		r := withAuth(req, "Bearer "+tok)
		if try > 0 && req.GetBody != nil {
			if r.Body, err = req.GetBody(); err != nil {
				return nil, err
			}
		}
		resp, err := t.base.RoundTrip(r)
		if err != nil || resp.StatusCode != http.StatusUnauthorized || try > 0 || !replayable(req) {
			return resp, err
		}
		t.creds.drop(t.org, tok)
		answers.Discard(resp)
	}
}

// replayable reports whether req can be sent again.
func replayable(req *http.Request) bool {
	return req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
}

// ownerTransport authenticates requests with the owner's personal access token.
type ownerTransport struct {
	token string
	base  http.RoundTripper
}

// RoundTrip sends req with the owner's token.
func (t *ownerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	return t.base.RoundTrip(withAuth(req, "token "+t.token))
}

// withAuth returns a copy of req with the Authorization header set.
func withAuth(req *http.Request, value string) *http.Request {
	r := req.Clone(req.Context())
	r.Header.Set("Authorization", value)
	return r
}

// closeBody closes the body of a request that will not be sent, as RoundTrip must.
func closeBody(req *http.Request) {
	if req.Body != nil {
		_ = req.Body.Close()
	}
}
