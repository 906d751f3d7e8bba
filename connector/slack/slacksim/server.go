package slacksim

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/nhiscope/nhi/estate"
)

// Server simulates Slack's Web API and Audit Logs API over an estate's Slack
// organization. It is an http.Handler; serve it at the root and point clients at
// APIURL and AuditURL.
type Server struct {
	opts   Options
	now    func() time.Time
	clock  func() time.Time
	w      *world
	limits *limits
	key    []byte
	routes map[string]method

	faultMu sync.Mutex
	faults  []*Fault

	logMu sync.Mutex
	log   []Request
	stats Stats
}

// New returns a simulator serving the Slack organization of e. The estate must not change
// while the Server lives.
func New(e *estate.Estate, o Options) (*Server, error) {
	if err := o.validate(e); err != nil {
		return nil, err
	}
	s := &Server{opts: o, now: o.Now, clock: o.Clock, w: newWorld(e),
		limits: &limits{quota: o.Quota, tiers: o.Tiers, buckets: map[string]*bucket{}}}
	if s.now == nil {
		t := e.Options.Now
		s.now = func() time.Time { return t }
	}
	if s.clock == nil {
		s.clock = time.Now
	}
	if s.opts.Token == "" {
		s.opts.Token = DefaultToken
	}
	if s.opts.Scopes == nil {
		s.opts.Scopes = append(ReadScopes(), ScopeAdminAppsWrite)
	}
	sum := sha256.Sum256([]byte("slacksim client secrets\x00" + e.Slack.EnterpriseID))
	s.key = sum[:]
	s.routes = s.methods()
	return s, nil
}

// APIURL returns the Web API base when the handler is served at baseURL: methods are
// at APIURL + method, as at https://slack.com/api/.
func (s *Server) APIURL(baseURL string) string { return strings.TrimSuffix(baseURL, "/") + "/api/" }

// AuditURL returns the Audit Logs API base when the handler is served at baseURL, as
// https://api.slack.com/audit/v1/.
func (s *Server) AuditURL(baseURL string) string {
	return strings.TrimSuffix(baseURL, "/") + "/audit/v1/"
}

// Token returns the token the simulator accepts.
func (s *Server) Token() string { return s.opts.Token }

// EnterpriseID returns the organization's ID.
func (s *Server) EnterpriseID() string { return s.w.s.EnterpriseID }

// ClientSecret returns the client secret of the app with the client ID, which
// apps.uninstall checks; the estate holds none, so the simulator derives it.
func (s *Server) ClientSecret(clientID string) string {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(clientID))
	return hex.EncodeToString(m.Sum(nil)[:16])
}

// ServeHTTP answers one request: after the configured latency, an injected fault if one
// matches, else the method. Every request is logged.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := &recorder{ResponseWriter: w, status: http.StatusOK}
	at := s.clock()
	defer func() { s.record(r, rec, at) }()
	if !s.sleep(r.Context()) {
		rec.status = 499 // the client went away
		return
	}
	if f := s.takeFault(r, false); f != nil {
		rec.faulted = true
		writeError(rec, f.Status, f.Error, f.RetryAfter, nil)
		return
	}
	s.serve(rec, r)
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

// recorder remembers the status and Slack error of an answer.
type recorder struct {
	http.ResponseWriter
	status   int
	slackErr string
	faulted  bool
}

// WriteHeader records the status.
func (r *recorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}
