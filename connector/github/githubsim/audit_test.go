package githubsim

import (
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// auditIDs walks the audit log of acme with the query and returns the document IDs and
// the number of pages.
func auditIDs(t *testing.T, h *harness, query url.Values) ([]string, int) {
	t.Helper()
	items, pages := h.walk("/orgs/acme/audit-log?"+query.Encode(), h.s.OwnerToken())
	var ids []string
	for _, it := range items {
		ids = append(ids, it["_document_id"].(string))
	}
	return ids, pages
}

// TestAuditLog checks the order, the phrase filters and the after cursors.
func TestAuditLog(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil, Options{})
	for _, tc := range []struct {
		name   string
		query  url.Values
		want   []string
		npages int
	}{
		{"newest first", url.Values{}, []string{"a4", "a3", "a2", "a1"}, 1},
		{"oldest first", url.Values{"order": {"asc"}}, []string{"a1", "a2", "a3", "a4"}, 1},
		{"paged", url.Values{"order": {"asc"}, "per_page": {"1"}}, []string{"a1", "a2", "a3", "a4"}, 4},
		{"paged desc", url.Values{"per_page": {"3"}}, []string{"a4", "a3", "a2", "a1"}, 2},
		{"category", url.Values{"phrase": {"action:hook"}}, []string{"a2"}, 1},
		{"two actions", url.Values{"phrase": {"action:hook action:public_key.create"}, "order": {"asc"}}, []string{"a2", "a3"}, 1},
		{"exact action", url.Values{"phrase": {"action:personal_access_token.access_granted"}}, []string{"a1"}, 1},
		{"not a prefix of a word", url.Values{"phrase": {"action:personal"}}, nil, 1},
		{"since date", url.Values{"phrase": {"created:>=" + days(60).Format("2006-01-02")}}, []string{"a4", "a3", "a2"}, 1},
		{"after date", url.Values{"phrase": {"created:>" + days(60).Format("2006-01-02")}}, []string{"a4"}, 1},
		{"since instant", url.Values{"phrase": {"created:>=" + days(60).Format(time.RFC3339)}}, []string{"a4", "a3", "a2"}, 1},
		{"after instant", url.Values{"phrase": {"created:>" + days(60).Format(time.RFC3339)}}, []string{"a4"}, 1},
		{"before", url.Values{"phrase": {"created:<" + days(60).Format(time.RFC3339)}}, []string{"a1"}, 1},
		{"until", url.Values{"phrase": {"created:<=" + days(60).Format(time.RFC3339)}}, []string{"a3", "a2", "a1"}, 1},
		{"on day", url.Values{"phrase": {"created:" + days(60).Format("2006-01-02")}}, []string{"a3", "a2"}, 1},
		{"actor", url.Values{"phrase": {"actor:ADA"}}, []string{"a4", "a2"}, 1},
		{"combined", url.Values{"phrase": {"action:hook created:>=" + days(70).Format("2006-01-02")}}, []string{"a2"}, 1},
		{"web", url.Values{"include": {"all"}, "phrase": {"action:hook"}}, []string{"a2"}, 1},
		{"git", url.Values{"include": {"git"}}, nil, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ids, pages := auditIDs(t, h, tc.query)
			if diff := cmp.Diff(tc.want, ids); diff != "" || pages != tc.npages {
				t.Errorf("ids (-want +got):\n%s\npages %d, want %d", diff, pages, tc.npages)
			}
		})
	}
}

// TestAuditLogRefusals checks the 422 answers: phrase terms, order, foreign cursors.
func TestAuditLogRefusals(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil, Options{})
	owner := h.s.OwnerToken()
	a := h.get("/orgs/acme/audit-log?per_page=1&order=asc", owner)
	cur, _ := url.Parse(next(a.header))
	after := cur.Query().Get("after")
	if after == "" || cur.Query().Get("order") != "asc" {
		t.Fatalf("next link %v", cur)
	}
	for _, q := range []string{"phrase=repo:acme/api", "phrase=created:2025-01-01T00:00:00Z", "phrase=created:>=yesterday",
		"phrase=-action:hook", "phrase=action:", "phrase=action:\"hook\"", "order=newest", "before=abc", "after=garbage", "include=api",
		"after=" + after, "after=" + after + "&order=asc&phrase=action:hook"} {
		if a := h.get("/orgs/acme/audit-log?"+q, owner); a.status != 422 || a.message() != "Validation Failed" {
			t.Errorf("audit-log?%s: %d %s, want 422", q, a.status, a.body)
		}
	}
	if a := h.get("/orgs/acme/audit-log?order=asc&after="+after, owner); a.status != 200 {
		t.Errorf("the cursor of its own query: %d %s", a.status, a.body)
	}
}

// TestAuditLogShape checks the fields of an event: epoch milliseconds, logins and IDs.
func TestAuditLogShape(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil, Options{})
	a := h.get("/orgs/acme/audit-log?order=asc&per_page=1", h.s.OwnerToken())
	var ev []map[string]any
	a.json(t, &ev)
	ms := float64(days(80).UnixMilli())
	want := map[string]any{"@timestamp": ms, "created_at": ms, "_document_id": "a1", "action": "personal_access_token.access_granted",
		"actor": "bob", "actor_id": float64(2), "user": "bob", "user_id": float64(2), "org": "acme", "org_id": float64(100),
		"token_id": float64(15001)}
	if diff := cmp.Diff(want, ev[0]); diff != "" {
		t.Errorf("event (-want +got):\n%s", diff)
	}
	if a.header.Get("x-ratelimit-resource") != "audit_log" || a.header.Get("x-oauth-scopes") != "admin:org, read:audit_log" {
		t.Errorf("resource %q, scopes %q", a.header.Get("x-ratelimit-resource"), a.header.Get("x-oauth-scopes"))
	}
}

// TestAuditLogSameTime checks that events sharing a millisecond page without loss or
// repetition, and that an event added while paging shows up once, at its place.
func TestAuditLogSameTime(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil, Options{})
	at := h.now()
	for i := range 5 {
		if _, err := h.s.AddHook(orgMain, "https://x.example/"+strconv.Itoa(i), []string{"push"}, "ada", at); err != nil {
			t.Fatal(err)
		}
	}
	owner := h.s.OwnerToken()
	a := h.get("/orgs/acme/audit-log?order=asc&per_page=2&phrase=action:hook.create+created:>="+at.Format("2006-01-02"), owner)
	var ids []string
	collect := func(a answer) {
		var ev []map[string]any
		a.json(t, &ev)
		for _, e := range ev {
			ids = append(ids, e["_document_id"].(string))
		}
	}
	collect(a)
	if _, err := h.s.AddHook(orgMain, "https://x.example/late", []string{"push"}, "ada", at); err != nil {
		t.Fatal(err)
	}
	for link := next(a.header); link != ""; link = next(a.header) {
		a = h.get(link, owner)
		collect(a)
	}
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			t.Errorf("event %s listed twice", id)
		}
		seen[id] = true
	}
	if len(ids) != 6 {
		t.Errorf("listed %d events, want 6", len(ids))
	}
}
