package okta

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/nhiscope/nhi/connector"
)

// pageSize is the limit list requests ask for: Okta's maximum for most lists.
const pageSize = "200"

// api sends requests to one org.
type api struct {
	hc       *http.Client
	base     string // the org URL, without a trailing slash
	progress func(connector.Progress)
}

// newAPI returns the api of one scan or call.
func (c *Connector) newAPI(ctx context.Context, progress func(connector.Progress)) *api {
	if progress == nil {
		progress = func(connector.Progress) {}
	}
	return &api{hc: c.client(ctx, progress), base: c.cfg.OrgURL, progress: progress}
}

// send makes one request to rel (a path with its query, or an absolute URL under base)
// and decodes a 2xx answer's JSON body into v (unless v is nil). It returns the answer's
// headers.
func (a *api) send(ctx context.Context, method, rel string, v any) (http.Header, error) {
	u := rel
	if !strings.HasPrefix(rel, "http://") && !strings.HasPrefix(rel, "https://") {
		u = a.base + rel
	}
	req, err := http.NewRequestWithContext(ctx, method, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := a.hc.Do(req)
	if err != nil {
		return nil, err
	}
	if err := checkResponse(resp); err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if v != nil && resp.StatusCode != http.StatusNoContent {
		if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
			return nil, fmt.Errorf("okta: decode %s: %w", resourceOf(req.URL.Path), err)
		}
	}
	return resp.Header, nil
}

// list gets rel and every page its Link rel="next" headers lead to, calling each with
// every page's items.
func list[T any](ctx context.Context, a *api, rel string, each func([]T) error) error {
	seen := map[string]bool{}
	for rel != "" {
		if seen[rel] {
			return errPageLoop
		}
		seen[rel] = true
		var page []T
		h, err := a.send(ctx, http.MethodGet, rel, &page)
		if err != nil {
			return err
		}
		a.progress(connector.Progress{Kind: connector.ProgressPage, Resource: resourceOf(pathOf(rel))})
		if err := each(page); err != nil {
			return err
		}
		if rel, err = a.next(h); err != nil {
			return err
		}
	}
	return nil
}

// next returns the rel="next" link of an answer's Link headers, "" for none; a link that
// leaves the org URL is an error, so that credentials never go elsewhere.
func (a *api) next(h http.Header) (string, error) {
	for _, v := range h.Values("Link") {
		for _, l := range strings.Split(v, ",") {
			target, params, ok := strings.Cut(strings.TrimSpace(l), ";")
			if !ok || !strings.Contains(strings.ReplaceAll(params, " ", ""), `rel="next"`) {
				continue
			}
			target = strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(target), "<"), ">")
			return a.local(target)
		}
	}
	return "", nil
}

// local checks that link is under the org URL and returns it.
func (a *api) local(link string) (string, error) {
	u, err := url.Parse(link)
	b, _ := url.Parse(a.base)
	if err != nil || !strings.EqualFold(u.Host, b.Host) || u.Scheme != b.Scheme {
		return "", errForeignLink
	}
	return link, nil
}

// pathOf returns the path of rel, a path with a query or an absolute URL.
func pathOf(rel string) string {
	if u, err := url.Parse(rel); err == nil {
		return u.Path
	}
	return rel
}
