package entra

import (
	"net"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
)

// The Graph application permissions discovery needs, all read-only.
const (
	// PermissionApplication reads applications, service principals, their owners and
	// app role assignments, and their delta queries.
	PermissionApplication = "Application.Read.All"
	// PermissionDirectory reads oauth2PermissionGrants and their delta query (Microsoft's
	// least-privileged permission for both).
	PermissionDirectory = "Directory.Read.All"
	// PermissionUser lists the tenant's users.
	PermissionUser = "User.Read.All"
	// PermissionAuditLog reads the sign-in activity reports of service principals and
	// credentials (beta; the tenant needs Entra ID P1 or P2).
	PermissionAuditLog = "AuditLog.Read.All"
)

// Permissions returns the Graph application permissions an administrator must grant
// (with admin consent) to the app nhi authenticates as: the least-privileged one of each
// endpoint discovery reads. All of them only read.
func Permissions() []string {
	return []string{PermissionApplication, PermissionDirectory, PermissionUser, PermissionAuditLog}
}

// Defaults and bounds of Config.
const (
	DefaultGraphURL     = "https://graph.microsoft.com/"
	DefaultAuthorityURL = "https://login.microsoftonline.com/"
	// GraphScope is the scope of the client-credentials token request.
	GraphScope         = "https://graph.microsoft.com/.default"
	DefaultConcurrency = 8
	MaxConcurrency     = 64
	// DefaultFullScanInterval is how old the last full scan may be before an incremental
	// scan turns into a full one, picking up what delta queries do not track (application
	// permissions, owners, last use).
	DefaultFullScanInterval = 24 * time.Hour
	// MaxFullScanInterval stays below the seven days Graph keeps delta links of identity
	// resources.
	MaxFullScanInterval = 6 * 24 * time.Hour
)

// Config configures one Entra connector instance.
type Config struct {
	// Name is the instance name ("entra-prod").
	Name string
	// TenantID is the directory (tenant) ID, a GUID.
	TenantID string
	// ClientID is the application (client) ID of the app registration nhi signs in as.
	ClientID string
	// ClientSecret references that app's client secret.
	ClientSecret connector.SecretRef
	// GraphURL is the root of Microsoft Graph; "" means DefaultGraphURL.
	GraphURL string
	// TokenURL is the token endpoint; "" means DefaultAuthorityURL + TenantID +
	// "/oauth2/v2.0/token".
	TokenURL string
	// Concurrency is how many owner and app role assignment listings run at once; 0 means
	// DefaultConcurrency.
	Concurrency int
	// FullScanInterval is how often an incremental scan is replaced by a full one; 0 means
	// DefaultFullScanInterval.
	FullScanInterval time.Duration
}

// guidPattern matches a GUID as Graph writes them.
var guidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// isGUID reports whether s is a GUID.
func isGUID(s string) bool { return guidPattern.MatchString(s) }

// loopback reports whether host (a URL's hostname) is this machine.
func loopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// withDefaults returns c with its zero fields set to their defaults.
func (c Config) withDefaults() Config {
	c.TenantID, c.ClientID = strings.ToLower(c.TenantID), strings.ToLower(c.ClientID)
	if c.GraphURL == "" {
		c.GraphURL = DefaultGraphURL
	}
	if !strings.HasSuffix(c.GraphURL, "/") {
		c.GraphURL += "/"
	}
	if c.TokenURL == "" {
		c.TokenURL = DefaultAuthorityURL + c.TenantID + "/oauth2/v2.0/token"
	}
	if c.Concurrency == 0 {
		c.Concurrency = DefaultConcurrency
	}
	if c.FullScanInterval == 0 {
		c.FullScanInterval = DefaultFullScanInterval
	}
	return c
}

// Validate reports every problem of the configuration at once, without reading the
// secret. Each error is an *nhi.Error with CodeInvalid.
func (c Config) Validate() []error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, nhi.Errorf(nhi.CodeInvalid, "entra: "+format, args...))
	}
	if strings.TrimSpace(c.Name) == "" {
		bad("name is required")
	}
	if !isGUID(c.TenantID) {
		bad("tenant ID %q must be the directory (tenant) ID, a GUID", nhi.CleanText(shorten(c.TenantID, 64)))
	}
	if !isGUID(c.ClientID) {
		bad("client ID %q must be the application (client) ID, a GUID", nhi.CleanText(shorten(c.ClientID, 64)))
	}
	if err := c.ClientSecret.Validate(); err != nil {
		bad("client secret: %s", nhi.ErrorMessage(err))
	}
	for _, u := range []struct{ name, v string }{{"graph URL", c.GraphURL}, {"token URL", c.TokenURL}} {
		if msg := checkURL(u.v); msg != "" {
			bad("%s %q %s", u.name, nhi.CleanText(shorten(u.v, 200)), msg)
		}
	}
	if p, err := url.Parse(c.GraphURL); err == nil && (p.RawQuery != "" || p.Fragment != "") {
		bad("graph URL %q must not have a query or fragment", nhi.CleanText(shorten(c.GraphURL, 200)))
	}
	if c.Concurrency < 0 || c.Concurrency > MaxConcurrency {
		bad("concurrency %d must be from 1 to %d (0 means %d)", c.Concurrency, MaxConcurrency, DefaultConcurrency)
	}
	if c.FullScanInterval < 0 || c.FullScanInterval > MaxFullScanInterval {
		bad("full scan interval %s must be at most %s (Graph keeps delta links for seven days; 0 means %s)",
			c.FullScanInterval, MaxFullScanInterval, DefaultFullScanInterval)
	}
	return errs
}

// checkURL returns what is wrong with an endpoint URL, or "" (also for "", the default).
func checkURL(v string) string {
	if v == "" {
		return ""
	}
	p, err := url.Parse(v)
	switch {
	case err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Hostname() == "" || p.User != nil:
		return "must be an absolute https URL"
	case p.Scheme == "http" && !loopback(p.Hostname()):
		return "must use https: access tokens and client secrets must not cross a network in cleartext " +
			"(http is allowed only to localhost, 127.0.0.0/8 and ::1)"
	}
	return ""
}

// shorten cuts s to at most n bytes at a rune boundary.
func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}
