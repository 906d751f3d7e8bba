package salesforcesim

import (
	"net/http"
	"strconv"
	"sync"
	"time"
)

// limitWindow is the period of the daily allocation.
const limitWindow = 24 * time.Hour

// usage counts the API requests of the current day: the allocation refills 24 hours
// after the first request it counted, by the org's clock.
type usage struct {
	mu    sync.Mutex
	used  int
	start time.Time
}

// take counts one request at now against max; false when the day's requests are spent.
func (u *usage) take(now time.Time, max int) bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.roll(now)
	if u.used >= max {
		return false
	}
	if u.used == 0 {
		u.start = now
	}
	u.used++
	return true
}

// roll starts a new day once the current one is over. u.mu is held.
func (u *usage) roll(now time.Time) {
	if u.used > 0 && !now.Before(u.start.Add(limitWindow)) {
		u.used = 0
	}
}

// count returns the requests used in the day at now.
func (u *usage) count(now time.Time) int {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.roll(now)
	return u.used
}

// spend counts one API request against the daily allocation; false when it is spent.
func (s *Server) spend() bool { return s.usage.take(s.now(), s.opts.DailyLimit) }

// setLimitInfo sets the Sforce-Limit-Info header: api-usage=<used>/<max>.
func (s *Server) setLimitInfo(w http.ResponseWriter) {
	w.Header().Set("Sforce-Limit-Info", "api-usage="+strconv.Itoa(s.usage.count(s.now()))+"/"+strconv.Itoa(s.opts.DailyLimit))
}

// limit is one entry of the limits resource.
type limit struct {
	Max       int `json:"Max"`
	Remaining int `json:"Remaining"`
}

// handleLimits answers GET /services/data/vXX.X/limits with the org's daily allocations;
// only DailyApiRequests is consumed by the simulator, the others are full.
func (s *Server) handleLimits(w http.ResponseWriter, _ *http.Request, _ caller) {
	used, max := s.APIUsage()
	writeValue(w, map[string]limit{
		"DailyApiRequests":              {Max: max, Remaining: max - used},
		"DailyAsyncApexExecutions":      {Max: 250000, Remaining: 250000},
		"DailyBulkApiBatches":           {Max: 15000, Remaining: 15000},
		"DailyBulkV2QueryFileStorageMB": {Max: 976562, Remaining: 976562},
		"DailyBulkV2QueryJobs":          {Max: 10000, Remaining: 10000},
		"DataStorageMB":                 {Max: 5120, Remaining: 5120},
		"FileStorageMB":                 {Max: 10240, Remaining: 10240},
		"HourlyODataCallout":            {Max: 10000, Remaining: 10000},
	})
}

// APIUsage returns the API requests used in the current day and the daily maximum.
func (s *Server) APIUsage() (used, max int) {
	return s.usage.count(s.now()), s.opts.DailyLimit
}
