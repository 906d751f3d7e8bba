package github

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	gh "github.com/google/go-github/v89/github"

	"github.com/nhiscope/nhi/connector"
)

// Paging bounds.
const (
	// perPage is the page size asked for: the most GitHub serves.
	perPage = 100
	// maxPages bounds one listing, against a server that pages forever.
	maxPages = 1 << 16
)

// fetchFunc reads one page (1-based; 0 asks for the first) of a listing.
type fetchFunc[T any] func(page int) ([]T, *gh.Response, error)

// pages reads every page of a listing, passing each page's items to each, and reports
// each page to progress. It follows go-github's NextPage (parsed from the Link header)
// and fails on a next page that does not move forward.
func pages[T any](progress func(connector.Progress), resource string, fetch fetchFunc[T], each func([]T) error) error {
	page := 0
	for range maxPages {
		items, resp, err := fetch(page)
		if err != nil {
			return err
		}
		progress(connector.Progress{Kind: connector.ProgressPage, Resource: resource})
		if err := each(items); err != nil {
			return err
		}
		if resp == nil || resp.NextPage == 0 {
			return nil
		}
		if resp.NextPage <= page || (page == 0 && resp.NextPage <= 1) {
			return errPageLoop
		}
		page = resp.NextPage
	}
	return errPageLoop
}

// getJSON sends a GET for rel (relative to the API URL, with query) through client and
// decodes the answer into v: for the answers go-github has no type for, or a type that
// drops fields the connector needs.
func getJSON(ctx context.Context, client *gh.Client, rel string, v any) (*gh.Response, error) {
	req, err := client.NewRequest(ctx, http.MethodGet, rel, nil)
	if err != nil {
		return nil, err
	}
	return client.Do(req, v)
}

// pageQuery returns the query of one page of a listing.
func pageQuery(page int, extra url.Values) string {
	q := url.Values{}
	for k, v := range extra {
		q[k] = v
	}
	q.Set("per_page", fmt.Sprint(perPage))
	if page > 0 {
		q.Set("page", fmt.Sprint(page))
	}
	return q.Encode()
}

// listOpts returns go-github's paging options of one page.
func listOpts(page int) gh.ListOptions { return gh.ListOptions{Page: page, PerPage: perPage} }
