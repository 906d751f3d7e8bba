package githubsim

import (
	"net/http"
	"strings"
)

// Fault makes matching requests fail. Faults are checked in the order they were injected,
// before the API version, authentication and rate limits; the first that matches answers
// the request in GitHub's error body. A fault with Ignore set is different: see Ignore.
type Fault struct {
	// Method is the HTTP method to match; "" matches any.
	Method string
	// Path is a prefix of the URL path to match; "" matches any path.
	Path string
	// Status is the HTTP status of the answer; 0 means 500.
	Status int
	// Times is how many requests the fault answers before it is removed; 0 means always.
	Times int
	// RetryAfter, if positive, is sent as a retry-after header, in seconds.
	RetryAfter int
	// Ignore makes the fault answer matching changes (any request other than GET and
	// HEAD) as if they had succeeded, with the endpoint's success status and body, while
	// nothing changes: the silent failure a remediation must be verified against. It
	// applies after authentication, rate limits, permissions and the lookup of the target
	// (an absent target is still 404); Status and RetryAfter are unused, and reads pass it
	// by.
	Ignore bool
	// After is how many matching requests the fault lets through untouched before it
	// starts answering: After 2 and Times 1 fail the third matching request only.
	After int
}

// matches reports whether f applies to r.
func (f *Fault) matches(r *http.Request) bool {
	return (f.Method == "" || strings.EqualFold(f.Method, r.Method)) && strings.HasPrefix(r.URL.Path, f.Path)
}

// apiError returns the answer of an error fault, with GitHub's messages.
func (f *Fault) apiError() apiError {
	e := apiError{Status: f.Status, RetryAfter: f.RetryAfter}
	switch {
	case f.Status == http.StatusTooManyRequests || (f.Status == http.StatusForbidden && f.RetryAfter > 0):
		e.Message, e.Doc = "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.", docSecondary
	case f.Status >= 500:
		e.Message = "Server Error"
	}
	return e
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
