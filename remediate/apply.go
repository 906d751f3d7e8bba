package remediate

import (
	"context"
	"fmt"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
)

// Apply runs plan planID. Without opt.Execute it only previews the plan and changes
// nothing. With it, the plan must be in enforce mode and approved (or partial or failed,
// to finish a previous run), and its actions must be those that were approved; Apply
// moves it to running, carries out every pending or failed action (notifications first,
// so that owners hear before their access goes), verifies each against the platform, and
// moves it to done, partial or failed. Actions already done are not touched again, so a
// rerun of a finished plan is a no-op.
func (x *Executor) Apply(ctx context.Context, planID string, opt ApplyOptions) (Report, error) {
	p, err := x.Store.Plan(ctx, planID)
	if err != nil {
		return Report{}, err
	}
	if !opt.Execute {
		return x.dryRun(ctx, p, runnable(p.Actions))
	}
	if err := x.checkRun(p, len(runnable(p.Actions)), opt); err != nil {
		return Report{Plan: p}, err
	}
	if len(runnable(p.Actions)) == 0 {
		return Report{Plan: p}, nil
	}
	if err := x.checkApproved(ctx, p); err != nil {
		return Report{Plan: p}, err
	}
	from := []nhi.PlanState{nhi.PlanApproved, nhi.PlanPartial, nhi.PlanFailed}
	if opt.Resume {
		from = []nhi.PlanState{nhi.PlanRunning}
	}
	start := x.now()
	if _, err := x.Store.TransitionPlan(ctx, store.Transition{PlanID: p.ID, From: from, To: nhi.PlanRunning, By: x.Actor, At: start}); err != nil {
		return Report{Plan: p}, err
	}
	// Read the actions again now that this run holds the plan: another run may have
	// finished some of them since the first read.
	if p, err = x.Store.Plan(ctx, planID); err != nil {
		return Report{}, err
	}
	r := newRun(x, p, nil)
	r.start = start
	if opt.Resume {
		changed, err := r.reconcile(ctx)
		if err != nil {
			return Report{Plan: p}, err // the plan stays running: a later resume retries
		}
		for _, i := range changed {
			r.dirty = append(r.dirty, r.plan.Actions[i])
		}
	}
	r.todo = runnable(r.plan.Actions)
	if _, err := r.audit(ctx, nhi.AuditPlanStarted, nhi.Action{}, map[string]any{"actions": len(r.todo), "mode": p.Mode}); err != nil {
		_, _ = x.Store.TransitionPlan(context.WithoutCancel(ctx), store.Transition{PlanID: p.ID,
			From: []nhi.PlanState{nhi.PlanRunning}, To: nhi.PlanFailed, By: x.Actor, At: x.now()})
		return Report{Plan: p}, fmt.Errorf("apply: audit trail unavailable, nothing changed: %w", err)
	}
	r.execute(ctx)
	return r.finish(ctx)
}

// runnable returns the indexes of the actions a run carries out: pending and failed.
func runnable(actions []nhi.Action) []int {
	var out []int
	for i, a := range actions {
		if a.State == nhi.ActionPending || a.State == nhi.ActionFailed {
			out = append(out, i)
		}
	}
	return out
}

// Runnable says why plan p cannot be executed as it stands (its mode, or a state short
// of approval), or nil: the checks a caller makes before queueing a run elsewhere.
func Runnable(p nhi.Plan) error {
	switch {
	case p.Mode != nhi.ModeEnforce:
		return nhi.Errorf(nhi.CodeInvalid, "plan %s is in %s mode: it can be previewed, not executed (set the policy's mode to enforce)", p.ID, p.Mode)
	case p.State == nhi.PlanProposed:
		return nhi.Errorf(nhi.CodeConflict, "plan %s is not approved yet: nhi plan approve %s", p.ID, p.ID)
	case p.State == nhi.PlanRejected:
		return nhi.Errorf(nhi.CodeConflict, "plan %s was rejected; it never runs", p.ID)
	}
	return nil
}

// checkRun refuses runs the plan's mode, state or size do not allow.
func (x *Executor) checkRun(p nhi.Plan, n int, opt ApplyOptions) error {
	if err := Runnable(p); err != nil {
		return err
	}
	switch {
	case p.State == nhi.PlanRunning && !opt.Resume:
		return nhi.Errorf(nhi.CodeConflict, "plan %s is running; if no other nhi process is running it (a run was interrupted), --resume takes it over", p.ID)
	case p.State != nhi.PlanRunning && opt.Resume:
		return nhi.Errorf(nhi.CodeConflict, "plan %s is %s, not running: --resume only takes over an interrupted run", p.ID, p.State)
	case n > orDefault(x.MaxActions, DefaultMaxActions) && !opt.Force:
		return nhi.Errorf(nhi.CodeInvalid, "plan %s has %d actions to run, more than the limit of %d per run; review it and pass --force to run them all",
			p.ID, n, orDefault(x.MaxActions, DefaultMaxActions))
	}
	return nil
}

// dryRun previews the actions and records that it did.
func (x *Executor) dryRun(ctx context.Context, p nhi.Plan, todo []int) (Report, error) {
	rep := Report{Plan: p, DryRun: true}
	r := newRun(x, p, todo)
	for _, i := range todo {
		a := p.Actions[i]
		skip, _ := r.guard(a)
		rep.Preview = append(rep.Preview, Preview{Action: a, Skip: skip})
		if skip != "" {
			rep.Skipped++
		} else {
			rep.Pending++
		}
	}
	_, err := r.audit(ctx, nhi.AuditDryRun, nhi.Action{}, map[string]any{"would_run": rep.Pending, "would_skip": rep.Skipped})
	return rep, err
}

// finalState is the state of a plan after a run: done when every action is done,
// partial when some are, failed when none is. A skipped action is not done: a plan whose
// changes were all refused did not contain anything.
func finalState(actions []nhi.Action) nhi.PlanState {
	done := 0
	for _, a := range actions {
		if a.State == nhi.ActionDone {
			done++
		}
	}
	switch {
	case done == len(actions):
		return nhi.PlanDone
	case done > 0:
		return nhi.PlanPartial
	}
	return nhi.PlanFailed
}
