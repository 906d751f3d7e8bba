package storetest

import (
	"cmp"
	"slices"
	"testing"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/store"
)

// testPeople checks the filters, order and paging of ListPeople.
func testPeople(t *testing.T, s suite) {
	st := s.store(t)
	people := map[string]nhi.Person{
		"c1/u1":   person(gws, "C01", "u1", "u1@example.com", nhi.PersonActive),
		"c1/u2":   person(gws, "C01", "u2", "u2@example.com", nhi.PersonSuspended),
		"c1/u3":   person(gws, "C01", "u3", "u3@example.com", nhi.PersonDeparted),
		"c2/u1":   person(gws, "C02", "u1", "u1@other.example", nhi.PersonActive),
		"gh/a10":  person(gh, "acme", "a10", "a10@example.com", nhi.PersonActive),
		"gh/a9":   person(gh, "acme", "a9", "a9@example.com", nhi.PersonActive),
		"gh/u2":   person(gh, "acme", "u2", "u2@example.com", nhi.PersonActive),
		"gh/ünï":  person(gh, "acme", "ünï", "unicode@example.com", nhi.PersonUnknown),
		"gh/Zed":  person(gh, "acme", "Zed", "zed@example.com", nhi.PersonActive),
		"gh/zed2": person(gh, "acme", "zed2", "zed2@example.com", nhi.PersonActive),
	}
	first := begin(t, st, gws, "C01")
	for _, p := range people {
		putPeople(t, st, first, at(0), p)
	}
	second := begin(t, st, gws, "C01")
	putPeople(t, st, second, at(time.Hour), people["c1/u1"], people["c1/u2"])
	g := store.MarkGone{ScanID: second, Platform: gws, Tenant: "C01", Scopes: []string{connector.ScopePeople}, At: at(time.Hour)}
	if n, err := st.MarkGone(t.Context(), g); err != nil || n != 1 {
		t.Fatalf("MarkGone = %d, %v; want 1", n, err)
	}
	var present []string
	for name := range people {
		if name != "c1/u3" {
			present = append(present, name)
		}
	}
	tests := []struct {
		name   string
		filter store.PersonFilter
		want   []string
	}{
		{"all present", store.PersonFilter{}, present},
		{"include gone", store.PersonFilter{IncludeGone: true}, append([]string{"c1/u3"}, present...)},
		{"platform", store.PersonFilter{Platform: gws}, []string{"c1/u1", "c1/u2", "c2/u1"}},
		{"tenant", store.PersonFilter{Tenant: "C01"}, []string{"c1/u1", "c1/u2"}},
		{"status", store.PersonFilter{Status: nhi.PersonActive, Platform: gws}, []string{"c1/u1", "c2/u1"}},
		{"status of the gone", store.PersonFilter{Status: nhi.PersonDeparted}, nil},
		{"status with gone", store.PersonFilter{Status: nhi.PersonDeparted, IncludeGone: true}, []string{"c1/u3"}},
		{"only gone", store.PersonFilter{OnlyGone: true}, []string{"c1/u3"}},
		{"only gone, other tenant", store.PersonFilter{OnlyGone: true, Tenant: "C02"}, nil},
		{"pages of 1", store.PersonFilter{Limit: 1, IncludeGone: true}, append([]string{"c1/u3"}, present...)},
		{"pages of 3", store.PersonFilter{Limit: 3}, present},
	}
	for _, tc := range tests {
		var want []nhi.Person
		for _, name := range tc.want {
			p := people[name]
			p.FirstSeen, p.LastSeen = at(0), at(0)
			if name == "c1/u1" || name == "c1/u2" {
				p.LastSeen = at(time.Hour)
			}
			if name == "c1/u3" {
				p.GoneAt = at(time.Hour)
			}
			want = append(want, p)
		}
		slices.SortFunc(want, func(a, b nhi.Person) int {
			return cmp.Or(cmp.Compare(a.Platform, b.Platform), cmp.Compare(a.Tenant, b.Tenant),
				cmp.Compare(a.ExternalID, b.ExternalID))
		})
		if d := diff(want, listPeople(t, st, tc.filter)); d != "" {
			t.Errorf("%s: ListPeople(%+v) (-want +got):\n%s", tc.name, tc.filter, d)
		}
	}
	for name, f := range map[string]store.PersonFilter{"unknown status": {Status: "retired"}, "negative limit": {Limit: -1}} {
		_, err := st.ListPeople(t.Context(), f)
		wantCode(t, "ListPeople with "+name, err, nhi.CodeInvalid)
	}
}

// listPeople returns every person matching f, following the cursors page by page.
func listPeople(t *testing.T, st store.Store, f store.PersonFilter) []nhi.Person {
	t.Helper()
	var all []nhi.Person
	for range 1000 {
		page, err := st.ListPeople(t.Context(), f)
		if err != nil {
			t.Fatalf("ListPeople(%+v): %v", f, err)
		}
		if f.Limit > 0 && len(page.Items) > f.Limit {
			t.Fatalf("ListPeople(limit %d) returned %d items", f.Limit, len(page.Items))
		}
		all = append(all, page.Items...)
		if page.Next == "" {
			return all
		}
		f.After = page.Next
	}
	t.Fatal("ListPeople: paging does not end")
	return nil
}
