package remediate_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/remediate"
	"github.com/nhiscope/nhi/store"
)

// TestResumeCallsThePlatformOncePerChange replays what a process killed mid-plan
// leaves behind (results are saved in batches, the audit trail entry by entry), and
// checks that the resumed run makes no change twice: action 1 was finished and audited
// but its result never saved; action 2 was started, reached the platform, and the process
// died before its finished entry; action 3 was started and died before the platform
// changed; action 4 was never started.
func TestResumeCallsThePlatformOncePerChange(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 4)
	ctx := context.Background()
	p := f.plan(t, false)
	if _, err := f.st.TransitionPlan(ctx, store.Transition{PlanID: p.ID, From: []nhi.PlanState{nhi.PlanApproved}, To: nhi.PlanRunning, By: "crashed"}); err != nil {
		t.Fatal(err)
	}
	audit := func(kind nhi.AuditKind, a nhi.Action, detail map[string]any) {
		t.Helper()
		b, _ := json.Marshal(detail)
		if _, err := f.st.AppendAudit(ctx, nhi.AuditEntry{Time: f.now, Actor: "crashed", Kind: kind, PlanID: p.ID,
			ActionID: a.ID, Target: a.IdentityID, Detail: b}); err != nil {
			t.Fatal(err)
		}
	}
	a1, a2, a3 := p.Actions[0], p.Actions[1], p.Actions[2]
	audit(nhi.AuditActionStarted, a1, map[string]any{})
	delete(f.p.present, a1.IdentityID)
	audit(nhi.AuditActionFinished, a1, map[string]any{"state": nhi.ActionDone, "call": "DELETE /grants/" + a1.IdentityID})
	audit(nhi.AuditActionStarted, a2, map[string]any{})
	delete(f.p.present, a2.IdentityID)
	audit(nhi.AuditActionStarted, a3, map[string]any{})

	rep, err := f.x.Apply(ctx, p.ID, remediate.ApplyOptions{Execute: true, Resume: true})
	if err != nil || rep.Plan.State != nhi.PlanDone {
		t.Fatalf("resume: err %v, state %s", err, rep.Plan.State)
	}
	want := []string{a3.IdentityID, p.Actions[3].IdentityID}
	if got := f.p.calls; len(got) != 2 || !(got[0] == want[0] && got[1] == want[1] || got[0] == want[1] && got[1] == want[0]) {
		t.Errorf("platform calls %v, want only the changes that never reached it %v", got, want)
	}
	if rep.AlreadyDone != 1 {
		t.Errorf("already done %d, want 1 (the interrupted change, settled by reading the platform)", rep.AlreadyDone)
	}
	stored, err := f.st.Plan(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range stored.Actions {
		if a.State != nhi.ActionDone {
			t.Errorf("action %s is %s after the resume, want done", a.ID, a.State)
		}
	}
	if stored.Actions[0].Call != "DELETE /grants/"+a1.IdentityID {
		t.Errorf("action 1 call %q: want the one recorded in the audit trail", stored.Actions[0].Call)
	}
	f.verifyChain(t)
}

// TestResumeMakesAnInterruptedChangeWhenItDidNotLand checks that an action whose start
// is on record is carried out when the platform still shows the access.
func TestResumeMakesAnInterruptedChangeWhenItDidNotLand(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 1)
	ctx := context.Background()
	p := f.plan(t, false)
	if _, err := f.st.TransitionPlan(ctx, store.Transition{PlanID: p.ID, From: []nhi.PlanState{nhi.PlanApproved}, To: nhi.PlanRunning, By: "crashed"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.AppendAudit(ctx, nhi.AuditEntry{Time: f.now, Actor: "crashed", Kind: nhi.AuditActionStarted, PlanID: p.ID,
		ActionID: p.Actions[0].ID}); err != nil {
		t.Fatal(err)
	}
	rep, err := f.x.Apply(ctx, p.ID, remediate.ApplyOptions{Execute: true, Resume: true})
	if err != nil || rep.Plan.State != nhi.PlanDone || f.p.callCount() != 1 || f.p.has(p.Actions[0].IdentityID) {
		t.Errorf("resume: err %v, state %s, %d calls; want the grant revoked with one call", err, rep.Plan.State, f.p.callCount())
	}
}
