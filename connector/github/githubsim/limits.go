package githubsim

import (
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// anonymousLimit is GitHub's primary limit for unauthenticated requests, per IP address.
const anonymousLimit = 60

// limiter counts requests per caller and resource: GitHub's primary limit (a budget per
// hour, from the first request of the hour) and, when set, a secondary limit per minute.
type limiter struct {
	hourly, perMinute int

	mu      sync.Mutex
	buckets map[string]*bucket
}

// bucket is one caller's count for one resource.
type bucket struct {
	hourStart   time.Time
	used        int
	minuteStart time.Time
	minuteCount int
}

// verdict is the outcome of a request's charge.
type verdict struct {
	limit, used int
	reset       time.Time
	// primary is false when the hour's budget was spent; wait, when positive, is the
	// secondary limit's retry-after in seconds.
	primary bool
	wait    int
}

// newLimiter returns a limiter; perMinute 0 means no secondary limit.
func newLimiter(hourly, perMinute int) *limiter {
	return &limiter{hourly: hourly, perMinute: perMinute, buckets: map[string]*bucket{}}
}

// bucket returns the bucket of key, rolled over to now. l.mu is held.
func (l *limiter) bucket(key string, now time.Time) *bucket {
	b := l.buckets[key]
	if b == nil {
		b = &bucket{hourStart: now, minuteStart: now}
		l.buckets[key] = b
	}
	if !now.Before(b.hourStart.Add(time.Hour)) {
		b.hourStart, b.used = now, 0
	}
	if !now.Before(b.minuteStart.Add(time.Minute)) {
		b.minuteStart, b.minuteCount = now, 0
	}
	return b
}

// take charges one request of key against limit (the hourly budget, or another for
// anonymous callers); secondary says whether the secondary limit applies.
func (l *limiter) take(key string, limit int, secondary bool, now time.Time) verdict {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.bucket(key, now)
	v := verdict{limit: limit, reset: b.hourStart.Add(time.Hour), primary: true}
	if secondary && l.perMinute > 0 {
		b.minuteCount++
		if b.minuteCount > l.perMinute {
			left := b.minuteStart.Add(time.Minute).Sub(now)
			v.wait = max(1, int((left+time.Second-1)/time.Second))
			v.used = b.used
			return v
		}
	}
	if b.used >= limit {
		v.primary, v.used = false, b.used
		return v
	}
	b.used++
	v.used = b.used
	return v
}

// peek returns the state of key's bucket without charging it.
func (l *limiter) peek(key string, limit int, now time.Time) verdict {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.bucket(key, now)
	return verdict{limit: limit, used: min(b.used, limit), reset: b.hourStart.Add(time.Hour), primary: true}
}

// setHeaders writes GitHub's rate limit headers for v.
func (v verdict) setHeaders(w http.ResponseWriter, resource string) {
	h := w.Header()
	h.Set("x-ratelimit-limit", strconv.Itoa(v.limit))
	h.Set("x-ratelimit-remaining", strconv.Itoa(max(0, v.limit-v.used)))
	h.Set("x-ratelimit-used", strconv.Itoa(v.used))
	h.Set("x-ratelimit-reset", strconv.FormatInt(v.reset.Unix(), 10))
	h.Set("x-ratelimit-resource", resource)
}

// charge counts a request of c against its limits for resource and sets the headers;
// when a limit is exceeded it answers (403 for the primary limit, 429 with retry-after
// for the secondary) and reports false.
func (s *Server) charge(w http.ResponseWriter, c caller, resource string, now time.Time) bool {
	v := s.limits.take(c.bucket+"|"+resource, s.opts.HourlyLimit, true, now)
	v.setHeaders(w, resource)
	switch {
	case v.wait > 0:
		writeError(w, apiError{Status: http.StatusTooManyRequests, RetryAfter: v.wait, Doc: docSecondary,
			Message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."})
		return false
	case !v.primary:
		writeError(w, apiError{Status: http.StatusForbidden, Doc: docRateLimits,
			Message: "API rate limit exceeded for " + c.limitName + "."})
		return false
	}
	return true
}

// chargeAnonymous counts a request that presented no valid credential against the
// client address's unauthenticated limit and sets the headers; it never refuses (the
// request is answered 401 anyway).
func (s *Server) chargeAnonymous(w http.ResponseWriter, r *http.Request, now time.Time) {
	s.limits.take("ip:"+clientIP(r)+"|core", anonymousLimit, false, now).setHeaders(w, "core")
}

// peekLimits sets the rate limit headers of an answer given before authentication (a
// fault, an unsupported version, an unknown path), without charging anyone.
func (s *Server) peekLimits(w http.ResponseWriter, r *http.Request) {
	now := s.now()
	key, limit := "ip:"+clientIP(r), anonymousLimit
	if c, err := s.authenticate(r, now); err == nil {
		key, limit = c.bucket, s.opts.HourlyLimit
	}
	s.limits.peek(key+"|"+resourceOf(r.URL.Path), limit, now).setHeaders(w, resourceOf(r.URL.Path))
}

// clientIP returns the host part of the request's remote address.
func clientIP(r *http.Request) string {
	if h, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return h
	}
	return r.RemoteAddr
}
