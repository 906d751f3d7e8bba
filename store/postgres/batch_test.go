package postgres

import (
	"fmt"
	"testing"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
)

// TestLargeBatch writes batches of copyMinRows rows and more, which go through COPY, and
// checks what the upserts and the drift triggers made of them, as for small batches.
func TestLargeBatch(t *testing.T) {
	t.Parallel()
	st, _ := openDB(t)
	seen := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	first := begin(t, st)
	ids := make([]nhi.Identity, copyMinRows+10)
	people := make([]nhi.Person, copyMinRows)
	for i := range ids {
		ids[i] = grant(i)
	}
	for i := range people {
		people[i] = nhi.Person{Platform: nhi.PlatformGoogleWorkspace, Tenant: "C01",
			ExternalID: fmt.Sprintf("user-%d", i), Email: fmt.Sprintf("User-%d@Example.com", i),
			Status: nhi.PersonActive, IsAdmin: i%2 == 0}
	}
	if err := st.PutIdentities(t.Context(), first, seen, ids); err != nil {
		t.Fatalf("PutIdentities: %v", err)
	}
	if err := st.PutPeople(t.Context(), first, seen, people); err != nil {
		t.Fatalf("PutPeople: %v", err)
	}
	if err := st.FinishScan(t.Context(), nhi.Scan{ID: first, Status: nhi.ScanSucceeded}); err != nil {
		t.Fatal(err)
	}
	// The second scan changes one identity's scopes, adds one, and reports identity 0
	// twice in its batch: its attributes merge and its last use keeps the later time.
	second := begin(t, st)
	ids[1].Permissions = []nhi.Permission{{Scope: "openid"}}
	extra := grant(len(ids))
	dup := grant(0)
	dup.Attributes = map[string]string{"verified": "yes"}
	dup.LastUsedAt = ids[0].LastUsedAt.Add(-time.Hour)
	batch := append(append(ids, extra), dup)
	if err := st.PutIdentities(t.Context(), second, seen.Add(time.Hour), batch); err != nil {
		t.Fatalf("PutIdentities: %v", err)
	}
	counts, err := st.Counts(t.Context())
	if err != nil || len(counts) != 1 || counts[0].Count != len(ids)+1 {
		t.Errorf("Counts = %+v, %v; want %d grants", counts, err, len(ids)+1)
	}
	got, err := st.Identity(t.Context(), nhi.NewIdentityID(dup.Platform, dup.Tenant, dup.Kind, dup.ExternalID))
	want := map[string]string{"client_type": "web", "verified": "yes"}
	if err != nil || fmt.Sprint(got.Attributes) != fmt.Sprint(want) || !got.LastUsedAt.Equal(ids[0].LastUsedAt) ||
		!got.FirstSeen.Equal(seen) || !got.LastSeen.Equal(seen.Add(time.Hour)) {
		t.Errorf("identity reported twice = %+v, %v; want attributes %v, last used %v", got, err, want, ids[0].LastUsedAt)
	}
	p, err := st.Person(t.Context(), nhi.PlatformGoogleWorkspace, "C01", "user-2")
	if err != nil || !p.IsAdmin || p.Email != "User-2@Example.com" {
		t.Errorf("Person = %+v, %v; want an admin with the email as given", p, err)
	}
	changes, err := st.ListChanges(t.Context(), store.ChangeFilter{})
	if err != nil || len(changes) != 2 {
		t.Fatalf("ListChanges = %+v, %v; want 2 changes", changes, err)
	}
	kinds := map[nhi.ChangeKind]string{}
	for _, c := range changes {
		kinds[c.Kind] = c.Subject
	}
	if kinds[nhi.ChangeIdentityAdded] != nhi.NewIdentityID(extra.Platform, extra.Tenant, extra.Kind, extra.ExternalID) ||
		kinds[nhi.ChangePermissionsChanged] != nhi.NewIdentityID(ids[1].Platform, ids[1].Tenant, ids[1].Kind, ids[1].ExternalID) {
		t.Errorf("changes = %+v; want identity %s added and %s's permissions changed", changes, extra.ExternalID, ids[1].ExternalID)
	}
}
