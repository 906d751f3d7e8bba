package entrasim

import (
	"context"
	"crypto/sha256"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nhiscope/nhi/estate"
)

// Server simulates Microsoft Graph (directory objects, delegated grants, app role
// assignments, sign-in activity reports, directory audits) and the Microsoft identity
// platform's token endpoint over an estate's Microsoft tenant. It is an http.Handler;
// serve it at the root.
type Server struct {
	opts    Options
	now     func() time.Time
	clock   func() time.Time
	w       *world
	res     *catalog
	mux     *http.ServeMux
	pageKey []byte
	auth    *authority
	budget  *budget
	reqSeq  atomic.Uint64

	faultMu   sync.Mutex
	faults    []*Fault
	hasFaults atomic.Bool

	logMu sync.Mutex
	log   []Request
	stats Stats
}

// New returns a simulator serving the Microsoft tenant of e. The estate must not change
// while the Server lives.
func New(e *estate.Estate, o Options) (*Server, error) {
	if err := o.validate(e); err != nil {
		return nil, err
	}
	s := &Server{opts: o, now: o.Now, clock: o.Clock, w: newWorld(e), res: newCatalog()}
	if s.now == nil {
		t := dataNow(e)
		s.now = func() time.Time { return t }
	}
	if s.clock == nil {
		s.clock = time.Now
	}
	if s.opts.Roles == nil {
		s.opts.Roles = ReadRoles()
	}
	if s.opts.ClientName == "" {
		s.opts.ClientName = "nhi-scanner"
	}
	if s.opts.TokenLifetime == 0 {
		s.opts.TokenLifetime = 3599 * time.Second
	}
	sum := sha256.Sum256([]byte("entrasim page token\x00" + e.Microsoft.TenantID))
	s.pageKey = sum[:]
	s.budget = newBudget(o.ResourceUnits, s.clock())
	s.auth = newAuthority(e.Microsoft.TenantID, s.opts.TokenLifetime)
	if _, err := s.auth.addClient(s.opts.ClientName, s.opts.Roles); err != nil {
		return nil, err
	}
	s.routes()
	return s, nil
}

// dataNow returns the estate's generation time or, when it has none, the latest time in
// its Microsoft tenant.
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
	ms := e.Microsoft
	for _, sp := range ms.ServicePrincipals {
		later(sp.Created)
		later(sp.LastSignIn)
	}
	for _, a := range ms.Applications {
		later(a.Created)
	}
	for _, a := range ms.Audits {
		later(a.Time)
	}
	if t.IsZero() {
		return time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return t.Add(time.Hour).Truncate(time.Hour)
}

// TenantID returns the tenant's ID, the {tenant} of the token URL.
func (s *Server) TenantID() string { return s.w.tenantID }

// TokenURL returns the token endpoint of the tenant when the handler is served at
// baseURL (an httptest server's URL): baseURL + "/{tenant}/oauth2/v2.0/token".
func (s *Server) TokenURL(baseURL string) string {
	return strings.TrimSuffix(baseURL, "/") + "/" + s.w.tenantID + "/oauth2/v2.0/token"
}

// GraphURL returns the root of Microsoft Graph when the handler is served at baseURL:
// requests go to GraphURL + "/v1.0/..." and GraphURL + "/beta/...", as to
// https://graph.microsoft.com.
func (s *Server) GraphURL(baseURL string) string { return strings.TrimSuffix(baseURL, "/") }

// ServeHTTP answers one request: after the configured latency, an injected fault if one
// matches, else the endpoint. Every request is logged.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := &recorder{ResponseWriter: w, status: http.StatusOK}
	at := s.clock()
	ids := s.requestIDs(r)
	w.Header().Set("request-id", ids.request)
	w.Header().Set("client-request-id", ids.client)
	defer func() { s.record(r, rec, at) }()
	if !s.sleep(r.Context()) {
		rec.status = 499 // the client went away; nothing is written
		return
	}
	if s.hasFaults.Load() {
		if f, ok := s.fault(r); ok {
			rec.faulted = true
			rec.throttled = f.Status == http.StatusTooManyRequests
			if isTokenPath(r.URL.Path) {
				writeOAuthError(rec, f.Status, oauthFailure{code: f.Code, aadsts: 50000, desc: f.Message}, ids, at)
			} else {
				writeGraphError(rec, f.graphError(), ids, at)
			}
			return
		}
	}
	if _, pattern := s.mux.Handler(r); pattern == "" {
		s.unrouted(rec, r, ids, at)
		return
	}
	s.mux.ServeHTTP(rec, r.WithContext(context.WithValue(r.Context(), idsKey{}, ids)))
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
