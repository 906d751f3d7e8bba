package monitor

import "strings"

// browsers are the browser product tokens, most specific first: a Chrome user agent
// also names Safari, and an Edge one names Chrome.
var browsers = []struct{ token, name string }{
	{"Edg/", "Edge"}, {"OPR/", "Opera"}, {"Firefox/", "Firefox"}, {"Chrome/", "Chrome"}, {"Safari/", "Safari"},
}

// clientFamily returns the family of a user agent: "browser:Chrome" for a browser, else
// the first product token without its version ("python-requests" for
// "python-requests/2.32.4", "Salesforce-CLI" for "Salesforce-CLI/1.0"). Empty for an
// empty or unknown agent.
func clientFamily(ua string) string {
	ua = strings.TrimSpace(ua)
	if ua == "" || strings.EqualFold(ua, "unknown") || ua == "-" {
		return ""
	}
	if strings.HasPrefix(ua, "Mozilla/") {
		for _, b := range browsers {
			if strings.Contains(ua, b.token) {
				return "browser:" + b.name
			}
		}
		return "browser"
	}
	tok := ua
	if i := strings.IndexAny(tok, " (;"); i >= 0 {
		tok = tok[:i]
	}
	if i := strings.IndexByte(tok, '/'); i >= 0 {
		tok = tok[:i]
	}
	if len(tok) > 64 {
		tok = tok[:64]
	}
	return tok
}
