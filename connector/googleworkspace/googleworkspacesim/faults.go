package googleworkspacesim

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
	// Reason is the Google-style errors[].reason; "" takes the usual one for Status
	// ("backendError" for 5xx, "rateLimitExceeded" for 429, ...).
	Reason string
	// Message is the error message; "" takes a generic one.
	Message string
	// Times is how many requests the fault answers before it is removed; 0 means always.
	Times int
	// After is how many matching requests the fault lets through untouched before it
	// starts answering: After 2 and Times 1 fail the third matching request only.
	After int
	// Ignore makes the fault answer matching token deletions (tokens.delete) as if they
	// had succeeded, 204 with no body, while the grant stays: the silent failure a
	// revocation must be verified against. It is checked after authentication and quota,
	// as a server that accepted the request; Status, Reason, Message and RetryAfter are
	// unused, and other requests pass it by.
	Ignore bool
	// RetryAfter, if positive, is sent as a Retry-After header in whole seconds (rounded
	// up). Google's admin APIs send none on their own throttling answers; proxies and
	// newer Google APIs do, and clients must honour it.
	RetryAfter time.Duration
}

// matches reports whether f applies to r.
func (f *Fault) matches(r *http.Request) bool {
	return (f.Method == "" || strings.EqualFold(f.Method, r.Method)) && strings.Contains(r.URL.Path, f.Path)
}

// answer returns the error answer of the fault.
func (f *Fault) answer() apiError {
	code := f.Status
	if code == 0 {
		code = http.StatusInternalServerError
	}
	reason := f.Reason
	if reason == "" {
		reason = defaultReason(code)
	}
	msg := f.Message
	if msg == "" {
		msg = http.StatusText(code)
		if code >= 500 {
			msg = "Backend Error"
		}
	}
	e := apiError{Code: code, Message: msg, Reason: reason, RetryAfter: f.RetryAfter}
	if isRateLimitReason(reason) && code == http.StatusForbidden {
		e.Domain = "usageLimits"
	}
	return e
}

// isRateLimitReason reports whether a Google errors[].reason means "slow down".
func isRateLimitReason(reason string) bool {
	switch reason {
	case "userRateLimitExceeded", "rateLimitExceeded", "quotaExceeded":
		return true
	}
	return false
}

// InjectFault adds a fault; see Fault.
func (s *Server) InjectFault(f Fault) {
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

// fault returns the answer of the first error fault matching r and uses it up, or false.
func (s *Server) fault(r *http.Request) (apiError, bool) {
	f := s.takeFault(r, false)
	if f == nil {
		return apiError{}, false
	}
	return f.answer(), true
}

// ignored reports whether an Ignore fault matches r, a token deletion, and uses it up.
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
