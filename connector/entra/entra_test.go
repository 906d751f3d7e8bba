package entra_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/connector/connectortest"
	"github.com/nhiscope/nhi/connector/entra"
	"github.com/nhiscope/nhi/connector/entra/entrasim"
	"github.com/nhiscope/nhi/estate"
)

// conformancePeople is the size of the estate the conformance suite runs over.
const conformancePeople = 60

// TestConformance runs the connector conformance suite over the simulator.
func TestConformance(t *testing.T) {
	t.Parallel()
	e := generate(t, 7)
	connectortest.Run(t, connectortest.Harness{Quota: 480, Start: func(t *testing.T, s connectortest.Setup) *connectortest.Instance {
		inst, _ := start(t, e, s)
		return inst
	}})
}

// generate generates the estate of a seed.
func generate(t testing.TB, seed int64) *estate.Estate {
	t.Helper()
	e, err := estate.Generate(estate.Options{Seed: seed, People: conformancePeople})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// start serves e from a fresh simulator set up as s says (its request quota per minute
// becomes a resource-unit budget per 10 seconds) and returns a connector over it with the
// simulator.
func start(t testing.TB, e *estate.Estate, s connectortest.Setup) (*connectortest.Instance, *entrasim.Server) {
	t.Helper()
	sim, err := entrasim.New(e, entrasim.Options{MaxPageSize: s.PageSize, ResourceUnits: s.Quota / 6, Latency: s.Latency})
	if err != nil {
		t.Fatal(err)
	}
	return serveSetup(t, e, sim, s)
}

// serve serves sim and returns a connector over it with the simulator.
func serve(t testing.TB, e *estate.Estate, sim *entrasim.Server) (*connectortest.Instance, *entrasim.Server) {
	t.Helper()
	return serveSetup(t, e, sim, connectortest.Setup{})
}

// serveSetup serves sim and returns a connector over it set up as s says, with the
// simulator.
func serveSetup(t testing.TB, e *estate.Estate, sim *entrasim.Server, s connectortest.Setup) (*connectortest.Instance, *entrasim.Server) {
	t.Helper()
	hs := httptest.NewServer(sim)
	t.Cleanup(hs.Close)
	clientID, secret := sim.ClientCredentials()
	given := secret
	if s.BadCredentials {
		given = "Zq9" + "8Q~" + strings.Repeat("x", 34)
	}
	path := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(path, []byte(given), 0o600); err != nil {
		t.Fatal(err)
	}
	env := connector.Env{Logger: s.Logger, HTTPClient: hs.Client(), Now: func() time.Time { return e.Options.Now }}
	c, err := entra.New(entra.Config{Name: "entra-test", TenantID: sim.TenantID(), ClientID: clientID,
		ClientSecret: connector.SecretRef("file:" + path), GraphURL: sim.GraphURL(hs.URL), TokenURL: sim.TokenURL(hs.URL)}, env)
	if err != nil {
		t.Fatal(err)
	}
	minted, err := sim.AccessToken(clientID)
	if err != nil {
		t.Fatal(err)
	}
	inst := &connectortest.Instance{Connector: c, Truth: truth(e), Secrets: []string{secret, given, minted},
		SecretPatterns: []*regexp.Regexp{jwtPattern}, Requests: func() []connectortest.Request { return requests(sim) }}
	inst.Mutate = func(t *testing.T) connectortest.Change { return mutate(t, e, sim, inst.Truth) }
	if s.FailScope {
		app := credentialedApp(e)
		sim.InjectFault(entrasim.Fault{Method: http.MethodGet, Path: "/applications/" + app.ObjectID + "/owners", Status: 500})
		inst.FailedScope = "credentials:" + app.ObjectID
	}
	return inst, sim
}

// jwtPattern matches JSON web tokens, the form of Entra access tokens.
var jwtPattern = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}`)

// requests maps the simulator's request log.
func requests(sim *entrasim.Server) []connectortest.Request {
	var out []connectortest.Request
	for _, r := range sim.Requests() {
		out = append(out, connectortest.Request{Method: r.Method, Path: r.Path, API: r.API(), Throttled: r.Throttled})
	}
	return out
}

// credentialedApp returns the first app registration with a credential.
func credentialedApp(e *estate.Estate) estate.MSApplication {
	for _, a := range e.Microsoft.Applications {
		if len(a.Passwords)+len(a.Keys) > 0 {
			return a
		}
	}
	panic("the estate has no app registration with credentials")
}
