package okta_test

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/connector/connectortest"
	"github.com/nhiscope/nhi/connector/okta"
	"github.com/nhiscope/nhi/connector/okta/oktasim"
	"github.com/nhiscope/nhi/estate"
)

var (
	estateOnce sync.Once
	shared     *estate.Estate
)

// org returns the estate the tests share: 200 people, seed 3.
func org(t *testing.T) *estate.Estate {
	t.Helper()
	estateOnce.Do(func() {
		var err error
		if shared, err = estate.Generate(estate.Options{Seed: 3}); err != nil {
			panic(err)
		}
	})
	return shared
}

// secretFile writes v to a file of its own and returns a file: reference to it.
func secretFile(t *testing.T, v string) connector.SecretRef {
	t.Helper()
	p := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(p, []byte(v), 0o600); err != nil {
		t.Fatal(err)
	}
	return connector.SecretRef("file:" + p)
}

// serve starts a simulator of e with o and returns it with its URL.
func serve(t *testing.T, e *estate.Estate, o oktasim.Options) (*oktasim.Server, string) {
	t.Helper()
	sim, err := oktasim.New(e, o)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(sim)
	t.Cleanup(ts.Close)
	return sim, ts.URL
}

// newSSWS returns a connector using the API token token against url.
func newSSWS(t *testing.T, url, token string, env connector.Env) *okta.Connector {
	t.Helper()
	c, err := okta.New(okta.Config{Name: "okta-test", OrgURL: url, Token: secretFile(t, token)}, env)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// start is the conformance harness: an SSWS connector over a fresh simulator.
func start(t *testing.T, s connectortest.Setup) *connectortest.Instance {
	e := org(t)
	sim, url := serve(t, e, oktasim.Options{MaxPageSize: s.PageSize, RateLimit: s.Quota, Latency: s.Latency})
	token := oktasim.DefaultAPIToken
	if s.BadCredentials {
		token = "00badTokenOfNoOne0000000000000000000000000"
	}
	inst := &connectortest.Instance{
		Connector: newSSWS(t, url, token, connector.Env{Logger: s.Logger}),
		Truth:     truth(e),
		Requests:  requests(sim),
		Secrets:   []string{oktasim.DefaultAPIToken, token},
	}
	inst.Mutate = func(t *testing.T) connectortest.Change {
		return mutate(t, e, sim)
	}
	if s.FailScope {
		u := failingUser(e)
		sim.InjectFault(oktasim.Fault{Path: "/api/v1/users/" + u + "/grants", Status: 500})
		inst.FailedScope = connector.PersonScope(u)
	}
	return inst
}

// requests adapts the simulator's request log.
func requests(sim *oktasim.Server) func() []connectortest.Request {
	return func() []connectortest.Request {
		var out []connectortest.Request
		for _, r := range sim.Requests() {
			out = append(out, connectortest.Request{Method: r.Method, Path: r.Path, API: r.API(), Throttled: r.Throttled})
		}
		return out
	}
}

// failingUser returns the first user holding a consent.
func failingUser(e *estate.Estate) string {
	return e.Okta.Users[e.Okta.Consents[0].User].ID
}

func TestConformance(t *testing.T) {
	t.Parallel()
	connectortest.Run(t, connectortest.Harness{Start: start, Quota: 1200})
}

// truth is what a full scan of e must find.
func truth(e *estate.Estate) connectortest.Truth {
	o := e.Okta
	tr := connectortest.Truth{Tenant: "127.0.0.1"}
	status := map[string]nhi.PersonStatus{estate.OktaActive: nhi.PersonActive, estate.OktaSuspended: nhi.PersonSuspended,
		estate.OktaDeprovisioned: nhi.PersonDeparted}
	for _, u := range o.Users {
		p := e.People[u.Person]
		tr.People = append(tr.People, connectortest.TruthPerson{ExternalID: u.ID, Status: status[u.Status],
			IsAdmin: len(u.Roles) > 0, Email: p.Email, Name: p.GivenName + " " + p.FamilyName})
	}
	for _, tk := range o.Tokens {
		ti := connectortest.TruthIdentity{ExternalID: tk.ID, Kind: nhi.KindAPIKey, OwnerID: o.Users[tk.User].ID,
			Scopes: o.Users[tk.User].Roles, CreatedAt: tk.Created}
		if tk.LastUsed.After(tk.Created.Add(time.Second)) {
			ti.LastUsedAt = tk.LastUsed
		}
		tr.Identities = append(tr.Identities, ti)
	}
	for i, a := range o.Apps {
		if !a.Service() {
			continue
		}
		ti := connectortest.TruthIdentity{ExternalID: a.ID, Kind: nhi.KindServiceAccount, AppID: a.ID, CreatedAt: a.Created}
		// Its last use is its last access token in the System Log's 90 days.
		if !a.LastUsed.IsZero() && e.Options.Now.Sub(a.LastUsed) <= 90*24*time.Hour {
			ti.LastUsedAt = a.LastUsed
		}
		for _, g := range o.GrantsOf(i) {
			ti.Scopes = append(ti.Scopes, g.Scope)
			ti.OwnerID = o.Users[g.CreatedBy].ID
		}
		tr.Identities = append(tr.Identities, ti)
	}
	for _, c := range o.Consents {
		a := o.Apps[c.App]
		tr.Identities = append(tr.Identities, connectortest.TruthIdentity{ExternalID: o.ConsentSubject(c),
			Kind: nhi.KindOAuthGrant, OwnerID: o.Users[c.User].ID, AppID: a.ID, Scopes: c.Scopes,
			CreatedAt: c.Created, LastUsedAt: c.LastUsed, Attributes: map[string]string{"client_type": a.AppType}})
	}
	return tr
}

// mutate adds an API token and lets another expire, and returns the change.
func mutate(t *testing.T, e *estate.Estate, sim *oktasim.Server) connectortest.Change {
	t.Helper()
	o := e.Okta
	added, err := sim.AddToken(o.Users[0].ID, "Added by the test")
	if err != nil {
		t.Fatal(err)
	}
	removed := o.Tokens[0].ID
	if !sim.ExpireToken(removed) {
		t.Fatalf("token %s was not there to expire", removed)
	}
	tr := truth(e)
	kept := tr.Identities[:0]
	for _, ti := range tr.Identities {
		if ti.ExternalID != removed {
			kept = append(kept, ti)
		}
	}
	tr.Identities = append(kept, connectortest.TruthIdentity{ExternalID: added, Kind: nhi.KindAPIKey,
		OwnerID: o.Users[0].ID, Scopes: o.Users[0].Roles, CreatedAt: e.Options.Now})
	return connectortest.Change{Added: []string{added}, Removed: []string{removed}, Truth: tr}
}
