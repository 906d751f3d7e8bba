package cluster

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/remediate"
)

// QueuePlan queues the run of plan id on behalf of actor; it reports whether a run of
// the plan was queued or running already.
func (n *Node) QueuePlan(ctx context.Context, id, actor string, force bool) (bool, error) {
	res, err := n.client.Insert(ctx, PlanArgs{PlanID: id, Actor: actor, Force: force}, nil)
	if err != nil {
		return false, fmt.Errorf("cluster: queue plan %s: %w", id, err)
	}
	return res.UniqueSkippedAsDuplicate, nil
}

// PlanArgs is the run of one approved plan; the plan's ID is its idempotency key.
type PlanArgs struct {
	PlanID string `json:"plan_id" river:"unique"`
	// Actor is who asked for the run, recorded in the audit trail as its runner.
	Actor string `json:"actor"`
	// Force lifts the executor's limit of actions per run.
	Force bool `json:"force"`
}

// Kind implements river.JobArgs.
func (PlanArgs) Kind() string { return "nhi.plan" }

// InsertOpts implements river.JobArgsWithInsertOpts.
func (PlanArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueuePlans, MaxAttempts: 8, UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: unfinished}}
}

// planWorker coordinates plan runs.
type planWorker struct {
	river.WorkerDefaults[PlanArgs]
	n *Node
}

// Work runs the plan while holding its lock: it begins the run (or, when an instance
// died coordinating it, takes the running plan over), queues one job per pending
// action, owners' notices first, waits for them and records the end. Each action is a
// unique job keyed by plan and action: queued twice, it runs once; run again after its
// instance died, it reads the platform before calling it.
func (w *planWorker) Work(ctx context.Context, job *river.Job[PlanArgs]) error {
	return w.n.exclusive(ctx, "nhi:plan:"+job.Args.PlanID, func() error {
		x, err := w.n.cfg.Executor(ctx, job.Args.Actor)
		if err != nil {
			return err
		}
		p, err := x.Store.Plan(ctx, job.Args.PlanID)
		if err != nil {
			return river.JobCancel(err)
		}
		opt := remediate.ApplyOptions{Force: job.Args.Force, Resume: p.State == nhi.PlanRunning}
		w.n.cfg.Logger.Info("cluster: plan", "instance", w.n.cfg.ID, "plan", p.ID, "resume", opt.Resume, "attempt", job.Attempt)
		start := time.Now()
		if p, err = x.Begin(ctx, p.ID, opt); err != nil {
			if code := nhi.ErrorCode(err); code == nhi.CodeInvalid || code == nhi.CodeConflict || code == nhi.CodeNotFound {
				return river.JobCancel(err) // the plan cannot run as it is: retrying will not help
			}
			return err
		}
		if p.State != nhi.PlanRunning {
			return nil // nothing to run
		}
		notices, changes := remediate.Pending(p)
		for _, ids := range [][]string{notices, changes} {
			if err := w.run(ctx, x, job.Args, ids); err != nil {
				return err
			}
		}
		rep, done, err := x.Finish(ctx, p.ID, start)
		if err != nil || !done {
			return fmt.Errorf("cluster: finishing plan %s: %v", p.ID, err)
		}
		w.n.cfg.Logger.Info("cluster: plan ran", "plan", p.ID, "state", string(rep.Plan.State), "done", rep.Done,
			"failed", rep.Failed, "skipped", rep.Skipped)
		return nil
	})
}

// run queues the actions ids of a plan and waits until none of them is pending, or the run
// stopped (x.Stopped: too many failures; the rest stay pending, untried).
func (w *planWorker) run(ctx context.Context, x *remediate.Executor, a PlanArgs, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	if p, err := w.n.cfg.Service.Store.Plan(ctx, a.PlanID); err != nil || x.Stopped(p) != "" {
		return err // stopped while notices ran (settled then): queue no changes
	}
	params := make([]river.InsertManyParams, len(ids))
	for i, id := range ids {
		params[i] = river.InsertManyParams{Args: ActionArgs{PlanID: a.PlanID, ActionID: id, Actor: a.Actor}}
	}
	if _, err := w.n.client.InsertMany(ctx, params); err != nil {
		return fmt.Errorf("cluster: queue the actions of plan %s: %w", a.PlanID, err)
	}
	want := map[string]bool{}
	for _, id := range ids {
		want[id] = true
	}
	t := time.NewTicker(w.n.cfg.Poll / 8)
	defer t.Stop()
	for {
		p, err := w.n.cfg.Service.Store.Plan(ctx, a.PlanID)
		if err != nil {
			return err
		}
		left := 0
		for _, act := range p.Actions {
			if want[act.ID] && act.State == nhi.ActionPending {
				left++
			}
		}
		if left == 0 {
			return nil
		}
		if x.Stopped(p) != "" {
			return w.settle(ctx, a.PlanID)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

// settle waits until no action job of plan planID is queued or running, so that after a
// stop the actions under way record their results before the run ends (the queued ones
// find the run stopped and return at once). A job left running by a dead instance holds
// it until River rescues that job.
func (w *planWorker) settle(ctx context.Context, planID string) error {
	params := river.NewJobListParams().Kinds(ActionArgs{}.Kind()).
		States(rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning,
			rivertype.JobStateRetryable, rivertype.JobStateScheduled).
		Where("args->>'plan_id' = @plan", river.NamedArgs{"plan": planID}).First(1)
	t := time.NewTicker(w.n.cfg.Poll / 8)
	defer t.Stop()
	for {
		res, err := w.n.client.JobList(ctx, params)
		if err != nil {
			return fmt.Errorf("cluster: list the action jobs of plan %s: %w", planID, err)
		}
		if len(res.Jobs) == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

// ActionArgs is one action of a running plan; plan and action IDs are its idempotency key.
type ActionArgs struct {
	PlanID   string `json:"plan_id" river:"unique"`
	ActionID string `json:"action_id" river:"unique"`
	Actor    string `json:"actor"`
}

// Kind implements river.JobArgs.
func (ActionArgs) Kind() string { return "nhi.action" }

// InsertOpts implements river.JobArgsWithInsertOpts.
func (ActionArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueActions, MaxAttempts: 8, UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: unfinished}}
}

// actionWorker carries out plan actions.
type actionWorker struct {
	river.WorkerDefaults[ActionArgs]
	n *Node
}

// Work carries out the action under its lock; a run after the first attempt reads the
// platform first (the first may have changed it and died before recording it). A change
// the platform refused is recorded as the action's failure, not retried: the plan ends
// partial and a person reruns it.
func (w *actionWorker) Work(ctx context.Context, job *river.Job[ActionArgs]) error {
	a := job.Args
	return w.n.exclusive(ctx, "nhi:action:"+a.PlanID+":"+a.ActionID, func() error {
		x, err := w.n.cfg.Executor(ctx, a.Actor)
		if err != nil {
			return err
		}
		_, err = x.RunAction(ctx, a.PlanID, a.ActionID, job.Attempt > 1)
		if code := nhi.ErrorCode(err); code == nhi.CodeConflict || code == nhi.CodeNotFound {
			return river.JobCancel(err)
		}
		return err
	})
}
