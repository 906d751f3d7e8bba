package googleworkspace

import (
	"context"
	"net/http"
	"time"

	"golang.org/x/oauth2"
	admin "google.golang.org/api/admin/directory/v1"
	"google.golang.org/api/option"

	"github.com/nhiscope/nhi"
)

// services returns the clients of one scan: the Directory API client and the HTTP client
// under it, which the token audit log and the users' tokens are read with (see rest.go).
// Requests go through the throttling transport, authenticated with tokens obtained with ctx.
func (c *Connector) services(ctx context.Context, rep *syncReporter) (*admin.Service, *http.Client, error) {
	tctx := context.WithValue(ctx, oauth2.HTTPClient, c.base)
	auth := &oauth2.Transport{Source: tokenSource{src: c.source(tctx)}, Base: c.rt}
	t := &transport{base: auth, limiters: &c.limiters, policy: c.retry, progress: rep.progress,
		now: time.Now, sleep: sleepContext}
	hc := &http.Client{Transport: t}
	dir, err := admin.NewService(ctx, option.WithHTTPClient(hc), option.WithEndpoint(c.cfg.BaseURL))
	if err != nil {
		return nil, nil, nhi.WrapError(nhi.CodeInternal, err, "cannot set up the Directory API client")
	}
	return dir, hc, nil
}

// pages runs fetch for each page of a listing: fetch gets a page token ("" for the first
// page) and returns the next one ("" after the last).
func pages(fetch func(token string) (string, error)) error {
	seen := map[string]bool{}
	token := ""
	for range maxPages {
		next, err := fetch(token)
		if err != nil || next == "" {
			return err
		}
		if seen[next] {
			return errPageLoop
		}
		seen[next] = true
		token = next
	}
	return errPageLoop
}
