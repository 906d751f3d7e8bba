package sqlite_test

import (
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
)

// undoChanges returns the statements that take a database back to before migration
// 0004 (undoing 0005 too), for the tests of earlier migrations.
func undoChanges() []string {
	out := undoSorts()
	for _, tr := range []string{"identity_added", "permissions", "credentials", "app_added", "person_status", "person_gone"} {
		out = append(out, `DROP TRIGGER changes_`+tr)
	}
	return append(out, `ALTER TABLE identities DROP COLUMN credential_ids`, `DROP TABLE changes`)
}

// undoSorts returns the statements that take a database back to before migration 0005.
func undoSorts() []string {
	out := undoAggregates()
	for _, sort := range []string{"name", "last_used", "created", "expires"} {
		out = append(out, `DROP INDEX identities_by_`+sort)
	}
	return append(out, `DELETE FROM schema_migrations WHERE version >= 5`)
}

// TestChangesMigrationBackfill checks that migration 0004 on a database with identities
// fills their credential IDs, so that the first scan after it records no change for
// credentials that did not change, and does record one that did.
func TestChangesMigrationBackfill(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "nhi.db")
	withCreds := func(ids []nhi.Identity, extra string) []nhi.Identity {
		out := slices.Clone(ids)
		for i := range out {
			out[i].Credentials = []nhi.Credential{{ID: "c-" + out[i].ExternalID, Type: "api_key", LastUsedAt: time.Now()}}
			if extra != "" && i == 0 {
				out[i].Credentials = append(out[i].Credentials, nhi.Credential{ID: extra, Type: "api_key"})
			}
		}
		return out
	}
	ids := keys("k", 3)
	st := open(t, path)
	first := begin(t, st)
	if err := st.PutIdentities(t.Context(), first, time.Now(), withCreds(ids, "")); err != nil {
		t.Fatal(err)
	}
	finishScan(t, st, first)
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	db := raw(t, path)
	for _, q := range append(undoChanges(), `DELETE FROM schema_migrations WHERE version >= 4`) {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	st = open(t, path)
	t.Cleanup(func() { _ = st.Close() })
	second := begin(t, st)
	if err := st.PutIdentities(t.Context(), second, time.Now(), withCreds(ids, "")); err != nil {
		t.Fatal(err)
	}
	if got, err := st.ListChanges(t.Context(), store.ChangeFilter{}); err != nil || len(got) != 0 {
		t.Fatalf("changes after the migration with nothing changed = %+v, %v", got, err)
	}
	if err := st.PutIdentities(t.Context(), second, time.Now(), withCreds(ids, "new-key")); err != nil {
		t.Fatal(err)
	}
	got, err := st.ListChanges(t.Context(), store.ChangeFilter{})
	if err != nil || len(got) != 1 || got[0].Kind != nhi.ChangeCredentialsChanged || !slices.Equal(got[0].After, []string{"c-k-0", "new-key"}) {
		t.Errorf("changes after a key was added = %+v, %v", got, err)
	}
}

// finishScan finishes scan id as succeeded.
func finishScan(t *testing.T, st store.Store, id string) {
	t.Helper()
	s, err := st.Scan(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	s.Status, s.FinishedAt = nhi.ScanSucceeded, time.Now()
	if err := st.FinishScan(t.Context(), s); err != nil {
		t.Fatal(err)
	}
}
