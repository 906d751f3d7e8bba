package oktasim

import (
	"crypto/rsa"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nhiscope/nhi/estate"
)

// Server simulates the Okta management API and the org authorization server's token
// endpoint over an estate's Okta org. It is an http.Handler; serve it at the root.
type Server struct {
	opts   Options
	now    func() time.Time
	clock  func() time.Time
	w      *world
	mux    *http.ServeMux
	bucket *bucket
	auth   *authority
	errSeq atomic.Uint64

	faultMu sync.Mutex
	faults  []*Fault

	logMu sync.Mutex
	log   []Request
	stats Stats

	hooks hooks
}

// New returns a simulator serving the Okta org of e. The estate must not change while the
// Server lives.
func New(e *estate.Estate, o Options) (*Server, error) {
	if err := o.validate(e); err != nil {
		return nil, err
	}
	s := &Server{opts: o, now: o.Now, clock: o.Clock, w: newWorld(e)}
	s.w.onLog = s.publish
	if s.now == nil {
		t := e.Options.Now
		s.now = func() time.Time { return t }
	}
	if s.clock == nil {
		s.clock = time.Now
	}
	if s.opts.APIToken == "" {
		s.opts.APIToken = DefaultAPIToken
	}
	if s.opts.ClientID == "" {
		s.opts.ClientID = defaultClientID
	}
	if s.opts.Scopes == nil {
		s.opts.Scopes = ReadScopes()
	}
	s.bucket = newBucket(o.RateLimit, s.clock())
	s.auth = newAuthority(s.opts.ClientID, s.opts.Scopes)
	s.routes()
	return s, nil
}

// OrgURL returns the org's URL when the handler is served at baseURL (an httptest
// server's URL): API requests go to OrgURL + "/api/v1/...", as to https://{org}.okta.com.
func (s *Server) OrgURL(baseURL string) string { return strings.TrimSuffix(baseURL, "/") }

// TokenURL returns the token endpoint when the handler is served at baseURL.
func (s *Server) TokenURL(baseURL string) string { return s.OrgURL(baseURL) + "/oauth2/v1/token" }

// Issuer returns the org's issuer URL ("https://example.okta.com") as grants show it.
func (s *Server) Issuer() string { return s.w.issuer }

// ClientID returns the OAuth client ID of the service app that may use the token endpoint.
func (s *Server) ClientID() string { return s.opts.ClientID }

// ClientKey returns the private key of the service app's key pair, made on first use: a
// client signs its private_key_jwt client assertions with it.
func (s *Server) ClientKey() (*rsa.PrivateKey, error) { return s.auth.key() }

// ServeHTTP answers one request: after the configured latency, an injected fault if one
// matches, else the endpoint. Every request is logged.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := &recorder{ResponseWriter: w, status: http.StatusOK}
	at := s.clock()
	defer func() { s.record(r, rec, at) }()
	if !s.sleep(r) {
		rec.status = 499 // the client went away; nothing is written
		return
	}
	if f := s.takeFault(r, false); f != nil {
		rec.faulted = true
		s.writeError(rec, f.Status, f.Code, f.Summary)
		return
	}
	if _, pattern := s.mux.Handler(r); pattern == "" {
		s.writeError(rec, http.StatusNotFound, "E0000022", "The endpoint does not support the provided HTTP method")
		return
	}
	s.mux.ServeHTTP(rec, r)
}

// sleep waits for the configured latency; false means the request's context ended first.
func (s *Server) sleep(r *http.Request) bool {
	if s.opts.Latency <= 0 {
		return true
	}
	t := time.NewTimer(s.opts.Latency)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}

// recorder remembers the status of an answer.
type recorder struct {
	http.ResponseWriter
	status  int
	faulted bool
}

// WriteHeader records the status.
func (r *recorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// changeID returns the n-th ID a change makes, with Okta's prefix and length.
func changeID(prefix string, n int) string {
	return fmt.Sprintf("%s%0*d", prefix+"sim", 17-len(prefix), n)
}
