package remediate

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
)

// flushEvery is how many finished actions are stored together.
const flushEvery = 200

// run is one execution of a plan.
type run struct {
	x     *Executor
	plan  nhi.Plan
	todo  []int
	start time.Time

	mu          sync.Mutex
	dirty       []nhi.Action
	consecutive int
	stopped     string
	flushErr    error
	rep         Report
	last        time.Time
	// interrupted holds the IDs of the actions an earlier run started and never
	// finished (see reconcile).
	interrupted map[string]bool
}

func newRun(x *Executor, p nhi.Plan, todo []int) *run {
	return &run{x: x, plan: p, todo: todo, start: x.now(), interrupted: map[string]bool{}}
}

// execute carries out the actions with bounded concurrency, notifications first (the
// owner hears before the access goes), stopping early on repeated failures, an
// unwritable audit trail or store, or a cancelled ctx.
func (r *run) execute(ctx context.Context) {
	var notices, changes []int
	for _, i := range r.todo {
		if r.plan.Actions[i].Type == nhi.ActionNotifyOwner {
			notices = append(notices, i)
		} else {
			changes = append(changes, i)
		}
	}
	r.phase(ctx, notices)
	r.mu.Lock()
	r.flushLocked() // a notice sent must be on record before anything else happens
	r.mu.Unlock()
	r.phase(ctx, changes)
}

// phase runs one list of actions with bounded concurrency.
func (r *run) phase(ctx context.Context, todo []int) {
	next := make(chan int)
	var wg sync.WaitGroup
	for range orDefault(r.x.Concurrency, DefaultConcurrency) {
		wg.Go(func() {
			for i := range next {
				if r.halted(ctx) {
					continue // stopped while this action waited: it stays pending
				}
				a, already := r.perform(ctx, r.plan.Actions[i])
				r.finished(i, a, already)
			}
		})
	}
	for _, i := range todo {
		if r.halted(ctx) {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
}

// halted reports whether the run must start no further action.
func (r *run) halted(ctx context.Context) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stopped == "" && ctx.Err() != nil {
		r.stopped = "cancelled"
	}
	return r.stopped != ""
}

// stop halts the run for the given reason (the first reason wins).
func (r *run) stop(why string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stopped == "" {
		r.stopped = why
	}
}

// finished records one action's result and flushes results in batches.
func (r *run) finished(i int, a nhi.Action, already bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.plan.Actions[i] = a
	r.dirty = append(r.dirty, a)
	switch a.State {
	case nhi.ActionDone:
		r.consecutive = 0
		r.rep.Done++
		if already {
			r.rep.AlreadyDone++
		}
		if a.VerifiedAt.After(r.last) {
			r.last = a.VerifiedAt
		}
	case nhi.ActionSkipped:
		r.rep.Skipped++
	case nhi.ActionFailed:
		r.rep.Failed++
		r.consecutive++
		if max := orDefault(r.x.MaxConsecutiveFailures, DefaultMaxConsecutiveFailures); r.consecutive >= max && r.stopped == "" {
			r.stopped = fmt.Sprintf("%d actions failed in a row", r.consecutive)
		}
	}
	if len(r.dirty) >= flushEvery {
		r.flushLocked()
	}
}

// flushLocked stores the finished actions; r.mu is held. When the store fails, the run
// stops (its results could not be kept) and the results stay queued for another try.
func (r *run) flushLocked() {
	if len(r.dirty) == 0 {
		return
	}
	if err := r.x.Store.UpdateActions(context.Background(), r.plan.ID, r.dirty); err != nil {
		r.flushErr = err
		if r.stopped == "" {
			r.stopped = "saving action results failed: " + nhi.ErrorMessage(err)
		}
		return
	}
	r.flushErr = nil
	r.dirty = r.dirty[:0]
}

// finish stores what is left, records the end of the run and moves the plan to its
// final state.
func (r *run) finish(ctx context.Context) (Report, error) {
	ctx = context.WithoutCancel(ctx)
	r.mu.Lock()
	r.flushLocked()
	rep, flushErr := r.rep, r.flushErr
	r.mu.Unlock()
	rep.Stopped = r.stopped
	for _, a := range r.plan.Actions {
		if a.State == nhi.ActionPending {
			rep.Pending++
		}
	}
	from := r.start
	if r.plan.ApprovedAt.After(from) {
		from = r.plan.ApprovedAt
	}
	if !r.last.IsZero() {
		rep.Contained = r.last.Sub(from)
	}
	state := finalState(r.plan.Actions)
	if flushErr != nil {
		rep.Plan = r.plan
		return rep, fmt.Errorf("apply: the results of some actions could not be saved; the plan stays running (nhi apply --execute --resume runs them again; the audit trail has what was done): %w", flushErr)
	}
	_, auditErr := r.audit(ctx, nhi.AuditPlanFinished, nhi.Action{}, map[string]any{"state": state,
		"done": rep.Done, "failed": rep.Failed, "skipped": rep.Skipped, "pending": rep.Pending,
		"stopped": rep.Stopped, "contained_seconds": rep.Contained.Seconds()})
	p, err := r.x.Store.TransitionPlan(ctx, store.Transition{PlanID: r.plan.ID,
		From: []nhi.PlanState{nhi.PlanRunning}, To: state, By: r.x.Actor, At: r.x.now()})
	if err == nil {
		p.Actions = r.plan.Actions
		rep.Plan = p
	}
	for _, e := range []error{auditErr, err} {
		if e != nil {
			return rep, fmt.Errorf("apply: recording the run: %w", e)
		}
	}
	return rep, nil
}

// audit appends an entry about action a (or the plan, for a zero a).
func (r *run) audit(ctx context.Context, kind nhi.AuditKind, a nhi.Action, detail map[string]any) (nhi.AuditEntry, error) {
	b, err := json.Marshal(detail)
	if err != nil {
		return nhi.AuditEntry{}, fmt.Errorf("audit detail: %w", err)
	}
	e := nhi.AuditEntry{Time: r.x.now(), Actor: r.x.Actor, Kind: kind, PlanID: r.plan.ID,
		ActionID: a.ID, Target: target(a), Detail: b}
	return r.x.Store.AppendAudit(context.WithoutCancel(ctx), e)
}

// target names what an action acts on, for the audit trail.
func target(a nhi.Action) string {
	switch {
	case a.IdentityID != "":
		return a.IdentityID
	case a.AppID != "":
		return string(a.Platform) + "/" + a.Tenant + "/app/" + a.AppID
	}
	return ""
}
