package web_test

import (
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
	"github.com/nhiscope/nhi/web"
)

// documentedSorts returns the values of sort= that the OpenAPI document lists for
// GET /api/v1/identities.
func documentedSorts(t *testing.T, c *client) []string {
	t.Helper()
	var doc struct {
		Paths map[string]map[string]struct {
			Parameters []struct {
				Name   string `json:"name"`
				Schema struct {
					Enum []string `json:"enum"`
				} `json:"schema"`
			} `json:"parameters"`
		} `json:"paths"`
	}
	c.get("/api/v1/openapi.json", &doc)
	for _, p := range doc.Paths["/api/v1/identities"]["get"].Parameters {
		if p.Name == "sort" {
			return p.Schema.Enum
		}
	}
	t.Fatal("GET /api/v1/identities documents no sort parameter")
	return nil
}

// walkIdentities pages through path (a query string follows) by pages of 7.
func walkIdentities(t *testing.T, c *client, query string) []nhi.Identity {
	t.Helper()
	var got []nhi.Identity
	cur := ""
	for range 1000 {
		var page list[nhi.Identity]
		c.get("/api/v1/identities?limit=7&"+query+"&cursor="+url.QueryEscape(cur), &page)
		got = append(got, page.Items...)
		if cur = page.NextCursor; cur == "" {
			return got
		}
	}
	t.Fatal("paging never ends")
	return nil
}

// sortKey returns the comparison of a and b by sort (no leading "-"), unknown times last,
// without the tie on ID.
func sortKey(sort string, a, b nhi.Identity) int {
	unknownLast := func(x, y time.Time, latestFirst bool) int {
		switch {
		case x.IsZero() || y.IsZero():
			return boolInt(x.IsZero()) - boolInt(y.IsZero())
		case latestFirst:
			return y.Compare(x)
		}
		return x.Compare(y)
	}
	switch sort {
	case "name":
		return strings.Compare(a.Name, b.Name)
	case "last_used":
		return unknownLast(a.LastUsedAt, b.LastUsedAt, true)
	case "created":
		return unknownLast(a.CreatedAt, b.CreatedAt, false)
	case "expires":
		return unknownLast(a.ExpiresAt, b.ExpiresAt, false)
	}
	return 0
}

// TestIdentitySorts walks the identities in every documented order, by small pages, alone
// and with a search the API applies itself, and checks that the pages hold every identity
// once, in the order the parameter names, ties broken by ID.
func TestIdentitySorts(t *testing.T) {
	t.Parallel()
	w := sharedWorld(t)
	c := signIn(t, w.server(t, web.Config{}), "viewer")
	all, err := w.db.ListIdentities(t.Context(), storeAll())
	if err != nil {
		t.Fatal(err)
	}
	sorts := documentedSorts(t, c)
	if len(sorts) != 2*len(store.IdentitySorts()) {
		t.Errorf("documented sorts %q, want each of %q and its reverse", sorts, store.IdentitySorts())
	}
	term := strings.ToLower(strings.Fields(someGrant(t, w, 3).Name)[0])
	for _, sort := range sorts {
		name, desc := strings.CutPrefix(sort, "-")
		want := slices.Clone(all.Items)
		slices.SortStableFunc(want, func(a, b nhi.Identity) int {
			if k := sortKey(name, a, b); k != 0 {
				return k
			}
			return strings.Compare(a.ID, b.ID)
		})
		if desc {
			slices.Reverse(want)
		}
		if d := cmp.Diff(ids(want), ids(walkIdentities(t, c, "sort="+sort))); d != "" {
			t.Errorf("sort=%s (-want +got):\n%s", sort, d)
		}
		var wantQ []string
		for _, id := range want {
			if slices.ContainsFunc([]string{id.ID, id.Name, id.ExternalID, id.AppID}, func(f string) bool {
				return strings.Contains(strings.ToLower(f), term)
			}) {
				wantQ = append(wantQ, id.ID)
			}
		}
		if d := cmp.Diff(wantQ, ids(walkIdentities(t, c, "sort="+sort+"&platform=google_workspace&q="+url.QueryEscape(term)))); d != "" {
			t.Errorf("sort=%s with a search (-want +got):\n%s", sort, d)
		}
	}
}

// ids returns the IDs of xs.
func ids(xs []nhi.Identity) []string {
	out := []string{}
	for _, x := range xs {
		out = append(out, x.ID)
	}
	return out
}

// TestIdentitySortErrors checks that an unknown sort and a cursor used with another sort
// than the one that made it are refused as invalid.
func TestIdentitySortErrors(t *testing.T) {
	t.Parallel()
	w := sharedWorld(t)
	c := signIn(t, w.server(t, web.Config{}), "viewer")
	for _, sort := range []string{"risk", "--name", "+name", "NAME", "-"} {
		r := c.do("GET", "/api/v1/identities?sort="+url.QueryEscape(sort), nil)
		if code, msg := errorOf(t, r); r.status != 400 || code != "invalid" || !strings.Contains(msg, "last_used") {
			t.Errorf("sort=%s: %d %s %q, want 400 invalid listing the sorts", sort, r.status, code, msg)
		}
	}
	var page list[json.RawMessage]
	c.get("/api/v1/identities?sort=name&limit=2", &page)
	if page.NextCursor == "" {
		t.Fatal("sort=name&limit=2: no next cursor")
	}
	for _, other := range []string{"", "sort=-name&", "sort=last_used&", "sort=id&"} {
		r := c.do("GET", "/api/v1/identities?"+other+"limit=2&cursor="+url.QueryEscape(page.NextCursor), nil)
		if code, _ := errorOf(t, r); r.status != 400 || code != "invalid" {
			t.Errorf("a cursor of sort=name with %q: %d %s, want 400 invalid", other, r.status, code)
		}
	}
	if r := c.do("GET", "/api/v1/identities?sort=name&limit=2&cursor="+url.QueryEscape(page.NextCursor), nil); r.status != 200 {
		t.Errorf("a cursor of sort=name with sort=name: %d %s", r.status, r.body)
	}
}
