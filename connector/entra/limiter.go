package entra

import (
	"context"
	"sync"
	"time"
)

// The bounds and factors of the adaptive limiter.
const (
	// minInterval is the pacing interval under which the limiter stops pacing.
	minInterval = time.Millisecond
	// maxInterval bounds the interval a run of throttling episodes can grow to.
	maxInterval = 10 * time.Second
	// firstInterval is the pace of the first throttling episode when too few answers
	// succeeded before it to measure the rate the quota allowed.
	firstInterval = 50 * time.Millisecond
	// speedUp is the share by which each success shortens the interval.
	speedUp = 10
	// recentWindow is how far back successes count toward the first estimate.
	recentWindow = time.Second
	ringSize     = 32
)

// limiter paces requests against a quota it is not told (AIMD): it sends unpaced until
// the first throttled answer, then spaces requests by an interval that each throttling
// episode doubles and each success shortens by 1/speedUp. A Retry-After holds every
// request until the time it names. Methods that take now are driven by tests on a
// virtual clock.
type limiter struct {
	now func() time.Time

	mu sync.Mutex
	// interval between request starts; 0 means unpaced.
	interval time.Duration
	// next is the earliest start of the next request.
	next time.Time
	// epoch counts throttling episodes: a throttled answer to a request reserved in an
	// older epoch was reacted to already.
	epoch uint64
	ring  [ringSize]time.Time
	head  int
}

// newLimiter returns an unpaced limiter on the given clock.
func newLimiter(now func() time.Time) *limiter { return &limiter{now: now} }

// sleepContext sleeps for d, returning early with ctx's error.
func sleepContext(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// wait blocks (with sleep) until the next request may start and returns the epoch its
// slot was booked in and how long it waited. A slot booked before a throttling episode
// began is booked again at the new pace.
func (l *limiter) wait(ctx context.Context, sleep func(context.Context, time.Duration) error) (uint64, time.Duration, error) {
	d, epoch := l.reserve(l.now())
	total := d
	for {
		if err := sleep(ctx, d); err != nil {
			return epoch, total, err
		}
		l.mu.Lock()
		changed := l.epoch != epoch
		l.mu.Unlock()
		if !changed {
			return epoch, total, nil
		}
		d, epoch = l.reserve(l.now())
		total += d
	}
}

// reserve books the next request slot at or after now and returns how long to wait.
func (l *limiter) reserve(now time.Time) (time.Duration, uint64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	start := now
	if l.next.After(start) {
		start = l.next
	}
	if l.interval > 0 {
		l.next = start.Add(l.interval)
	}
	return start.Sub(now), l.epoch
}

// success records a successful answer received at now.
func (l *limiter) success(now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.ring[l.head] = now
	l.head = (l.head + 1) % ringSize
	if l.interval > 0 {
		l.interval -= l.interval / speedUp
		if l.interval < minInterval {
			l.interval = 0
		}
	}
}

// throttled records a throttled answer, received at now, to a request booked in epoch.
// The first one of an episode slows the pace down (when unpaced, to half the rate that
// succeeded just before, at most firstInterval apart); later ones of the same episode are
// ignored.
func (l *limiter) throttled(now time.Time, epoch uint64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if epoch != l.epoch {
		return
	}
	l.epoch++
	if l.interval == 0 {
		l.interval = firstInterval
		if n, span := l.recent(now); n >= 2 {
			l.interval = min(firstInterval, 2*span/time.Duration(n))
		}
	} else {
		l.interval *= 2
	}
	l.interval = min(max(l.interval, minInterval), maxInterval)
	// Slots booked at the old pace are dropped: their holders book again (see wait).
	l.next = now.Add(l.interval)
}

// recent counts the successes of the last recentWindow before now and returns how long
// before now the oldest of them was.
func (l *limiter) recent(now time.Time) (n int, span time.Duration) {
	for _, t := range l.ring {
		if d := now.Sub(t); !t.IsZero() && d >= 0 && d <= recentWindow {
			n, span = n+1, max(span, d)
		}
	}
	return n, span
}

// pause holds every request until the given time (a server's Retry-After).
func (l *limiter) pause(until time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if until.After(l.next) {
		l.next = until
	}
}

// pace returns the current interval (0 when unpaced).
func (l *limiter) pace() time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.interval
}
