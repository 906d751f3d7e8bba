package scan

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
)

// outcome is what a scan, or one part of a split scan, found beside the records it wrote:
// the scopes it enumerated completely, its failures, the tenant it saw and the cursor its
// connector returned. A part saves its outcome in the store until the scan is finished.
type outcome struct {
	Scopes   []string       `json:"scopes"`
	Failures int            `json:"failures"`
	Msgs     []string       `json:"msgs,omitempty"`
	Tenant   string         `json:"tenant,omitempty"`
	Cursor   nhi.Cursor     `json:"cursor,omitempty"`
	Counts   nhi.ScanCounts `json:"counts"`
	// Err is the error that ended the part, for the scan's record.
	Err string `json:"err,omitempty"`
}

// partKey is the store key (a cursor) under which part shard of scan id keeps its outcome.
func partKey(id string, shard int) string { return "scan#" + id + "#part#" + strconv.Itoa(shard) }

// BeginShards records a full scan of c that runs in parts (RunShard, one per part, on any
// instance sharing the store) and is finished by FinishShards.
func (r *Runner) BeginShards(ctx context.Context, c connector.Sharder) (nhi.Scan, error) {
	info := c.Info()
	rec, err := r.Store.BeginScan(ctx, nhi.Scan{Connector: info.Name, Platform: info.Platform, Tenant: info.Tenant,
		Full: true, StartedAt: r.now(), Status: nhi.ScanRunning})
	if err != nil {
		return nhi.Scan{}, fmt.Errorf("scan: begin: %w", err)
	}
	return rec, nil
}

// RunShard runs part shard of of scan rec: what it discovers is written under rec, and its
// outcome is saved for FinishShards. A part that fails saves its failure (the scan will
// be recorded failed and mark nothing gone); one stopped by ctx saves nothing and returns
// ctx's error, so that it can run again.
func (r *Runner) RunShard(ctx context.Context, c connector.Sharder, rec nhi.Scan, shard, of int) error {
	stats := new(Stats)
	rep := newReporter(ctx, r.Store, rec.ID, r.now(), r.batchSize(), stats)
	next, derr := c.DiscoverShard(ctx, shard, of, rep)
	werr := rep.close()
	if ctx.Err() != nil {
		return ctx.Err()
	}
	out := rep.outcome(next)
	out.Counts = stats.counts()
	if err := errors.Join(derr, werr); err != nil {
		out.Err = nhi.ErrorMessage(err)
	}
	b, err := json.Marshal(out)
	if err != nil {
		return fmt.Errorf("scan: part %d of %s: %w", shard, rec.ID, err)
	}
	if err := r.Store.SaveCursor(ctx, partKey(rec.ID, shard), nhi.Cursor(b)); err != nil {
		return fmt.Errorf("scan: save part %d of %s: %w", shard, rec.ID, err)
	}
	r.log().Info("scan part finished", "connector", rec.Connector, "scan", rec.ID, "part", shard, "of", of,
		"identities", out.Counts.Identities, "failures", out.Failures, "err", out.Err)
	return nil
}

// FinishShards finishes scan rec of of parts once every part saved its outcome, as Run
// finishes a whole scan: it marks gone what the parts' completed scopes no longer hold
// (none if a part failed), keeps part 0's cursor, evaluates the findings and records the
// result. done is false, and nothing is changed, while parts are missing.
func (r *Runner) FinishShards(ctx context.Context, rec nhi.Scan, of int) (_ nhi.Scan, done bool, _ error) {
	parts := make([]outcome, of)
	for i := range of {
		cur, err := r.Store.Cursor(ctx, partKey(rec.ID, i))
		if err != nil {
			return rec, false, fmt.Errorf("scan: read part %d of %s: %w", i, rec.ID, err)
		}
		if cur == "" {
			return rec, false, nil
		}
		if err := json.Unmarshal([]byte(cur), &parts[i]); err != nil {
			return rec, false, fmt.Errorf("scan: part %d of %s is unreadable: %w", i, rec.ID, err)
		}
	}
	out, stats, err := merge(parts)
	rec = r.finish(ctx, rec, out, stats, err)
	if ferr := r.Store.FinishScan(context.WithoutCancel(ctx), rec); ferr != nil {
		return rec, true, fmt.Errorf("scan: record result: %w", ferr)
	}
	for i := range of {
		_ = r.Store.SaveCursor(context.WithoutCancel(ctx), partKey(rec.ID, i), "")
	}
	if rec.Status == nhi.ScanFailed {
		return rec, true, fmt.Errorf("scan %s: %w", rec.Connector, err)
	}
	return rec, true, nil
}

// merge adds the parts' outcomes up; err joins the parts' errors.
func merge(parts []outcome) (outcome, *Stats, error) {
	var out outcome
	st := new(Stats)
	var errs []error
	for i, p := range parts {
		out.Scopes = append(out.Scopes, p.Scopes...)
		out.Failures += p.Failures
		out.Msgs = append(out.Msgs, p.Msgs...)
		if out.Tenant == "" {
			out.Tenant = p.Tenant
		}
		if i == 0 {
			out.Cursor = p.Cursor
		}
		if p.Err != "" {
			errs = append(errs, fmt.Errorf("part %d: %s", i, p.Err))
		}
		st.People.Add(int64(p.Counts.People))
		st.Apps.Add(int64(p.Counts.Apps))
		st.Identities.Add(int64(p.Counts.Identities))
		st.Requests.Add(int64(p.Counts.Requests))
		st.Throttled.Add(int64(p.Counts.Throttled))
	}
	if len(out.Msgs) > maxScanErrors {
		out.Msgs = out.Msgs[:maxScanErrors]
	}
	return out, st, errors.Join(errs...)
}
