package salesforcesim

import (
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nhiscope/nhi/estate"
)

// Server simulates the Salesforce REST API, the OAuth 2.0 JWT bearer and revoke
// endpoints and the Metadata API over an estate's Salesforce org. It is an
// http.Handler; serve it at the root, as https://<MyDomain>.my.salesforce.com.
type Server struct {
	opts Options
	now  func() time.Time
	w    *world
	mux  *http.ServeMux
	objs map[string]*sobject

	consumerKey string
	keyMu       sync.Mutex
	key         *rsa.PrivateKey

	sessions  *sessions
	cursors   *cursors
	fileCache fileCache
	usage     usage

	faultMu   sync.Mutex
	faults    []*Fault
	hasFaults atomic.Bool

	logMu sync.Mutex
	log   []Request
}

// New returns a simulator serving the Salesforce org of e; it fails when e has none.
// The simulator copies what it changes, so the estate is never modified.
func New(e *estate.Estate, o Options) (*Server, error) {
	if err := o.validate(e); err != nil {
		return nil, err
	}
	if o.DailyLimit == 0 {
		o.DailyLimit = defaultDailyLimit
	}
	if o.MaxBatch == 0 {
		o.MaxBatch = defaultMaxBatch
	}
	s := &Server{opts: o, now: o.Now, w: newWorld(e.Salesforce), objs: catalog()}
	if s.now == nil {
		t := dataNow(e)
		s.now = func() time.Time { return t }
	}
	s.consumerKey = "3MVG9" + randText(80, "salesforcesim consumer key", e.Salesforce.OrgID)
	s.sessions = newSessions()
	s.cursors = newCursors()
	s.routes()
	return s, nil
}

// Client returns nhi's connected app and the integration user it runs as: the consumer
// key (the JWT's iss), the private key whose certificate the app holds (the JWT is signed
// with it, RS256), and the user's username (the JWT's sub). The key is made on first use;
// Client panics if the system's random source fails.
func (s *Server) Client() (consumerKey string, key *rsa.PrivateKey, username string) {
	s.keyMu.Lock()
	if s.key == nil {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			s.keyMu.Unlock()
			panic(fmt.Sprintf("salesforcesim: generate key: %v", err))
		}
		s.key = k
	}
	key = s.key
	s.keyMu.Unlock()
	s.w.mu.RLock()
	defer s.w.mu.RUnlock()
	return s.consumerKey, key, s.w.users[s.w.nhiUser].Username
}

// publicKey returns the public key of nhi's connected app, or nil before Client made it.
func (s *Server) publicKey() *rsa.PublicKey {
	s.keyMu.Lock()
	defer s.keyMu.Unlock()
	if s.key == nil {
		return nil
	}
	return &s.key.PublicKey
}

// ServeHTTP answers one request: an injected fault if one matches, else the endpoint.
// Every request is logged.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := &recorder{ResponseWriter: w, status: http.StatusOK}
	defer func() { s.record(r, rec) }()
	if s.hasFaults.Load() {
		if f := s.takeFault(r, false); f != nil {
			writeFault(rec, f)
			return
		}
	}
	if _, pattern := s.mux.Handler(r); pattern == "" {
		s.unrouted(rec, r)
		return
	}
	s.mux.ServeHTTP(rec, r)
}

// baseURL returns the scheme and host the request came to: the instance URL.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// isDataPath reports whether path is under the REST API.
func isDataPath(path string) bool { return strings.HasPrefix(path, "/services/data/") }

// recorder remembers the status of an answer and the SOQL of a query.
type recorder struct {
	http.ResponseWriter
	status int
	soql   string
}

// WriteHeader records the status.
func (r *recorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// Unwrap returns the underlying writer, for http.ResponseController.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
