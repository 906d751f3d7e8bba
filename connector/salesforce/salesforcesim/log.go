package salesforcesim

import (
	"net/http"
	"net/url"
	"strings"
)

// maxRequestLog is how many requests the log keeps; the oldest half is dropped when full.
const maxRequestLog = 100_000

// Request is one entry of the request log.
type Request struct {
	Method string
	Path   string
	// Query is the raw query string, with the revoke endpoint's token left out.
	Query string
	// SOQL is the decoded query of a query or queryAll request (and of the query a
	// nextRecordsUrl continues); "" for other requests.
	SOQL   string
	Status int
}

// record logs one answered request.
func (s *Server) record(r *http.Request, rec *recorder) {
	entry := Request{Method: r.Method, Path: r.URL.Path, Query: redactQuery(r.URL), SOQL: rec.soql, Status: rec.status}
	s.logMu.Lock()
	defer s.logMu.Unlock()
	if len(s.log) >= maxRequestLog {
		keep := maxRequestLog / 2
		n := copy(s.log, s.log[len(s.log)-keep:])
		clear(s.log[n:])
		s.log = s.log[:n]
	}
	s.log = append(s.log, entry)
}

// redactQuery returns the raw query of u without a token parameter, which the revoke
// endpoint takes.
func redactQuery(u *url.URL) string {
	if !strings.Contains(u.RawQuery, "token") {
		return u.RawQuery
	}
	q := u.Query()
	if !q.Has("token") {
		return u.RawQuery
	}
	q.Set("token", "REDACTED")
	return q.Encode()
}

// Requests returns a copy of the request log, oldest first.
func (s *Server) Requests() []Request {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	out := make([]Request, len(s.log))
	copy(out, s.log)
	return out
}

// ResetRequests empties the request log.
func (s *Server) ResetRequests() {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	s.log = nil
}
