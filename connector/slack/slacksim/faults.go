package slacksim

import (
	"net/http"
	"strings"
	"time"
)

// Fault makes matching requests fail. Faults are checked in the order they were injected,
// before authentication; the first that matches answers the request. A fault with Ignore
// set is different: see Ignore.
type Fault struct {
	// Method is the Web API method to match ("admin.apps.uninstall", exactly), or, when
	// it starts with "/", a prefix of the path ("/audit/v1/"); "" matches any.
	Method string
	// Status is the HTTP status of the answer; 0 means 500. With 200 the answer is
	// Slack's {"ok":false,"error":Error}.
	Status int
	// Error is the Slack error code of the body; "" means "internal_error", or
	// "ratelimited" for 429.
	Error string
	// Times is how many requests the fault answers before it is removed; 0 means always.
	Times int
	// After is how many matching requests the fault lets through before it answers.
	After int
	// Ignore makes the fault answer matching changes (POST requests) {"ok":true} while
	// nothing changes: the silent failure remediation is verified against. It is checked
	// after authentication and throttling; the other fields but Method, Times and After
	// are unused, and reads pass it by.
	Ignore bool
	// RetryAfter, if positive, is sent as a Retry-After header in whole seconds.
	RetryAfter time.Duration
}

// matches reports whether f applies to r.
func (f *Fault) matches(r *http.Request) bool {
	if strings.HasPrefix(f.Method, "/") {
		return strings.HasPrefix(r.URL.Path, f.Method)
	}
	return f.Method == "" || r.URL.Path == "/api/"+f.Method
}

// InjectFault adds a fault; see Fault.
func (s *Server) InjectFault(f Fault) {
	if f.Status == 0 {
		f.Status = http.StatusInternalServerError
	}
	if f.Error == "" {
		f.Error = "internal_error"
		if f.Status == http.StatusTooManyRequests {
			f.Error = "ratelimited"
		}
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

// takeFault returns a copy of the first fault with the given Ignore that matches r and is
// past its After, and uses it up; or nil.
func (s *Server) takeFault(r *http.Request, ignore bool) *Fault {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	for i, f := range s.faults {
		if f.Ignore != ignore || !f.matches(r) || (ignore && r.Method != http.MethodPost) {
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
			}
		}
		return &hit
	}
	return nil
}
