package remediate_test

import (
	"context"
	"testing"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/remediate"
)

// TestRunActionByAction runs a plan as Begin, one RunAction per action and Finish, as
// the instances of a cluster do, including an action run again after its first attempt
// reached the platform (again: nothing is called), and checks the plan's end state,
// counts and audit chain.
func TestRunActionByAction(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 3)
	ctx := context.Background()
	p := f.plan(t, false)
	if _, err := f.x.RunAction(ctx, p.ID, p.Actions[0].ID, false); nhi.ErrorCode(err) != nhi.CodeConflict {
		t.Errorf("an action of a plan not begun: %v, want conflict", err)
	}
	p, err := f.x.Begin(ctx, p.ID, remediate.ApplyOptions{})
	if err != nil || p.State != nhi.PlanRunning {
		t.Fatalf("begin: %v, state %s", err, p.State)
	}
	if _, err := f.x.Begin(ctx, p.ID, remediate.ApplyOptions{}); nhi.ErrorCode(err) != nhi.CodeConflict {
		t.Errorf("a second begin without resume: %v, want conflict", err)
	}
	notices, changes := remediate.Pending(p)
	if len(notices) != 0 || len(changes) != 3 {
		t.Fatalf("pending: %v %v", notices, changes)
	}
	if a, err := f.x.RunAction(ctx, p.ID, changes[0], false); err != nil || a.State != nhi.ActionDone {
		t.Fatalf("action 1: %v %s", err, a.State)
	}
	if _, done, err := f.x.Finish(ctx, p.ID, f.now); done || err != nil {
		t.Errorf("finish with actions pending: done %v, err %v", done, err)
	}
	// Action 2's first attempt changed the platform and died before recording it.
	delete(f.p.present, p.Actions[1].IdentityID)
	if a, err := f.x.RunAction(ctx, p.ID, changes[1], true); err != nil || a.State != nhi.ActionDone {
		t.Fatalf("action 2 again: %v %s", err, a.State)
	}
	if _, err := f.x.RunAction(ctx, p.ID, changes[2], false); err != nil {
		t.Fatal(err)
	}
	if a, err := f.x.RunAction(ctx, p.ID, changes[2], true); err != nil || a.State != nhi.ActionDone {
		t.Errorf("an action already done, run again: %v %s", err, a.State)
	}
	if f.p.callCount() != 2 {
		t.Errorf("%d platform calls, want 2 (action 2's change was already there)", f.p.callCount())
	}
	rep, done, err := f.x.Finish(ctx, p.ID, f.now)
	if err != nil || !done || rep.Plan.State != nhi.PlanDone || rep.Done != 3 {
		t.Errorf("finish: %v, done %v, state %s, %d done", err, done, rep.Plan.State, rep.Done)
	}
	if _, err := f.x.RunAction(ctx, p.ID, "99", false); nhi.ErrorCode(err) != nhi.CodeNotFound {
		t.Errorf("unknown action: %v, want not found", err)
	}
	f.verifyChain(t)
}

// TestDistributedRunStops runs a plan action by action while the platform refuses every
// change: after MaxConsecutiveFailures failures the other actions are not tried (no call
// reaches the platform) and stay pending, and Finish ends the run as partial, saying why.
func TestDistributedRunStops(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 8)
	ctx := context.Background()
	for _, id := range f.ids {
		f.p.failing[id.ID] = nhi.Errorf(nhi.CodeUnavailable, "backend error")
	}
	f.x.MaxConsecutiveFailures = 3
	p, err := f.x.Begin(ctx, f.plan(t, false).ID, remediate.ApplyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_, changes := remediate.Pending(p)
	for i, id := range changes {
		a, err := f.x.RunAction(ctx, p.ID, id, false)
		want := nhi.ActionFailed
		if i >= 3 {
			want = nhi.ActionPending
		}
		if err != nil || a.State != want {
			t.Errorf("action %d: %v, %s; want %s", i, err, a.State, want)
		}
	}
	calls := f.p.callCount()
	if calls != 3 {
		t.Errorf("%d platform calls, want 3 (the failed ones)", calls)
	}
	rep, done, err := f.x.Finish(ctx, p.ID, f.now)
	if err != nil || !done || rep.Plan.State != nhi.PlanFailed ||
		rep.Failed != 3 || rep.Pending != 5 || rep.Stopped != "3 actions failed; the rest were not tried" {
		t.Errorf("finish: %v, done %v, %+v", err, done, rep)
	}
	// The plan is no longer running: an action job that comes late changes nothing.
	if _, err := f.x.RunAction(ctx, p.ID, changes[5], false); nhi.ErrorCode(err) != nhi.CodeConflict || f.p.callCount() != calls {
		t.Errorf("late action: %v, %d calls (was %d)", err, f.p.callCount(), calls)
	}
	f.verifyChain(t)
}
