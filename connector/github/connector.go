package github

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	gh "github.com/google/go-github/v89/github"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
)

// userAgent is sent with every request, as GitHub requires one.
const userAgent = "nhi-github-connector"

// Connector discovers the non-human identities of GitHub organizations. It is safe for
// concurrent use, though scans of one instance are best run one at a time.
type Connector struct {
	cfg   Config
	env   connector.Env
	creds *credentials
	// rt is the transport requests go out on.
	rt    http.RoundTripper
	retry retryPolicy
	// sleep waits on the real clock, and wall reads it; tests replace both.
	sleep func(context.Context, time.Duration) error
	wall  func() time.Time

	mu sync.Mutex
	// gates hold the requests of one credential while it is rate limited, across scans.
	gates map[string]*gate
}

var _ connector.Connector = (*Connector)(nil)

// New validates cfg, reads the app's private key (App mode) and the owner token (when
// configured) and returns the connector. It makes no request: the credentials are first used by
// Discover.
func New(cfg Config, env connector.Env) (*Connector, error) {
	if errs := cfg.Validate(); len(errs) > 0 {
		return nil, nhi.WrapError(nhi.CodeInvalid, errors.Join(errs...), "invalid GitHub configuration")
	}
	cfg = cfg.withDefaults()
	creds := &credentials{appID: cfg.AppID, now: env.Clock(), tokens: map[string]*installToken{}, clientID: cfg.ClientID}
	if !cfg.tokenOnly() {
		pem, err := cfg.PrivateKey.Resolve()
		if err != nil {
			return nil, err
		}
		if creds.key, err = parsePrivateKey(pem, string(cfg.PrivateKey)); err != nil {
			return nil, err
		}
	}
	if cfg.Token != "" {
		tok, err := cfg.Token.Resolve()
		if err != nil {
			return nil, err
		}
		if creds.owner = strings.TrimSpace(string(tok)); creds.owner == "" {
			return nil, nhi.Errorf(nhi.CodeInvalid, "github: token %s is empty", cfg.Token)
		}
	}
	for org, id := range cfg.InstallationIDs {
		creds.entry(org).id = id
	}
	c := &Connector{cfg: cfg, env: env, creds: creds, retry: defaultRetryPolicy(cfg.MaxWait), sleep: sleepContext, wall: time.Now,
		gates: map[string]*gate{}}
	c.rt = env.Client().Transport
	if c.rt == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = 2 * cfg.Concurrency
		c.rt = t
	}
	return c, nil
}

// Info describes the instance; Tenant is the organization login (the logins joined with
// commas when the instance scans several).
func (c *Connector) Info() connector.Info {
	return connector.Info{Name: c.cfg.Name, Platform: nhi.PlatformGitHub, Tenant: strings.Join(c.cfg.Organizations, ",")}
}

// gate returns the rate-limit gate of a credential.
func (c *Connector) gate(name string) *gate {
	c.mu.Lock()
	defer c.mu.Unlock()
	g := c.gates[name]
	if g == nil {
		g = &gate{}
		c.gates[name] = g
	}
	return g
}

// clients are the GitHub clients of one scan or action, reporting progress to one place.
type clients struct {
	// app authenticates as the app (JWT; nil in token mode); owner with the owner token
	// (nil without one).
	app, owner *gh.Client
	c          *Connector
	progress   func(connector.Progress)
	mu         sync.Mutex
	orgs       map[string]*gh.Client
}

// clients returns the clients of one scan or action.
func (c *Connector) clients(progress func(connector.Progress)) *clients {
	cl := &clients{c: c, progress: progress, orgs: map[string]*gh.Client{}}
	if !c.cfg.tokenOnly() {
		cl.app = c.newClient(&jwtTransport{creds: c.creds, base: c.rt}, "app", progress)
	}
	if c.creds.owner != "" {
		cl.owner = c.newClient(&ownerTransport{token: c.creds.owner, base: c.rt}, "owner", progress)
	}
	return cl
}

// org returns the client authenticating with org's installation token, or in token
// mode the owner token's client.
func (cl *clients) org(org string) *gh.Client {
	if cl.c.cfg.tokenOnly() {
		return cl.owner
	}
	cl.mu.Lock()
	defer cl.mu.Unlock()
	k := strings.ToLower(org)
	if cl.orgs[k] == nil {
		cl.orgs[k] = cl.c.newClient(&installTransport{creds: cl.c.creds, org: org, app: cl.app, base: cl.c.rt},
			"org:"+k, cl.progress)
	}
	return cl.orgs[k]
}

// newClient returns a go-github client sending through auth, then the throttling
// transport of the credential named gate. go-github's own rate-limit bookkeeping is off:
// the transport waits instead of failing fast.
func (c *Connector) newClient(auth http.RoundTripper, gate string, progress func(connector.Progress)) *gh.Client {
	t := &transport{base: auth, gate: c.gate(gate), policy: c.retry, progress: progress, now: c.wall,
		serverNow: c.env.Clock(), sleep: c.sleep}
	api := c.cfg.APIURL
	client, err := gh.NewClient(gh.WithHTTPClient(&http.Client{Transport: t, CheckRedirect: noRedirects}),
		gh.WithURLs(&api, &api), gh.WithDisableRateLimitCheck(), gh.WithUserAgent(userAgent))
	if err != nil {
		panic("github: client options rejected: " + err.Error()) // the URL was validated by New
	}
	return client
}

// errRedirect refuses redirects.
var errRedirect = errors.New("github answered with a redirect")

// noRedirects refuses redirects: the REST endpoints nhi calls send none, and following
// one could carry a token to another host.
func noRedirects(*http.Request, []*http.Request) error { return errRedirect }
