package remediate

import (
	"context"
	"fmt"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
)

// The three calls below run a plan whose actions are carried out one by one elsewhere,
// each as its own job that any of several nhi instances may take (package cluster):
// Begin starts the run, RunAction carries out one action, Finish ends the run once no
// action is pending. Apply does all three in one process. Apply stops after
// MaxConsecutiveFailures failures in a row; the actions of a distributed run run on several
// instances at once, in no order, so it stops after that many failures in all (Stopped):
// later actions stay pending, untried, and Finish ends the run as partial. An action
// already under way when the run stops still finishes and records its result.

// Begin starts a run of plan planID: it checks the plan as Apply does, moves it to running
// (with opt.Resume, takes over a running one), marks its failed actions pending again so
// that this run retries them, records the start, and returns the plan. A plan with
// nothing to run is returned as it is.
func (x *Executor) Begin(ctx context.Context, planID string, opt ApplyOptions) (nhi.Plan, error) {
	opt.Execute = true
	p, err := x.Store.Plan(ctx, planID)
	if err != nil {
		return nhi.Plan{}, err
	}
	todo := runnable(p.Actions)
	if err := x.checkRun(p, len(todo), opt); err != nil {
		return p, err
	}
	if len(todo) == 0 {
		return p, nil
	}
	if err := x.checkApproved(ctx, p); err != nil {
		return p, err
	}
	from := []nhi.PlanState{nhi.PlanApproved, nhi.PlanPartial, nhi.PlanFailed}
	if opt.Resume {
		from = []nhi.PlanState{nhi.PlanRunning}
	}
	if _, err := x.Store.TransitionPlan(ctx, store.Transition{PlanID: p.ID, From: from, To: nhi.PlanRunning, By: x.Actor, At: x.now()}); err != nil {
		return p, err
	}
	if p, err = x.Store.Plan(ctx, planID); err != nil {
		return p, err
	}
	var retry []nhi.Action
	for _, i := range runnable(p.Actions) {
		if p.Actions[i].State == nhi.ActionFailed {
			p.Actions[i].State = nhi.ActionPending
			retry = append(retry, p.Actions[i])
		}
	}
	if len(retry) > 0 {
		if err := x.Store.UpdateActions(ctx, p.ID, retry); err != nil {
			return p, fmt.Errorf("apply: %w", err)
		}
	}
	r := newRun(x, p, nil)
	_, err = r.audit(ctx, nhi.AuditPlanStarted, nhi.Action{}, map[string]any{"actions": len(runnable(p.Actions)),
		"mode": p.Mode, "distributed": true, "resumed": opt.Resume})
	return p, err
}

// RunAction carries out action actionID of plan planID, which Begin started, and saves its
// result; an action no longer pending is returned as it is. again says an earlier attempt
// of this action may have reached the platform (its job runs again because its instance
// died): the platform is read first, and nothing is called when the change shows there.
func (x *Executor) RunAction(ctx context.Context, planID, actionID string, again bool) (nhi.Action, error) {
	p, err := x.Store.Plan(ctx, planID)
	if err != nil {
		return nhi.Action{}, err
	}
	i := -1
	for j := range p.Actions {
		if p.Actions[j].ID == actionID {
			i = j
		}
	}
	switch {
	case i < 0:
		return nhi.Action{}, nhi.Errorf(nhi.CodeNotFound, "plan %s has no action %s", planID, actionID)
	case p.Actions[i].State != nhi.ActionPending:
		return p.Actions[i], nil
	case p.State != nhi.PlanRunning:
		return p.Actions[i], nhi.Errorf(nhi.CodeConflict, "plan %s is %s, not running: its actions run only in a run Begin started", planID, p.State)
	case x.Stopped(p) != "":
		return p.Actions[i], nil // the run stopped: the action stays pending, untried
	}
	r := newRun(x, p, []int{i})
	if again {
		r.interrupted[actionID] = true
	}
	a, already := r.perform(ctx, p.Actions[i])
	r.finished(i, a, already)
	r.mu.Lock()
	r.flushLocked()
	stopped, flushErr := r.stopped, r.flushErr
	r.mu.Unlock()
	if flushErr != nil {
		return a, fmt.Errorf("apply: saving the result of action %s: %w", actionID, flushErr)
	}
	if stopped != "" {
		return a, fmt.Errorf("apply: action %s: %s", actionID, stopped)
	}
	return a, nil
}

// Stopped says why a distributed run of p stops early: MaxConsecutiveFailures of its
// actions failed (Begin makes the failures of earlier runs pending again, so these are
// this run's). "" while it goes on.
func (x *Executor) Stopped(p nhi.Plan) string {
	failed := 0
	for _, a := range p.Actions {
		if a.State == nhi.ActionFailed {
			failed++
		}
	}
	if max := orDefault(x.MaxConsecutiveFailures, DefaultMaxConsecutiveFailures); failed >= max {
		return fmt.Sprintf("%d actions failed; the rest were not tried", failed)
	}
	return ""
}

// Pending returns the IDs of the actions of p still pending, notifications first.
func Pending(p nhi.Plan) (notices, changes []string) {
	for _, a := range p.Actions {
		if a.State != nhi.ActionPending {
			continue
		}
		if a.Type == nhi.ActionNotifyOwner {
			notices = append(notices, a.ID)
		} else {
			changes = append(changes, a.ID)
		}
	}
	return notices, changes
}

// Finish ends the run of plan planID begun at start once no action is pending, or once
// the run stopped (Stopped): it records the end and moves the plan to done, partial or
// failed, as Apply does. done is false, and nothing changes, while actions are pending
// and the run goes on; a plan no longer running is reported as it is.
func (x *Executor) Finish(ctx context.Context, planID string, start time.Time) (rep Report, done bool, err error) {
	p, err := x.Store.Plan(ctx, planID)
	if err != nil {
		return Report{}, false, err
	}
	if p.State != nhi.PlanRunning {
		return Report{Plan: p}, true, nil
	}
	r := newRun(x, p, nil)
	r.start = start
	r.stopped = x.Stopped(p)
	for _, a := range p.Actions {
		switch a.State {
		case nhi.ActionPending:
			if r.stopped == "" {
				return Report{Plan: p}, false, nil
			}
		case nhi.ActionDone:
			r.rep.Done++
			if a.VerifiedAt.After(r.last) {
				r.last = a.VerifiedAt
			}
		case nhi.ActionFailed:
			r.rep.Failed++
		case nhi.ActionSkipped:
			r.rep.Skipped++
		}
	}
	rep, err = r.finish(ctx)
	return rep, true, err
}
