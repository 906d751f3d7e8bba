package github

import (
	"context"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/connector/connectortest"
	"github.com/nhiscope/nhi/connector/github/githubsim"
	"github.com/nhiscope/nhi/estate"
)

// conformancePeople is the size of the estates the simulator tests run over.
const conformancePeople = 60

// vclock is a virtual clock shared by a simulator and a connector: the connector's waits
// advance it instead of sleeping, so rate-limit windows pass at once.
type vclock struct {
	mu  sync.Mutex
	now time.Time
}

// Now returns the virtual time.
func (c *vclock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Sleep advances the clock by d, returning ctx's error if it is done.
func (c *vclock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	return nil
}

var (
	estatesMu sync.Mutex
	estates   = map[int64]*estate.Estate{}
)

// generate returns the estate of a seed, generated once per test binary; tests must not
// change it.
func generate(t testing.TB, seed int64) *estate.Estate {
	t.Helper()
	estatesMu.Lock()
	defer estatesMu.Unlock()
	if e := estates[seed]; e != nil {
		return e
	}
	e, err := estate.Generate(estate.Options{Seed: seed, People: conformancePeople})
	if err != nil {
		t.Fatal(err)
	}
	if e.GitHub == nil || len(e.GitHub.Orgs) == 0 {
		t.Fatal("the estate has no GitHub organization")
	}
	estates[seed] = e
	return e
}

// simSetup says how simulated starts a simulator and connector.
type simSetup struct {
	connectortest.Setup
	// orgs are the organization indexes the connector scans; nil means the first.
	orgs []int
	// noOwner leaves the owner token out of the configuration.
	noOwner bool
	// tokenOnly configures token mode: the owner token alone, no app.
	tokenOnly bool
}

// simulated is a connector wired to a fresh simulator.
type simulated struct {
	c     *Connector
	sim   *githubsim.Server
	clock *vclock
	orgs  []string
	e     *estate.Estate
}

// startSim serves e from a fresh simulator set up as s says and returns a connector over it.
func startSim(t testing.TB, e *estate.Estate, s simSetup) *simulated {
	t.Helper()
	clock := &vclock{now: e.Options.Now}
	sim, err := githubsim.New(e, githubsim.Options{MaxPageSize: s.PageSize, Now: clock.Now, SecondaryPerMinute: s.Quota,
		AppKey: rsaKey(t)})
	if err != nil {
		t.Fatal(err)
	}
	return wire(t, e, sim, clock, s)
}

// rewire returns a connector like s's over another simulator on s's clock.
func rewire(t testing.TB, s *simulated, sim *githubsim.Server) *simulated {
	t.Helper()
	return wire(t, s.e, sim, s.clock, simSetup{})
}

// wire serves sim and returns a connector over it, set up as s says, on clock.
func wire(t testing.TB, e *estate.Estate, sim *githubsim.Server, clock *vclock, s simSetup) *simulated {
	t.Helper()
	var h http.Handler = sim
	if s.Latency > 0 {
		h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			time.Sleep(s.Latency)
			sim.ServeHTTP(w, r)
		})
	}
	hs := httptest.NewServer(h)
	t.Cleanup(hs.Close)
	if s.orgs == nil {
		s.orgs = []int{0}
	}
	var orgs []string
	for _, i := range s.orgs {
		orgs = append(orgs, e.GitHub.Orgs[i].Login)
	}
	appID, _, key := sim.App()
	if s.BadCredentials {
		key = rsaKeyOther(t)
	}
	cfg := Config{Name: "github-test", Organizations: orgs, AppID: appID, PrivateKey: keyFile(t, key), APIURL: hs.URL}
	if !s.noOwner {
		cfg.Token = secretFile(t, sim.OwnerToken())
	}
	if s.tokenOnly {
		cfg.AppID, cfg.PrivateKey = 0, ""
	}
	c, err := New(cfg, connector.Env{Logger: s.Logger, HTTPClient: hs.Client(), Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	c.sleep, c.wall = clock.Sleep, clock.Now
	c.retry.backoff, c.retry.maxBackoff = time.Millisecond, 4*time.Millisecond
	return &simulated{c: c, sim: sim, clock: clock, orgs: orgs, e: e}
}

// tokenPattern matches GitHub's tokens (installation, personal, OAuth) and JSON web tokens.
var tokenPattern = regexp.MustCompile(`gh[opsu]_[A-Za-z0-9_]{8,}|github_pat_[A-Za-z0-9_]{8,}|eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.`)

// instance returns the conformance suite's view of a simulated connector.
func (s *simulated) instance() *connectortest.Instance {
	return &connectortest.Instance{Connector: s.c, Truth: truth(s.e, s.sim, s.orgs[0]),
		Secrets: []string{s.sim.OwnerToken()}, SecretPatterns: []*regexp.Regexp{tokenPattern},
		Requests: func() []connectortest.Request { return requests(s.sim) }}
}

// requests maps the simulator's request log. The token exchange, the installation
// lookup and the GraphQL query (a read sent with POST) are not the REST API proper.
func requests(sim *githubsim.Server) []connectortest.Request {
	var out []connectortest.Request
	for _, r := range sim.Requests() {
		api := !strings.HasPrefix(r.Path, "/app/") && r.Path != "/graphql" && !strings.HasSuffix(r.Path, "/installation")
		out = append(out, connectortest.Request{Method: r.Method, Path: r.Path, API: api,
			Throttled: r.Status == http.StatusTooManyRequests})
	}
	return out
}

// TestConformance runs the connector conformance suite over the simulator.
func TestConformance(t *testing.T) {
	t.Parallel()
	e := generate(t, 7)
	connectortest.Run(t, connectortest.Harness{Quota: 20, Start: func(t *testing.T, s connectortest.Setup) *connectortest.Instance {
		sim := startSim(t, e, simSetup{Setup: s})
		inst := sim.instance()
		if s.FailScope {
			org, repo := failingRepo(t, e)
			sim.sim.InjectFault(githubsim.Fault{Method: http.MethodGet, Path: "/repos/" + org + "/" + repo + "/keys", Status: 500})
			inst.FailedScope = scopeDeployKeys(org, repo)
		}
		return inst
	}})
}

// failingRepo returns the first organization's first repository with a deploy key.
func failingRepo(t testing.TB, e *estate.Estate) (string, string) {
	t.Helper()
	for _, k := range e.GitHub.DeployKeys {
		if r := e.GitHub.Repos[k.Repo]; r.Org == 0 {
			return e.GitHub.Orgs[0].Login, r.Name
		}
	}
	t.Fatal("the first organization has no deploy key")
	return "", ""
}

// discoverSim runs a scan that must succeed.
func discoverSim(t *testing.T, c *Connector) *connectortest.Recorder {
	t.Helper()
	rec := connectortest.NewRecorder()
	if _, err := c.Discover(t.Context(), "", rec); err != nil {
		t.Fatalf("Discover = %v (code %s)", err, nhi.ErrorCode(err))
	}
	return rec
}
