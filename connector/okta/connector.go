package okta

import (
	"context"
	"crypto/rsa"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
)

// Connector discovers the non-human identities of one Okta org: API tokens, OAuth service
// apps and people's OAuth grants. It is safe for concurrent use.
type Connector struct {
	cfg    Config
	env    connector.Env
	tenant string
	// token is the API token (SSWS); key the service app's private key (OAuth).
	token string
	key   *rsa.PrivateKey
	// base sends requests (token requests too); rt is its transport.
	base  *http.Client
	rt    http.RoundTripper
	retry retryPolicy
	sleep func(context.Context, time.Duration) error
	cache tokenCache
}

var _ connector.Connector = (*Connector)(nil)

// New validates cfg, reads the credentials and returns the connector. It makes no
// request: the credentials are first used by Discover.
func New(cfg Config, env connector.Env) (*Connector, error) {
	if errs := cfg.Validate(); len(errs) > 0 {
		return nil, nhi.WrapError(nhi.CodeInvalid, errors.Join(errs...), "invalid Okta configuration")
	}
	cfg = cfg.withDefaults()
	u, _ := url.Parse(cfg.OrgURL) // Validate parsed it
	c := &Connector{cfg: cfg, env: env, tenant: strings.ToLower(u.Hostname()), base: env.Client(),
		retry: defaultRetryPolicy(), sleep: sleepContext}
	c.rt = c.base.Transport
	if c.rt == nil {
		c.rt = http.DefaultTransport
	}
	if cfg.Token != "" {
		b, err := cfg.Token.Resolve()
		if err != nil {
			return nil, err
		}
		if c.token = strings.TrimSpace(string(b)); c.token == "" {
			return nil, nhi.Errorf(nhi.CodeInvalid, "okta: API token %s is empty", cfg.Token)
		}
		return c, nil
	}
	b, err := cfg.PrivateKey.Resolve()
	if err != nil {
		return nil, err
	}
	if c.key, err = parseKey(b); err != nil {
		return nil, nhi.WrapError(nhi.CodeInvalid, err, "okta: private key "+string(cfg.PrivateKey)+" is not an RSA private key in PEM")
	}
	return c, nil
}

// Info describes the instance; Tenant is the org's host name.
func (c *Connector) Info() connector.Info {
	return connector.Info{Name: c.cfg.Name, Platform: nhi.PlatformOkta, Tenant: c.tenant}
}

// describe names the credentials for an operator, without the secret.
func (c *Connector) describe() string {
	if c.token != "" {
		return "the API token " + string(c.cfg.Token) + " of org " + c.cfg.OrgURL
	}
	return "service app " + c.cfg.ClientID + " of org " + c.cfg.OrgURL
}

// client returns the HTTP client of one scan: requests carry the credentials, are paced,
// retried and reported by the throttling transport, and are never redirected.
func (c *Connector) client(ctx context.Context, progress func(connector.Progress)) *http.Client {
	t := &transport{base: &authTransport{c: c, ctx: ctx}, policy: c.retry, progress: progress, now: time.Now, sleep: c.sleep}
	return &http.Client{Transport: t, CheckRedirect: func(*http.Request, []*http.Request) error { return errRedirect }}
}

// authTransport adds the Authorization header: SSWS with the API token, or Bearer with an
// access token of the service app, obtained with the scan's context.
type authTransport struct {
	c   *Connector
	ctx context.Context
}

// RoundTrip sends a copy of req with credentials.
func (t *authTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context())
	if t.c.token != "" {
		r.Header.Set("Authorization", "SSWS "+t.c.token)
		return t.c.rt.RoundTrip(r)
	}
	tok, err := t.c.accessToken(req.Context())
	if err != nil {
		return nil, err
	}
	r.Header.Set("Authorization", "Bearer "+tok)
	return t.c.rt.RoundTrip(r)
}

// sleepContext waits d or until ctx ends.
func sleepContext(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
