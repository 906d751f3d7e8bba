package googleworkspace

import (
	"context"
	"slices"
)

// take returns the next slice for a worker to read: a pending one, else one split off the
// active slice with the most time left to read. It waits while a slice is on its first
// page (it may turn out worth splitting) and returns nil once nothing is left to split or
// ctx is done.
func (r *auditReader) take(ctx context.Context) *auditSlice {
	r.mu.Lock()
	defer r.mu.Unlock()
	for ctx.Err() == nil {
		if len(r.pending) > 0 {
			sl := r.pending[0]
			r.pending = r.pending[1:]
			r.active = append(r.active, sl)
			return sl
		}
		if sl := r.splitBusiest(); sl != nil {
			r.active = append(r.active, sl)
			return sl
		}
		if !slices.ContainsFunc(r.active, func(a *auditSlice) bool { return !a.fetched }) {
			return nil
		}
		r.wake.Wait()
	}
	return nil
}

// partition splits the time the root slice has yet to read evenly between the workers,
// as pending slices, newest first; the root keeps the newest part. r.mu is held.
func (r *auditReader) partition(root *auditSlice) {
	base := max(root.floor, r.lo)
	span := root.claimed - base
	n := min(int64(r.workers), span/minSliceSpan.Milliseconds())
	var parts []*auditSlice
	for i := int64(1); i < n; i++ {
		if sl := r.cut(root, base+span/n*i); sl != nil {
			parts = append(parts, sl)
		}
	}
	slices.Reverse(parts)
	r.pending = append(r.pending, parts...)
}

// splitBusiest splits the active slice with the most time left to read in two halves and
// returns the older one, or nil if no slice has a next page and two minutes left. r.mu is
// held.
func (r *auditReader) splitBusiest() *auditSlice {
	var best *auditSlice
	var span int64
	for _, sl := range r.active {
		if s := sl.claimed - max(sl.floor, r.lo); sl.more && s > span {
			best, span = sl, s
		}
	}
	if best == nil || span < 2*minSliceSpan.Milliseconds() {
		return nil
	}
	return r.cut(best, max(best.floor, r.lo)+span/2)
}

// cut gives the times of sl before at (rounded down to a whole second) to a new slice and
// returns it, or nil if that would leave either side empty. r.mu is held.
func (r *auditReader) cut(sl *auditSlice, at int64) *auditSlice {
	at -= at % 1000
	if at <= sl.floor || at <= r.lo || at > sl.claimed {
		return nil
	}
	older := &auditSlice{start: sl.floor, end: at, floor: sl.floor, claimed: at}
	sl.floor = at
	return older
}
