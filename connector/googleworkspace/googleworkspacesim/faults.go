package googleworkspacesim

import (
	"net/http"
	"strings"
	"time"
)

// Fault makes matching requests fail. Faults are checked in the order they were injected,
// before authentication; the first that matches answers the request.
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

// fault returns the answer of the first fault matching r and uses it up, or false.
func (s *Server) fault(r *http.Request) (apiError, bool) {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	for i, f := range s.faults {
		if !f.matches(r) {
			continue
		}
		if f.Times > 0 {
			f.Times--
			if f.Times == 0 {
				s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
				s.hasFaults.Store(len(s.faults) > 0)
			}
		}
		return f.answer(), true
	}
	return apiError{}, false
}
