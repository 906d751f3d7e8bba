package salesforce

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/nhiscope/nhi/connector"
)

// maxPages bounds one query, against a server that pages forever.
const maxPages = 1 << 16

// queryOptions asks for the largest batches Salesforce serves.
const queryOptions = "batchSize=2000"

// queryPage is one page of a query answer.
type queryPage[T any] struct {
	TotalSize      int    `json:"totalSize"`
	Done           bool   `json:"done"`
	NextRecordsURL string `json:"nextRecordsUrl"`
	Records        []T    `json:"records"`
}

// query runs soql and passes the records of each page to each. resource names the
// object for progress events and messages.
func query[T any](ctx context.Context, r *rest, resource, soql string, each func([]T) error) error {
	path := r.c.dataPath("query?q=" + url.QueryEscape(soql))
	seen := map[string]bool{}
	for range maxPages {
		var p queryPage[T]
		resp, err := r.do(ctx, call{method: http.MethodGet, path: path, resource: resource,
			header: map[string]string{"Sforce-Query-Options": queryOptions}})
		if err != nil {
			return err
		}
		err = json.NewDecoder(resp.Body).Decode(&p)
		resp.Body.Close()
		if err != nil {
			return err
		}
		r.progress(connector.Progress{Kind: connector.ProgressPage, Resource: resource})
		if err := each(p.Records); err != nil {
			return err
		}
		if p.Done || p.NextRecordsURL == "" {
			return nil
		}
		if !r.c.nextLink(p.NextRecordsURL) || seen[p.NextRecordsURL] {
			if seen[p.NextRecordsURL] {
				return errPageLoop
			}
			return errForeignLink
		}
		seen[p.NextRecordsURL] = true
		path = p.NextRecordsURL
	}
	return errPageLoop
}

// nextLink reports whether l is a query continuation of the configured version: the
// session goes only there.
func (c *Connector) nextLink(l string) bool {
	rest, ok := strings.CutPrefix(l, c.dataPath("query/"))
	if !ok {
		rest, ok = strings.CutPrefix(l, c.dataPath("queryAll/"))
	}
	if !ok || rest == "" || strings.Contains(rest, "..") {
		return false
	}
	for i := 0; i < len(rest); i++ {
		if ch := rest[i]; ch <= ' ' || ch > '~' || ch == '#' || ch == '\\' || ch == '?' || ch == '/' {
			return false
		}
	}
	return true
}

// sfTimeLayout is how the REST API writes datetimes.
const sfTimeLayout = "2006-01-02T15:04:05.000-0700"

// parseTime parses a REST datetime; anything unparsable is the zero time.
func parseTime(s string) time.Time {
	for _, layout := range []string{sfTimeLayout, time.RFC3339Nano} {
		if t, err := time.Parse(layout, s); err == nil && t.Year() > 1970 {
			return t.UTC()
		}
	}
	return time.Time{}
}

// soqlTime writes t as a SOQL datetime literal.
func soqlTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

// soqlString quotes s as a SOQL string literal. Only IDs and names the connector read
// from Salesforce are quoted; the escaping still covers quotes and backslashes.
func soqlString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `'`, `\'`)
	return "'" + r.Replace(s) + "'"
}
