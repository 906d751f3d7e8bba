package sqlite_test

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
)

// TestCreateLargePlan checks that a kill-switch plan round-trips whole, and that
// OpenActionKeys holds every one of its actions.
func TestCreateLargePlan(t *testing.T) {
	t.Parallel()
	st := open(t, filepath.Join(t.TempDir(), "nhi.db"))
	t.Cleanup(func() { _ = st.Close() })
	in := killSwitchPlan(killSwitchActions)
	created, err := st.CreatePlan(t.Context(), in, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	got, err := st.Plan(t.Context(), created.ID)
	if err != nil || len(got.Actions) != killSwitchActions || got.Actions[killSwitchActions-1].ID != fmt.Sprint(killSwitchActions) {
		t.Fatalf("Plan = %d actions, %v; want %d numbered in order", len(got.Actions), err, killSwitchActions)
	}
	keys, err := st.OpenActionKeys(t.Context(), "")
	if err != nil || len(keys) != killSwitchActions {
		t.Errorf("OpenActionKeys = %d keys, %v; want %d", len(keys), err, killSwitchActions)
	}
	page, err := st.ListPlans(t.Context(), store.PlanFilter{})
	if err != nil || len(page.Items) != 1 || page.Items[0].Blast.Actions != killSwitchActions {
		t.Errorf("ListPlans = %+v, %v; want the plan", page.Items, err)
	}
}

// TestPlansMigration checks that a database of the second schema, with inventory and
// findings in it, gains the plans and the audit trail and keeps what it had.
func TestPlansMigration(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "nhi.db")
	st := open(t, path)
	scan := begin(t, st)
	if err := st.PutIdentities(t.Context(), scan, time.Now(), keys("k", 3)); err != nil {
		t.Fatal(err)
	}
	if err := st.PutFindings(t.Context(), scan, time.Now(), []nhi.Finding{benchFinding(1)}); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	db := raw(t, path)
	for _, q := range append(undoChanges(), `DROP TABLE audit_log`, `DROP TABLE plan_actions`, `DROP TABLE plans`,
		`DELETE FROM schema_migrations WHERE version >= 3`) {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	st = open(t, path)
	t.Cleanup(func() { _ = st.Close() })
	if _, err := st.CreatePlan(t.Context(), killSwitchPlan(2), time.Now()); err != nil {
		t.Errorf("CreatePlan after the migration: %v", err)
	}
	if _, err := st.AppendAudit(t.Context(), nhi.AuditEntry{Actor: "a", Kind: nhi.AuditPlanCreated}); err != nil {
		t.Errorf("AppendAudit after the migration: %v", err)
	}
	ids, err := st.ListIdentities(t.Context(), store.IdentityFilter{})
	if err != nil || len(ids.Items) != 3 {
		t.Errorf("identities after the migration = %d, %v; want 3", len(ids.Items), err)
	}
	fs, err := st.ListFindings(t.Context(), store.FindingFilter{})
	if err != nil || len(fs.Items) != 1 {
		t.Errorf("findings after the migration = %d, %v; want 1", len(fs.Items), err)
	}
}
