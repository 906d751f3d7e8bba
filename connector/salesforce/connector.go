package salesforce

import (
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
)

// Connector discovers the non-human identities of one Salesforce org, revokes their
// access and reads the org's login and API events. It is safe for concurrent use.
type Connector struct {
	cfg Config
	env connector.Env
	key *rsa.PrivateKey
	// hc sends every request; it follows no redirect.
	hc *http.Client
	// sessMu guards sess, the current session (nil before the first sign-in).
	sessMu sync.Mutex
	sess   *session
	retry  retryPolicy
	// sleep waits on the real clock; tests replace it.
	sleep func(context.Context, time.Duration) error
	// usage is what the last Sforce-Limit-Info header said.
	usage apiUsage
	// selfMu guards selfApp, the ConnectedApplication ID of nhi's own connected app once
	// a Metadata read found it.
	selfMu  sync.Mutex
	selfApp string
	// maxFiles bounds the event log files one events poll reads.
	maxFiles int
	// noEventFiles is set once the org refused EventLogFile, so the warning is logged once.
	noEventFiles sync.Once
}

var (
	_ connector.Connector   = (*Connector)(nil)
	_ connector.Remediator  = (*Connector)(nil)
	_ connector.EventSource = (*Connector)(nil)
)

// New validates cfg, reads and parses the private key and returns the connector. It
// makes no request: the first sign-in happens on first use.
func New(cfg Config, env connector.Env) (*Connector, error) {
	if errs := cfg.Validate(); len(errs) > 0 {
		return nil, nhi.WrapError(nhi.CodeInvalid, errors.Join(errs...), "invalid Salesforce configuration")
	}
	cfg = cfg.withDefaults()
	pem, err := cfg.PrivateKey.Resolve()
	if err != nil {
		return nil, err
	}
	key, err := jwt.ParseRSAPrivateKeyFromPEM(pem)
	clear(pem)
	if err != nil {
		// The parser's message says what is wrong with the encoding, not the key.
		return nil, nhi.Errorf(nhi.CodeInvalid,
			"salesforce: private key %s is not a PEM RSA private key (PKCS#1 or PKCS#8)", cfg.PrivateKey)
	}
	base := env.Client()
	hc := &http.Client{Transport: base.Transport, Timeout: base.Timeout, Jar: base.Jar, CheckRedirect: noRedirects}
	return &Connector{cfg: cfg, env: env, key: key, hc: hc, retry: defaultRetryPolicy(), sleep: sleepContext,
		maxFiles: defaultMaxFiles}, nil
}

// Info describes the instance; Tenant is the org ID once a sign-in has given it, ""
// before.
func (c *Connector) Info() connector.Info {
	c.sessMu.Lock()
	defer c.sessMu.Unlock()
	info := connector.Info{Name: c.cfg.Name, Platform: nhi.PlatformSalesforce}
	if c.sess != nil {
		info.Tenant = c.sess.orgID
	}
	return info
}

// describe names the credentials for an operator, without the key.
func (c *Connector) describe() string {
	return fmt.Sprintf("integration user %s (connected app %s)", clip(c.cfg.Username, 128), clip(shortKey(c.cfg.ConsumerKey), 40))
}

// shortKey returns the start of a consumer key, enough to recognise it.
func shortKey(k string) string {
	if len(k) > 12 {
		return k[:12] + "..."
	}
	return k
}

// noRedirects refuses redirects: Salesforce's APIs send none that the connector needs,
// and following one could carry the session to another host.
func noRedirects(*http.Request, []*http.Request) error { return errRedirect }

// sleepContext waits d or until ctx ends.
func sleepContext(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// isCanceled reports whether err is a context's end.
func isCanceled(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}
