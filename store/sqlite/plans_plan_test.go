package sqlite

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
	"github.com/nhiscope/nhi/store/internal/sqlq"
)

// TestPlanQueryPlans checks that the lists of plans and audit entries and OpenActionKeys
// use the indexes made for them, in list order without a sort.
func TestPlanQueryPlans(t *testing.T) {
	t.Parallel()
	db, err := Open(t.Context(), filepath.Join(t.TempDir(), "nhi.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	plans := []struct {
		name   string
		filter store.PlanFilter
		want   string
	}{
		{"first page", store.PlanFilter{}, "plans_by_created"},
		{"next page", store.PlanFilter{After: sqlq.EncodeCursor(sqlq.ListPlans, "5", "9")}, "plans_by_created"},
		{"state", store.PlanFilter{State: nhi.PlanProposed}, "plans_by_state"},
		{"policy", store.PlanFilter{Policy: "stale"}, "plans_by_policy"},
	}
	for _, tc := range plans {
		q, args, err := listPlansQuery(tc.filter)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		plan := queryPlan(t, db, q, append(args, 10)...)
		if !strings.Contains(plan, tc.want) || strings.Contains(plan, "TEMP B-TREE") {
			t.Errorf("plans %s: plan %q, want it to use %s without a sort", tc.name, plan, tc.want)
		}
	}
	audit := []struct {
		name   string
		filter store.AuditFilter
		want   string
	}{
		{"all", store.AuditFilter{AfterSeq: 5}, "INTEGER PRIMARY KEY"},
		{"of a plan", store.AuditFilter{PlanID: "pln_1", AfterSeq: 5}, "audit_by_plan"},
	}
	for _, tc := range audit {
		q, args := listAuditQuery(tc.filter)
		plan := queryPlan(t, db, q, append(args, 10)...)
		if !strings.Contains(plan, tc.want) || strings.Contains(plan, "TEMP B-TREE") {
			t.Errorf("audit %s: plan %q, want it to use %s without a sort", tc.name, plan, tc.want)
		}
	}
	plan := queryPlan(t, db, openActionKeys, "", "")
	if !strings.Contains(plan, "plans_by_state") || !strings.Contains(plan, "SEARCH a USING PRIMARY KEY") || strings.Contains(plan, "TEMP B-TREE") {
		t.Errorf("OpenActionKeys: plan %q, want plans_by_state and the actions' primary key, no sort", plan)
	}
}
