package sqlite_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sync/errgroup"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
	"github.com/nhiscope/nhi/store/sqlite"
)

// appendN appends n entries of actor to st, failing t on error.
func appendN(t *testing.T, st *sqlite.DB, actor string, n int) {
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
func allAudit(t *testing.T, st *sqlite.DB) []nhi.AuditEntry {
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
// insert out of order audit entries, even through a connection that bypasses the store.
func TestAuditAppendOnly(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "nhi.db")
	st := open(t, path)
	t.Cleanup(func() { _ = st.Close() })
	appendN(t, st, "alice", 3)
	want := allAudit(t, st)
	db := raw(t, path)
	tests := []struct {
		name, stmt, msg string
	}{
		{"update", `UPDATE audit_log SET actor = 'mallory' WHERE seq = 2`, "cannot be changed"},
		{"update of every entry", `UPDATE audit_log SET detail = x'7b7d'`, "cannot be changed"},
		{"delete", `DELETE FROM audit_log WHERE seq = 3`, "cannot be deleted"},
		{"replace", `INSERT OR REPLACE INTO audit_log SELECT * FROM audit_log WHERE seq = 1`, "extend the chain"},
		{"upsert", `INSERT INTO audit_log SELECT * FROM audit_log WHERE seq = 2 ON CONFLICT DO UPDATE SET actor = 'x'`,
			"extend the chain"},
		{"insert in the middle", `INSERT INTO audit_log (seq, time, actor, kind, plan_id, action_id, target, detail, prev_hash, hash)
			VALUES (0, '2026-01-01T00:00:00Z', 'm', 'k', '', '', '', x'', '', '')`, "extend the chain"},
		{"insert after a gap", `INSERT INTO audit_log (seq, time, actor, kind, plan_id, action_id, target, detail, prev_hash, hash)
			SELECT 5, time, actor, kind, plan_id, action_id, target, detail, hash, hash FROM audit_log WHERE seq = 3`,
			"extend the chain"},
		{"insert off the last hash", `INSERT INTO audit_log (seq, time, actor, kind, plan_id, action_id, target, detail, prev_hash, hash)
			SELECT 4, time, actor, kind, plan_id, action_id, target, detail, prev_hash, hash FROM audit_log WHERE seq = 3`,
			"extend the chain"},
	}
	for _, tc := range tests {
		_, err := db.ExecContext(t.Context(), tc.stmt)
		if err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s through a raw connection = %v, want an error saying %q", tc.name, err, tc.msg)
		}
	}
	got := allAudit(t, st)
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("entries after refused statements (-want +got):\n%s", d)
	}
	if err := chainError(got); err != nil {
		t.Errorf("chain after refused statements: %v", err)
	}
}

// TestAuditTamperDetected checks that CheckLink catches what someone with write access to
// the file can still do: append a forged entry, or drop the triggers and rewrite history.
func TestAuditTamperDetected(t *testing.T) {
	t.Parallel()
	const cols = `seq, time, actor, kind, plan_id, action_id, target, detail, prev_hash, hash`
	tests := []struct {
		name  string
		stmts []string
		seq   int64 // where the chain must break
	}{
		{"forged entry appended", []string{`INSERT INTO audit_log (` + cols + `) SELECT 4, time, 'mallory', kind,
			plan_id, action_id, target, detail, hash, '` + strings.Repeat("0", 64) + `' FROM audit_log WHERE seq = 3`}, 4},
		{"forged entry with a copied hash", []string{`INSERT INTO audit_log (` + cols + `) SELECT 4, time, actor,
			kind, plan_id, 'forged', target, detail, hash, hash FROM audit_log WHERE seq = 3`}, 4},
		{"actor rewritten", []string{`DROP TRIGGER audit_log_no_update`,
			`UPDATE audit_log SET actor = 'mallory' WHERE seq = 2`}, 2},
		{"detail rewritten", []string{`DROP TRIGGER audit_log_no_update`,
			`UPDATE audit_log SET detail = CAST('{"i": 1}' AS BLOB) WHERE seq = 2`}, 2},
		{"time rewritten", []string{`DROP TRIGGER audit_log_no_update`,
			`UPDATE audit_log SET time = '2020-01-01T00:00:00Z' WHERE seq = 1`}, 1},
		{"hash swapped for another", []string{`DROP TRIGGER audit_log_no_update`,
			`UPDATE audit_log SET hash = (SELECT hash FROM audit_log WHERE seq = 1) WHERE seq = 2`}, 2},
		{"entry deleted", []string{`DROP TRIGGER audit_log_no_delete`, `DELETE FROM audit_log WHERE seq = 2`}, 3},
		{"last entry deleted and renumbered", []string{`DROP TRIGGER audit_log_no_delete`,
			`DROP TRIGGER audit_log_no_update`, `DELETE FROM audit_log WHERE seq = 2`,
			`UPDATE audit_log SET seq = 2 WHERE seq = 3`}, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "nhi.db")
			st := open(t, path)
			t.Cleanup(func() { _ = st.Close() })
			appendN(t, st, "alice", 3)
			if err := chainError(allAudit(t, st)); err != nil {
				t.Fatalf("chain before tampering: %v", err)
			}
			db := raw(t, path)
			for _, s := range tc.stmts {
				if _, err := db.ExecContext(t.Context(), s); err != nil {
					t.Fatalf("%s: %v", s, err)
				}
			}
			var ce *nhi.ChainError
			err := chainError(allAudit(t, st))
			if !errors.As(err, &ce) || ce.Seq != tc.seq {
				t.Errorf("chain after tampering: %v, want a break at entry %d", err, tc.seq)
			}
		})
	}
}

// TestAuditTwoHandles checks that two DBs on one file (two nhi processes) appending at
// the same time build one unbroken chain.
func TestAuditTwoHandles(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "nhi.db")
	a, b := open(t, path), open(t, path)
	t.Cleanup(func() { _ = a.Close(); _ = b.Close() })
	const writers, each = 4, 25
	var g errgroup.Group
	for w := range writers {
		st := []*sqlite.DB{a, b}[w%2]
		g.Go(func() error {
			for i := range each {
				e := nhi.AuditEntry{Time: time.Now(), Actor: fmt.Sprintf("writer-%d", w), Kind: nhi.AuditActionStarted,
					ActionID: fmt.Sprint(i), Detail: json.RawMessage(`{"writer":` + fmt.Sprint(w) + `}`)}
				if _, err := st.AppendAudit(t.Context(), e); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
	for name, st := range map[string]*sqlite.DB{"first": a, "second": b} {
		got := allAudit(t, st)
		if len(got) != writers*each {
			t.Errorf("%s handle: %d entries, want %d", name, len(got), writers*each)
		}
		if err := chainError(got); err != nil {
			t.Errorf("%s handle: chain of concurrent appends: %v", name, err)
		}
	}
}
