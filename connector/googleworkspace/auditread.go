package googleworkspace

import (
	"context"
	"math"
	"slices"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"
)

// The token audit log is read in time slices, each paged by its own worker with the Reports
// API's startTime and endTime. The newest slice is read first, alone: a small log ends there
// in one request. Otherwise the rest of the window is split evenly between the workers, and
// a worker that runs out of work splits the busiest slice again (the log is usually far
// denser in recent days). Slices never overlap:
//
//   - A slice owns the times [floor, end). It pages newest first and keeps only the events
//     it owns, so whether Google's endTime is inclusive (undocumented) does not matter: an
//     event exactly on a boundary belongs to the newer slice and is counted once.
//   - claimed is the oldest time a slice has read. A split point lies between floor and
//     claimed, so what is split off was never read by the slice it leaves: its floor rises
//     to the split point, and it stops at the first page that reaches below its floor.
const (
	// maxAuditReaders bounds the workers reading the audit log.
	maxAuditReaders = 6
	// minSliceSpan is the shortest time range a split leaves on either side.
	minSliceSpan = time.Minute
	// noStart and noEnd are the bounds of a slice open at that end: no startTime (as far
	// back as Google keeps) or no endTime (until now, on Google's clock).
	noStart = math.MinInt64
	noEnd   = math.MaxInt64
)

// auditSlice is one time range of the token audit log.
type auditSlice struct {
	// start and end are the startTime and endTime the slice is read with.
	start, end int64
	// floor is the oldest time the slice owns; claimed the oldest it has read (end before
	// its first page).
	floor, claimed int64
	// more says a next page is known to exist; fetched that a first page was read.
	more, fetched bool
}

// fetchFunc reads one page of activities in [start, end) (bounds as in auditSlice) into p.
type fetchFunc func(ctx context.Context, start, end int64, token string, p *auditPage) error

// auditReader reads the token audit log into a log with several workers.
type auditReader struct {
	fetch   fetchFunc
	log     *auditLog
	workers int
	// floor is the oldest time to read (noStart: all Google keeps); lo the oldest time the
	// log holds, where split points of a slice without a floor are measured from.
	floor, lo int64

	mu      sync.Mutex
	wake    *sync.Cond
	pending []*auditSlice
	active  []*auditSlice
}

// newAuditReader returns a reader of the times from floor (noStart for all Google keeps,
// which starts about at lo) on.
func newAuditReader(fetch fetchFunc, log *auditLog, workers int, floor, lo int64) *auditReader {
	r := &auditReader{fetch: fetch, log: log, workers: max(workers, 1), floor: floor, lo: lo}
	if floor != noStart {
		r.lo = floor
	}
	r.wake = sync.NewCond(&r.mu)
	return r
}

// read reads the log into r.log.
func (r *auditReader) read(ctx context.Context) error {
	root := &auditSlice{start: r.floor, end: noEnd, floor: r.floor, claimed: noEnd}
	r.active = append(r.active, root)
	next, done, err := r.page(ctx, root, "", &auditPage{}, map[string]bool{})
	if err != nil || done {
		r.finish(root)
		return err
	}
	r.mu.Lock()
	r.partition(root)
	r.mu.Unlock()
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return r.work(gctx, root, next) })
	for range r.workers - 1 {
		g.Go(func() error { return r.work(gctx, r.take(gctx), "") })
	}
	err = g.Wait()
	if err == nil {
		err = ctx.Err()
	}
	return err
}

// work drains slices, starting with sl from token, until none is left to take.
func (r *auditReader) work(ctx context.Context, sl *auditSlice, token string) error {
	for sl != nil {
		if err := r.drain(ctx, sl, token); err != nil {
			r.mu.Lock()
			r.pending = nil // no worker starts anything more
			r.mu.Unlock()
			return err
		}
		sl, token = r.take(ctx), ""
	}
	return nil
}

// drain pages a slice to its end, from token ("" for its first page).
func (r *auditReader) drain(ctx context.Context, sl *auditSlice, token string) error {
	defer r.finish(sl)
	seen := map[string]bool{}
	p := &auditPage{}
	for range maxPages {
		next, done, err := r.page(ctx, sl, token, p, seen)
		if err != nil || done {
			return err
		}
		token = next
	}
	return errPageLoop
}

// page reads one page of a slice into p and records the events the slice owns. done says
// the slice is read.
func (r *auditReader) page(ctx context.Context, sl *auditSlice, token string, p *auditPage, seen map[string]bool) (next string, done bool, err error) {
	if token == "" {
		r.mu.Lock()
		sl.start = sl.floor // splits before its first page narrow the request
		r.mu.Unlock()
	}
	if err := r.fetch(ctx, sl.start, sl.end, token, p); err != nil {
		return "", false, err
	}
	if p.null {
		return "", false, errNullPage
	}
	next = p.next
	if next != "" && seen[next] {
		return "", false, errPageLoop
	}
	seen[next] = true
	floor, done := r.claim(sl, p, next != "")
	r.log.addPage(p, floor, sl.end)
	return next, done, nil
}

// claim notes that a slice read page p, and returns the slice's floor and whether it is
// read: no next page, or the page reached below the floor (pages run newest first, so
// later ones hold nothing of the slice's).
func (r *auditReader) claim(sl *auditSlice, p *auditPage, more bool) (floor int64, done bool) {
	oldest := int64(noEnd)
	for i := range p.acts {
		if t := p.acts[i].at; t != badTime {
			oldest = min(oldest, t)
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	defer r.wake.Broadcast()
	sl.fetched = true
	if !more || oldest < sl.floor {
		sl.more, sl.claimed = false, sl.floor
		return sl.floor, true
	}
	sl.more, sl.claimed = true, min(sl.claimed, oldest)
	return sl.floor, false
}

// finish removes a slice from the active ones.
func (r *auditReader) finish(sl *auditSlice) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.active = slices.DeleteFunc(r.active, func(a *auditSlice) bool { return a == sl })
	r.wake.Broadcast()
}
