package slack

import (
	"net"
	"net/url"
	"strings"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
)

// Defaults of Config.
const (
	DefaultAPIURL   = "https://slack.com/api/"
	DefaultAuditURL = "https://api.slack.com/audit/v1/"
)

// Scopes returns the OAuth scopes of the org-level user token discovery and remediation
// need: admin.apps:read (app lists and requests), admin (team.integrationLogs), users:read
// and users:read.email (users.list, bots.info), auditlogs:read (the Audit Logs API, which
// needs an Org Owner's token) and admin.apps:write (uninstall and restrict only).
func Scopes() []string {
	return []string{"admin.apps:read", "admin", "users:read", "users:read.email", "auditlogs:read", "admin.apps:write"}
}

// Config configures one Slack connector instance.
type Config struct {
	// Name is the instance name ("slack-prod").
	Name string
	// EnterpriseID is the Enterprise Grid organization's ID ("E..."); TeamID the
	// workspace's ("T...") for a workspace without Grid. Exactly one is set.
	EnterpriseID, TeamID string
	// AppID is the ID of the Slack app nhi's token belongs to ("A..."): remediation never
	// touches it (see Connector.Self).
	AppID string
	// Token references the user token ("env:SLACK_TOKEN").
	Token connector.SecretRef
	// APIURL is the Web API base; "" means DefaultAPIURL. AuditURL is the Audit Logs API
	// base; "" means DefaultAuditURL.
	APIURL, AuditURL string
}

// tenant returns the instance's tenant: the organization's or the workspace's ID.
func (c Config) tenant() string { return c.EnterpriseID + c.TeamID }

// withDefaults returns c with its zero fields set to their defaults.
func (c Config) withDefaults() Config {
	if c.APIURL == "" {
		c.APIURL = DefaultAPIURL
	}
	if c.AuditURL == "" {
		c.AuditURL = DefaultAuditURL
	}
	for _, u := range []*string{&c.APIURL, &c.AuditURL} {
		if !strings.HasSuffix(*u, "/") {
			*u += "/"
		}
	}
	return c
}

// Validate reports every problem of the configuration at once, without reading the
// token. Each error is an *nhi.Error with CodeInvalid.
func (c Config) Validate() []error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, nhi.Errorf(nhi.CodeInvalid, "slack: "+format, args...))
	}
	if strings.TrimSpace(c.Name) == "" {
		bad("name is required")
	}
	switch {
	case (c.EnterpriseID == "") == (c.TeamID == ""):
		bad("set exactly one of enterprise ID (an Enterprise Grid org, E...) and team ID (a workspace, T...)")
	case c.EnterpriseID != "" && !slackID(c.EnterpriseID, 'E'):
		bad("enterprise ID %q must look like E0123ABCD", nhi.CleanText(shorten(c.EnterpriseID, 40)))
	case c.TeamID != "" && !slackID(c.TeamID, 'T'):
		bad("team ID %q must look like T0123ABCD", nhi.CleanText(shorten(c.TeamID, 40)))
	}
	if !slackID(c.AppID, 'A') {
		bad("app ID %q must be the ID of nhi's own Slack app, like A0123ABCD", nhi.CleanText(shorten(c.AppID, 40)))
	}
	if err := c.Token.Validate(); err != nil {
		bad("token: %s", nhi.ErrorMessage(err))
	}
	for _, u := range []struct{ name, v string }{{"API URL", c.APIURL}, {"audit URL", c.AuditURL}} {
		if msg := checkURL(u.v); msg != "" {
			bad("%s %q %s", u.name, nhi.CleanText(shorten(u.v, 200)), msg)
		}
	}
	return errs
}

// slackID reports whether s is a Slack ID with the prefix: uppercase letters and digits.
func slackID(s string, prefix byte) bool {
	if len(s) < 3 || len(s) > 20 || s[0] != prefix {
		return false
	}
	for _, c := range []byte(s) {
		if (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// checkURL returns what is wrong with an endpoint URL, or "" (also for "", the default).
func checkURL(v string) string {
	if v == "" {
		return ""
	}
	p, err := url.Parse(v)
	switch {
	case err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Hostname() == "" || p.User != nil ||
		p.RawQuery != "" || p.Fragment != "":
		return "must be an absolute https URL without query"
	case p.Scheme == "http" && !loopback(p.Hostname()):
		return "must use https: the token must not cross a network in cleartext (http only to localhost)"
	}
	return ""
}

// loopback reports whether host is this machine.
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
