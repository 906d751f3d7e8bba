package storetest

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
)

// hostile is tenant-supplied text a store must keep exactly: markup, quotes, non-ASCII.
const hostile = `<script>alert("x")</script> Zoë's 日本語 app 🚀 & 'quotes' \ back`

// fullIdentity returns an identity with every field set.
func fullIdentity() nhi.Identity {
	return nhi.Identity{
		Platform: gws, Tenant: "C01", Kind: nhi.KindOAuthGrant,
		ExternalID: "u1:client-1.apps.googleusercontent.com",
		Name:       hostile, AppID: "client-1.apps.googleusercontent.com", OwnerID: "u1", Scope: "user:u1",
		Permissions: []nhi.Permission{
			{Scope: "https://www.googleapis.com/auth/drive"}, {Scope: "openid"}, {Scope: `é<&>"'`},
		},
		Credentials: []nhi.Credential{
			{ID: "k1", Type: "oauth_refresh_token", Fingerprint: "sha256:0a1b2c3d…wxyz",
				CreatedAt: at(-2 * day), LastUsedAt: at(-time.Hour), ExpiresAt: at(30 * day)},
			{ID: "k2", Type: "rsa_key", NeverExpires: true},
		},
		CreatedAt: at(-3 * day), LastUsedAt: at(-2 * time.Hour), ExpiresAt: at(day),
		Attributes: map[string]string{"client_type": "web", "note": hostile, "empty": ""},
	}
}

// testRoundTrip checks that people, apps and identities come back exactly as put.
func testRoundTrip(t *testing.T, s suite) {
	for name, fn := range map[string]func(*testing.T, suite){
		"Identity": testIdentityRoundTrip, "Person": testPersonRoundTrip, "App": testAppRoundTrip,
		"DuplicatesInBatch": testDuplicatesInBatch,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			fn(t, s)
		})
	}
}

// testIdentityRoundTrip checks Identity and ListIdentities against what PutIdentities put.
func testIdentityRoundTrip(t *testing.T, s suite) {
	st := s.store(t)
	scan := begin(t, st, gws, "C01")
	seen := at(time.Hour)
	full := fullIdentity()
	minimal := ident(gws, "C01", nhi.KindServiceAccount, "sa-1@project.iam", func(id *nhi.Identity) {
		id.ID = nhi.NewIdentityID(id.Platform, id.Tenant, id.Kind, id.ExternalID)
		id.Name = ""
	})
	putIDs(t, st, scan, seen, full, minimal)
	want := []nhi.Identity{stored(full, seen), stored(minimal, seen)}
	for _, w := range want {
		got, err := st.Identity(t.Context(), w.ID)
		if err != nil {
			t.Fatalf("Identity(%s): %v", w.ExternalID, err)
		}
		if d := diff(w, got); d != "" {
			t.Errorf("Identity(%s) (-want +got):\n%s", w.ExternalID, d)
		}
		checkUTC(t, "Identity "+w.ExternalID, identityTimes(got)...)
	}
	page, err := st.ListIdentities(t.Context(), store.IdentityFilter{})
	if err != nil {
		t.Fatalf("ListIdentities: %v", err)
	}
	if d := diff(sortByID(want), page.Items); d != "" {
		t.Errorf("ListIdentities (-want +got):\n%s", d)
	}
}

// testPersonRoundTrip checks Person and ListPeople against what PutPeople put.
func testPersonRoundTrip(t *testing.T, s suite) {
	st := s.store(t)
	scan := begin(t, st, gws, "C01")
	seen := at(time.Hour)
	p := nhi.Person{Platform: gws, Tenant: "C01", ExternalID: "u1", Email: "Zoë.Admin@Example.com",
		Name: hostile, Status: nhi.PersonSuspended, IsAdmin: true, CreatedAt: at(-400 * day),
		LastLogin: at(-time.Minute), OrgUnit: "/Engineering/<b>Platform</b>"}
	putPeople(t, st, scan, seen, p)
	want := p
	want.FirstSeen, want.LastSeen = seen, seen
	got, err := st.Person(t.Context(), gws, "C01", "u1")
	if err != nil {
		t.Fatalf("Person: %v", err)
	}
	if d := diff(want, got); d != "" {
		t.Errorf("Person (-want +got):\n%s", d)
	}
	checkUTC(t, "Person", got.CreatedAt, got.LastLogin, got.FirstSeen, got.LastSeen)
	if d := diff([]nhi.Person{want}, listPeople(t, st, store.PersonFilter{})); d != "" {
		t.Errorf("ListPeople (-want +got):\n%s", d)
	}
}

// testAppRoundTrip checks App against what PutApps put; the aggregates put are ignored.
func testAppRoundTrip(t *testing.T, s suite) {
	st := s.store(t)
	scan := begin(t, st, gws, "C01")
	seen := at(time.Hour)
	a := nhi.App{Platform: gws, Tenant: "C01", ExternalID: "client-9", Name: hostile,
		Vendor: "Ünïcode GmbH", Anonymous: true, Native: true, Users: 42, Identities: 7, Scopes: []string{"x"}}
	putApps(t, st, scan, seen, a)
	want := a
	want.Users, want.Identities, want.Scopes = 0, 0, nil // the store computes these
	want.FirstSeen, want.LastSeen = seen, seen
	got, err := st.App(t.Context(), gws, "C01", "client-9")
	if err != nil {
		t.Fatalf("App: %v", err)
	}
	if d := diff(want, got); d != "" {
		t.Errorf("App (-want +got):\n%s", d)
	}
	checkUTC(t, "App", got.FirstSeen, got.LastSeen)
}

// testDuplicatesInBatch checks that a batch that reports a record twice (pages that
// overlap) is accepted, and the later report wins.
func testDuplicatesInBatch(t *testing.T, s suite) {
	st := s.store(t)
	scan := begin(t, st, gws, "C01")
	first := ident(gws, "C01", nhi.KindAPIKey, "k", func(id *nhi.Identity) { id.Name = "first" })
	second := ident(gws, "C01", nhi.KindAPIKey, "k", func(id *nhi.Identity) { id.Name = "second" })
	putIDs(t, st, scan, at(0), first, second)
	p1 := person(gws, "C01", "u1", "first@example.com", nhi.PersonActive)
	p2 := person(gws, "C01", "u1", "second@example.com", nhi.PersonActive)
	putPeople(t, st, scan, at(0), p1, p2)
	if got := listAll(t, st, store.IdentityFilter{}); len(got) != 1 || got[0].Name != "second" {
		t.Errorf("ListIdentities after a duplicate = %+v, want only the second report", got)
	}
	if got := listPeople(t, st, store.PersonFilter{}); len(got) != 1 || got[0].Email != p2.Email {
		t.Errorf("ListPeople after a duplicate = %+v, want only the second report", got)
	}
}

// sortByID returns ids ordered by ID.
func sortByID(ids []nhi.Identity) []nhi.Identity {
	out := slices.Clone(ids)
	slices.SortFunc(out, func(a, b nhi.Identity) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// testPutInvalid checks that puts refuse bad records and unknown scans, and write nothing
// of a batch they refuse.
func testPutInvalid(t *testing.T, s suite) {
	st := s.store(t)
	scan := begin(t, st, gws, "C01")
	ok := ident(gws, "C01", nhi.KindAPIKey, "key-1")
	with := func(f func(*nhi.Identity)) nhi.Identity { return ident(gws, "C01", nhi.KindAPIKey, "key-2", f) }
	ids := []struct {
		name string
		scan string
		id   nhi.Identity
		want nhi.Code
	}{
		{"no platform", scan, with(func(id *nhi.Identity) { id.Platform = "" }), nhi.CodeInvalid},
		{"no tenant", scan, with(func(id *nhi.Identity) { id.Tenant = "" }), nhi.CodeInvalid},
		{"no external ID", scan, with(func(id *nhi.Identity) { id.ExternalID = "" }), nhi.CodeInvalid},
		{"unknown kind", scan, with(func(id *nhi.Identity) { id.Kind = "robot" }), nhi.CodeInvalid},
		{"foreign ID", scan, with(func(id *nhi.Identity) { id.ID = "gws_notthisone" }), nhi.CodeInvalid},
		{"unknown scan", "no-such-scan", with(func(*nhi.Identity) {}), nhi.CodeNotFound},
	}
	for _, tc := range ids {
		err := st.PutIdentities(t.Context(), tc.scan, at(0), []nhi.Identity{ok, tc.id})
		wantCode(t, "PutIdentities "+tc.name, err, tc.want)
	}
	people := []struct {
		name string
		scan string
		p    nhi.Person
		want nhi.Code
	}{
		{"no external ID", scan, person(gws, "C01", "", "a@example.com", nhi.PersonActive), nhi.CodeInvalid},
		{"no status", scan, person(gws, "C01", "u1", "a@example.com", ""), nhi.CodeInvalid},
		{"unknown status", scan, person(gws, "C01", "u1", "a@example.com", "retired"), nhi.CodeInvalid},
		{"unknown scan", "no-such-scan", person(gws, "C01", "u1", "a@example.com", nhi.PersonActive), nhi.CodeNotFound},
	}
	okP := person(gws, "C01", "u0", "z@example.com", nhi.PersonActive)
	for _, tc := range people {
		err := st.PutPeople(t.Context(), tc.scan, at(0), []nhi.Person{okP, tc.p})
		wantCode(t, "PutPeople "+tc.name, err, tc.want)
	}
	err := st.PutApps(t.Context(), scan, at(0), []nhi.App{{Platform: gws, ExternalID: "app"}})
	wantCode(t, "PutApps without tenant", err, nhi.CodeInvalid)
	err = st.PutApps(t.Context(), "no-such-scan", at(0), []nhi.App{{Platform: gws, Tenant: "C01", ExternalID: "app"}})
	wantCode(t, "PutApps under an unknown scan", err, nhi.CodeNotFound)

	if got := listAll(t, st, store.IdentityFilter{IncludeGone: true}); len(got) != 0 {
		t.Errorf("refused batches left identities behind: %v", idsOf(got))
	}
	people2, err := st.ListPeople(t.Context(), store.PersonFilter{IncludeGone: true})
	if err != nil || len(people2.Items) != 0 {
		t.Errorf("refused batches left people behind: %+v, %v", people2.Items, err)
	}
	_, err = st.Identity(t.Context(), nhi.NewIdentityID(gws, "C01", nhi.KindAPIKey, "nope"))
	wantCode(t, "Identity of an unknown ID", err, nhi.CodeNotFound)
	_, err = st.Person(t.Context(), gws, "C01", "nope")
	wantCode(t, "Person of an unknown ID", err, nhi.CodeNotFound)
	_, err = st.App(t.Context(), gws, "C01", "nope")
	wantCode(t, "App of an unknown ID", err, nhi.CodeNotFound)
}
