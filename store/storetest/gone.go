package storetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/store"
)

// goneWorld is what testMarkGone starts from: a first scan saw every identity and person
// below; a second scan of gws/C01 saw only x1 and p1.
type goneWorld struct {
	ids    map[string]nhi.Identity
	people map[string]nhi.Person
	second string // the ID of the second scan
}

// seedGone builds a goneWorld in st.
func seedGone(t *testing.T, st store.Store) goneWorld {
	w := goneWorld{ids: map[string]nhi.Identity{}, people: map[string]nhi.Person{}}
	in := func(p nhi.Platform, tenant, scope string) func(*nhi.Identity) {
		return func(id *nhi.Identity) { id.Platform, id.Tenant, id.Scope = p, tenant, scope }
	}
	for name, f := range map[string]func(*nhi.Identity){
		"x1": in(gws, "C01", "user:1"), "x2": in(gws, "C01", "user:1"), "x3": in(gws, "C01", "user:2"),
		"x4": in(gws, "C01", "user:3"), "y1": in(gws, "C02", "user:1"), "z1": in(gh, "C01", "user:1"),
	} {
		w.ids[name] = ident("", "", nhi.KindOAuthGrant, name, f)
	}
	w.people["p1"] = person(gws, "C01", "p1", "p1@example.com", nhi.PersonActive)
	w.people["p2"] = person(gws, "C01", "p2", "p2@example.com", nhi.PersonActive)
	w.people["q1"] = person(gws, "C02", "q1", "q1@example.com", nhi.PersonActive)
	w.people["r1"] = person(gh, "C01", "r1", "r1@example.com", nhi.PersonActive)
	first := begin(t, st, gws, "C01")
	for _, id := range w.ids {
		putIDs(t, st, first, at(0), id)
	}
	for _, p := range w.people {
		putPeople(t, st, first, at(0), p)
	}
	w.second = begin(t, st, gws, "C01")
	putIDs(t, st, w.second, at(time.Hour), w.ids["x1"])
	putPeople(t, st, w.second, at(time.Hour), w.people["p1"])
	return w
}

// testMarkGone checks which records MarkGone marks.
func testMarkGone(t *testing.T, s suite) {
	many := []string{"user:2"}
	for i := range 70_000 {
		many = append(many, fmt.Sprintf("user:absent-%d", i))
	}
	tests := []struct {
		name     string
		platform nhi.Platform
		tenant   string
		scopes   []string
		want     []string // names of the records marked gone
	}{
		{"one scope", gws, "C01", []string{"user:1"}, []string{"x2"}},
		{"two scopes", gws, "C01", []string{"user:1", "user:2"}, []string{"x2", "x3"}},
		{"people only", gws, "C01", []string{connector.ScopePeople}, []string{"p2"}},
		{"people and a scope", gws, "C01", []string{"user:1", connector.ScopePeople}, []string{"p2", "x2"}},
		{"no scopes", gws, "C01", nil, nil},
		{"unknown scope", gws, "C01", []string{"user:9"}, nil},
		{"other tenant", gws, "C02", []string{"user:1", connector.ScopePeople}, []string{"q1", "y1"}},
		{"other platform", gh, "C01", []string{"user:1"}, []string{"z1"}},
		{"many scopes", gws, "C01", many, []string{"x3"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			st := s.store(t)
			w := seedGone(t, st)
			g := store.MarkGone{ScanID: w.second, Platform: tc.platform, Tenant: tc.tenant, Scopes: tc.scopes, At: at(2 * time.Hour)}
			n, err := st.MarkGone(t.Context(), g)
			if err != nil || n != len(tc.want) {
				t.Errorf("MarkGone = %d, %v; want %d", n, err, len(tc.want))
			}
			if d := diff(tc.want, goneNames(t, st, w)); d != "" {
				t.Errorf("records gone (-want +got):\n%s", d)
			}
			if n, err := st.MarkGone(t.Context(), g); err != nil || n != 0 {
				t.Errorf("MarkGone again = %d, %v; want 0", n, err)
			}
		})
	}
	t.Run("invalid", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		for _, g := range []store.MarkGone{
			{Platform: gws, Tenant: "C01", Scopes: []string{"x"}},
			{ScanID: "s", Tenant: "C01", Scopes: []string{"x"}},
			{ScanID: "s", Platform: gws, Scopes: []string{"x"}},
		} {
			_, err := st.MarkGone(t.Context(), g)
			wantCode(t, fmt.Sprintf("MarkGone(%+v)", g), err, nhi.CodeInvalid)
		}
	})
}

// goneNames returns the sorted names of w's records that are gone, checking their GoneAt.
func goneNames(t *testing.T, st store.Store, w goneWorld) []string {
	t.Helper()
	var gone []string
	for name, id := range w.ids {
		got, err := st.Identity(t.Context(), stored(id, at(0)).ID)
		if err != nil {
			t.Fatalf("Identity(%s): %v", name, err)
		}
		if !got.GoneAt.IsZero() {
			gone = append(gone, name)
			checkGoneAt(t, name, got.GoneAt)
		}
	}
	for name, p := range w.people {
		got, err := st.Person(t.Context(), p.Platform, p.Tenant, p.ExternalID)
		if err != nil {
			t.Fatalf("Person(%s): %v", name, err)
		}
		if !got.GoneAt.IsZero() {
			gone = append(gone, name)
			checkGoneAt(t, name, got.GoneAt)
		}
	}
	slices.Sort(gone)
	return gone
}

// checkGoneAt fails t unless GoneAt is the time testMarkGone marks at.
func checkGoneAt(t *testing.T, name string, goneAt time.Time) {
	t.Helper()
	if !goneAt.Equal(at(2 * time.Hour)) {
		t.Errorf("%s: GoneAt = %v, want %v", name, goneAt, at(2*time.Hour))
	}
	checkUTC(t, name, goneAt)
}

// testPartialScan checks that a scan that completes no scope hides nothing, however
// little it saw.
func testPartialScan(t *testing.T, s suite) {
	st := s.store(t)
	w := seedGone(t, st)
	sc, err := st.Scan(t.Context(), w.second)
	if err != nil {
		t.Fatalf("Scan: %v", err)
	}
	sc.Status = nhi.ScanPartial
	if err := st.FinishScan(t.Context(), sc); err != nil {
		t.Fatalf("FinishScan: %v", err)
	}
	if got := goneNames(t, st, w); len(got) != 0 {
		t.Errorf("records gone after a partial scan: %v", got)
	}
	if got := listAll(t, st, store.IdentityFilter{}); len(got) != len(w.ids) {
		t.Errorf("ListIdentities after a partial scan: %d identities, want %d", len(got), len(w.ids))
	}
	people, err := st.ListPeople(t.Context(), store.PersonFilter{Limit: store.MaxLimit})
	if err != nil || len(people.Items) != len(w.people) {
		t.Errorf("ListPeople after a partial scan: %d people, %v; want %d", len(people.Items), err, len(w.people))
	}
}

// testEndedScanWritesNoInventory checks that a scan that ended (here abandoned: failed)
// records no more people, apps or identities, and changes nothing by trying (the parts of
// a split scan rescued after a crash may still run when a new scan has begun); findings,
// which an evaluation writes after its scan ends, are still taken.
func testEndedScanWritesNoInventory(t *testing.T, s suite) {
	st := s.store(t)
	w := seedGone(t, st)
	finish(t, st, w.second, nhi.ScanFailed, at(2*time.Hour))
	x1 := w.ids["x1"]
	x1.Name = "renamed by a scan that ended"
	wantCode(t, "PutIdentities into an ended scan", st.PutIdentities(t.Context(), w.second, at(3*time.Hour), []nhi.Identity{x1}), nhi.CodeConflict)
	wantCode(t, "PutPeople into an ended scan", st.PutPeople(t.Context(), w.second, at(3*time.Hour), []nhi.Person{w.people["p1"]}), nhi.CodeConflict)
	wantCode(t, "PutApps into an ended scan", st.PutApps(t.Context(), w.second, at(3*time.Hour),
		[]nhi.App{{Platform: gws, Tenant: "C01", ExternalID: "app-x", Name: "X"}}), nhi.CodeConflict)
	got, err := st.Identity(t.Context(), stored(x1, at(0)).ID)
	if err != nil || got.Name == x1.Name || !got.LastSeen.Equal(at(time.Hour)) {
		t.Errorf("after refused writes: %q last seen %v, %v; want unchanged (last seen %v)", got.Name, got.LastSeen, err, at(time.Hour))
	}
	f := nhi.Finding{ID: nhi.NewFindingID("usage.stale", nhi.SubjectIdentity, got.ID), Signal: "usage.stale",
		SubjectKind: nhi.SubjectIdentity, SubjectID: got.ID, Platform: gws, Tenant: "C01", Severity: nhi.SeverityLow, Points: 10}
	if err := st.PutFindings(t.Context(), w.second, at(3*time.Hour), []nhi.Finding{f}); err != nil {
		t.Errorf("PutFindings of an ended scan: %v", err)
	}
}
