package sqlite

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
	"github.com/nhiscope/nhi/store/internal/sqlq"
)

// TestFindingQueryPlans checks that the lists of findings and ResolveFindings use the
// indexes made for them: the list order without a sort, and the selective filters through
// their index.
func TestFindingQueryPlans(t *testing.T) {
	t.Parallel()
	db, err := Open(t.Context(), filepath.Join(t.TempDir(), "nhi.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	tests := []struct {
		name    string
		filter  store.FindingFilter
		want    string
		notWant string
	}{
		{"first page", store.FindingFilter{}, "findings_by_rank", "TEMP B-TREE"},
		{"next page", store.FindingFilter{After: sqlq.EncodeCursor(sqlq.ListFindings, "3", "fnd_x")}, "findings_by_rank", "TEMP B-TREE"},
		{"min severity", store.FindingFilter{MinSeverity: nhi.SeverityHigh}, "findings_by_rank", "TEMP B-TREE"},
		{"subject", store.FindingFilter{SubjectID: "gws_x"}, "findings_by_subject", ""},
		{"owner", store.FindingFilter{Owner: "u1"}, "findings_by_owner", ""},
		{"app", store.FindingFilter{AppID: "app1"}, "findings_by_app", ""},
		{"open", store.FindingFilter{Status: nhi.FindingOpen}, "findings_by_rank", "TEMP B-TREE"},
		{"tenant", store.FindingFilter{Platform: nhi.PlatformGoogleWorkspace, Tenant: "C01"}, "findings_by_rank", "TEMP B-TREE"},
		{"suppressed", store.FindingFilter{Status: nhi.FindingSuppressed}, "findings_by_status", ""},
		{"resolved in a tenant", store.FindingFilter{Status: nhi.FindingResolved, Platform: nhi.PlatformGoogleWorkspace, Tenant: "C01"},
			"findings_by_status", ""},
	}
	for _, tc := range tests {
		q, args, err := listFindingsQuery(tc.filter)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		plan := queryPlan(t, db, q, append(args, 10)...)
		if !strings.Contains(plan, tc.want) || (tc.notWant != "" && strings.Contains(plan, tc.notWant)) {
			t.Errorf("%s: plan %q, want it to use %s without %q", tc.name, plan, tc.want, tc.notWant)
		}
	}
	plan := queryPlan(t, db, resolveFindings, 1, "p", "t", "e")
	if !strings.Contains(plan, "findings_by_status") {
		t.Errorf("ResolveFindings: plan %q, want it to use findings_by_status", plan)
	}
}

// queryPlan returns the details of the query plan of q, joined by "; ".
func queryPlan(t *testing.T, db *DB, q string, args ...any) string {
	t.Helper()
	rows, err := db.r.QueryContext(t.Context(), `EXPLAIN QUERY PLAN `+q, args...)
	if err != nil {
		t.Fatalf("EXPLAIN QUERY PLAN: %v", err)
	}
	defer rows.Close()
	var details []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		details = append(details, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(details, "; ")
}
