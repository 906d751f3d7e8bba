package entrasim

import (
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// budgetWindow is the period Graph's identity resource-unit budget is stated over.
const budgetWindow = 10 * time.Second

// budget is the resource-unit budget of the calling app in the tenant: a bucket holding up
// to the budget that refills it evenly over budgetWindow. A nil *budget never throttles.
type budget struct {
	mu       sync.Mutex
	capacity float64
	rate     float64 // units per second
	units    float64
	last     time.Time
}

// newBudget returns the budget of units per 10 seconds, or nil for an unlimited one.
func newBudget(units int, now time.Time) *budget {
	if units <= 0 {
		return nil
	}
	c := float64(units)
	return &budget{capacity: c, rate: c / budgetWindow.Seconds(), units: c, last: now}
}

// take spends cost units if the budget holds them. It returns the share of the budget in
// use afterwards and, when it did not spend, how long until it could.
func (b *budget) take(cost int, now time.Time) (ok bool, used float64, wait time.Duration) {
	if b == nil {
		return true, 0, 0
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if d := now.Sub(b.last); d > 0 {
		b.units = math.Min(b.capacity, b.units+d.Seconds()*b.rate)
		b.last = now
	}
	need := math.Min(float64(cost), b.capacity)
	if b.units < need {
		secs := (need - b.units) / b.rate
		return false, 1, time.Duration(math.Ceil(secs)) * time.Second
	}
	b.units -= need
	return true, 1 - b.units/b.capacity, 0
}

// spend charges a request's resource units and sets Graph's throttling headers; when the
// budget is spent it answers 429 TooManyRequests with Retry-After and reports false.
func (s *Server) spend(w http.ResponseWriter, r *http.Request, cost int, clientID string, now time.Time) bool {
	h := w.Header()
	h.Set("x-ms-resource-unit", strconv.Itoa(cost))
	ok, used, wait := s.budget.take(cost, now)
	if used > 0.8 {
		h.Set("x-ms-throttle-limit-percentage", strconv.FormatFloat(used, 'f', 1, 64))
	}
	if ok {
		return true
	}
	if rec, isRec := w.(*recorder); isRec {
		rec.throttled = true
	}
	h.Set("x-ms-throttle-scope", "Tenant_Application/ReadWrite/"+clientID+"/"+s.w.tenantID)
	h.Set("x-ms-throttle-information", "ResourceUnitLimitExceeded")
	s.fail(w, r, graphError{Status: http.StatusTooManyRequests, Code: "TooManyRequests",
		Message:    "Too many requests: the application exceeded its resource unit budget. Retry after the interval in the Retry-After header.",
		RetryAfter: max(wait, time.Second)})
	return false
}
