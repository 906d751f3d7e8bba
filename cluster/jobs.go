package cluster

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/remediate"
	"github.com/nhiscope/nhi/store"
)

// unfinished are the states in which a job holds its uniqueness: a second scan of a
// connector, or a second run of a plan, is not queued while one waits, runs or waits to
// be retried; once it completed, a new one may be.
var unfinished = []rivertype.JobState{rivertype.JobStateAvailable, rivertype.JobStatePending,
	rivertype.JobStateRunning, rivertype.JobStateRetryable, rivertype.JobStateScheduled}

// ScanArgs is a scan of one connector.
type ScanArgs struct {
	Connector string `json:"connector" river:"unique"`
	Full      bool   `json:"full" river:"unique"`
}

// Kind implements river.JobArgs.
func (ScanArgs) Kind() string { return "nhi.scan" }

// InsertOpts implements river.JobArgsWithInsertOpts.
func (ScanArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueScans, MaxAttempts: 8, UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: unfinished}}
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

// IngestArgs carries pushed events received by an instance that does not lead to the
// leader, which judges them.
type IngestArgs struct {
	Connector string      `json:"connector"`
	Events    []nhi.Event `json:"events"`
}

// Kind implements river.JobArgs.
func (IngestArgs) Kind() string { return "nhi.ingest" }

// InsertOpts implements river.JobArgsWithInsertOpts.
func (IngestArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueEvents, MaxAttempts: 25}
}

// QueueScan queues a scan of connector (a no-op while one is queued or running); it is
// the service's Dispatch.
func (n *Node) QueueScan(ctx context.Context, connector string, full bool) error {
	_, err := n.client.Insert(ctx, ScanArgs{Connector: connector, Full: full}, nil)
	if err != nil {
		return fmt.Errorf("cluster: queue a scan of %s: %w", connector, err)
	}
	return nil
}

// QueuePlan queues the run of plan id on behalf of actor; it reports whether a run of
// the plan was queued or running already.
func (n *Node) QueuePlan(ctx context.Context, id, actor string, force bool) (bool, error) {
	res, err := n.client.Insert(ctx, PlanArgs{PlanID: id, Actor: actor, Force: force}, nil)
	if err != nil {
		return false, fmt.Errorf("cluster: queue plan %s: %w", id, err)
	}
	return res.UniqueSkippedAsDuplicate, nil
}

// Deliver judges pushed events of connector: here when this instance leads, else
// queued for the leader.
func (n *Node) Deliver(ctx context.Context, connector string, evs []nhi.Event) error {
	if n.Leader() {
		return n.cfg.Service.Ingest(ctx, connector, evs)
	}
	if _, err := n.client.Insert(ctx, IngestArgs{Connector: connector, Events: evs}, nil); err != nil {
		return fmt.Errorf("cluster: queue events for the leader: %w", err)
	}
	return nil
}

// scanWorker runs scans.
type scanWorker struct {
	river.WorkerDefaults[ScanArgs]
	n *Node
}

// Work runs the scan while holding the connector's lock.
func (w *scanWorker) Work(ctx context.Context, job *river.Job[ScanArgs]) error {
	return w.n.exclusive(ctx, "nhi:scan:"+job.Args.Connector, func() error {
		w.n.cfg.Logger.Info("cluster: scan", "instance", w.n.cfg.ID, "connector", job.Args.Connector,
			"full", job.Args.Full, "attempt", job.Attempt)
		w.n.closeAbandoned(ctx, job.Args.Connector)
		_, err := w.n.cfg.Service.RunScan(ctx, job.Args.Connector, job.Args.Full)
		return err
	})
}

// closeAbandoned records as failed the scans of connector still marked running: this
// worker holds the connector's lock, so no instance runs them; the one that did died.
// Their partial results hid nothing (a scan marks identities gone only when it
// succeeds).
func (n *Node) closeAbandoned(ctx context.Context, connector string) {
	db := n.cfg.Service.Store
	scans, err := db.ListScans(ctx, store.ScanFilter{Connector: connector, Limit: 50})
	if err != nil {
		n.cfg.Logger.Warn("cluster: list scans", "err", nhi.ErrorMessage(err))
		return
	}
	for _, sc := range scans {
		if sc.Status != nhi.ScanRunning {
			continue
		}
		sc.Status, sc.FinishedAt = nhi.ScanFailed, time.Now()
		sc.Errors = append(sc.Errors, "interrupted: the nhi instance running this scan stopped; another ran it again")
		if err := db.FinishScan(ctx, sc); err != nil {
			n.cfg.Logger.Warn("cluster: close an abandoned scan", "scan", sc.ID, "err", nhi.ErrorMessage(err))
		}
	}
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
			if err := w.run(ctx, job.Args, ids); err != nil {
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

// run queues the actions ids of a plan and waits until none of them is pending.
func (w *planWorker) run(ctx context.Context, a PlanArgs, ids []string) error {
	if len(ids) == 0 {
		return nil
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

// ingestWorker judges events queued by other instances, on the leader.
type ingestWorker struct {
	river.WorkerDefaults[IngestArgs]
	n *Node
}

// Work judges the events if this instance leads, and otherwise gives the job back for a
// moment, so that the leader takes it.
func (w *ingestWorker) Work(ctx context.Context, job *river.Job[IngestArgs]) error {
	if !w.n.Leader() {
		return river.JobSnooze(w.n.cfg.Poll / 4)
	}
	return w.n.cfg.Service.Ingest(ctx, job.Args.Connector, job.Args.Events)
}

// exclusive runs fn while this instance holds the advisory lock of name on a
// connection it keeps for fn's duration; when another instance holds it (the job was
// rescued while its first worker still runs it), the job waits and is tried again.
func (n *Node) exclusive(ctx context.Context, name string, fn func() error) error {
	conn, err := n.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	key := lockKey(name)
	var got bool
	if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1)`, key).Scan(&got); err != nil {
		conn.Release()
		return err
	}
	if !got {
		conn.Release()
		return river.JobSnooze(n.cfg.Poll)
	}
	defer func() {
		if _, err := conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, key); err != nil {
			_ = conn.Hijack().Close(context.WithoutCancel(ctx)) // a closed session holds no lock
			return
		}
		conn.Release()
	}()
	return fn()
}
