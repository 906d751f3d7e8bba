package storetest

import (
	"testing"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
)

// seedInventory puts a small inventory across two platforms and three tenants into st and
// returns its identities by name. c1/s1 is gone.
func seedInventory(t *testing.T, st store.Store) map[string]nhi.Identity {
	t.Helper()
	g := func(tenant, ext, app, owner, scope string, used time.Time) nhi.Identity {
		return ident(gws, tenant, nhi.KindOAuthGrant, ext, func(id *nhi.Identity) {
			id.AppID, id.OwnerID, id.Scope, id.LastUsedAt = app, owner, scope, used
		})
	}
	ids := map[string]nhi.Identity{
		"c1/g1": g("C01", "g1", "app1", "u1", "user:u1", at(-10*day)),
		"c1/g2": g("C01", "g2", "app1", "u2", "user:u2", time.Time{}),
		"c1/g3": g("C01", "g3", "app2", "u3", "user:u3", at(-day)),
		"c1/g4": g("C01", "g4", "app1", "u9", "user:u9", time.Time{}),
		"c1/k1": ident(gws, "C01", nhi.KindAPIKey, "k1", func(id *nhi.Identity) {
			id.OwnerID, id.Scope, id.LastUsedAt = "u1", "keys", at(-30*day)
		}),
		"c1/s1": ident(gws, "C01", nhi.KindServiceAccount, "s1", func(id *nhi.Identity) {
			id.Scope, id.LastUsedAt = "sa:1", at(-60*day)
		}),
		"c1/s2": ident(gws, "C01", nhi.KindServiceAccount, "s2", func(id *nhi.Identity) {
			id.Scope, id.LastUsedAt = "sa:2", at(-2*day)
		}),
		"c2/g1": g("C02", "g1", "app1", "u1", "user:u1", at(-2*day)),
		"gh/t1": ident(gh, "acme", nhi.KindAPIKey, "t1", func(id *nhi.Identity) {
			id.OwnerID, id.Scope, id.LastUsedAt = "u2", "tokens", at(0)
		}),
	}
	c1, c2, acme := begin(t, st, gws, "C01"), begin(t, st, gws, "C02"), begin(t, st, gh, "acme")
	putPeople(t, st, c1, at(0),
		person(gws, "C01", "u1", "alice@example.com", nhi.PersonActive),
		person(gws, "C01", "u2", "Bob@Example.com", nhi.PersonSuspended),
		person(gws, "C01", "u3", "carol@example.com", nhi.PersonDeparted))
	putPeople(t, st, c2, at(0), person(gws, "C02", "u1", "alice@other.example", nhi.PersonActive))
	putPeople(t, st, acme, at(0), person(gh, "acme", "u2", "bob@example.com", nhi.PersonActive))
	scans := map[string]string{"c1": c1, "c2": c2, "gh": acme}
	for name, id := range ids {
		putIDs(t, st, scans[name[:2]], at(0), id)
	}
	later := begin(t, st, gws, "C01")
	g1 := store.MarkGone{ScanID: later, Platform: gws, Tenant: "C01", Scopes: []string{"sa:1"}, At: at(time.Hour)}
	if n, err := st.MarkGone(t.Context(), g1); err != nil || n != 1 {
		t.Fatalf("MarkGone = %d, %v; want 1", n, err)
	}
	return ids
}

// testListIdentities checks the filters of ListIdentities and its errors.
func testListIdentities(t *testing.T, s suite) {
	st := s.store(t)
	ids := seedInventory(t, st)
	present := []string{"c1/g1", "c1/g2", "c1/g3", "c1/g4", "c1/k1", "c1/s2", "c2/g1", "gh/t1"}
	tests := []struct {
		name   string
		filter store.IdentityFilter
		want   []string
	}{
		{"all present", store.IdentityFilter{}, present},
		{"include gone", store.IdentityFilter{IncludeGone: true}, append([]string{"c1/s1"}, present...)},
		{"platform", store.IdentityFilter{Platform: gh}, []string{"gh/t1"}},
		{"platform and tenant", store.IdentityFilter{Platform: gws, Tenant: "C02"}, []string{"c2/g1"}},
		{"tenant", store.IdentityFilter{Tenant: "C01"}, []string{"c1/g1", "c1/g2", "c1/g3", "c1/g4", "c1/k1", "c1/s2"}},
		{"kind", store.IdentityFilter{Kind: nhi.KindAPIKey}, []string{"c1/k1", "gh/t1"}},
		{"kind with gone", store.IdentityFilter{Kind: nhi.KindServiceAccount, IncludeGone: true}, []string{"c1/s1", "c1/s2"}},
		{"app", store.IdentityFilter{AppID: "app1"}, []string{"c1/g1", "c1/g2", "c1/g4", "c2/g1"}},
		{"owner ID", store.IdentityFilter{Owner: "u1"}, []string{"c1/g1", "c1/k1", "c2/g1"}},
		{"owner email", store.IdentityFilter{Owner: "alice@example.com"}, []string{"c1/g1", "c1/k1"}},
		{"owner email in other case", store.IdentityFilter{Owner: "ALICE@Example.COM"}, []string{"c1/g1", "c1/k1"}},
		{"owner email on two platforms", store.IdentityFilter{Owner: "bob@example.com"}, []string{"c1/g2", "gh/t1"}},
		{"owner ID on one platform", store.IdentityFilter{Owner: "u2", Platform: gh}, []string{"gh/t1"}},
		{"owner ID is case-sensitive", store.IdentityFilter{Owner: "U1"}, nil},
		{"unknown owner", store.IdentityFilter{Owner: "nobody@example.com"}, nil},
		{"owner active", store.IdentityFilter{OwnerStatus: nhi.PersonActive}, []string{"c1/g1", "c1/k1", "c2/g1", "gh/t1"}},
		{"owner suspended", store.IdentityFilter{OwnerStatus: nhi.PersonSuspended}, []string{"c1/g2"}},
		{"owner departed", store.IdentityFilter{OwnerStatus: nhi.PersonDeparted}, []string{"c1/g3"}},
		{"owner unknown", store.IdentityFilter{OwnerStatus: nhi.PersonUnknown}, []string{"c1/g4"}},
		{"unused since", store.IdentityFilter{LastUsedBefore: at(-5 * day)}, []string{"c1/g1", "c1/g2", "c1/g4", "c1/k1"}},
		{"unused since with gone", store.IdentityFilter{LastUsedBefore: at(-5 * day), IncludeGone: true},
			[]string{"c1/g1", "c1/g2", "c1/g4", "c1/k1", "c1/s1"}},
		{"combined", store.IdentityFilter{Platform: gws, Kind: nhi.KindOAuthGrant, OwnerStatus: nhi.PersonActive},
			[]string{"c1/g1", "c2/g1"}},
		{"combined with paging", store.IdentityFilter{AppID: "app1", Limit: 1}, []string{"c1/g1", "c1/g2", "c1/g4", "c2/g1"}},
	}
	for _, tc := range tests {
		var want []nhi.Identity
		for _, name := range tc.want {
			want = append(want, ids[name])
		}
		got := listAll(t, st, tc.filter)
		if d := diff(sortedIDs(want...), idsOf(got)); d != "" {
			t.Errorf("%s: ListIdentities(%+v) IDs (-want +got):\n%s", tc.name, tc.filter, d)
		}
	}
	for name, f := range map[string]store.IdentityFilter{
		"unknown kind":         {Kind: "robot"},
		"unknown owner status": {OwnerStatus: "retired"},
		"negative limit":       {Limit: -1},
	} {
		_, err := st.ListIdentities(t.Context(), f)
		wantCode(t, "ListIdentities with "+name, err, nhi.CodeInvalid)
	}
}
