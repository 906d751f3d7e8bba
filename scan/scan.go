// Package scan runs one discovery pass of one connector into the store: it streams what the
// connector reports into batched upserts, records the scan, marks gone only what a complete
// enumeration of a scope no longer shows, and keeps the connector's cursor.
package scan

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/policy"
	"github.com/nhiscope/nhi/risk"
	"github.com/nhiscope/nhi/store"
)

// DefaultBatchSize is how many records go to the store in one write when Runner.BatchSize
// is zero.
const DefaultBatchSize = 5000

// maxScanErrors bounds the failure messages kept in a scan record.
const maxScanErrors = 50

// Runner runs scans into a store.
type Runner struct {
	Store store.Store
	// Logger receives structured logs; nil discards them.
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// BatchSize is the size of store writes; zero means DefaultBatchSize.
	BatchSize int
	// Engine, if set, scores the tenant after every scan that did not fail and records
	// the findings.
	Engine *risk.Engine
	// Policies, if set with Engine, are evaluated after the findings; their proposals
	// become plans (see remediate.Executor.Propose). Nothing is executed.
	Policies *policy.Set
}

// Options configure one scan.
type Options struct {
	// Full ignores the saved cursor and enumerates the whole tenant.
	Full bool
	// Stats, if not nil, receives live counters while the scan runs (for a progress display).
	Stats *Stats
}

// Run scans the tenant of c into the store and returns the scan record. The returned error
// is non-nil when the scan failed as a whole (the record then has status failed) or the
// store could not record it; a partial scan returns its record and a nil error.
func (r *Runner) Run(ctx context.Context, c connector.Connector, o Options) (nhi.Scan, error) {
	info := c.Info()
	since := nhi.Cursor("")
	if !o.Full {
		cur, err := r.Store.Cursor(ctx, info.Name)
		if err != nil {
			return nhi.Scan{}, fmt.Errorf("scan: read cursor of %s: %w", info.Name, err)
		}
		since = cur
	}
	rec, err := r.Store.BeginScan(ctx, nhi.Scan{
		Connector: info.Name, Platform: info.Platform, Tenant: info.Tenant,
		Full: since == "", StartedAt: r.now(), Status: nhi.ScanRunning,
	})
	if err != nil {
		return nhi.Scan{}, fmt.Errorf("scan: begin: %w", err)
	}
	stats := o.Stats
	if stats == nil {
		stats = new(Stats)
	}
	rep := newReporter(ctx, r.Store, rec.ID, r.now(), r.batchSize(), stats)
	next, derr := c.Discover(ctx, since, rep)
	werr := rep.close()
	rec = r.finish(ctx, rec, rep.outcome(next), stats, errors.Join(derr, werr))
	if ferr := r.Store.FinishScan(context.WithoutCancel(ctx), rec); ferr != nil {
		return rec, fmt.Errorf("scan: record result: %w", ferr)
	}
	if rec.Status == nhi.ScanFailed {
		return rec, fmt.Errorf("scan %s: %w", info.Name, errors.Join(derr, werr))
	}
	return rec, nil
}

// finish marks gone what completed scopes no longer hold, saves the cursor of a clean scan
// and fills in the record's status and counts.
func (r *Runner) finish(ctx context.Context, rec nhi.Scan, out outcome, st *Stats, err error) nhi.Scan {
	log := r.log().With("connector", rec.Connector, "scan", rec.ID)
	rec.Status = nhi.ScanSucceeded
	if out.Tenant != "" {
		rec.Tenant = out.Tenant
	}
	failures, msgs, next := out.Failures, out.Msgs, out.Cursor
	if failures > len(msgs) {
		msgs = append(msgs, fmt.Sprintf("... and %d more failures", failures-len(msgs)))
	}
	switch {
	case err != nil:
		rec.Status = nhi.ScanFailed
		msgs = append([]string{nhi.ErrorMessage(err)}, msgs...)
		log.Error("scan failed", "err", err)
	case failures > 0:
		rec.Status = nhi.ScanPartial
	}
	if rec.Status != nhi.ScanFailed {
		gone, gerr := r.markGone(ctx, rec, out.Scopes)
		st.Gone.Add(int64(gone))
		if gerr != nil {
			rec.Status = nhi.ScanFailed
			msgs = append(msgs, "recording removals failed: "+nhi.ErrorMessage(gerr))
			log.Error("mark gone failed", "err", gerr)
		}
	}
	if rec.Status == nhi.ScanSucceeded && next != "" {
		if cerr := r.Store.SaveCursor(ctx, rec.Connector, next); cerr != nil {
			rec.Status = nhi.ScanPartial
			msgs = append(msgs, "saving the cursor failed: "+nhi.ErrorMessage(cerr))
		}
	}
	rec.Counts = st.counts()
	rec.Counts.Failures = failures
	if rec.Status != nhi.ScanFailed && r.Engine != nil {
		ev, err := evaluate(ctx, r.Store, r.Engine, r.Policies, rec.ID, rec.Platform, rec.Tenant, r.now())
		for _, n := range ev.Findings {
			rec.Counts.Findings += n
		}
		rec.Counts.Resolved = ev.Resolved
		rec.Counts.Plans = len(ev.Proposed.Plans)
		for _, pl := range ev.Proposed.Plans {
			rec.Counts.Proposed += pl.Blast.Actions
		}
		for _, n := range ev.Proposed.Alerts {
			rec.Counts.Alerts += n
		}
		if ev.PolicyErrors > 0 {
			msgs = append(msgs, fmt.Sprintf("%d policy evaluations failed (nhi policy test --inventory shows them)", ev.PolicyErrors))
		}
		if err != nil {
			rec.Status = nhi.ScanPartial
			msgs = append(msgs, "risk evaluation failed: "+nhi.ErrorMessage(err))
			log.Error("risk evaluation failed", "err", err)
		}
	}
	rec.Errors = msgs
	rec.FinishedAt = r.now()
	log.Info("scan finished", "status", rec.Status, "identities", rec.Counts.Identities,
		"failures", failures, "duration", rec.FinishedAt.Sub(rec.StartedAt))
	return rec
}

// markGone marks what the scan did not see in the scopes it enumerated completely. People
// go first; then the person scopes of everyone gone from the directory count as complete
// and empty. Taking every gone person, not only those this scan removed, makes the step
// idempotent: a scan that stopped half-way here is completed by the next one.
func (r *Runner) markGone(ctx context.Context, rec nhi.Scan, scopes []string) (int, error) {
	total := 0
	if i := slices.Index(scopes, connector.ScopePeople); i >= 0 {
		scopes = slices.Delete(slices.Clone(scopes), i, i+1)
		n, err := r.markScopes(ctx, rec, []string{connector.ScopePeople})
		if err != nil {
			return 0, err
		}
		total += n
		left, err := r.departed(ctx, rec)
		if err != nil {
			return total, err
		}
		scopes = append(scopes, left...)
	}
	n, err := r.markScopes(ctx, rec, scopes)
	return total + n, err
}

// markScopes calls MarkGone in chunks.
func (r *Runner) markScopes(ctx context.Context, rec nhi.Scan, scopes []string) (int, error) {
	const chunk = 5000
	total := 0
	for len(scopes) > 0 {
		n := min(chunk, len(scopes))
		got, err := r.Store.MarkGone(ctx, store.MarkGone{
			ScanID: rec.ID, Platform: rec.Platform, Tenant: rec.Tenant,
			Scopes: scopes[:n], At: rec.StartedAt,
		})
		if err != nil {
			return total, err
		}
		total += got
		scopes = scopes[n:]
	}
	return total, nil
}

// departed returns the person scopes of the people gone from the tenant's directory.
func (r *Runner) departed(ctx context.Context, rec nhi.Scan) ([]string, error) {
	f := store.PersonFilter{Platform: rec.Platform, Tenant: rec.Tenant, OnlyGone: true}
	var out []string
	_, _, err := store.Walk(0, func(lim int, after string) (store.Page[nhi.Person], error) {
		f.Limit, f.After = lim, after
		return r.Store.ListPeople(ctx, f)
	}, func(p nhi.Person) error { out = append(out, connector.PersonScope(p.ExternalID)); return nil })
	return out, err
}

func (r *Runner) now() time.Time {
	if r.Now == nil {
		return time.Now().UTC()
	}
	return r.Now().UTC()
}

func (r *Runner) log() *slog.Logger {
	if r.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return r.Logger
}

func (r *Runner) batchSize() int {
	if r.BatchSize <= 0 {
		return DefaultBatchSize
	}
	return r.BatchSize
}
