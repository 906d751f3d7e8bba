package github

import (
	"fmt"
	"net"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
)

// Defaults and bounds of Config.
const (
	// DefaultAPIURL is the root of GitHub's REST API on github.com.
	DefaultAPIURL      = "https://api.github.com/"
	DefaultConcurrency = 8
	MaxConcurrency     = 64
	// DefaultMaxWait bounds the time one request may spend waiting on GitHub's rate
	// limits before the connector gives up on it with CodeRateLimited.
	DefaultMaxWait = 15 * time.Minute
	// MaxMaxWait is the largest MaxWait accepted: a primary rate limit resets within an hour.
	MaxMaxWait = 2 * time.Hour
	// MaxOrganizations bounds the organizations of one instance.
	MaxOrganizations = 100
)

// Config configures one GitHub connector instance. In App mode (AppID and PrivateKey)
// nhi's GitHub App, installed on each organization it scans, reads everything, and an
// organization owner's classic personal access token (Token, optional) reads what only
// such a token may. In token mode (Token alone, AppID 0, no PrivateKey) that token reads
// everything it can; fine-grained token grants and requests, which GitHub serves to
// GitHub App installation tokens only, are then not read.
type Config struct {
	// Name is the instance name ("github-prod").
	Name string `yaml:"name"`
	// Organizations are the logins of the organizations to scan.
	Organizations []string `yaml:"organizations"`
	// AppID is the numeric ID of nhi's GitHub App; 0 (with no PrivateKey) selects token mode.
	AppID int64 `yaml:"app_id"`
	// ClientID is the app's client ID ("Iv23..."), optional: it is learned from the
	// installations otherwise. Self reports it so that nhi never acts on its own app.
	ClientID string `yaml:"client_id"`
	// PrivateKey references the app's private key (PEM).
	PrivateKey connector.SecretRef `yaml:"private_key"`
	// InstallationIDs gives the app's installation ID per organization login; an
	// organization not listed is looked up with GET /orgs/{org}/installation.
	InstallationIDs map[string]int64 `yaml:"installation_ids"`
	// Token references an organization owner's classic personal access token, authorized
	// for SAML single sign-on. In App mode it is optional (scopes read:org or admin:org,
	// and read:audit_log): SAML credential authorizations, their revocation and the audit
	// log need it. In token mode it is the only credential (see doc.go for its scopes).
	Token connector.SecretRef `yaml:"token"`
	// APIURL is the root of the REST API; "" means DefaultAPIURL. GitHub Enterprise
	// Server's is "https://HOST/api/v3/".
	APIURL string `yaml:"api_url"`
	// Concurrency bounds the listings running at once; 0 means DefaultConcurrency.
	Concurrency int `yaml:"concurrency"`
	// MaxWait bounds the rate-limit waits of one request; 0 means DefaultMaxWait.
	MaxWait time.Duration `yaml:"max_wait"`
}

// Settings returns the configuration keys of a github connector entry, for the
// configuration loader: each is the yaml name of a Config field.
func Settings() []string {
	return []string{"organizations", "app_id", "client_id", "private_key", "installation_ids", "token", "api_url",
		"concurrency", "max_wait"}
}

// loginPattern matches a GitHub organization or user login.
var loginPattern = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9]|-[A-Za-z0-9]){0,38}$`)

// validLogin reports whether s can be a GitHub login.
func validLogin(s string) bool { return loginPattern.MatchString(s) }

// withDefaults returns c with its zero fields set to their defaults.
func (c Config) withDefaults() Config {
	if c.APIURL == "" {
		c.APIURL = DefaultAPIURL
	}
	if !strings.HasSuffix(c.APIURL, "/") {
		c.APIURL += "/"
	}
	if c.Concurrency == 0 {
		c.Concurrency = DefaultConcurrency
	}
	if c.MaxWait == 0 {
		c.MaxWait = DefaultMaxWait
	}
	c.Organizations = slices.Clone(c.Organizations)
	return c
}

// Validate reports every problem of the configuration at once, without reading a secret.
// Each error is an *nhi.Error with CodeInvalid.
func (c Config) Validate() []error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, nhi.Errorf(nhi.CodeInvalid, "github: "+format, args...))
	}
	if strings.TrimSpace(c.Name) == "" {
		bad("name is required")
	}
	c.validateOrgs(bad)
	c.validateAuth(bad)
	if msg := checkURL(c.APIURL); msg != "" {
		bad("API URL %q %s", nhi.CleanText(shorten(c.APIURL, 200)), msg)
	}
	if c.Concurrency < 0 || c.Concurrency > MaxConcurrency {
		bad("concurrency %d must be from 1 to %d (0 means %d)", c.Concurrency, MaxConcurrency, DefaultConcurrency)
	}
	if c.MaxWait < 0 || c.MaxWait > MaxMaxWait {
		bad("max wait %s must be at most %s (0 means %s)", c.MaxWait, MaxMaxWait, DefaultMaxWait)
	}
	return errs
}

// validateAuth reports the problems of the credentials: App mode (app_id and
// private_key, optionally token) or token mode (token alone), never neither.
func (c Config) validateAuth(bad func(string, ...any)) {
	switch {
	case c.AppID == 0 && c.PrivateKey == "" && c.Token == "":
		bad("credentials are required: either a GitHub App (app_id and private_key, optionally token) " +
			"or an organization owner's classic personal access token alone (token)")
		return
	case c.tokenOnly():
		if c.ClientID != "" || len(c.InstallationIDs) > 0 {
			bad("client_id and installation_ids apply to a GitHub App only: set app_id and private_key, or remove them")
		}
	default:
		if c.AppID <= 0 {
			bad("app ID %d must be the GitHub App's numeric ID (Settings > Developer settings > GitHub Apps)", c.AppID)
		}
		if c.ClientID != "" && !validClientID(c.ClientID) {
			bad("client ID %q is not a GitHub App client ID", nhi.CleanText(shorten(c.ClientID, 64)))
		}
		if err := c.PrivateKey.Validate(); err != nil {
			bad("private key: %s", nhi.ErrorMessage(err))
		}
	}
	if c.Token != "" {
		if err := c.Token.Validate(); err != nil {
			bad("token: %s", nhi.ErrorMessage(err))
		}
	}
}

// tokenOnly reports whether the instance authenticates with Token alone (no app_id,
// no private_key): token mode.
func (c Config) tokenOnly() bool { return c.AppID == 0 && c.PrivateKey == "" && c.Token != "" }

// validateOrgs reports the problems of the organizations and installation IDs.
func (c Config) validateOrgs(bad func(string, ...any)) {
	if len(c.Organizations) == 0 {
		bad("organizations: at least one organization login is required")
	}
	if len(c.Organizations) > MaxOrganizations {
		bad("organizations: at most %d per instance", MaxOrganizations)
	}
	seen := map[string]bool{}
	for _, o := range c.Organizations {
		switch {
		case !validLogin(o):
			bad("organization %q is not a GitHub login", nhi.CleanText(shorten(o, 64)))
		case seen[strings.ToLower(o)]:
			bad("organization %q is listed twice", o)
		}
		seen[strings.ToLower(o)] = true
	}
	for o, id := range c.InstallationIDs {
		switch {
		case !seen[strings.ToLower(o)]:
			bad("installation ID given for %q, which is not among the organizations", nhi.CleanText(shorten(o, 64)))
		case id <= 0:
			bad("installation ID %d of %s must be positive", id, o)
		}
	}
}

// validClientID reports whether s looks like a GitHub App client ID ("Iv1." or "Iv23"
// followed by letters and digits).
func validClientID(s string) bool {
	if len(s) < 6 || len(s) > 64 || !strings.HasPrefix(s, "Iv") {
		return false
	}
	for _, r := range s {
		if !(r == '.' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

// checkURL returns what is wrong with the API URL, or "" (also for "", the default).
func checkURL(v string) string {
	if v == "" {
		return ""
	}
	p, err := url.Parse(v)
	switch {
	case err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Hostname() == "" || p.User != nil:
		return "must be an absolute https URL"
	case p.RawQuery != "" || p.Fragment != "":
		return "must not have a query or fragment"
	case p.Scheme == "http" && !loopback(p.Hostname()):
		return "must use https: tokens must not cross a network in cleartext " +
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

// describe names the instance's credential for an operator: its app, or in token mode
// the token's reference (never the token).
func (c Config) describe() string {
	if c.tokenOnly() {
		return "the owner token " + string(c.Token)
	}
	return fmt.Sprintf("GitHub App %d", c.AppID)
}
