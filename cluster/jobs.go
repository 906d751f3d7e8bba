package cluster

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/nhiscope/nhi"
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
// worker holds the connector's lock, so no instance runs them whole; the one that did
// died. Their partial results hid nothing (a scan marks identities gone only when it
// succeeds). Parts of such a scan rescued by River may still be running: once the scan is
// closed the store refuses their writes (a running scan only records inventory), so they
// cannot overwrite what the new scan sees, and their jobs are cancelled.
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
