package web

import (
	"sync"
	"time"
)

// The login rate limit: this many failures within the window, per client address and per
// user name, refuse further attempts until the oldest failure leaves the window.
const (
	loginFailures = 5
	loginWindow   = 15 * time.Minute
	// maxLimiterKeys bounds the memory of the limiter; when full, the stalest keys go.
	maxLimiterKeys = 100_000
)

// limiter counts failures per key in a sliding window. It lives in memory: a restart
// forgets it, and several server processes count separately.
type limiter struct {
	max    int
	window time.Duration
	now    func() time.Time

	mu   sync.Mutex
	fail map[string][]time.Time
}

func newLimiter(max int, window time.Duration, now func() time.Time) *limiter {
	return &limiter{max: max, window: window, now: now, fail: map[string][]time.Time{}}
}

// blocked returns how long the first blocked key must still wait, or 0 when none is.
func (l *limiter) blocked(keys ...string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	var wait time.Duration
	for _, k := range keys {
		ts := l.recent(k, now)
		if len(ts) >= l.max {
			wait = max(wait, ts[len(ts)-l.max].Add(l.window).Sub(now))
		}
	}
	return wait
}

// failed records one failure for each key.
func (l *limiter) failed(keys ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if len(l.fail) >= maxLimiterKeys {
		l.prune(now)
	}
	for _, k := range keys {
		l.fail[k] = append(l.recent(k, now), now)
	}
}

// reset forgets the failures of key (a user who signed in successfully).
func (l *limiter) reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.fail, key)
}

// recent returns the failures of key within the window; l.mu is held.
func (l *limiter) recent(k string, now time.Time) []time.Time {
	ts := l.fail[k]
	i := 0
	for i < len(ts) && !ts[i].After(now.Add(-l.window)) {
		i++
	}
	if i == len(ts) {
		delete(l.fail, k)
		return nil
	}
	ts = ts[i:]
	l.fail[k] = ts
	return ts
}

// prune drops keys without recent failures, and every key if that is not enough; l.mu is
// held.
func (l *limiter) prune(now time.Time) {
	for k := range l.fail {
		l.recent(k, now)
	}
	if len(l.fail) >= maxLimiterKeys {
		clear(l.fail)
	}
}
