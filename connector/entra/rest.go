package entra

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/nhiscope/nhi/connector"
)

// maxPages bounds one listing, against a server that pages forever.
const maxPages = 1 << 20

// pageSize is the $top of the listings that take one: the most Graph serves.
const pageSize = "999"

// graph sends the requests of one scan to the configured Graph URL.
type graph struct {
	hc *http.Client
	// base is the configured Graph URL, ending in "/"; every request and every link
	// followed lies below it.
	base     string
	progress func(connector.Progress)
}

// get sends a GET for base+rel and decodes a successful answer into v.
func (g *graph) get(ctx context.Context, rel string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, g.base+rel, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := g.hc.Do(req)
	if err != nil {
		return err
	}
	if err := checkResponse(resp); err != nil {
		return err
	}
	defer resp.Body.Close()
	return json.NewDecoder(resp.Body).Decode(v)
}

// relative returns link (a nextLink or deltaLink) relative to the Graph URL, or
// errForeignLink when it points anywhere else: the bearer token goes only there.
func (g *graph) relative(link string) (string, error) {
	rel, ok := strings.CutPrefix(link, g.base)
	if !ok || rel == "" || strings.ContainsAny(rel, "#\\") || strings.HasPrefix(rel, "/") {
		return "", errForeignLink
	}
	return rel, nil
}

// list reads every page of the collection at rel (relative to the Graph URL), passing
// the objects of each page to each, and returns the relative delta link of the last page
// ("" for a collection that is not a delta query).
func list[T any](ctx context.Context, g *graph, resource, rel string, each func([]T) error) (string, error) {
	seen := map[string]bool{}
	for range maxPages {
		var p page[T]
		if err := g.get(ctx, rel, &p); err != nil {
			return "", err
		}
		if p.Value == nil {
			return "", errNullPage
		}
		g.progress(connector.Progress{Kind: connector.ProgressPage, Resource: resource})
		if err := each(*p.Value); err != nil {
			return "", err
		}
		if p.NextLink == "" {
			if p.DeltaLink == "" {
				return "", nil
			}
			return g.relative(p.DeltaLink)
		}
		next, err := g.relative(p.NextLink)
		if err != nil {
			return "", err
		}
		if seen[next] {
			return "", errPageLoop
		}
		seen[next] = true
		rel = next
	}
	return "", errPageLoop
}

// resources returns the Graph collections the connector reads, as named in progress events.
func resources() []string {
	return []string{resUsers, resSPs, resApps, resGrants, resOwners, resAssignments, resSPActivity, resKeyActivity}
}

// resourceOf names the collection a Graph path reads: its last segment that names one.
func resourceOf(path string) string {
	segs, names := strings.Split(strings.Trim(path, "/"), "/"), resources()
	for i := len(segs) - 1; i >= 0; i-- {
		for _, r := range names {
			if segs[i] == r || strings.HasPrefix(segs[i], r+"(") {
				return r
			}
		}
	}
	return "graph"
}
