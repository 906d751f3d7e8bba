package postgres

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
)

// appendN appends n entries of actor to st, failing t on error.
func appendN(t *testing.T, st *DB, actor string, n int) {
	t.Helper()
	for i := range n {
		e := nhi.AuditEntry{Time: time.Now(), Actor: actor, Kind: nhi.AuditActionFinished,
			PlanID: "pln_1", ActionID: fmt.Sprint(i), Detail: json.RawMessage(`{"i":` + fmt.Sprint(i) + `}`)}
		if _, err := st.AppendAudit(t.Context(), e); err != nil {
			t.Fatalf("AppendAudit: %v", err)
		}
	}
}

// allAudit returns every audit entry of st.
func allAudit(t *testing.T, st *DB) []nhi.AuditEntry {
	t.Helper()
	got, err := st.ListAudit(t.Context(), store.AuditFilter{Limit: store.MaxLimit})
	if err != nil {
		t.Fatalf("ListAudit: %v", err)
	}
	return got
}

// chainError returns the first break of the chain entries, or nil.
func chainError(entries []nhi.AuditEntry) error {
	var prev nhi.AuditEntry
	for _, e := range entries {
		if err := nhi.CheckLink(prev, e); err != nil {
			return err
		}
		prev = e
	}
	return nil
}

// TestAuditAppendOnly checks that the database itself refuses to change, delete or
// insert out of order audit entries, even through a connection that bypasses the store,
// and that the chain goes on afterwards.
func TestAuditAppendOnly(t *testing.T) {
	t.Parallel()
	st, d := openDB(t)
	appendN(t, st, "alice", 3)
	want := allAudit(t, st)
	const cols = `(seq, time, actor, kind, plan_id, action_id, target, detail, prev_hash, hash)`
	tests := []struct {
		name, stmt, msg string
	}{
		{"update", `UPDATE audit_log SET actor = 'mallory' WHERE seq = 2`, "cannot be changed"},
		{"update of every entry", `UPDATE audit_log SET detail = '\x7b7d'::bytea`, "cannot be changed"},
		{"delete", `DELETE FROM audit_log WHERE seq = 3`, "cannot be deleted"},
		{"delete of every entry", `DELETE FROM audit_log`, "cannot be deleted"},
		{"truncate", `TRUNCATE audit_log`, "cannot be deleted"},
		{"upsert", `INSERT INTO audit_log SELECT * FROM audit_log WHERE seq = 2
			ON CONFLICT (seq) DO UPDATE SET actor = 'x'`, "extend the chain"},
		{"insert in the middle", `INSERT INTO audit_log ` + cols + `
			VALUES (0, '2026-01-01T00:00:00Z', 'm', 'k', '', '', '', '', '', '')`, "extend the chain"},
		{"insert after a gap", `INSERT INTO audit_log ` + cols + `
			SELECT 5, time, actor, kind, plan_id, action_id, target, detail, hash, hash FROM audit_log WHERE seq = 3`,
			"extend the chain"},
		{"insert off the last hash", `INSERT INTO audit_log ` + cols + `
			SELECT 4, time, actor, kind, plan_id, action_id, target, detail, prev_hash, hash FROM audit_log WHERE seq = 3`,
			"extend the chain"},
	}
	c := raw(t, d)
	for _, tc := range tests {
		_, err := c.Exec(t.Context(), tc.stmt)
		if err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s through a raw connection = %v, want an error saying %q", tc.name, err, tc.msg)
		}
	}
	got := allAudit(t, st)
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("entries after refused statements (-want +got):\n%s", d)
	}
	appendN(t, st, "bob", 1)
	got = allAudit(t, st)
	if err := chainError(got); err != nil || len(got) != 4 {
		t.Errorf("chain after refused statements: %d entries, %v; want 4 unbroken", len(got), err)
	}
}

// TestAuditTwoHandles checks that two DBs on one database (two nhi processes) appending
// at the same time build one unbroken chain.
func TestAuditTwoHandles(t *testing.T) {
	t.Parallel()
	a, d := openDB(t)
	b, err := Open(t.Context(), d)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.Close() })
	const writers, each = 4, 25
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		st := []*DB{a, b}[w%2]
		wg.Go(func() {
			for i := range each {
				e := nhi.AuditEntry{Time: time.Now(), Actor: fmt.Sprintf("writer-%d", w), Kind: nhi.AuditActionStarted,
					ActionID: fmt.Sprint(i), Detail: json.RawMessage(`{"writer":` + fmt.Sprint(w) + `}`)}
				if _, err := st.AppendAudit(t.Context(), e); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for name, st := range map[string]*DB{"first": a, "second": b} {
		got := allAudit(t, st)
		if len(got) != writers*each {
			t.Errorf("%s handle: %d entries, want %d", name, len(got), writers*each)
		}
		if err := chainError(got); err != nil {
			t.Errorf("%s handle: chain of concurrent appends: %v", name, err)
		}
	}
}
