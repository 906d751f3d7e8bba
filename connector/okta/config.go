package okta

import (
	"net"
	"net/url"
	"strings"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
)

// The okta.* scopes discovery needs, all read-only, when nhi signs in as an OAuth service
// app. An API token (SSWS) has no scopes: it acts with its creator's admin roles, so a
// token for nhi should be created by a Read-Only Administrator.
const (
	ScopeUsersRead     = "okta.users.read"
	ScopeRolesRead     = "okta.roles.read"
	ScopeAppsRead      = "okta.apps.read"
	ScopeAPITokensRead = "okta.apiTokens.read"
	ScopeAppGrantsRead = "okta.appGrants.read"
	ScopeLogsRead      = "okta.logs.read"
)

// The okta.* scopes remediation needs on top of the read-only ones.
const (
	ScopeUsersManage     = "okta.users.manage"
	ScopeAppsManage      = "okta.apps.manage"
	ScopeAPITokensManage = "okta.apiTokens.manage"
	ScopeAppGrantsManage = "okta.appGrants.manage"
)

// ReadScopes returns the scopes discovery and events need: an administrator grants them
// to nhi's service app (and assigns it the Read-Only Administrator role).
func ReadScopes() []string {
	return []string{ScopeUsersRead, ScopeRolesRead, ScopeAppsRead, ScopeAPITokensRead, ScopeAppGrantsRead, ScopeLogsRead}
}

// RemediationScopes returns the scopes remediation needs on top of ReadScopes.
func RemediationScopes() []string {
	return []string{ScopeUsersManage, ScopeAppsManage, ScopeAPITokensManage, ScopeAppGrantsManage}
}

// Config configures one Okta connector instance. It authenticates with either an API
// token (Token) or an OAuth service app (ClientID and PrivateKey, private_key_jwt), not
// both.
type Config struct {
	// Name is the instance name ("okta-prod").
	Name string
	// OrgURL is the org's URL ("https://example.okta.com"); its host is the tenant.
	OrgURL string
	// Token references an API token, sent as "Authorization: SSWS <token>".
	Token connector.SecretRef
	// ClientID is the client ID of nhi's OAuth service app.
	ClientID string
	// PrivateKey references the app's RSA private key (PEM, PKCS#1 or PKCS#8) that signs
	// its client assertions; KeyID, if set, is sent as the assertion's kid.
	PrivateKey connector.SecretRef
	KeyID      string
	// Scopes are the scopes the service app asks for; nil means ReadScopes(). A
	// remediating instance adds RemediationScopes().
	Scopes []string
}

// oauth reports whether c signs in as a service app.
func (c Config) oauth() bool { return c.ClientID != "" || c.PrivateKey != "" }

// withDefaults returns c with its zero fields set to their defaults.
func (c Config) withDefaults() Config {
	c.OrgURL = strings.TrimSuffix(strings.TrimSpace(c.OrgURL), "/")
	if c.Scopes == nil {
		c.Scopes = ReadScopes()
	}
	return c
}

// Validate reports every problem of the configuration at once, without reading the
// secrets. Each error is an *nhi.Error with CodeInvalid.
func (c Config) Validate() []error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, nhi.Errorf(nhi.CodeInvalid, "okta: "+format, args...))
	}
	if strings.TrimSpace(c.Name) == "" {
		bad("name is required")
	}
	if c.OrgURL == "" {
		bad("org_url is required (https://<org>.okta.com)")
	} else if msg := checkURL(c.OrgURL); msg != "" {
		bad("org_url %q %s", nhi.CleanText(shorten(c.OrgURL, 200)), msg)
	}
	switch {
	case c.Token != "" && c.oauth():
		bad("set either token (an API token) or client_id and private_key (an OAuth service app), not both")
	case c.Token != "":
		if err := c.Token.Validate(); err != nil {
			bad("token: %s", nhi.ErrorMessage(err))
		}
	case c.oauth():
		if strings.TrimSpace(c.ClientID) == "" {
			bad("client_id is required with private_key")
		}
		if err := c.PrivateKey.Validate(); err != nil {
			bad("private_key: %s", nhi.ErrorMessage(err))
		}
	default:
		bad("credentials are required: token (env:NAME) or client_id and private_key")
	}
	for _, s := range c.Scopes {
		if !strings.HasPrefix(s, "okta.") {
			bad("scope %q is not an Okta management scope (okta.*)", nhi.CleanText(shorten(s, 64)))
		}
	}
	return errs
}

// checkURL returns what is wrong with the org URL, or "".
func checkURL(v string) string {
	p, err := url.Parse(v)
	switch {
	case err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Hostname() == "" || p.User != nil:
		return "must be an absolute https URL"
	case p.RawQuery != "" || p.Fragment != "" || strings.Trim(p.Path, "/") != "":
		return "must be the org's root URL, without a path, query or fragment"
	case p.Scheme == "http" && !loopback(p.Hostname()):
		return "must use https: API tokens must not cross a network in cleartext " +
			"(http is allowed only to localhost, 127.0.0.0/8 and ::1)"
	}
	return ""
}

// loopback reports whether host (a URL's hostname) is this machine.
func loopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
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
