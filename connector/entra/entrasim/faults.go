package entrasim

import (
	"net/http"
	"strings"
	"time"
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
	// Code is the Graph error code ("" takes the usual one for Status: generalException
	// for 5xx, TooManyRequests for 429, ...); at the token endpoint, the OAuth error
	// ("" means server_error).
	Code string
	// Message is the error message; "" takes a generic one.
	Message string
	// Times is how many requests the fault answers before it is removed; 0 means always.
	Times int
	// After is how many matching requests the fault lets through untouched before it
	// starts answering: After 2 and Times 1 fail the third matching request only.
	After int
	// Ignore makes the fault answer matching changes (any API request other than GET) as
	// if they had succeeded, 204 with no body, while nothing changes: the silent failure
	// a remediation must be verified against. It is checked after authentication,
	// permissions and throttling, as a server that accepted the request; Status, Code,
	// Message and RetryAfter are unused, and reads pass it by.
	Ignore bool
	// RetryAfter, if positive, is sent as a Retry-After header in whole seconds (rounded
	// up), as Graph sends with 429 and 503.
	RetryAfter time.Duration
}

// matches reports whether f applies to r.
func (f *Fault) matches(r *http.Request) bool {
	return (f.Method == "" || strings.EqualFold(f.Method, r.Method)) && strings.Contains(r.URL.Path, f.Path)
}

// graphError returns the error answer of the fault.
func (f *Fault) graphError() graphError {
	msg := f.Message
	if msg == "" && f.Status >= 500 {
		msg = "The service is temporarily unavailable. Please retry."
	}
	return graphError{Status: f.Status, Code: f.Code, Message: msg, RetryAfter: f.RetryAfter}
}

// InjectFault adds a fault; see Fault.
func (s *Server) InjectFault(f Fault) {
	if f.Status == 0 {
		f.Status = http.StatusInternalServerError
	}
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	s.faults = append(s.faults, &f)
	s.hasFaults.Store(true)
}

// ClearFaults removes every fault.
func (s *Server) ClearFaults() {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	s.faults = nil
	s.hasFaults.Store(false)
}

// fault returns the first error fault matching r, used up, or false.
func (s *Server) fault(r *http.Request) (*Fault, bool) {
	f := s.takeFault(r, false)
	return f, f != nil
}

// ignored reports whether an Ignore fault matches r, a change, and uses it up.
func (s *Server) ignored(r *http.Request) bool {
	return s.hasFaults.Load() && s.takeFault(r, true) != nil
}

// takeFault returns a copy of the first fault with the given Ignore that matches r and is
// past its After, and uses it up; or nil. Matching faults still within their After count
// the request and let it through.
func (s *Server) takeFault(r *http.Request, ignore bool) *Fault {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	for i, f := range s.faults {
		if f.Ignore != ignore || !f.matches(r) {
			continue
		}
		if f.After > 0 {
			f.After--
			continue
		}
		hit := *f
		if f.Times > 0 {
			f.Times--
			if f.Times == 0 {
				s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
				s.hasFaults.Store(len(s.faults) > 0)
			}
		}
		return &hit
	}
	return nil
}
