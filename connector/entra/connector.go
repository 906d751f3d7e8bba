package entra

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
)

// Connector discovers the non-human identities of one Entra tenant. It is safe for
// concurrent use, though scans of one tenant are best run one at a time.
type Connector struct {
	cfg   Config
	env   connector.Env
	creds *clientcredentials.Config
	// base sends token requests; rt is the transport Graph requests go out on.
	base *http.Client
	rt   http.RoundTripper
	// limiters pace Graph and its reports, which have quotas of their own; they keep what
	// they learned across scans.
	limiters [apiCount]*limiter
	retry    retryPolicy
	// sleep waits on the real clock; tests replace it.
	sleep func(context.Context, time.Duration) error
	// rem holds what remediation shares across calls (see remediate.go).
	rem remediation
}

var _ connector.Connector = (*Connector)(nil)

// New validates cfg, reads the client secret and returns the connector. It makes no
// request: the credentials are first used by Discover.
func New(cfg Config, env connector.Env) (*Connector, error) {
	if errs := cfg.Validate(); len(errs) > 0 {
		return nil, nhi.WrapError(nhi.CodeInvalid, errors.Join(errs...), "invalid Microsoft Entra configuration")
	}
	cfg = cfg.withDefaults()
	secret, err := cfg.ClientSecret.Resolve()
	if err != nil {
		return nil, err
	}
	s := strings.TrimSpace(string(secret))
	if s == "" {
		return nil, nhi.Errorf(nhi.CodeInvalid, "entra: client secret %s is empty", cfg.ClientSecret)
	}
	c := &Connector{cfg: cfg, env: env, base: env.Client(), retry: defaultRetryPolicy(), sleep: sleepContext,
		creds: &clientcredentials.Config{ClientID: cfg.ClientID, ClientSecret: s, TokenURL: cfg.TokenURL,
			Scopes: []string{GraphScope}, AuthStyle: oauth2.AuthStyleInParams}}
	c.rt = c.base.Transport
	if c.rt == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = 2 * cfg.Concurrency
		c.rt = t
	}
	// The limiters pace by the wall clock, not env.Now: that is the clock of the tenant's
	// data, which a test may freeze.
	for i := range c.limiters {
		c.limiters[i] = newLimiter(time.Now)
	}
	return c, nil
}

// Info describes the instance; Tenant is the configured tenant ID.
func (c *Connector) Info() connector.Info {
	return connector.Info{Name: c.cfg.Name, Platform: nhi.PlatformEntra, Tenant: c.cfg.TenantID}
}

// describe names the credentials for an operator, without the secret.
func (c *Connector) describe() string {
	return fmt.Sprintf("app %s in tenant %s", c.cfg.ClientID, c.cfg.TenantID)
}

// client returns the HTTP client of one scan and its token source: requests are
// authenticated with tokens obtained with ctx (token requests go out on the base client),
// then paced, retried and capped by the throttling transport, which reports to progress.
func (c *Connector) client(ctx context.Context, progress func(connector.Progress)) (*http.Client, oauth2.TokenSource) {
	tctx := context.WithValue(ctx, oauth2.HTTPClient, c.base)
	src := tokenSource{src: c.creds.TokenSource(tctx)}
	t := &transport{base: &oauth2.Transport{Source: src, Base: c.rt}, limiters: &c.limiters, policy: c.retry,
		progress: progress, now: time.Now, sleep: c.sleep}
	return &http.Client{Transport: t, CheckRedirect: noRedirects}, src
}

// noRedirects refuses redirects: Graph sends none, and following one could carry the
// bearer token to another host.
func noRedirects(*http.Request, []*http.Request) error { return errRedirect }
