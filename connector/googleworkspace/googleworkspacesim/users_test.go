package googleworkspacesim

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/nhiscope/nhi/estate"
)

func TestUsersFields(t *testing.T) {
	t.Parallel()
	e := smallEstate()
	e.People[1].LastLoginAt = time.Time{}
	_, u, tok := newTestServer(t, e, Options{})
	status, body := call(t, http.MethodGet, u+"/admin/directory/v1/users?customer=my_customer&projection=full&orderBy=email&viewType=admin_view", tok)
	if status != http.StatusOK {
		t.Fatalf("status %d: %s", status, body)
	}
	var got wireUsers
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	if got.Kind != "admin#directory#users" || !strings.HasPrefix(got.Etag, `"`) || got.NextPageToken != "" {
		t.Errorf("list envelope: kind %q etag %q next %q", got.Kind, got.Etag, got.NextPageToken)
	}
	byEmail := map[string]wireUser{}
	for _, w := range got.Users {
		byEmail[w.PrimaryEmail] = w
	}
	for _, p := range e.People {
		w, ok := byEmail[p.Email]
		if p.Status == estate.Departed {
			if ok {
				t.Errorf("deleted user %s listed without showDeleted", p.Email)
			}
			continue
		}
		login := p.LastLoginAt.UTC().Format(googleTimeLayout)
		if p.LastLoginAt.IsZero() {
			login = "1970-01-01T00:00:00.000Z"
		}
		reason := ""
		if p.Status == estate.Suspended {
			reason = "ADMIN"
		}
		want := wireUser{Kind: "admin#directory#user", ID: p.GoogleID, Etag: w.Etag, PrimaryEmail: p.Email,
			IsAdmin: &p.Admin, LastLoginTime: login, CreationTime: p.CreatedAt.UTC().Format(googleTimeLayout),
			Suspended: p.Status == estate.Suspended, SuspensionReason: reason, OrgUnitPath: "/" + p.Department,
			CustomerID: e.CustomerID}
		want.Name.GivenName, want.Name.FamilyName, want.Name.FullName = p.GivenName, p.FamilyName, p.GivenName+" "+p.FamilyName
		if diff := cmp.Diff(want, w); diff != "" {
			t.Errorf("user %s (-want +got):\n%s", p.Email, diff)
		}
		if !strings.HasPrefix(w.Etag, `"`) || !strings.HasSuffix(w.Etag, `"`) {
			t.Errorf("user %s etag %q lacks its quotes", p.Email, w.Etag)
		}
	}
	// Hostile names travel verbatim but JSON-escaped: no raw markup or control bytes.
	if strings.Contains(string(body), "<b>") || strings.ContainsRune(string(body), '\x07') {
		t.Errorf("raw markup or control characters in the body: %s", body)
	}
}

func TestUsersPagingIsStable(t *testing.T) {
	t.Parallel()
	e := bigEstate(613)
	want := wantUserIDs(e, false)
	_, u, tok := newTestServer(t, e, Options{})
	_, uCapped, tokCapped := newTestServer(t, e, Options{MaxPageSize: 7})
	tests := []struct {
		name, base, token, maxResults string
	}{
		{"default size", u, tok, ""},
		{"size 1", u, tok, "1"},
		{"size 2", u, tok, "2"},
		{"size 500", u, tok, "500"},
		{"capped by MaxPageSize", uCapped, tokCapped, "500"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			q := url.Values{"customer": {e.CustomerID}}
			if tt.maxResults != "" {
				q.Set("maxResults", tt.maxResults)
			}
			if diff := cmp.Diff(want, listAllUsers(t, tt.base, tt.token, q)); diff != "" {
				t.Errorf("users (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("page sizes", func(t *testing.T) {
		t.Parallel()
		var def, capped wireUsers
		getJSON(t, u+"/admin/directory/v1/users?customer=my_customer", tok, &def)
		getJSON(t, uCapped+"/admin/directory/v1/users?customer=my_customer&maxResults=500", tokCapped, &capped)
		if len(def.Users) != 100 || def.NextPageToken == "" || len(capped.Users) != 7 {
			t.Errorf("page sizes: default %d (next %q), capped %d; want 100 with a next page, 7",
				len(def.Users), def.NextPageToken, len(capped.Users))
		}
	})
}

func TestUsersShowDeleted(t *testing.T) {
	t.Parallel()
	e := bigEstate(120)
	_, u, tok := newTestServer(t, e, Options{})
	got := listAllUsers(t, u, tok, url.Values{"customer": {"my_customer"}, "showDeleted": {"true"}, "maxResults": {"3"}})
	if diff := cmp.Diff(wantUserIDs(e, true), got); diff != "" {
		t.Errorf("deleted users (-want +got):\n%s", diff)
	}
	departedAt := map[string]string{}
	for _, p := range e.People {
		departedAt[p.GoogleID] = p.DepartedAt.UTC().Format(googleTimeLayout)
	}
	var page wireUsers
	getJSON(t, u+"/admin/directory/v1/users?customer=my_customer&showDeleted=true", tok, &page)
	for _, w := range page.Users {
		if w.DeletionTime != departedAt[w.ID] {
			t.Errorf("user %s deletionTime = %q, want %q", w.ID, w.DeletionTime, departedAt[w.ID])
		}
	}
}

func TestUsersOrderAndQuery(t *testing.T) {
	t.Parallel()
	e := smallEstate()
	_, u, tok := newTestServer(t, e, Options{})
	emails := func(q string) []string {
		var got wireUsers
		getJSON(t, u+"/admin/directory/v1/users?customer=my_customer&"+q, tok, &got)
		var out []string
		for _, w := range got.Users {
			out = append(out, w.PrimaryEmail)
		}
		return out
	}
	tests := []struct {
		query string
		want  []string
	}{
		// Given names Ada, Alice, Bob, "<b>Dave</b>" and Erin: '<' sorts before letters.
		{"orderBy=givenName&sortOrder=DESCENDING", []string{"erin@example.com", "bob@example.com", "alice@example.com", "admin@example.com", "dave@example.com"}},
		{"orderBy=familyName", []string{"alice@example.com", "admin@example.com", "bob@example.com", "dave@example.com", "erin@example.com"}},
		{"query=" + url.QueryEscape("isSuspended=true"), []string{"bob@example.com", "erin@example.com"}},
		{"query=" + url.QueryEscape("isAdmin=true isSuspended=false"), []string{"admin@example.com"}},
		{"query=" + url.QueryEscape("email:al*"), []string{"alice@example.com"}},
		{"query=" + url.QueryEscape("orgUnitPath='/Sales'"), []string{"alice@example.com", "bob@example.com"}},
		{"domain=EXAMPLE.com", []string{"admin@example.com", "alice@example.com", "bob@example.com", "dave@example.com", "erin@example.com"}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, emails(tt.query)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.query, diff)
		}
	}
	var public struct {
		Users []map[string]any `json:"users"`
	}
	getJSON(t, u+"/admin/directory/v1/users?customer=my_customer&viewType=domain_public", tok, &public)
	if _, ok := public.Users[0]["isAdmin"]; ok || public.Users[0]["primaryEmail"] == nil {
		t.Errorf("domain_public view shows admin fields: %v", public.Users[0])
	}
}

func TestUsersErrors(t *testing.T) {
	t.Parallel()
	_, u, tok := newTestServer(t, bigEstate(30), Options{})
	var first wireUsers
	getJSON(t, u+"/admin/directory/v1/users?customer=my_customer&maxResults=2", tok, &first)
	next := first.NextPageToken
	tampered := []byte(next)
	tampered[5] ^= 1
	if tampered[5] == '-' || tampered[5] == '_' || tampered[5] == 0 {
		tampered[5] = 'A'
	}
	tests := []struct {
		name, query string
		status      int
		reason      string
	}{
		{"no customer or domain", "", 400, "badRequest"},
		{"other customer", "customer=C0other99", 400, "badRequest"},
		{"foreign domain", "domain=other.example", 403, "forbidden"},
		{"maxResults 0", "customer=my_customer&maxResults=0", 400, "invalid"},
		{"maxResults 501", "customer=my_customer&maxResults=501", 400, "invalid"},
		{"maxResults not a number", "customer=my_customer&maxResults=ten", 400, "invalid"},
		{"bad showDeleted", "customer=my_customer&showDeleted=maybe", 400, "invalid"},
		{"bad orderBy", "customer=my_customer&orderBy=age", 400, "invalid"},
		{"bad sortOrder", "customer=my_customer&sortOrder=up", 400, "invalid"},
		{"bad projection", "customer=my_customer&projection=all", 400, "invalid"},
		{"custom projection without mask", "customer=my_customer&projection=custom", 400, "badRequest"},
		{"bad viewType", "customer=my_customer&viewType=mine", 400, "invalid"},
		{"unsupported query", "customer=my_customer&query=" + url.QueryEscape("manager=x"), 400, "invalid"},
		{"garbage pageToken", "customer=my_customer&pageToken=abc", 400, "invalid"},
		{"tampered pageToken", "customer=my_customer&pageToken=" + string(tampered), 400, "invalid"},
		{"pageToken of another query", "customer=my_customer&showDeleted=true&pageToken=" + next, 400, "invalid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			status, body := call(t, http.MethodGet, u+"/admin/directory/v1/users?"+tt.query, tok)
			if status != tt.status {
				t.Fatalf("status = %d, want %d: %s", status, tt.status, body)
			}
			if code, _, reason := errorOf(t, body); code != tt.status || reason != tt.reason {
				t.Errorf("error = %d %s, want %d %s", code, reason, tt.status, tt.reason)
			}
		})
	}
}
