package web_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
	"github.com/nhiscope/nhi/web"
)

// TestPlanLifecycle proposes a revocation as an analyst, refuses running it before
// approval and approving it by its proposer, approves it as an approver, executes it
// against the simulated tenant, and finds each step in the audit trail with its actor.
func TestPlanLifecycle(t *testing.T) {
	t.Parallel()
	w := sharedWorld(t)
	ts := w.server(t, web.Config{})
	analyst, approver := signIn(t, ts, "analyst"), signIn(t, ts, "approver")
	target := someGrant(t, w, 1)
	id := proposePlan(t, analyst, target.ID)

	var plan nhi.Plan
	analyst.get("/api/v1/plans/"+id, &plan)
	if plan.State != nhi.PlanProposed || !plan.RequiresApproval || plan.CreatedBy != "analyst" || len(plan.Actions) != 1 ||
		plan.Actions[0].IdentityID != target.ID || plan.Actions[0].Type != nhi.ActionRevokeGrant {
		t.Fatalf("proposed plan = %+v", plan)
	}
	if r := approver.do("POST", "/api/v1/plans/"+id+"/execute", nil); r.status != http.StatusConflict {
		t.Errorf("executing a proposed plan: %d %s, want 409", r.status, r.body)
	}
	// An approver cannot approve their own proposal.
	own := proposePlan(t, approver, someGrant(t, w, 2).ID)
	if r := approver.do("POST", "/api/v1/plans/"+own+"/approve", nil); r.status != http.StatusForbidden {
		t.Errorf("self-approval: %d, want 403", r.status)
	}
	r := approver.do("POST", "/api/v1/plans/"+id+"/approve", nil)
	decodeInto(t, r, &plan)
	if r.status != 200 || plan.State != nhi.PlanApproved || plan.ApprovedBy != "approver" {
		t.Fatalf("approve: %d %+v", r.status, plan)
	}
	r = approver.do("POST", "/api/v1/plans/"+id+"/execute", nil)
	decodeInto(t, r, &plan)
	if r.status != 200 || plan.State != nhi.PlanDone || plan.Actions[0].State != nhi.ActionDone || plan.Actions[0].VerifiedAt.IsZero() {
		t.Fatalf("execute: %d %+v", r.status, plan)
	}
	if r := approver.do("POST", "/api/v1/plans/"+id+"/reject", map[string]string{"reason": "too late"}); r.status != http.StatusConflict {
		t.Errorf("rejecting a done plan: %d, want 409", r.status)
	}
	entries, err := w.db.ListAudit(context.Background(), store.AuditFilter{PlanID: id, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	actors := map[nhi.AuditKind]string{}
	for _, e := range entries {
		actors[e.Kind] = e.Actor
	}
	for kind, who := range map[nhi.AuditKind]string{nhi.AuditPlanCreated: "analyst", nhi.AuditPlanApproved: "approver",
		nhi.AuditActionStarted: "approver", nhi.AuditActionFinished: "approver", nhi.AuditPlanFinished: "approver"} {
		if actors[kind] != who {
			t.Errorf("audit %s by %q, want %q", kind, actors[kind], who)
		}
	}
	if auditCount(t, w, "plan.executed") == 0 {
		t.Error("the execution is not audited")
	}
	var gone nhi.Identity
	analyst.get("/api/v1/identities/"+target.ID, &struct {
		Identity *nhi.Identity `json:"identity"`
	}{&gone})
	if gone.ID != target.ID {
		t.Errorf("identity after revocation = %+v", gone)
	}
}

// TestKillSwitchProposal proposes the vendor kill switch and finds every identity the
// vendor preview listed in the plan.
func TestKillSwitchProposal(t *testing.T) {
	t.Parallel()
	w := sharedWorld(t)
	ts := w.server(t, web.Config{})
	analyst := signIn(t, ts, "analyst")
	app := someGrant(t, w, 4)
	var preview struct {
		KillSwitch nhi.Plan `json:"kill_switch"`
		Vendor     string   `json:"vendor"`
	}
	var detail struct {
		App *nhi.App `json:"app"`
	}
	analyst.get("/api/v1/identities/"+app.ID, &detail)
	analyst.get("/api/v1/vendors/"+pathEscape(detail.App.Name), &preview)
	r := analyst.do("POST", "/api/v1/plans", map[string]string{"vendor": detail.App.Name, "reason": "breach"})
	var plan nhi.Plan
	decodeInto(t, r, &plan)
	if r.status != http.StatusCreated || plan.State != nhi.PlanProposed || len(plan.Actions) != len(preview.KillSwitch.Actions) ||
		plan.CreatedBy != "analyst" {
		t.Fatalf("kill switch: %d, %d actions (preview %d), state %s", r.status, len(plan.Actions), len(preview.KillSwitch.Actions), plan.State)
	}
	hasAppWide := false
	for _, a := range plan.Actions {
		hasAppWide = hasAppWide || a.Type == nhi.ActionRevokeAppGrants
	}
	if !hasAppWide {
		t.Error("the kill switch of a Google app has no app-wide revocation")
	}
}

// TestExecuteQueuesWithASharedQueue checks that with Config.QueuePlan an executed plan
// is queued, not run in the request: 202 with the plan as it is, the queue called with
// the plan and its executor, nothing changed on the tenant; a plan not yet approved is
// refused before anything is queued.
func TestExecuteQueuesWithASharedQueue(t *testing.T) {
	t.Parallel()
	w := sharedWorld(t)
	type call struct {
		id, actor string
		force     bool
	}
	var calls []call
	ts := w.server(t, web.Config{QueuePlan: func(_ context.Context, id, actor string, force bool) (bool, error) {
		calls = append(calls, call{id, actor, force})
		return len(calls) > 1, nil
	}})
	analyst, approver := signIn(t, ts, "analyst"), signIn(t, ts, "approver")
	id := proposePlan(t, analyst, someGrant(t, w, 3).ID)
	if r := approver.do("POST", "/api/v1/plans/"+id+"/execute", nil); r.status != http.StatusConflict || len(calls) != 0 {
		t.Errorf("queueing a proposed plan: %d, %d calls; want 409 and none", r.status, len(calls))
	}
	if r := approver.do("POST", "/api/v1/plans/"+id+"/approve", nil); r.status != 200 {
		t.Fatalf("approve: %d", r.status)
	}
	var plan nhi.Plan
	r := approver.do("POST", "/api/v1/plans/"+id+"/execute", map[string]bool{"force": true})
	decodeInto(t, r, &plan)
	if r.status != http.StatusAccepted || plan.State != nhi.PlanApproved || len(calls) != 1 || calls[0] != (call{id, "approver", true}) {
		t.Errorf("queue: %d, plan %s, calls %+v; want 202, still approved, one call by approver with force", r.status, plan.State, calls)
	}
	if n := auditCount(t, w, "plan.executed"); n == 0 {
		t.Error("the queueing is not audited")
	}
}
