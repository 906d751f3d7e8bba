package oktasim

import (
	"net/http"
	"strings"
)

// Fault makes matching requests fail. Faults are checked in the order they were injected,
// before authentication; the first that matches answers the request. A fault with Ignore
// set is different: see Ignore.
type Fault struct {
	// Method is the HTTP method to match; "" matches any.
	Method string
	// Path is a substring of the request path to match; "" matches any path.
	Path string
	// Status is the HTTP status of the answer (default 500).
	Status int
	// Code is the Okta errorCode ("" takes the usual one for Status: E0000009 for 5xx,
	// E0000047 for 429, ...); Summary the errorSummary ("" takes a generic one).
	Code, Summary string
	// Times is how many requests the fault answers before it is removed; 0 means always.
	Times int
	// Ignore makes the fault answer matching changes (any API request other than GET) as
	// if they had succeeded while nothing changes: the silent failure a remediation must
	// be verified against. It is checked after authentication and throttling; reads pass
	// it by.
	Ignore bool
}

// matches reports whether f applies to r.
func (f *Fault) matches(r *http.Request) bool {
	return (f.Method == "" || strings.EqualFold(f.Method, r.Method)) && strings.Contains(r.URL.Path, f.Path)
}

// InjectFault adds a fault; see Fault.
func (s *Server) InjectFault(f Fault) {
	if f.Status == 0 {
		f.Status = http.StatusInternalServerError
	}
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	s.faults = append(s.faults, &f)
}

// ClearFaults removes every fault.
func (s *Server) ClearFaults() {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	s.faults = nil
}

// takeFault returns a copy of the first fault with the given Ignore that matches r, and
// uses it up; or nil.
func (s *Server) takeFault(r *http.Request, ignore bool) *Fault {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	for i, f := range s.faults {
		if f.Ignore != ignore || !f.matches(r) {
			continue
		}
		hit := *f
		if f.Times > 0 {
			f.Times--
			if f.Times == 0 {
				s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
			}
		}
		return &hit
	}
	return nil
}
