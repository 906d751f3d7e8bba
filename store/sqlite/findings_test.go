package sqlite_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
	"github.com/nhiscope/nhi/store/sqlite"
)

// TestSuppressUsesClock checks that SuppressFinding judges Until and stamps At with the
// injected clock.
func TestSuppressUsesClock(t *testing.T) {
	t.Parallel()
	now := time.Date(2031, 5, 6, 7, 8, 9, 0, time.UTC)
	st := open(t, filepath.Join(t.TempDir(), "nhi.db"), sqlite.WithClock(func() time.Time { return now }))
	t.Cleanup(func() { _ = st.Close() })
	f := benchFinding(1)
	if err := st.PutFindings(t.Context(), begin(t, st), now, []nhi.Finding{f}); err != nil {
		t.Fatal(err)
	}
	id := nhi.NewFindingID(f.Signal, f.SubjectKind, f.SubjectID)
	tests := []struct {
		name   string
		until  time.Time
		want   nhi.Code
		wantAt time.Time
	}{
		{"until a year before the clock", now.AddDate(-1, 0, 0), nhi.CodeInvalid, time.Time{}},
		{"until at the clock", now, nhi.CodeInvalid, time.Time{}},
		{"until just after the clock", now.Add(time.Millisecond), "", now},
		{"until a year after the clock", now.AddDate(1, 0, 0), "", now},
		{"never lapses", time.Time{}, "", now},
	}
	for _, tc := range tests {
		got, err := st.SuppressFinding(t.Context(), id, nhi.Suppression{Reason: "r", Author: "a", Until: tc.until})
		if nhi.ErrorCode(err) != tc.want {
			t.Errorf("%s: SuppressFinding = %v, want code %q", tc.name, err, tc.want)
			continue
		}
		if err == nil && (got.Suppression == nil || !got.Suppression.At.Equal(tc.wantAt) || !got.Suppression.Until.Equal(tc.until)) {
			t.Errorf("%s: suppression = %+v, want At %v and Until %v", tc.name, got.Suppression, tc.wantAt, tc.until)
		}
	}
}

// TestSuppressionColumnsCleared checks that a resolution and a lapse leave no stale
// suppression behind in the row, where a later reader could take it for a live one.
func TestSuppressionColumnsCleared(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "nhi.db")
	st := open(t, path)
	t.Cleanup(func() { _ = st.Close() })
	now := time.Now()
	lapsing, resolving := benchFinding(1), benchFinding(2)
	if err := st.PutFindings(t.Context(), begin(t, st), now, []nhi.Finding{lapsing, resolving}); err != nil {
		t.Fatal(err)
	}
	for _, f := range []nhi.Finding{lapsing, resolving} {
		s := nhi.Suppression{Reason: "r", Author: "a", Until: now.Add(time.Hour)}
		if _, err := st.SuppressFinding(t.Context(), nhi.NewFindingID(f.Signal, f.SubjectKind, f.SubjectID), s); err != nil {
			t.Fatal(err)
		}
	}
	eval := begin(t, st)
	if err := st.PutFindings(t.Context(), eval, now.Add(2*time.Hour), []nhi.Finding{lapsing}); err != nil {
		t.Fatal(err)
	}
	r := store.ResolveFindings{EvalID: eval, Platform: resolving.Platform, Tenant: resolving.Tenant}
	if n, err := st.ResolveFindings(t.Context(), r); err != nil || n != 1 {
		t.Fatalf("ResolveFindings = %d, %v; want 1", n, err)
	}
	var stale int
	const q = `SELECT COUNT(*) FROM findings WHERE suppressed_reason <> '' OR suppressed_by <> ''
		OR suppressed_at <> 0 OR suppressed_until <> 0`
	if err := raw(t, path).QueryRow(q).Scan(&stale); err != nil || stale != 0 {
		t.Errorf("rows with a stale suppression = %d, %v; want 0", stale, err)
	}
}

// TestFindingsMigration checks that a database of the first schema, with inventory in it,
// gains the findings table and keeps its inventory.
func TestFindingsMigration(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "nhi.db")
	st := open(t, path)
	if err := st.PutIdentities(t.Context(), begin(t, st), time.Now(), keys("k", 3)); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	db := raw(t, path)
	for _, q := range append(undoChanges(), `DROP TABLE audit_log`, `DROP TABLE plan_actions`, `DROP TABLE plans`, `DROP TABLE findings`, `DELETE FROM schema_migrations WHERE version >= 2`) {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	st = open(t, path)
	t.Cleanup(func() { _ = st.Close() })
	if err := st.PutFindings(t.Context(), begin(t, st), time.Now(), []nhi.Finding{benchFinding(1)}); err != nil {
		t.Errorf("PutFindings after the migration: %v", err)
	}
	ids, err := st.ListIdentities(t.Context(), store.IdentityFilter{})
	if err != nil || len(ids.Items) != 3 {
		t.Errorf("identities after the migration = %d, %v; want 3", len(ids.Items), err)
	}
}
