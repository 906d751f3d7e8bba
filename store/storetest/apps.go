package storetest

import (
	"testing"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
)

// seedApps puts apps and their identities into st and returns the apps as ListApps should
// give them back, by name.
func seedApps(t *testing.T, st store.Store) map[string]nhi.App {
	t.Helper()
	app := func(tenant, ext, name string, users, n int, scopes ...string) nhi.App {
		return nhi.App{Platform: gws, Tenant: tenant, ExternalID: ext, Name: name, Vendor: "v-" + ext,
			Users: users, Identities: n, Scopes: scopes, FirstSeen: at(0), LastSeen: at(0)}
	}
	want := map[string]nhi.App{
		"c1/A": app("C01", "A", "Zeta", 3, 5, "s1", "s2", "s3", "s9"),
		"c1/B": app("C01", "B", "Alpha", 2, 2, "s1", "s2"),
		"c1/C": app("C01", "C", "Mid", 0, 0),
		"c1/D": app("C01", "D", "Beta", 2, 2, "s5"),
		"c2/A": app("C02", "A", "Zeta", 1, 1, "s1"),
	}
	grant := func(p nhi.Platform, tenant, ext, appID, owner, scope string, perms ...string) nhi.Identity {
		return ident(p, tenant, nhi.KindOAuthGrant, ext, func(id *nhi.Identity) {
			id.AppID, id.OwnerID, id.Scope = appID, owner, scope
			for _, s := range perms {
				id.Permissions = append(id.Permissions, nhi.Permission{Scope: s})
			}
		})
	}
	scan := begin(t, st, gws, "C01")
	for _, a := range want {
		in := a
		in.Users, in.Identities, in.Scopes = 99, 99, []string{"ignored"}
		putApps(t, st, scan, at(0), in)
	}
	putIDs(t, st, scan, at(0),
		grant(gws, "C01", "a1", "A", "u1", "keep", "s2", "s1"),
		grant(gws, "C01", "a2", "A", "u1", "keep", "s3"),
		grant(gws, "C01", "a3", "A", "u2", "keep", "s1"),
		grant(gws, "C01", "a4", "A", "", "keep", "s9"),
		grant(gws, "C01", "a6", "A", "u3", "keep"),
		grant(gws, "C01", "a5", "A", "u7", "gone", "sX"),
		grant(gws, "C01", "b1", "B", "u1", "keep", "s2"),
		grant(gws, "C01", "b2", "B", "u2", "keep", "s1"),
		grant(gws, "C01", "b3", "B", "u3", "gone", "s4"),
		grant(gws, "C01", "d1", "D", "u1", "keep", "s5"),
		grant(gws, "C01", "d2", "D", "u2", "keep"),
		grant(gws, "C02", "e1", "A", "u1", "keep", "s1"),
		grant(gh, "C01", "h1", "A", "u8", "keep", "hx"),
	)
	later := begin(t, st, gws, "C01")
	g := store.MarkGone{ScanID: later, Platform: gws, Tenant: "C01", Scopes: []string{"gone"}, At: at(time.Hour)}
	if n, err := st.MarkGone(t.Context(), g); err != nil || n != 2 {
		t.Fatalf("MarkGone = %d, %v; want 2", n, err)
	}
	return want
}

// testApps checks the aggregates, orders, filters and paging of ListApps, and App.
func testApps(t *testing.T, s suite) {
	st := s.store(t)
	apps := seedApps(t, st)
	byUsers := []string{"c1/A", "c1/B", "c1/D", "c2/A", "c1/C"}
	byName := []string{"c1/B", "c1/D", "c1/C", "c1/A", "c2/A"}
	type appCase struct {
		name   string
		filter store.AppFilter
		want   []string
	}
	tests := []appCase{
		{"by users", store.AppFilter{}, byUsers},
		{"by users explicitly", store.AppFilter{Sort: store.AppsByUsers}, byUsers},
		{"by name", store.AppFilter{Sort: store.AppsByName}, byName},
		{"tenant", store.AppFilter{Tenant: "C02"}, []string{"c2/A"}},
		{"platform and tenant", store.AppFilter{Platform: gws, Tenant: "C01", Sort: store.AppsByName},
			[]string{"c1/B", "c1/D", "c1/C", "c1/A"}},
		{"platform without apps", store.AppFilter{Platform: gh}, nil},
	}
	for _, limit := range []int{1, 2, 3} {
		tests = append(tests,
			appCase{"by users in pages", store.AppFilter{Limit: limit}, byUsers},
			appCase{"by name in pages", store.AppFilter{Limit: limit, Sort: store.AppsByName}, byName})
	}
	for _, tc := range tests {
		var want []nhi.App
		for _, name := range tc.want {
			want = append(want, apps[name])
		}
		if d := diff(want, listApps(t, st, tc.filter)); d != "" {
			t.Errorf("%s: ListApps(%+v) (-want +got):\n%s", tc.name, tc.filter, d)
		}
	}
	got, err := st.App(t.Context(), gws, "C01", "A")
	if err != nil {
		t.Fatalf("App: %v", err)
	}
	if d := diff(apps["c1/A"], got); d != "" {
		t.Errorf("App (-want +got):\n%s", d)
	}
	for name, f := range map[string]store.AppFilter{"unknown sort": {Sort: "popularity"}, "negative limit": {Limit: -1}} {
		_, err := st.ListApps(t.Context(), f)
		wantCode(t, "ListApps with "+name, err, nhi.CodeInvalid)
	}
}

// listApps returns every app matching f, following the cursors page by page.
func listApps(t *testing.T, st store.Store, f store.AppFilter) []nhi.App {
	t.Helper()
	var all []nhi.App
	for range 1000 {
		page, err := st.ListApps(t.Context(), f)
		if err != nil {
			t.Fatalf("ListApps(%+v): %v", f, err)
		}
		if f.Limit > 0 && len(page.Items) > f.Limit {
			t.Fatalf("ListApps(limit %d) returned %d items", f.Limit, len(page.Items))
		}
		all = append(all, page.Items...)
		if page.Next == "" {
			return all
		}
		f.After = page.Next
	}
	t.Fatal("ListApps: paging does not end")
	return nil
}
