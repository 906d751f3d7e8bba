package githubsim

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"fmt"
	"maps"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nhiscope/nhi/estate"
)

// Server simulates GitHub's REST API (and one GraphQL query) for the organizations of
// an estate. It is an http.Handler; serve it at the root, as api.github.com.
type Server struct {
	opts    Options
	now     func() time.Time
	w       *world
	mux     *http.ServeMux
	pageKey []byte
	limits  *limiter
	reqSeq  atomic.Uint64

	keyOnce sync.Once
	key     *rsa.PrivateKey

	tokMu    sync.RWMutex
	tokens   map[string]instToken
	ownerPAT string

	faultMu   sync.Mutex
	faults    []*Fault
	hasFaults atomic.Bool

	logMu sync.Mutex
	log   []Request
}

// New returns a simulator serving the GitHub organizations of e, with nhi's own GitHub
// App installed on each. The estate must not change while the Server lives. It fails
// when e has no GitHub part or the options are out of range.
func New(e *estate.Estate, o Options) (*Server, error) {
	if err := o.validate(e); err != nil {
		return nil, err
	}
	s := &Server{opts: o, now: o.Now, tokens: map[string]instToken{}}
	if s.now == nil {
		s.now = time.Now
		if t := e.Options.Now; !t.IsZero() {
			s.now = func() time.Time { return t }
		}
	}
	if s.opts.HourlyLimit == 0 {
		s.opts.HourlyLimit = defaultHourlyLimit
	}
	if s.opts.MaxPageSize == 0 {
		s.opts.MaxPageSize = maxPerPage
	}
	if s.opts.MaxRequestLog == 0 {
		s.opts.MaxRequestLog = defaultMaxRequestLog
	}
	s.w = newWorld(e.GitHub, s.now())
	s.key = o.AppKey
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	sum := sha256.Sum256(key)
	s.pageKey = sum[:]
	s.ownerPAT = randomToken("ghp_")
	s.limits = newLimiter(s.opts.HourlyLimit, s.opts.SecondaryPerMinute)
	s.routes()
	return s, nil
}

// App returns nhi's own GitHub App: its ID, its client ID and the private key its JWTs
// are signed with (the key is made on first call unless Options.AppKey gave one).
func (s *Server) App() (appID int64, clientID string, key *rsa.PrivateKey) {
	return s.w.app.ID, s.w.app.ClientID, s.appKey()
}

// appKey returns the app's private key, making it on first use; nil if that failed.
func (s *Server) appKey() *rsa.PrivateKey {
	s.keyOnce.Do(func() {
		if s.key == nil {
			s.key, _ = rsa.GenerateKey(rand.Reader, 2048)
		}
	})
	return s.key
}

// InstallationID returns the ID of nhi's own installation on organization org; false for
// an organization the estate does not have or an installation deleted.
func (s *Server) InstallationID(org string) (int64, bool) {
	o, ok := s.w.org(org)
	if !ok {
		return 0, false
	}
	s.w.mu.RLock()
	defer s.w.mu.RUnlock()
	if in := s.w.ownInstall(o); in != nil {
		return in.in.ID, true
	}
	return 0, false
}

// OwnerToken returns a classic personal access token of an owner of every organization,
// with the scopes admin:org and read:audit_log, authorized for SAML single sign-on: what
// credential authorizations and the audit log need.
func (s *Server) OwnerToken() string { return s.ownerPAT }

// OwnerLogin returns the login of the account OwnerToken belongs to.
func (s *Server) OwnerLogin() string { return s.w.login(s.w.owner) }

// SetInstallationPermissions replaces the permissions of nhi's own installation on org
// (permission name to "read", "write" or "admin"). Tokens already minted keep theirs, but
// every call is checked against both, so a narrowing takes effect at once.
func (s *Server) SetInstallationPermissions(org string, perms map[string]string) error {
	for k, v := range perms {
		if levelOf(v) == 0 {
			return fmt.Errorf("githubsim: permission %s: level %q is not read, write or admin", k, v)
		}
	}
	o, ok := s.w.org(org)
	if !ok {
		return fmt.Errorf("githubsim: no organization %q", org)
	}
	s.w.mu.Lock()
	defer s.w.mu.Unlock()
	in := s.w.ownInstall(o)
	if in == nil {
		return fmt.Errorf("githubsim: nhi's app is not installed on %q", org)
	}
	in.in.Permissions = maps.Clone(perms)
	return nil
}

// ServeHTTP answers one request: an injected fault if one matches, GitHub's 400 for an
// unsupported X-GitHub-Api-Version, 404 for a path the simulator does not serve, else the
// endpoint. Every request is logged.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := &recorder{ResponseWriter: w, status: http.StatusOK}
	defer s.record(r, rec)
	w.Header().Set("x-github-request-id", fmt.Sprintf("5EA1:%04X:%06X", s.reqSeq.Add(1)%0xffff, s.reqSeq.Load()))
	w.Header().Set("x-github-media-type", "github.v3; format=json")
	if s.hasFaults.Load() {
		if f, ok := s.fault(r); ok {
			s.peekLimits(rec, r)
			writeError(rec, f.apiError())
			return
		}
	}
	if e, ok := checkVersion(r); !ok {
		s.peekLimits(rec, r)
		writeError(rec, e)
		return
	}
	if _, pattern := s.mux.Handler(r); pattern == "" {
		s.peekLimits(rec, r)
		writeError(rec, notFound())
		return
	}
	s.mux.ServeHTTP(rec, r)
}

// The API versions the simulator accepts in X-GitHub-Api-Version.
var apiVersions = []string{"2022-11-28", "2026-03-10"}

// checkVersion checks the request's X-GitHub-Api-Version, which the simulator requires
// (GitHub itself defaults a missing one to 2022-11-28; nhi always sends it).
func checkVersion(r *http.Request) (apiError, bool) {
	v := r.Header.Get("X-GitHub-Api-Version")
	for _, ok := range apiVersions {
		if v == ok {
			return apiError{}, true
		}
	}
	return apiError{Status: http.StatusBadRequest, Message: "The version you specified in the \"X-GitHub-Api-Version\" request header, " +
		strconv.Quote(v) + ", is not a supported version. The following versions are currently supported: \"2026-03-10\" (most recent), \"2022-11-28\"."}, false
}

// recorder remembers the status of an answer and the kind of credential it served.
type recorder struct {
	http.ResponseWriter
	status int
	token  string
}

// WriteHeader records the status.
func (r *recorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// Unwrap returns the underlying writer, for http.ResponseController.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
