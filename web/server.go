package web

import (
	"context"
	"log/slog"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/policy"
	"github.com/nhiscope/nhi/remediate"
	"github.com/nhiscope/nhi/risk"
	"github.com/nhiscope/nhi/store"
)

// Config is what the server is built from. Store and Auth are required; the zero value
// of every other field means the default noted beside it.
type Config struct {
	Store store.Store
	Auth  AuthStore
	// Engine scores identities and apps; nil means the default catalogue and intelligence.
	Engine *risk.Engine
	// Connectors are the configured connectors: the connectors page lists them, and those
	// that can remediate carry out executed plans on the tenant of their latest scan.
	Connectors []connector.Connector
	// Notifier sends owner notifications of executed plans; nil leaves them failed.
	Notifier remediate.Notifier
	// OIDC enables single sign-on; nil offers local sign-in only.
	OIDC *OIDCConfig
	// UI serves every path outside /api/ and /auth/ (the console); nil serves a
	// placeholder page.
	UI     http.Handler
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Secure marks cookies Secure and sends HSTS. Set it unless the server listens on
	// loopback over plain HTTP; a TLS request gets HSTS either way.
	Secure bool
	// SessionTTL is how long a sign-in lasts; zero means DefaultSessionTTL.
	SessionTTL time.Duration
	// QueuePlan, if set, queues the runs of executed plans on a work queue that several
	// nhi instances share (package cluster) instead of running them in the request;
	// execute then answers 202. It reports whether a run of the plan was queued already.
	QueuePlan func(ctx context.Context, id, actor string, force bool) (bool, error)
	// Policies are the compiled policies the scans evaluate: the policies page lists
	// them and previews them against the inventory. Nil lists none and previews nothing.
	Policies *policy.Set
	// AllowSelfApproval lets an approver approve a plan they proposed themselves; by
	// default a second person must approve (four eyes).
	AllowSelfApproval bool
}

// DefaultSessionTTL is how long a sign-in lasts by default.
const DefaultSessionTTL = 8 * time.Hour

// Server is the HTTP API. It is safe for concurrent use.
type Server struct {
	cfg     Config
	st      store.Store
	auth    AuthStore
	engine  *risk.Engine
	log     *slog.Logger
	limiter *limiter
	oidc    *oidcClient
	// risk and inventory cache the dashboard's figures (and the apps' risk points).
	risk, inventory summaryCache
	handler         http.Handler
	// execMu serialises plan executions started through the API, so that one plan is
	// never run twice at once by two requests.
	execMu sync.Mutex
	// hashSlots bounds the password checks running at once.
	hashSlots chan struct{}
	// previews bounds the policy previews running at once.
	previews chan struct{}
}

// New checks cfg and builds the server.
func New(cfg Config) (*Server, error) {
	var problems []string
	if cfg.Store == nil {
		problems = append(problems, "a store is required")
	}
	if cfg.Auth == nil {
		problems = append(problems, "an auth store is required")
	}
	if cfg.OIDC != nil {
		if err := cfg.OIDC.Validate(); err != nil {
			problems = append(problems, nhi.ErrorMessage(err))
		}
	}
	if len(problems) > 0 {
		return nil, nhi.Errorf(nhi.CodeInvalid, "web: %s", strings.Join(problems, "; "))
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.SessionTTL <= 0 {
		cfg.SessionTTL = DefaultSessionTTL
	}
	engine := cfg.Engine
	if engine == nil {
		cat, err := risk.DefaultCatalogue()
		if err != nil {
			return nil, err
		}
		intel, err := risk.DefaultIntel()
		if err != nil {
			return nil, err
		}
		if engine, err = risk.NewEngine(cat, intel, risk.Options{}); err != nil {
			return nil, err
		}
	}
	s := &Server{cfg: cfg, st: cfg.Store, auth: cfg.Auth, engine: engine, log: cfg.Logger,
		limiter: newLimiter(loginFailures, loginWindow, cfg.Now), hashSlots: make(chan struct{}, runtime.NumCPU()),
		previews: make(chan struct{}, previewSlots)}
	if cfg.OIDC != nil {
		s.oidc = &oidcClient{cfg: *cfg.OIDC}
	}
	s.handler = s.secure(s.mux())
	return s, nil
}

// Handler returns the handler of every path: the API under /api/, sign-in under /auth/,
// and the console elsewhere.
func (s *Server) Handler() http.Handler { return s.handler }

func (s *Server) now() time.Time { return s.cfg.Now().UTC() }

// mux registers every route of routes(), a JSON 405 for the other methods of each path,
// JSON 404s under /api/ and /auth/, and the console under /.
func (s *Server) mux() *http.ServeMux {
	mux := http.NewServeMux()
	methods := map[string][]string{}
	var order []string
	for _, rt := range s.routes() {
		mux.Handle(rt.method+" "+rt.pattern, s.endpoint(rt))
		if methods[rt.pattern] == nil {
			order = append(order, rt.pattern)
		}
		methods[rt.pattern] = append(methods[rt.pattern], rt.method)
	}
	for _, p := range order {
		ms := methods[p]
		if slices.Contains(ms, http.MethodGet) {
			ms = append(ms, http.MethodHead)
		}
		allow := strings.Join(ms, ", ")
		mux.HandleFunc(p, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Allow", allow)
			writeError(w, r, s.log, &httpError{status: http.StatusMethodNotAllowed, code: nhi.CodeInvalid,
				msg: "method " + r.Method + " is not allowed here"})
		})
	}
	notFound := func(w http.ResponseWriter, r *http.Request) {
		writeError(w, r, s.log, nhi.Errorf(nhi.CodeNotFound, "%s", noSuchEndpoint))
	}
	mux.HandleFunc("/api/", notFound)
	mux.HandleFunc("/auth/", notFound)
	ui := s.cfg.UI
	if ui == nil {
		ui = http.HandlerFunc(placeholder)
	}
	mux.Handle("/", ui)
	return mux
}

// noSuchEndpoint is the message of a 404 for a path no route matches.
const noSuchEndpoint = "no such endpoint"

// placeholder stands in for the console when none is configured.
func placeholder(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/" {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("nhi: the API is at /api/v1 (see /api/v1/openapi.json); the console is not built into this server.\n"))
}

// handlerFunc is an API handler: it writes its answer, or returns an error that
// writeError turns into the error shape.
type handlerFunc func(w http.ResponseWriter, r *http.Request, p *principal) error

// route is one API endpoint: a method, a ServeMux pattern, what the caller must be
// allowed, and the handler.
type route struct {
	method, pattern string
	need            permission
	h               handlerFunc
}

// endpoint authenticates and authorises the caller of rt, checks CSRF, and runs it.
func (s *Server) endpoint(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/") {
			w.Header().Set("Cache-Control", "no-store")
		}
		p, err := s.authorize(r, rt.need)
		if err == nil {
			err = rt.h(w, r, p)
		}
		if err != nil {
			writeError(w, r, s.log, err)
		}
	})
}

// detach returns a context that outlives the request (a plan run must not stop half-way
// because a browser tab closed) but not the given bound.
func detach(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), d)
}
