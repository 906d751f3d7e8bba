package storetest

import (
	"cmp"
	"slices"
	"testing"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
)

// finish ends scan id with status.
func finish(t *testing.T, st store.Store, id string, status nhi.ScanStatus, when time.Time) {
	t.Helper()
	s, err := st.Scan(t.Context(), id)
	if err != nil {
		t.Fatalf("Scan: %v", err)
	}
	s.Status, s.FinishedAt = status, when
	if err := st.FinishScan(t.Context(), s); err != nil {
		t.Fatalf("FinishScan: %v", err)
	}
}

// brief is a change without its times and sequence, for comparison.
type brief struct {
	Kind          nhi.ChangeKind
	Subject, Scan string
	Before, After []string
}

// testChanges checks the drift a store records between scans of a tenant: nothing on
// the first scan; then identities and apps added, scopes and credential IDs changed
// (and not last-use updates), people's status changed and people gone.
func testChanges(t *testing.T, s suite) {
	st := s.store(t)
	withScopes := func(scopes ...string) func(*nhi.Identity) {
		return func(id *nhi.Identity) {
			id.Permissions = nil
			for _, sc := range scopes {
				id.Permissions = append(id.Permissions, nhi.Permission{Scope: sc})
			}
		}
	}
	withCreds := func(used time.Time, ids ...string) func(*nhi.Identity) {
		return func(id *nhi.Identity) {
			id.Credentials = nil
			for _, c := range ids {
				id.Credentials = append(id.Credentials, nhi.Credential{ID: c, Type: "client_secret", LastUsedAt: used})
			}
		}
	}
	scoped := func(id *nhi.Identity) { id.Scope = "user:p1" }
	i1 := ident(gws, "C01", nhi.KindOAuthGrant, "i1", scoped, withScopes("s1"), withCreds(at(0), "c1"))
	p1 := person(gws, "C01", "p1", "p1@example.com", nhi.PersonActive)
	p2 := person(gws, "C01", "p2", "p2@example.com", nhi.PersonActive)
	first := begin(t, st, gws, "C01")
	putPeople(t, st, first, at(0), p1, p2)
	putApps(t, st, first, at(0), nhi.App{Platform: gws, Tenant: "C01", ExternalID: "a1", Name: "A1"})
	putIDs(t, st, first, at(0), i1)
	// A second tenant's first scan, during the first one's: never drift.
	other := begin(t, st, gws, "C02")
	putIDs(t, st, other, at(0), ident(gws, "C02", nhi.KindOAuthGrant, "j1"))
	finish(t, st, first, nhi.ScanSucceeded, at(time.Minute))
	if got := listChanges(t, st, store.ChangeFilter{}); len(got) != 0 {
		t.Fatalf("a first scan recorded changes: %+v", got)
	}
	second := begin(t, st, gws, "C01")
	p1.Status = nhi.PersonSuspended
	putPeople(t, st, second, at(time.Hour), p1)
	putApps(t, st, second, at(time.Hour), nhi.App{Platform: gws, Tenant: "C01", ExternalID: "a2", Name: "A2"})
	putIDs(t, st, second, at(time.Hour), ident(gws, "C01", nhi.KindOAuthGrant, "i1", scoped, withScopes("s1", "s2"),
		withCreds(at(time.Hour), "c1", "c2")))
	i2 := ident(gws, "C01", nhi.KindOAuthGrant, "i2", scoped, withScopes("s3"))
	putIDs(t, st, second, at(time.Hour), i2)
	// Only a last use changes: no change.
	putIDs(t, st, second, at(time.Hour), ident(gws, "C01", nhi.KindOAuthGrant, "i1", scoped, withScopes("s1", "s2"),
		withCreds(at(2*time.Hour), "c1", "c2")))
	if _, err := st.MarkGone(t.Context(), store.MarkGone{ScanID: second, Platform: gws, Tenant: "C01",
		Scopes: []string{"people"}, At: at(2 * time.Hour)}); err != nil {
		t.Fatalf("MarkGone: %v", err)
	}
	got := listChanges(t, st, store.ChangeFilter{Platform: gws, Tenant: "C01"})
	var briefs []brief
	for _, c := range got {
		briefs = append(briefs, brief{c.Kind, c.Subject, c.ScanID, c.Before, c.After})
	}
	// p2 was not put again by the second scan, so MarkGone marks it gone. Changes of one
	// upsert come in no particular order: compare them sorted.
	sortBriefs(briefs)
	i1.ID = nhi.NewIdentityID(gws, "C01", nhi.KindOAuthGrant, "i1")
	i2.ID = nhi.NewIdentityID(gws, "C01", nhi.KindOAuthGrant, "i2")
	want := []brief{
		{nhi.ChangePersonStatus, "p1", second, []string{"active"}, []string{"suspended"}},
		{nhi.ChangeAppAdded, "a2", second, []string{}, []string{}},
		{nhi.ChangePermissionsChanged, i1.ID, second, []string{"s1"}, []string{"s1", "s2"}},
		{nhi.ChangeCredentialsChanged, i1.ID, second, []string{"c1"}, []string{"c1", "c2"}},
		{nhi.ChangeIdentityAdded, i2.ID, second, []string{}, []string{"s3"}},
		{nhi.ChangePersonGone, "p2", first, []string{"active"}, []string{}},
	}
	sortBriefs(want)
	if d := diff(want, briefs); d != "" {
		t.Errorf("changes (-want +got):\n%s", d)
	}
	for i := 1; i < len(got); i++ {
		if got[i].Seq <= got[i-1].Seq {
			t.Errorf("change %d has seq %d after %d", i, got[i].Seq, got[i-1].Seq)
		}
	}
	if len(got) > 2 {
		after := listChanges(t, st, store.ChangeFilter{After: got[1].Seq, Kind: nhi.ChangeIdentityAdded})
		if len(after) != 1 || after[0].Subject != i2.ID || after[0].Name != i2.Name {
			t.Errorf("changes after %d of kind identity.added = %+v", got[1].Seq, after)
		}
	}
	if _, err := st.ListChanges(t.Context(), store.ChangeFilter{Limit: -1}); nhi.ErrorCode(err) != nhi.CodeInvalid {
		t.Errorf("ListChanges with a negative limit = %v, want CodeInvalid", err)
	}
}

// sortBriefs sorts changes by kind and subject.
func sortBriefs(bs []brief) {
	slices.SortFunc(bs, func(a, b brief) int {
		return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Subject, b.Subject))
	})
}

// listChanges lists changes, failing t on error.
func listChanges(t *testing.T, st store.Store, f store.ChangeFilter) []nhi.Change {
	t.Helper()
	got, err := st.ListChanges(t.Context(), f)
	if err != nil {
		t.Fatalf("ListChanges: %v", err)
	}
	return got
}
