// Package googleworkspace is nhi's connector for Google Workspace. It discovers the OAuth
// grants users gave third-party apps (Directory API tokens), with when they were given and
// last used (Reports API token audit log), and the people who gave them (Directory API
// users), through a service account with domain-wide delegation that impersonates an
// admin. Discovery only reads; the Remediator methods (remediate.go) delete users' grants.
// The scopes it asks for are read-only where Google has one.
package googleworkspace

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/google"
	"golang.org/x/oauth2/jwt"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
)

// The least-privilege OAuth scopes the connector asks domain-wide delegation for.
const (
	ScopeUserReadonly  = "https://www.googleapis.com/auth/admin.directory.user.readonly"
	ScopeUserSecurity  = "https://www.googleapis.com/auth/admin.directory.user.security"
	ScopeAuditReadonly = "https://www.googleapis.com/auth/admin.reports.audit.readonly"
)

// Scopes returns the OAuth scopes an admin must grant the service account's client ID in
// the domain-wide delegation settings.
func Scopes() []string { return []string{ScopeUserReadonly, ScopeUserSecurity, ScopeAuditReadonly} }

// Defaults of Config.
const (
	DefaultCustomer    = "my_customer"
	DefaultBaseURL     = "https://admin.googleapis.com/"
	DefaultConcurrency = 8
	// MaxConcurrency bounds Config.Concurrency.
	MaxConcurrency = 64
)

// Config configures one Google Workspace connector instance.
type Config struct {
	// Name is the instance name ("google-prod").
	Name string
	// Customer is the Google customer ID to scan; "" means DefaultCustomer, the customer
	// of AdminEmail.
	Customer string
	// AdminEmail is the admin the service account impersonates.
	AdminEmail string
	// Credentials references the service account's JSON key.
	Credentials connector.SecretRef
	// BaseURL is the root of the Admin SDK; "" means DefaultBaseURL.
	BaseURL string
	// TokenURL overrides the OAuth token endpoint of the key file; "" keeps the key's.
	TokenURL string
	// Concurrency is how many users' tokens are listed at once; 0 means DefaultConcurrency.
	Concurrency int
}

// validCustomer reports whether s looks like a Google customer ID ("C01b2c3d4") or
// "my_customer": 1 to 64 ASCII letters, digits and underscores.
func validCustomer(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

// loopback reports whether host (a URL's hostname) is this machine: localhost or a
// loopback address (127.0.0.0/8, ::1).
func loopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// withDefaults returns c with its zero fields set to their defaults.
func (c Config) withDefaults() Config {
	if c.Customer == "" {
		c.Customer = DefaultCustomer
	}
	if c.BaseURL == "" {
		c.BaseURL = DefaultBaseURL
	}
	if !strings.HasSuffix(c.BaseURL, "/") {
		c.BaseURL += "/"
	}
	if c.Concurrency == 0 {
		c.Concurrency = DefaultConcurrency
	}
	return c
}

// Validate reports every problem of the configuration at once, without reading the
// credentials. Each error is an *nhi.Error with CodeInvalid.
func (c Config) Validate() []error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, nhi.Errorf(nhi.CodeInvalid, "googleworkspace: "+format, args...))
	}
	if strings.TrimSpace(c.Name) == "" {
		bad("name is required")
	}
	if c.Customer != "" && !validCustomer(c.Customer) {
		bad("customer %q is not a Google customer ID (like C01b2c3d4) or my_customer", nhi.CleanText(c.Customer))
	}
	if at := strings.IndexByte(c.AdminEmail, '@'); at <= 0 || at == len(c.AdminEmail)-1 || strings.ContainsAny(c.AdminEmail, " \t\r\n") {
		bad("admin email %q must be the email address of an admin to impersonate", nhi.CleanText(c.AdminEmail))
	}
	if err := c.Credentials.Validate(); err != nil {
		bad("credentials: %s", nhi.ErrorMessage(err))
	}
	for _, u := range []struct{ name, v string }{{"base URL", c.BaseURL}, {"token URL", c.TokenURL}} {
		if u.v == "" {
			continue
		}
		p, err := url.Parse(u.v)
		switch {
		case err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Hostname() == "":
			bad("%s %q must be an absolute https URL", u.name, nhi.CleanText(u.v))
		case p.Scheme == "http" && !loopback(p.Hostname()):
			bad("%s %q must use https: access tokens and signed assertions must not cross a network in "+
				"cleartext (http is allowed only to localhost, 127.0.0.0/8 and ::1)", u.name, nhi.CleanText(u.v))
		}
	}
	if c.Concurrency < 0 || c.Concurrency > MaxConcurrency {
		bad("concurrency %d must be from 1 to %d (0 means %d)", c.Concurrency, MaxConcurrency, DefaultConcurrency)
	}
	return errs
}

// keyInfo holds the public parts of a service account key, for messages.
type keyInfo struct {
	Email    string `json:"client_email"`
	KeyID    string `json:"private_key_id"`
	ClientID string `json:"client_id"`
}

// Connector discovers the OAuth grants of one Google Workspace tenant. It is safe for
// concurrent use, though scans of one tenant are best run one at a time.
type Connector struct {
	cfg Config
	env connector.Env
	jwt *jwt.Config
	// source returns the token source of a scan; it is jwt's, but for fuzz tests.
	source func(ctx context.Context) oauth2.TokenSource
	key    keyInfo
	base   *http.Client
	rt     http.RoundTripper
	// limiters pace the Directory and Reports APIs, which have quotas of their own; they
	// keep what they learned across scans.
	limiters [apiCount]*limiter
	retry    retryPolicy
	// rem holds the client the Remediator methods share (see remediate.go).
	rem remediation

	mu     sync.Mutex
	tenant string
}

var _ connector.Connector = (*Connector)(nil)

// New validates cfg, reads the service account key and returns the connector. It makes no
// request: credentials are first used by Discover.
func New(cfg Config, env connector.Env) (*Connector, error) {
	if errs := cfg.Validate(); len(errs) > 0 {
		return nil, nhi.WrapError(nhi.CodeInvalid, errors.Join(errs...), "invalid Google Workspace configuration")
	}
	cfg = cfg.withDefaults()
	key, err := cfg.Credentials.Resolve()
	if err != nil {
		return nil, err
	}
	jc, err := google.JWTConfigFromJSON(key, Scopes()...)
	if err != nil {
		// The cause may quote the key file; it is left out.
		return nil, nhi.Errorf(nhi.CodeInvalid, "googleworkspace: credentials %s are not a service account JSON key", cfg.Credentials)
	}
	var info keyInfo
	_ = json.Unmarshal(key, &info) // JWTConfigFromJSON parsed it already
	info.Email, info.KeyID, info.ClientID = nhi.CleanText(info.Email), nhi.CleanText(info.KeyID), nhi.CleanText(info.ClientID)
	jc.Subject = cfg.AdminEmail
	if cfg.TokenURL != "" {
		jc.TokenURL = cfg.TokenURL
	}
	c := &Connector{cfg: cfg, env: env, jwt: jc, source: jc.TokenSource, key: info, base: env.Client(),
		retry: defaultRetryPolicy()}
	c.rt = c.base.Transport
	if c.rt == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = 2 * cfg.Concurrency
		c.rt = t
	}
	// The limiters pace by the wall clock, not env.Now: that is the clock of the tenant's
	// data, which a test may freeze.
	for i := range c.limiters {
		c.limiters[i] = newLimiter(time.Now, sleepContext)
	}
	if cfg.Customer != DefaultCustomer {
		c.tenant = cfg.Customer
	}
	return c, nil
}

// Info describes the instance. Tenant is the customer ID the last scan found, or the
// configured one before the first scan.
func (c *Connector) Info() connector.Info {
	c.mu.Lock()
	defer c.mu.Unlock()
	return connector.Info{Name: c.cfg.Name, Platform: nhi.PlatformGoogleWorkspace, Tenant: c.tenant}
}

// setTenant records the tenant a scan found.
func (c *Connector) setTenant(t string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.tenant = t
}

// describe names the credentials for an operator, without any secret.
func (c *Connector) describe() string {
	return fmt.Sprintf("service account %s (key %s, client ID %s) impersonating %s",
		orUnknown(c.key.Email), orUnknown(c.key.KeyID), orUnknown(c.key.ClientID), c.cfg.AdminEmail)
}

// orUnknown returns s, or "unknown" for "".
func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}
