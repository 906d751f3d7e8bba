package salesforcesim

import (
	"net/http"
	"strings"
)

// Fault makes matching requests fail. Faults are checked in the order they were
// injected, before authentication; the first that matches answers the request. A fault
// with Ignore set is different: see Ignore.
type Fault struct {
	// Method is the HTTP method to match; "" matches any.
	Method string
	// Path is a prefix of the request path to match; "" matches any path.
	Path string
	// Status is the HTTP status of the answer (default 500).
	Status int
	// Times is how many requests the fault answers before it is removed; 0 means always.
	Times int
	// Body is the raw answer body, such as an error array
	// `[{"message":"...","errorCode":"..."}]`; "" takes Salesforce's usual body for the
	// status (UNKNOWN_EXCEPTION for 5xx, and so on).
	Body string
	// Ignore makes the fault answer matching changes (revoke, PATCH) as if they had
	// succeeded while nothing changes: the silent failure a remediation must be verified
	// against. It is checked after authentication, as a server that accepted the request;
	// Status and Body are unused, and reads pass it by.
	Ignore bool
	// After is how many matching requests the fault lets through untouched before it
	// starts answering: After 2 and Times 1 fail the third matching request only.
	After int
}

// matches reports whether f applies to r.
func (f *Fault) matches(r *http.Request) bool {
	return (f.Method == "" || strings.EqualFold(f.Method, r.Method)) && strings.HasPrefix(r.URL.Path, f.Path)
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

// writeFault answers with an error fault: its body, or Salesforce's usual one.
func writeFault(w http.ResponseWriter, f *Fault) {
	if f.Body != "" {
		w.Header().Set("Content-Type", "application/json;charset=UTF-8")
		w.WriteHeader(f.Status)
		_, _ = w.Write([]byte(f.Body))
		return
	}
	writeErrors(w, f.Status, apiError{Code: defaultCode(f.Status), Message: defaultMessage(f.Status)})
}
