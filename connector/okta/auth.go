package okta

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector/internal/answers"
)

// assertionLifetime is how long a client assertion is valid: Okta takes at most an hour.
const assertionLifetime = 5 * time.Minute

// tokenError is a refusal of the token endpoint.
type tokenError struct {
	Status      int
	Code, Descr string
}

// Error describes the refusal.
func (e *tokenError) Error() string {
	return fmt.Sprintf("okta token endpoint answered %d %s: %s", e.Status, e.Code, e.Descr)
}

// parseKey reads an RSA private key from PEM (PKCS#1 or PKCS#8).
func parseKey(b []byte) (*rsa.PrivateKey, error) {
	block, _ := pem.Decode(b)
	if block == nil {
		return nil, errors.New("no PEM block")
	}
	if k, err := x509.ParsePKCS1PrivateKey(block.Bytes); err == nil {
		return k, nil
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, errors.New("neither PKCS#1 nor PKCS#8")
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, errors.New("not an RSA key")
	}
	return rk, nil
}

// tokenCache holds the service app's current access token.
type tokenCache struct {
	mu     sync.Mutex
	token  string
	expiry time.Time
}

// accessToken returns a valid access token of the service app, fetching one with ctx when
// the cached one is about to expire.
func (c *Connector) accessToken(ctx context.Context) (string, error) {
	c.cache.mu.Lock()
	defer c.cache.mu.Unlock()
	if c.cache.token != "" && time.Until(c.cache.expiry) > time.Minute {
		return c.cache.token, nil
	}
	tok, expiry, err := c.fetchToken(ctx)
	if err != nil {
		return "", err
	}
	c.cache.token, c.cache.expiry = tok, expiry
	return tok, nil
}

// fetchToken requests an access token for the configured scopes with private_key_jwt
// client credentials.
func (c *Connector) fetchToken(ctx context.Context) (string, time.Time, error) {
	tokenURL := c.cfg.OrgURL + "/oauth2/v1/token"
	now := time.Now()
	jti := make([]byte, 16)
	_, _ = rand.Read(jti)
	claims := jwt.RegisteredClaims{Issuer: c.cfg.ClientID, Subject: c.cfg.ClientID, Audience: jwt.ClaimStrings{tokenURL},
		IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(assertionLifetime)), ID: hex.EncodeToString(jti)}
	t := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	if c.cfg.KeyID != "" {
		t.Header["kid"] = c.cfg.KeyID
	}
	assertion, err := t.SignedString(c.key)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("okta: sign client assertion: %w", err)
	}
	form := url.Values{"grant_type": {"client_credentials"}, "scope": {strings.Join(c.cfg.Scopes, " ")},
		"client_assertion_type": {"urn:ietf:params:oauth:client-assertion-type:jwt-bearer"}, "client_assertion": {assertion}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, tokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return "", time.Time{}, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := c.rt.RoundTrip(req)
	if err != nil {
		return "", time.Time{}, err
	}
	defer answers.Discard(resp)
	var body struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int    `json:"expires_in"`
		Error       string `json:"error"`
		Descr       string `json:"error_description"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, answers.MaxErrorBody)).Decode(&body); err != nil && resp.StatusCode == 200 {
		return "", time.Time{}, fmt.Errorf("okta: token answer: %w", err)
	}
	if resp.StatusCode != http.StatusOK || body.AccessToken == "" {
		return "", time.Time{}, &tokenError{Status: resp.StatusCode, Code: shorten(nhi.CleanText(body.Error), 64),
			Descr: shorten(nhi.CleanText(body.Descr), 200)}
	}
	return body.AccessToken, now.Add(time.Duration(body.ExpiresIn) * time.Second), nil
}
