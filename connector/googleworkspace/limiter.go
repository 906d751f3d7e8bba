package googleworkspace

import (
	"context"
	"sync"
	"time"
)

// The bounds of the adaptive limiter.
const (
	// minRate and maxRate bound the pace, in requests per second.
	minRate = 0.1
	maxRate = 10000
	// firstRate is the estimate of the quota at the first throttled answer when too few
	// answers succeeded before it to measure anything.
	firstRate = 5
	// estimateWindow is how far back successes count toward that first estimate.
	estimateWindow = time.Second
	// ringSize is how many recent success times the limiter keeps.
	ringSize = 64
)

// tuning holds the factors of the limiter.
type tuning struct {
	// cut is the decrease of the pace on a throttling episode; cutFast the decrease when
	// fewer than fastBelow answers succeeded since the previous one (the pace is far above
	// the quota).
	cut, cutFast float64
	fastBelow    int
	// recover is the share of the gap to the pace of the last episode closed per success.
	recover float64
	// probe is the growth per success beyond that, looking for a raised quota.
	probe float64
	// startGrowth is the growth per success while no paced episode has happened yet.
	startGrowth float64
}

// defaultTuning returns the factors chosen by simulating scans against token-bucket
// quotas on a virtual clock (see limiter_test.go).
func defaultTuning() tuning {
	return tuning{cut: 0.85, cutFast: 0.5, fastBelow: 2, recover: 0.05, probe: 0.0003, startGrowth: 0.1}
}

// limiter is an adaptive (AIMD-style) rate limiter for a quota it is not told. It sends
// unpaced until the first throttled answer and then paces requests: each throttling
// episode cuts the pace and remembers the pace it began at; successes bring the pace back
// toward that quickly and then probe slowly beyond it. A test drives the core methods on a
// virtual clock through their now arguments; wait uses the injected clock and sleep.
type limiter struct {
	tuning
	now   func() time.Time
	sleep func(ctx context.Context, d time.Duration) error

	mu sync.Mutex
	// rate is the pace in requests per second; 0 means unpaced (nothing throttled yet).
	rate float64
	// peak is the pace the last throttling episode began at; 0 until a paced episode.
	peak float64
	// next is the earliest start of the next request.
	next time.Time
	// epoch counts throttling episodes; a throttled answer to a request reserved in an
	// older epoch was already reacted to.
	epoch uint64
	// okSinceCut counts successes since the last episode began.
	okSinceCut int
	ring       [ringSize]time.Time
	head       int
	count      int
}

// newLimiter returns an unpaced limiter on the given clock.
func newLimiter(now func() time.Time, sleep func(context.Context, time.Duration) error) *limiter {
	return &limiter{tuning: defaultTuning(), now: now, sleep: sleep}
}

// sleepContext sleeps for d on the real clock, returning early with ctx's error.
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

// wait blocks until the next request may start and returns the epoch it was reserved in
// and how long it waited. A wait that spans the start of a throttling episode books a
// new slot at the lowered pace: the old one was booked at a pace known to be too high.
func (l *limiter) wait(ctx context.Context) (uint64, time.Duration, error) {
	d, epoch := l.reserve(l.now())
	total := d
	for {
		if err := l.sleep(ctx, d); err != nil {
			return epoch, total, err
		}
		var again bool
		if d, epoch, again = l.rebook(l.now(), epoch); !again {
			return epoch, total, nil
		}
		total += d
	}
}

// rebook books a new slot if a throttling episode began since a slot was booked in epoch.
func (l *limiter) rebook(now time.Time, epoch uint64) (time.Duration, uint64, bool) {
	l.mu.Lock()
	changed := l.epoch != epoch
	l.mu.Unlock()
	if !changed {
		return 0, epoch, false
	}
	d, e := l.reserve(now)
	return d, e, true
}

// reserve books the next request slot at or after now and returns how long to wait.
func (l *limiter) reserve(now time.Time) (time.Duration, uint64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	start := now
	if l.next.After(start) {
		start = l.next
	}
	if l.rate > 0 {
		l.next = start.Add(time.Duration(float64(time.Second) / l.rate))
	}
	return start.Sub(now), l.epoch
}

// success records a successful answer received at now.
func (l *limiter) success(now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.ring[l.head] = now
	l.head = (l.head + 1) % ringSize
	l.count = min(l.count+1, ringSize)
	l.okSinceCut++
	switch {
	case l.rate == 0:
		return
	case l.peak == 0:
		l.rate *= 1 + l.startGrowth
	case l.rate < l.peak:
		l.rate += (l.peak - l.rate) * l.recover
	}
	l.rate = min(maxRate, l.rate*(1+l.probe))
}

// throttled records a throttled answer, received at now, to a request reserved in epoch.
// The first one of an episode cuts the pace; later ones of the same episode are ignored.
func (l *limiter) throttled(now time.Time, epoch uint64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if epoch != l.epoch {
		return
	}
	l.epoch++
	cut := l.cut
	if l.okSinceCut < l.fastBelow {
		cut = l.cutFast
	}
	if l.rate == 0 {
		l.rate, cut = l.recentRate(now), l.cutFast
	} else {
		l.peak = l.rate
	}
	l.rate = max(minRate, l.rate*cut)
	l.okSinceCut = 0
	// Slots booked at the old pace are dropped: their holders book again (see wait).
	l.next = now.Add(time.Duration(float64(time.Second) / l.rate))
}

// pause holds every request until the given time (a server's Retry-After).
func (l *limiter) pause(until time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if until.After(l.next) {
		l.next = until
	}
}

// recentRate estimates the success rate of the last estimateWindow, for the first episode.
func (l *limiter) recentRate(now time.Time) float64 {
	n := 0
	for i := range l.count {
		if now.Sub(l.ring[(l.head-1-i+ringSize)%ringSize]) > estimateWindow {
			break
		}
		n++
	}
	if n < 2 {
		return firstRate
	}
	return min(maxRate, float64(n)/estimateWindow.Seconds())
}

// currentRate returns the pace in requests per second (0 when unpaced).
func (l *limiter) currentRate() float64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.rate
}
