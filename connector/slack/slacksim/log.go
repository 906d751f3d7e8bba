package slacksim

import (
	"net/http"
	"strings"
	"time"
)

// defaultMaxRequestLog is how many requests the log keeps by default.
const defaultMaxRequestLog = 100_000

// Request is one entry of the request log.
type Request struct {
	// Method is the HTTP method; Path the request path ("/api/users.list").
	Method, Path, RawQuery string
	Status                 int
	// Error is the Slack error code of an ok:false answer; "" for ok:true.
	Error string
	// Throttled is set for 429 answers.
	Throttled bool
	At        time.Time
}

// API reports whether the request went to the Web API or the Audit Logs API.
func (r Request) API() bool { return isAPIPath(r.Path) }

// Stats are running totals since New (ResetRequests does not clear them).
type Stats struct {
	Requests, Throttled, Faults int
	// Mutations counts API requests other than GET and HEAD, whatever their outcome: a
	// read-only scan must leave it at zero.
	Mutations int
}

// isAPIPath reports whether path is under the Web API or the Audit Logs API.
func isAPIPath(path string) bool {
	return strings.HasPrefix(path, "/api/") || strings.HasPrefix(path, "/audit/v1/")
}

// record logs one answered request and counts it.
func (s *Server) record(r *http.Request, rec *recorder, at time.Time) {
	entry := Request{Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery, Status: rec.status,
		Error: rec.slackErr, Throttled: rec.status == http.StatusTooManyRequests, At: at}
	limit := s.opts.MaxRequestLog
	if limit == 0 {
		limit = defaultMaxRequestLog
	}
	s.logMu.Lock()
	defer s.logMu.Unlock()
	if len(s.log) >= limit {
		keep := limit / 2
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
	return append([]Request(nil), s.log...)
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
