package cluster

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/monitor"
	"github.com/nhiscope/nhi/scan"
)

// QueueParts is the queue of the parts of split scans: apart from whole scans, so that
// scans waiting for their parts never hold every worker the parts need.
const QueueParts = "nhi_parts"

// PartArgs is one part of a full scan split across instances (see connector.Sharder).
type PartArgs struct {
	Connector string `json:"connector"`
	ScanID    string `json:"scan_id" river:"unique"`
	Part      int    `json:"part" river:"unique"`
	Of        int    `json:"of"`
}

// Kind implements river.JobArgs.
func (PartArgs) Kind() string { return "nhi.scan_part" }

// InsertOpts implements river.JobArgsWithInsertOpts.
func (PartArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueParts, MaxAttempts: 8, UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: unfinished}}
}

// splitScanner runs full scans of connectors that can be split as parts queued for every
// instance, and every other scan as runner does.
type splitScanner struct {
	runner *scan.Runner
	n      *Node
}

var _ monitor.Scanner = (*splitScanner)(nil)

// Run implements monitor.Scanner: a full scan of a connector.Sharder begins a scan
// record, queues its parts and waits for them, finishing the scan once every part is in.
func (s *splitScanner) Run(ctx context.Context, c connector.Connector, o scan.Options) (nhi.Scan, error) {
	sh, ok := c.(connector.Sharder)
	of := s.n.cfg.Parts
	if !o.Full || !ok || of < 2 {
		return s.runner.Run(ctx, c, o)
	}
	rec, err := s.runner.BeginShards(ctx, sh)
	if err != nil {
		return rec, err
	}
	params := make([]river.InsertManyParams, of)
	for i := range of {
		params[i] = river.InsertManyParams{Args: PartArgs{Connector: c.Info().Name, ScanID: rec.ID, Part: i, Of: of}}
	}
	if _, err := s.n.client.InsertMany(ctx, params); err != nil {
		return rec, s.abandon(ctx, rec, fmt.Errorf("queue the parts of scan %s: %w", rec.ID, err))
	}
	s.n.cfg.Logger.Info("cluster: scan split", "connector", c.Info().Name, "scan", rec.ID, "parts", of)
	t := time.NewTicker(s.n.cfg.Poll / 4)
	defer t.Stop()
	for {
		fin, done, err := s.runner.FinishShards(ctx, rec, of)
		if done {
			return fin, err
		}
		if err != nil {
			s.n.cfg.Logger.Warn("cluster: finishing a split scan", "scan", rec.ID, "err", nhi.ErrorMessage(err))
		}
		select {
		case <-ctx.Done():
			return rec, s.abandon(ctx, rec, ctx.Err())
		case <-t.C:
		}
	}
}

// abandon records split scan rec as failed with err, marking nothing gone.
func (s *splitScanner) abandon(ctx context.Context, rec nhi.Scan, err error) error {
	rec.Status, rec.FinishedAt = nhi.ScanFailed, time.Now()
	rec.Errors = append(rec.Errors, nhi.ErrorMessage(err))
	if ferr := s.runner.Store.FinishScan(context.WithoutCancel(ctx), rec); ferr != nil {
		return fmt.Errorf("%w (and recording it: %v)", err, ferr)
	}
	return err
}

// partWorker runs the parts of split scans.
type partWorker struct {
	river.WorkerDefaults[PartArgs]
	n *Node
}

// Work runs the part while holding its lock, unless its scan is over (it was abandoned).
func (w *partWorker) Work(ctx context.Context, job *river.Job[PartArgs]) error {
	a := job.Args
	split, ok := w.n.cfg.Service.Scanner.(*splitScanner)
	if !ok {
		return river.JobCancel(fmt.Errorf("this instance does not split scans"))
	}
	var sh connector.Sharder
	for _, c := range w.n.cfg.Service.Connectors {
		if c.Info().Name == a.Connector {
			sh, _ = c.(connector.Sharder)
		}
	}
	if sh == nil {
		return river.JobCancel(fmt.Errorf("no connector %q that splits its scans in this instance's configuration", a.Connector))
	}
	return w.n.exclusive(ctx, fmt.Sprintf("nhi:part:%s:%d", a.ScanID, a.Part), func() error {
		rec, err := split.runner.Store.Scan(ctx, a.ScanID)
		if err != nil {
			return err
		}
		if rec.Status != nhi.ScanRunning {
			return nil // the scan was abandoned or finished: this part is of no use
		}
		w.n.cfg.Logger.Info("cluster: scan part", "instance", w.n.cfg.ID, "scan", a.ScanID, "part", a.Part, "of", a.Of)
		err = split.runner.RunShard(ctx, sh, rec, a.Part, a.Of)
		if nhi.ErrorCode(err) == nhi.CodeConflict {
			// the scan was closed while this part ran (abandoned: a new scan of the tenant
			// has begun); the store refused the rest of its writes
			return river.JobCancel(err)
		}
		return err
	})
}
