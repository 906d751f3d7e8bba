package oktasim

import (
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// unlimitedShown is the per-minute limit the headers show when the org is unlimited.
const unlimitedShown = 600

// bucket is the org's rate limit: limit requests a minute, refilled evenly, holding at
// most ten seconds' worth (so that a burst is throttled within seconds, not after a
// minute). A nil *bucket never throttles.
type bucket struct {
	mu       sync.Mutex
	limit    float64
	capacity float64
	units    float64
	last     time.Time
}

// newBucket returns the bucket of limit requests per minute, or nil for none.
func newBucket(limit int, now time.Time) *bucket {
	if limit <= 0 {
		return nil
	}
	c := max(1, float64(limit)/6)
	return &bucket{limit: float64(limit), capacity: c, units: c, last: now}
}

// take spends one request if the bucket holds one. It returns what remains and when the
// next request fits (or, when it spent, the bucket is full again).
func (b *bucket) take(now time.Time) (ok bool, remaining int, reset time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	rate := b.limit / 60 // per second
	if d := now.Sub(b.last); d > 0 {
		b.units = math.Min(b.capacity, b.units+d.Seconds()*rate)
		b.last = now
	}
	if b.units < 1 {
		wait := time.Duration((1 - b.units) / rate * float64(time.Second))
		return false, 0, now.Add(wait)
	}
	b.units--
	full := time.Duration((b.capacity - b.units) / rate * float64(time.Second))
	return true, int(b.units), now.Add(full)
}

// throttle sets the X-Rate-Limit-* headers and, when the limit is spent, answers 429
// E0000047 and reports false.
func (s *Server) throttle(w http.ResponseWriter) bool {
	now := s.clock()
	limit, ok, remaining, reset := unlimitedShown, true, unlimitedShown-1, now.Add(time.Minute)
	if s.bucket != nil {
		limit = int(s.bucket.limit)
		ok, remaining, reset = s.bucket.take(now)
	}
	h := w.Header()
	h.Set("X-Rate-Limit-Limit", strconv.Itoa(limit))
	h.Set("X-Rate-Limit-Remaining", strconv.Itoa(remaining))
	// Reset is in whole epoch seconds, rounded up so that waiting until it is enough.
	h.Set("X-Rate-Limit-Reset", strconv.FormatInt(reset.Add(time.Second-1).Unix(), 10))
	if !ok {
		s.writeError(w, http.StatusTooManyRequests, "", "")
	}
	return ok
}
