package githubsim

import "net/http"

// Request is one entry of the request log.
type Request struct {
	Method, Path, Query string
	Status              int
	// Token is the kind of credential the request was served with: "app-jwt",
	// "installation", "owner-pat", or "" when it presented none that was valid (or was
	// answered before authentication, by a fault or an unsupported API version).
	Token string
}

// Mutation reports whether the request asked for a change (any method but GET and HEAD,
// except the GraphQL query and minting installation tokens, which change nothing).
func (r Request) Mutation() bool {
	switch {
	case r.Method == http.MethodGet || r.Method == http.MethodHead:
		return false
	case r.Path == "/graphql":
		return false
	case len(r.Path) > len("/access_tokens") && r.Path[len(r.Path)-len("/access_tokens"):] == "/access_tokens":
		return false
	}
	return true
}

// record logs one answered request.
func (s *Server) record(r *http.Request, rec *recorder) {
	entry := Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Status: rec.status, Token: rec.token}
	s.logMu.Lock()
	defer s.logMu.Unlock()
	if len(s.log) >= s.opts.MaxRequestLog {
		// Drop the older half at once, so that logging stays amortized O(1).
		keep := s.opts.MaxRequestLog / 2
		n := copy(s.log, s.log[len(s.log)-keep:])
		clear(s.log[n:])
		s.log = s.log[:n]
	}
	s.log = append(s.log, entry)
}

// Requests returns a copy of the request log, oldest first.
func (s *Server) Requests() []Request {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	return append([]Request(nil), s.log...)
}

// ResetRequests empties the request log.
func (s *Server) ResetRequests() {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	s.log = nil
}
