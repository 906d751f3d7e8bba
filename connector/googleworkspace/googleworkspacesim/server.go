package googleworkspacesim

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nhiscope/nhi/estate"
)

// Options configure a Server. The zero value of each field means the default noted.
type Options struct {
	// MaxPageSize caps the page size of users (default 500) and activities (default 1000),
	// whatever maxResults asks for; 0 means the default. Use it to force paging.
	MaxPageSize int
	// QuotaPerMinute is the request quota per API (Directory and Reports counted apart);
	// 0 means unlimited.
	QuotaPerMinute int
	// QuotaBurst is the capacity of each token bucket; 0 means one second's worth of
	// QuotaPerMinute, at least 1.
	QuotaBurst int
	// ThrottleStatus is the status of a throttled answer: 403 (default; Google's
	// userRateLimitExceeded) or 429 (RESOURCE_EXHAUSTED).
	ThrottleStatus int
	// Latency is added to every answer; 0 means none.
	Latency time.Duration
	// Now is the clock of the tenant's data: the Reports API look-back, the default end of
	// an activities query and the time of revocations. nil means the estate's
	// Options.Now (a fixed time, so that answers are reproducible); for an estate without
	// one, the latest time found in it.
	Now func() time.Time
	// Clock is the wall clock the token endpoint checks JWT times against, access tokens
	// expire by, quotas refill by and the request log stamps; nil means time.Now. Real
	// OAuth clients stamp their JWTs with the real time, so this is not Now.
	Clock func() time.Time
	// DelegatedScopes are the scopes the simulated domain-wide delegation grants the
	// service account; nil means DefaultDelegatedScopes.
	DelegatedScopes []string
	// MaxRequestLog is how many requests the log keeps (the oldest are dropped first);
	// 0 means 100,000.
	MaxRequestLog int
}

// The OAuth scopes of the Admin SDK the simulator knows.
const (
	ScopeUserReadonly  = "https://www.googleapis.com/auth/admin.directory.user.readonly"
	ScopeUser          = "https://www.googleapis.com/auth/admin.directory.user"
	ScopeUserSecurity  = "https://www.googleapis.com/auth/admin.directory.user.security"
	ScopeAuditReadonly = "https://www.googleapis.com/auth/admin.reports.audit.readonly"
)

// DefaultDelegatedScopes returns the scopes domain-wide delegation grants by default.
func DefaultDelegatedScopes() []string {
	return []string{ScopeUserReadonly, ScopeUser, ScopeUserSecurity, ScopeAuditReadonly}
}

// Request is one entry of the request log.
type Request struct {
	Method   string
	Path     string
	RawQuery string
	Status   int
	// Throttled is set for answers that tell the client to slow down: quota exhaustion,
	// and injected faults with status 429 or a rate-limit reason.
	Throttled bool
	At        time.Time
}

// Stats are running totals since New (ResetRequests does not clear them).
type Stats struct {
	Requests  int
	Throttled int
	// Mutations counts requests with a method other than GET and HEAD to API paths
	// (/admin/...), whatever their outcome: a read-only scan must leave it at zero.
	Mutations int
	// Faults counts answers given by injected faults.
	Faults int
}

// Server simulates Google's Admin SDK (Directory users and tokens, Reports activities) and
// the OAuth token endpoint over an estate. It is an http.Handler; serve it at the root.
type Server struct {
	opts    Options
	now     func() time.Time
	clock   func() time.Time
	w       *world
	mux     *http.ServeMux
	pageKey []byte
	quotas  [2]*bucket // by api
	auth    *authority
	schemas *schemas  // of the resources a fields parameter filters
	bufs    sync.Pool // of *[]byte: answer buffers

	faultMu   sync.Mutex
	faults    []*Fault
	hasFaults atomic.Bool

	logMu sync.Mutex
	log   []Request
	stats Stats
}

// New returns a simulator serving e. The estate must not change while the Server lives.
func New(e *estate.Estate, o Options) (*Server, error) {
	if err := o.validate(e); err != nil {
		return nil, err
	}
	s := &Server{opts: o, now: o.Now, clock: o.Clock, w: newWorld(e), schemas: newSchemas()}
	if s.now == nil {
		t := dataNow(e)
		s.now = func() time.Time { return t }
	}
	if s.clock == nil {
		s.clock = time.Now
	}
	if s.opts.DelegatedScopes == nil {
		s.opts.DelegatedScopes = DefaultDelegatedScopes()
	}
	sum := sha256.Sum256([]byte("googleworkspacesim page token\x00" + e.CustomerID + "\x00" + s.w.domain))
	s.pageKey = sum[:]
	now := s.clock()
	s.quotas[apiDirectory] = newBucket(o.QuotaPerMinute, o.QuotaBurst, now)
	s.quotas[apiReports] = newBucket(o.QuotaPerMinute, o.QuotaBurst, now)
	s.auth = newAuthority(e, s.w.domain)
	dataNow := s.now()
	cutoff := dataNow.Add(-lookBack)
	s.w.static = tokenEvents(e, dataNow, cutoff)
	s.w.admin = adminEvents(e, s.w.firstAdmin(), dataNow, cutoff, s.auth.clientID, s.opts.DelegatedScopes)
	s.routes()
	return s, nil
}

// validate reports every problem with the options at once.
func (o Options) validate(e *estate.Estate) error {
	var errs []error
	if e == nil {
		errs = append(errs, errors.New("estate is nil"))
	} else {
		errs = append(errs, checkGrants(e))
	}
	if o.MaxPageSize < 0 {
		errs = append(errs, fmt.Errorf("max page size %d is negative", o.MaxPageSize))
	}
	if o.QuotaPerMinute < 0 || o.QuotaBurst < 0 {
		errs = append(errs, fmt.Errorf("quota %d/min, burst %d: must not be negative", o.QuotaPerMinute, o.QuotaBurst))
	}
	if o.ThrottleStatus != 0 && o.ThrottleStatus != http.StatusForbidden && o.ThrottleStatus != http.StatusTooManyRequests {
		errs = append(errs, fmt.Errorf("throttle status %d: want 403 or 429", o.ThrottleStatus))
	}
	if o.Latency < 0 || o.MaxRequestLog < 0 {
		errs = append(errs, errors.New("latency and request log size must not be negative"))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("googleworkspacesim: %w", err)
	}
	return nil
}

// checkGrants reports a grant whose person or vendor is not in the estate.
func checkGrants(e *estate.Estate) error {
	for _, gs := range [][]estate.Grant{e.Grants, e.Revoked} {
		for i, g := range gs {
			if g.Person < 0 || int(g.Person) >= len(e.People) || g.Vendor < 0 || int(g.Vendor) >= len(e.Vendors) {
				return fmt.Errorf("grant %d names person %d and vendor %d, not in the estate", i, g.Person, g.Vendor)
			}
		}
	}
	return nil
}

// dataNow returns the estate's generation time or, when it has none, the latest time in it.
func dataNow(e *estate.Estate) time.Time {
	if !e.Options.Now.IsZero() {
		return e.Options.Now
	}
	var t time.Time
	later := func(u time.Time) {
		if u.After(t) {
			t = u
		}
	}
	for _, p := range e.People {
		later(p.CreatedAt)
		later(p.LastLoginAt)
		later(p.DepartedAt)
	}
	for _, gs := range [][]estate.Grant{e.Grants, e.Revoked} {
		for _, g := range gs {
			later(g.AuthorizedAt)
			later(g.LastUsedAt)
		}
	}
	if t.IsZero() {
		return time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return t.Add(time.Hour).Truncate(time.Hour)
}

// ServeHTTP answers one request: after the configured latency, an injected fault if one
// matches, else the endpoint. Every request is logged.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := &recorder{ResponseWriter: w, status: http.StatusOK}
	at := s.clock()
	defer func() { s.record(r, rec, at) }()
	if !s.sleep(r.Context()) {
		rec.status = 499 // the client went away; nothing is written
		return
	}
	if s.hasFaults.Load() {
		if e, ok := s.fault(r); ok {
			rec.faulted = true
			rec.throttled = e.Code == http.StatusTooManyRequests || isRateLimitReason(e.Reason)
			if r.URL.Path == tokenPath {
				writeOAuthError(rec, e.Code, e.Reason, e.Message)
			} else {
				writeError(rec, e)
			}
			return
		}
	}
	s.mux.ServeHTTP(rec, r)
}

// sleep waits for the configured latency; false means ctx ended first.
func (s *Server) sleep(ctx context.Context) bool {
	if s.opts.Latency <= 0 {
		return true
	}
	t := time.NewTimer(s.opts.Latency)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// recorder remembers the status of an answer.
type recorder struct {
	http.ResponseWriter
	status    int
	throttled bool
	faulted   bool
}

// WriteHeader records the status.
func (r *recorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// Unwrap returns the underlying writer, for http.ResponseController.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// buffer returns an answer buffer, empty, from the pool.
func (s *Server) buffer() *[]byte {
	bp, _ := s.bufs.Get().(*[]byte)
	if bp == nil {
		bp = new([]byte)
	}
	*bp = (*bp)[:0]
	return bp
}

// release returns b, an answer written and grown from buffer bp, to the pool.
func (s *Server) release(bp *[]byte, b []byte) {
	*bp = b
	s.bufs.Put(bp)
}
