package notify

import (
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/nhiscope/nhi"
)

// checkURL parses a notifier's destination: an absolute https URL, or an http URL to a
// loopback host (for tests and local relays), without credentials. Errors never repeat
// the URL: a webhook URL's path is often its secret.
func checkURL(raw string) (*url.URL, error) {
	if raw == "" {
		return nil, nhi.Errorf(nhi.CodeInvalid, "notify: URL is empty")
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return nil, nhi.Errorf(nhi.CodeInvalid, "notify: URL cannot be parsed")
	case u.User != nil:
		return nil, nhi.Errorf(nhi.CodeInvalid, "notify: URL must not carry credentials")
	case u.Hostname() == "" || u.Opaque != "":
		return nil, nhi.Errorf(nhi.CodeInvalid, "notify: URL must be absolute, with a host")
	case u.Scheme == "https":
		return u, nil
	case u.Scheme == "http" && loopback(u.Hostname()):
		return u, nil
	case u.Scheme == "http":
		return nil, nhi.Errorf(nhi.CodeInvalid, "notify: URL must use https (http only to a loopback host)")
	}
	return nil, nhi.Errorf(nhi.CodeInvalid, "notify: URL scheme must be https")
}

// loopback reports whether host is "localhost" or a loopback IP address.
func loopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// noCrossHostRedirects returns a copy of c (or of a default client) that follows only
// 307 and 308 redirects, which resend the body, to the same scheme and host, at most
// maxRedirects of them, and then applies c's own redirect policy. Any other redirect is
// returned as the answer, for the caller to refuse.
func noCrossHostRedirects(c *http.Client) *http.Client {
	var cp http.Client
	if c != nil {
		cp = *c
	}
	own := cp.CheckRedirect
	cp.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		first := via[0].URL
		status := 0
		if req.Response != nil {
			status = req.Response.StatusCode
		}
		if len(via) > maxRedirects || req.URL.Scheme != first.Scheme || req.URL.Host != first.Host ||
			(status != http.StatusTemporaryRedirect && status != http.StatusPermanentRedirect) {
			return http.ErrUseLastResponse
		}
		if own != nil {
			return own(req, via)
		}
		return nil
	}
	return &cp
}
