package googleworkspacesim

import (
	"fmt"
	"net/http"
	"sync"
	"time"
)

// bucket is a token bucket: it holds up to burst tokens and gains rate tokens a second.
// A nil *bucket never throttles.
type bucket struct {
	mu     sync.Mutex
	rate   float64 // tokens per second
	burst  float64
	tokens float64
	last   time.Time
}

// newBucket returns the bucket of a per-minute quota, or nil for an unlimited one.
func newBucket(perMinute, burst int, now time.Time) *bucket {
	if perMinute <= 0 {
		return nil
	}
	if burst <= 0 {
		burst = perMinute / 60
	}
	burst = max(burst, 1)
	return &bucket{rate: float64(perMinute) / 60, burst: float64(burst), tokens: float64(burst), last: now}
}

// take spends one token if there is one and reports whether it did.
func (b *bucket) take(now time.Time) bool {
	if b == nil {
		return true
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if d := now.Sub(b.last); d > 0 {
		b.tokens = min(b.burst, b.tokens+d.Seconds()*b.rate)
		b.last = now
	}
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// throttled returns the answer to a request over quota: Google's 403 userRateLimitExceeded
// or, for status 429, RESOURCE_EXHAUSTED. Google sends no Retry-After; neither does this.
func throttled(status int, api string, perMinute int) apiError {
	metric := "Queries"
	limit := "Queries per minute per user"
	msg := fmt.Sprintf("Quota exceeded for quota metric '%s' and limit '%s' of service 'admin.googleapis.com' for consumer 'project_number:%s'.",
		metric, limit, simProjectNumber)
	details := `[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"RATE_LIMIT_EXCEEDED","domain":"googleapis.com",` +
		`"metadata":{"service":"admin.googleapis.com","consumer":"projects/` + simProjectNumber + `",` +
		`"quota_metric":"admin.googleapis.com/` + api + `_requests","quota_limit":"` + api +
		`RequestsPerMinutePerUser","quota_limit_value":"` + fmt.Sprint(perMinute) + `"}}]`
	if status == http.StatusTooManyRequests {
		return apiError{Code: status, Message: msg, Reason: "rateLimitExceeded", Domain: "global",
			Status: "RESOURCE_EXHAUSTED", Details: details}
	}
	return apiError{Code: http.StatusForbidden, Message: msg, Reason: "userRateLimitExceeded",
		Domain: "usageLimits", Status: "PERMISSION_DENIED", Details: details}
}
