package entrasim

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
	// Throttled is set for answers that tell the client to slow down: a spent
	// resource-unit budget, and injected faults with status 429.
	Throttled bool
	At        time.Time
}

// API reports whether the request went to Microsoft Graph (as opposed to the token
// endpoint).
func (r Request) API() bool { return isAPIPath(r.Path) }

// Stats are running totals since New (ResetRequests does not clear them).
type Stats struct {
	Requests  int
	Throttled int
	// Mutations counts requests to Graph with a method other than GET and HEAD, whatever
	// their outcome: a read-only scan must leave it at zero.
	Mutations int
	// Faults counts answers given by injected faults.
	Faults int
}

// isAPIPath reports whether path is under Microsoft Graph's versions.
func isAPIPath(path string) bool {
	return strings.HasPrefix(path, "/v1.0/") || strings.HasPrefix(path, "/beta/")
}

// record logs one answered request and counts it.
func (s *Server) record(r *http.Request, rec *recorder, at time.Time) {
	entry := Request{Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery,
		Status: rec.status, Throttled: rec.throttled, At: at}
	limit := s.opts.MaxRequestLog
	if limit == 0 {
		limit = defaultMaxRequestLog
	}
	s.logMu.Lock()
	defer s.logMu.Unlock()
	if len(s.log) >= limit {
		// Drop the older half at once, so that logging stays amortized O(1).
		keep := limit / 2
		n := copy(s.log, s.log[len(s.log)-keep:])
		clear(s.log[n:])
		s.log = s.log[:n]
	}
	s.log = append(s.log, entry)
	s.stats.Requests++
	if rec.throttled {
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
