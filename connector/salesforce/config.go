package salesforce

import (
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
)

// Defaults and bounds of Config.
const (
	// DefaultLoginURL is Salesforce's production login host; sandboxes use
	// https://test.salesforce.com.
	DefaultLoginURL = "https://login.salesforce.com"
	// DefaultAPIVersion is the REST API version the connector speaks.
	DefaultAPIVersion = "v62.0"
	// minAPIVersion is the first version with OauthToken.
	minAPIVersion      = 32
	DefaultConcurrency = 4
	MaxConcurrency     = 16
	// DefaultAPIReservePercent is the share of the org's daily API requests a scan leaves
	// untouched for the org's own integrations.
	DefaultAPIReservePercent = 10
	// MaxAPIReservePercent bounds the reserve.
	MaxAPIReservePercent = 90
)

// Config configures one Salesforce connector instance.
type Config struct {
	// Name is the instance name ("salesforce-prod").
	Name string
	// LoginURL is where the JWT bearer token request goes and the JWT's audience; ""
	// means DefaultLoginURL.
	LoginURL string
	// ConsumerKey is the consumer key of the connected app nhi signs in through.
	ConsumerKey string
	// Username is the username of the integration user the connected app pre-authorizes.
	Username string
	// PrivateKey references the PEM private key (RSA, PKCS#1 or PKCS#8) whose certificate
	// the connected app holds.
	PrivateKey connector.SecretRef
	// InstanceURL, when set, replaces the instance URL the token answer gives (for tests
	// and for pinning the org's My Domain).
	InstanceURL string
	// APIVersion is the REST API version ("v62.0"); "" means DefaultAPIVersion.
	APIVersion string
	// Concurrency is how many Metadata API reads run at once; 0 means DefaultConcurrency.
	Concurrency int
	// APIReservePercent is the share of the daily API allocation a scan or an events poll
	// never spends: it stops with CodeRateLimited instead. 0 means DefaultAPIReservePercent.
	APIReservePercent int
}

// versionPattern matches an API version as the REST paths spell it.
var versionPattern = regexp.MustCompile(`^v([0-9]{2,3})\.0$`)

// withDefaults returns c with its zero fields set to their defaults.
func (c Config) withDefaults() Config {
	if c.LoginURL == "" {
		c.LoginURL = DefaultLoginURL
	}
	c.LoginURL = strings.TrimSuffix(c.LoginURL, "/")
	c.InstanceURL = strings.TrimSuffix(c.InstanceURL, "/")
	if c.APIVersion == "" {
		c.APIVersion = DefaultAPIVersion
	}
	if c.Concurrency == 0 {
		c.Concurrency = DefaultConcurrency
	}
	if c.APIReservePercent == 0 {
		c.APIReservePercent = DefaultAPIReservePercent
	}
	return c
}

// Validate reports every problem of the configuration at once, without reading the
// private key. Each error is an *nhi.Error with CodeInvalid.
func (c Config) Validate() []error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, nhi.Errorf(nhi.CodeInvalid, "salesforce: "+format, args...))
	}
	if strings.TrimSpace(c.Name) == "" {
		bad("name is required")
	}
	if !printable(c.ConsumerKey, 256) {
		bad("consumer key is required: the connected app's consumer key (printable, at most 256 characters)")
	}
	if !printable(c.Username, 128) || !strings.Contains(c.Username, "@") {
		bad("username %q must be the integration user's Salesforce username (name@domain)", clip(c.Username, 64))
	}
	if err := c.PrivateKey.Validate(); err != nil {
		bad("private key: %s", nhi.ErrorMessage(err))
	}
	for _, u := range []struct{ name, v string }{{"login URL", c.LoginURL}, {"instance URL", c.InstanceURL}} {
		if msg := checkURL(u.v); msg != "" {
			bad("%s %q %s", u.name, clip(u.v, 200), msg)
		}
	}
	if c.APIVersion != "" && !validVersion(c.APIVersion) {
		bad("API version %q must look like v62.0 and be v%d.0 or later (OauthToken)", clip(c.APIVersion, 16), minAPIVersion)
	}
	if c.Concurrency < 0 || c.Concurrency > MaxConcurrency {
		bad("concurrency %d must be from 1 to %d (0 means %d)", c.Concurrency, MaxConcurrency, DefaultConcurrency)
	}
	if c.APIReservePercent < 0 || c.APIReservePercent > MaxAPIReservePercent {
		bad("API reserve %d%% must be from 1 to %d (0 means %d)", c.APIReservePercent, MaxAPIReservePercent,
			DefaultAPIReservePercent)
	}
	return errs
}

// validVersion reports whether v is "vNN.0" with NN at least minAPIVersion.
func validVersion(v string) bool {
	m := versionPattern.FindStringSubmatch(v)
	if m == nil {
		return false
	}
	n, err := strconv.Atoi(m[1])
	return err == nil && n >= minAPIVersion
}

// printable reports whether s is 1 to n bytes of printable ASCII without spaces.
func printable(s string, n int) bool {
	if s == "" || len(s) > n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
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
	case err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Hostname() == "" || p.User != nil:
		return "must be an absolute https URL"
	case p.RawQuery != "" || p.Fragment != "" || (p.Path != "" && p.Path != "/"):
		return "must be a bare origin (scheme and host), without path, query or fragment"
	case p.Scheme == "http" && !loopback(p.Hostname()):
		return "must use https: access tokens must not cross a network in cleartext " +
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

// clip cleans s and cuts it to at most n bytes, for messages.
func clip(s string, n int) string { return shorten(nhi.CleanText(s), n) }

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
