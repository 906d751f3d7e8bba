package scan

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/store"
)

// Stats are the live counters of a running scan. They are safe for concurrent use.
type Stats struct {
	People, Apps, Identities, Gone atomic.Int64
	Failures                       atomic.Int64
	Requests, Pages, Throttled     atomic.Int64
	// WaitNanos is the time spent waiting because of throttling.
	WaitNanos atomic.Int64
}

func (s *Stats) counts() nhi.ScanCounts {
	return nhi.ScanCounts{
		People: int(s.People.Load()), Apps: int(s.Apps.Load()),
		Identities: int(s.Identities.Load()), Gone: int(s.Gone.Load()),
		Failures: int(s.Failures.Load()), Requests: int(s.Requests.Load()),
		Throttled: int(s.Throttled.Load()),
	}
}

// batch is one write for the store writer goroutine.
type batch struct {
	people []nhi.Person
	apps   []nhi.App
	ids    []nhi.Identity
}

// reporter implements connector.Reporter: it buffers what the connector reports and hands
// full batches to one writer goroutine, so connector workers never wait on each other's
// writes, and the store sees few, large transactions.
type reporter struct {
	ctx    context.Context
	store  store.Store
	scanID string
	seen   time.Time
	size   int
	stats  *Stats

	mu       sync.Mutex
	cur      batch
	complete map[string]struct{}
	failed   map[string]struct{}
	msgs     []string
	nfail    int
	tenant   string

	queue chan batch
	done  chan struct{}
	werr  atomic.Pointer[error]
}

func newReporter(ctx context.Context, s store.Store, scanID string, seen time.Time, size int, st *Stats) *reporter {
	r := &reporter{
		ctx: ctx, store: s, scanID: scanID, seen: seen, size: size, stats: st,
		complete: make(map[string]struct{}), failed: make(map[string]struct{}),
		queue: make(chan batch, 4), done: make(chan struct{}),
	}
	go r.write()
	return r
}

// write is the writer goroutine: it drains the queue into the store. After the first
// error it keeps draining (so senders never block) but writes nothing more.
func (r *reporter) write() {
	defer close(r.done)
	for b := range r.queue {
		if r.werr.Load() != nil {
			continue
		}
		if err := r.put(b); err != nil {
			r.werr.Store(&err)
		}
	}
}

func (r *reporter) put(b batch) error {
	ctx := r.ctx
	if len(b.people) > 0 {
		if err := r.store.PutPeople(ctx, r.scanID, r.seen, b.people); err != nil {
			return err
		}
	}
	if len(b.apps) > 0 {
		if err := r.store.PutApps(ctx, r.scanID, r.seen, b.apps); err != nil {
			return err
		}
	}
	if len(b.ids) > 0 {
		return r.store.PutIdentities(ctx, r.scanID, r.seen, b.ids)
	}
	return nil
}

// err returns the writer's error or the context's, whichever comes first.
func (r *reporter) err() error {
	if p := r.werr.Load(); p != nil {
		return *p
	}
	return r.ctx.Err()
}

// add appends under the lock via fn and sends the batch when it is full.
func (r *reporter) add(fn func(b *batch) int) error {
	if err := r.err(); err != nil {
		return err
	}
	r.mu.Lock()
	n := fn(&r.cur)
	var full batch
	send := n >= r.size
	if send {
		full, r.cur = r.cur, batch{}
	}
	r.mu.Unlock()
	if send {
		select {
		case r.queue <- full:
		case <-r.ctx.Done():
			return r.ctx.Err()
		}
	}
	return nil
}

// Person implements connector.Reporter.
func (r *reporter) Person(_ context.Context, p nhi.Person) error {
	r.stats.People.Add(1)
	r.noteTenant(p.Tenant)
	return r.add(func(b *batch) int { b.people = append(b.people, p); return len(b.people) })
}

// App implements connector.Reporter.
func (r *reporter) App(_ context.Context, a nhi.App) error {
	r.stats.Apps.Add(1)
	return r.add(func(b *batch) int { b.apps = append(b.apps, a); return len(b.apps) })
}

// Identity implements connector.Reporter.
func (r *reporter) Identity(_ context.Context, id nhi.Identity) error {
	r.stats.Identities.Add(1)
	r.noteTenant(id.Tenant)
	return r.add(func(b *batch) int { b.ids = append(b.ids, id); return len(b.ids) })
}

// ScopeComplete implements connector.Reporter.
func (r *reporter) ScopeComplete(_ context.Context, scope string) error {
	r.mu.Lock()
	r.complete[scope] = struct{}{}
	r.mu.Unlock()
	return r.err()
}

// Fail implements connector.Reporter.
func (r *reporter) Fail(_ context.Context, f connector.Failure) {
	r.stats.Failures.Add(1)
	msg := nhi.ErrorMessage(f.Err)
	if f.Resource != "" {
		msg = f.Resource + ": " + msg
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.nfail++
	if f.Scope != "" {
		r.failed[f.Scope] = struct{}{}
	}
	if len(r.msgs) < maxScanErrors {
		r.msgs = append(r.msgs, msg)
	}
}

// Progress implements connector.Reporter.
func (r *reporter) Progress(p connector.Progress) {
	switch p.Kind {
	case connector.ProgressRequest:
		r.stats.Requests.Add(1)
	case connector.ProgressPage:
		r.stats.Pages.Add(1)
	case connector.ProgressThrottled:
		r.stats.Throttled.Add(1)
	case connector.ProgressWait:
		r.stats.WaitNanos.Add(int64(p.Wait))
	}
}

func (r *reporter) noteTenant(t string) {
	if t == "" {
		return
	}
	r.mu.Lock()
	r.tenant = t
	r.mu.Unlock()
}

// close flushes the last batch, waits for the writer and returns its error.
func (r *reporter) close() error {
	r.mu.Lock()
	last := r.cur
	r.cur = batch{}
	r.mu.Unlock()
	if len(last.people)+len(last.apps)+len(last.ids) > 0 && r.werr.Load() == nil {
		r.queue <- last
	}
	close(r.queue)
	<-r.done
	if p := r.werr.Load(); p != nil {
		return *p
	}
	return nil
}

// completedScopes returns the scopes enumerated completely and never failed.
func (r *reporter) completedScopes() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]string, 0, len(r.complete))
	for s := range r.complete {
		if _, bad := r.failed[s]; !bad {
			out = append(out, s)
		}
	}
	return out
}

func (r *reporter) failures() (int, []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.nfail, append([]string(nil), r.msgs...)
}

func (r *reporter) observedTenant() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.tenant
}

// outcome returns what the scan found beside the records it wrote, with the connector's
// cursor next.
func (r *reporter) outcome(next nhi.Cursor) outcome {
	n, msgs := r.failures()
	return outcome{Scopes: r.completedScopes(), Failures: n, Msgs: msgs, Tenant: r.observedTenant(), Cursor: next}
}
