package oktasim

import (
	"net/http"
	"strings"
	"time"
)

// defaultMaxRequestLog is how many requests the log keeps by default.
const defaultMaxRequestLog = 100_000

// Request is one entry of the request log.
type Request struct {
	Method   string
	Path     string
	RawQuery string
	Status   int
	// Throttled is set for 429 answers.
	Throttled bool
	At        time.Time
}

// API reports whether the request went to the management API (as opposed to the token
// endpoint).
func (r Request) API() bool { return isAPIPath(r.Path) }

// Stats are running totals since New (ResetRequests does not clear them).
type Stats struct {
	Requests  int
	Throttled int
	// Mutations counts API requests with a method other than GET and HEAD, whatever their
	// outcome: a read-only scan must leave it at zero.
	Mutations int
	// Faults counts answers given by injected faults.
	Faults int
}

// isAPIPath reports whether path is under the management API.
func isAPIPath(path string) bool { return strings.HasPrefix(path, "/api/v1/") }

// record logs one answered request and counts it.
func (s *Server) record(r *http.Request, rec *recorder, at time.Time) {
	entry := Request{Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery,
		Status: rec.status, Throttled: rec.status == http.StatusTooManyRequests, At: at}
	limit := s.opts.MaxRequestLog
	if limit == 0 {
		limit = defaultMaxRequestLog
	}
	s.logMu.Lock()
	defer s.logMu.Unlock()
	if len(s.log) >= limit {
		keep := limit / 2 // drop the older half at once: amortized O(1)
		n := copy(s.log, s.log[len(s.log)-keep:])
		clear(s.log[n:])
		s.log = s.log[:n]
	}
	s.log = append(s.log, entry)
	s.stats.Requests++
	if entry.Throttled {
		s.stats.Throttled++
	}
	if rec.faulted {
		s.stats.Faults++
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead && isAPIPath(r.URL.Path) {
		s.stats.Mutations++
	}
}

// Requests returns a copy of the request log, oldest first.
func (s *Server) Requests() []Request {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	out := make([]Request, len(s.log))
	copy(out, s.log)
	return out
}

// ResetRequests empties the request log. Stats keep counting.
func (s *Server) ResetRequests() {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	s.log = nil
}

// Stats returns the running totals.
func (s *Server) Stats() Stats {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	return s.stats
}
