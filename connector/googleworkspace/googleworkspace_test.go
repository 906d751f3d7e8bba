package googleworkspace_test

import (
	"cmp"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/connector/connectortest"
	"github.com/nhiscope/nhi/connector/googleworkspace"
	"github.com/nhiscope/nhi/connector/googleworkspace/googleworkspacesim"
	"github.com/nhiscope/nhi/estate"
)

// conformancePeople is the size of the estate the conformance suite runs over.
const conformancePeople = 60

// TestConformance runs the connector conformance suite over the simulator.
func TestConformance(t *testing.T) {
	t.Parallel()
	e, err := estate.Generate(estate.Options{Seed: 7, People: conformancePeople})
	if err != nil {
		t.Fatal(err)
	}
	connectortest.Run(t, connectortest.Harness{Start: func(t *testing.T, s connectortest.Setup) *connectortest.Instance {
		return start(t, e, s)
	}})
}

// start serves e from a fresh simulator and returns a connector over it.
func start(t testing.TB, e *estate.Estate, s connectortest.Setup) *connectortest.Instance {
	t.Helper()
	inst, _ := startSim(t, e, s)
	return inst
}

// startSim is start, also returning the simulator.
func startSim(t testing.TB, e *estate.Estate, s connectortest.Setup) (*connectortest.Instance, *googleworkspacesim.Server) {
	t.Helper()
	sim, err := googleworkspacesim.New(e, googleworkspacesim.Options{MaxPageSize: s.PageSize,
		QuotaPerMinute: s.Quota, Latency: s.Latency})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(sim)
	t.Cleanup(hs.Close)
	key := sim.ServiceAccountKey(hs.URL)
	if s.BadCredentials {
		key = foreignKey(t, key)
	}
	path := filepath.Join(t.TempDir(), "key.json")
	if err := os.WriteFile(path, key, 0o600); err != nil {
		t.Fatal(err)
	}
	admin := e.FirstAdmin().Email
	env := connector.Env{Logger: s.Logger, HTTPClient: hs.Client(), Now: func() time.Time { return e.Options.Now }}
	c, err := googleworkspace.New(googleworkspace.Config{Name: "google-test", AdminEmail: admin,
		Credentials: connector.SecretRef("file:" + path), BaseURL: hs.URL}, env)
	if err != nil {
		t.Fatal(err)
	}
	// A token minted here stands for the ones the connector obtains, which the pattern
	// covers: none may leak.
	minted, err := sim.AccessToken(admin, googleworkspacesim.ScopeUserSecurity)
	if err != nil {
		t.Fatal(err)
	}
	inst := &connectortest.Instance{Connector: c, Truth: truth(e), Secrets: append(secrets(t, key), minted),
		SecretPatterns: []*regexp.Regexp{accessTokenPattern},
		Requests:       func() []connectortest.Request { return requests(sim) }}
	inst.Mutate = func(t *testing.T) connectortest.Change { return mutate(t, e, sim, hs, inst.Truth) }
	if s.FailScope {
		g := e.Grants[len(e.Grants)/2]
		for e.People[g.Person].Status == estate.Departed {
			g = e.Grants[int(g.Person)%len(e.Grants)]
		}
		id := e.People[g.Person].GoogleID
		sim.InjectFault(googleworkspacesim.Fault{Method: http.MethodGet, Path: "/users/" + id + "/tokens", Status: 500})
		inst.FailedScope = connector.PersonScope(id)
	}
	return inst, sim
}

// accessTokenPattern matches Google OAuth access tokens.
var accessTokenPattern = regexp.MustCompile(`ya29\.[A-Za-z0-9._-]{8,}`)

// auditWindow is how far back the Reports API keeps token audit events.
const auditWindow = 180 * 24 * time.Hour

// truth is what a full scan of e must find: the grants and people Google still shows
// (deleted users and their grants are gone), with the times the audit log still holds.
func truth(e *estate.Estate) connectortest.Truth {
	tr := connectortest.Truth{Tenant: e.CustomerID}
	for _, p := range e.People {
		tp := connectortest.TruthPerson{ExternalID: p.GoogleID, IsAdmin: p.Admin, Email: p.Email,
			Name: strings.TrimSpace(p.GivenName + " " + p.FamilyName)}
		switch p.Status {
		case estate.Active:
			tp.Status = nhi.PersonActive
		case estate.Suspended:
			tp.Status = nhi.PersonSuspended
		default:
			continue
		}
		tr.People = append(tr.People, tp)
	}
	audited := auditedClients(e)
	for _, g := range e.Grants {
		p, v := e.People[g.Person], e.Vendors[g.Vendor]
		if p.Status == estate.Departed {
			continue
		}
		tr.Identities = append(tr.Identities, truthIdentity(e, p, v, g.Scopes, g.AuthorizedAt, g.LastUsedAt, audited))
	}
	return tr
}

// truthIdentity is the truth of one grant authorized and last used at the given times.
func truthIdentity(e *estate.Estate, p estate.Person, v estate.Vendor, scopes []string, authorized, used time.Time,
	audited map[string]bool) connectortest.TruthIdentity {
	ti := connectortest.TruthIdentity{ExternalID: p.GoogleID + "/" + v.GoogleClientID, Kind: nhi.KindOAuthGrant,
		OwnerID: p.GoogleID, AppID: v.GoogleClientID, Scopes: slices.Clone(scopes),
		CreatedAt: inWindow(e, authorized), LastUsedAt: inWindow(e, used),
		Attributes: map[string]string{"anonymous": strconv.FormatBool(v.Anonymous), "native_app": strconv.FormatBool(v.Native)}}
	if audited[v.GoogleClientID] {
		ti.Attributes["client_type"] = cmp.Or(v.ClientType, "TYPE_UNSPECIFIED")
	}
	return ti
}

// inWindow returns t if the audit log still holds events of that time, else the zero time.
func inWindow(e *estate.Estate, t time.Time) time.Time {
	if t.IsZero() || !t.After(e.Options.Now.Add(-auditWindow)) {
		return time.Time{}
	}
	return t
}

// auditedClients returns the client IDs with an authorization or use in the audit window,
// whose client_type the audit log tells.
func auditedClients(e *estate.Estate) map[string]bool {
	out := map[string]bool{}
	for _, g := range slices.Concat(e.Grants, e.Revoked) {
		if !inWindow(e, g.AuthorizedAt).IsZero() || !inWindow(e, g.LastUsedAt).IsZero() {
			out[e.Vendors[g.Vendor].GoogleClientID] = true
		}
	}
	return out
}

// requests maps the simulator's request log.
func requests(sim *googleworkspacesim.Server) []connectortest.Request {
	var out []connectortest.Request
	for _, r := range sim.Requests() {
		out = append(out, connectortest.Request{Method: r.Method, Path: r.Path,
			API: strings.HasPrefix(r.Path, "/admin/"), Throttled: r.Throttled})
	}
	return out
}

// mutate gives an active user without one a grant to a known app and revokes another
// user's grant through the API, at the simulator's "now".
func mutate(t *testing.T, e *estate.Estate, sim *googleworkspacesim.Server, hs *httptest.Server, before connectortest.Truth) connectortest.Change {
	t.Helper()
	now := e.Options.Now
	have := map[string]bool{}
	for _, ti := range before.Identities {
		have[ti.ExternalID] = true
	}
	ch := connectortest.Change{}
	v := e.Vendors[0]
	for _, p := range e.People {
		if ext := p.GoogleID + "/" + v.GoogleClientID; p.Status == estate.Active && !have[ext] {
			if err := sim.AddGrant(p.Email, v.GoogleClientID, v.Scopes, now); err != nil {
				t.Fatal(err)
			}
			ch.Added = []string{ext}
			ch.Truth.Identities = append(ch.Truth.Identities,
				truthIdentity(e, p, v, v.Scopes, now, time.Time{}, map[string]bool{v.GoogleClientID: true}))
			break
		}
	}
	gone := before.Identities[len(before.Identities)/3]
	owner, client, _ := strings.Cut(gone.ExternalID, "/")
	revoke(t, sim, hs, e.FirstAdmin().Email, owner, client)
	ch.Removed = []string{gone.ExternalID}
	ch.Truth.Tenant, ch.Truth.People = before.Tenant, before.People
	for _, ti := range before.Identities {
		if ti.ExternalID != gone.ExternalID {
			ch.Truth.Identities = append(ch.Truth.Identities, ti)
		}
	}
	return ch
}

// revoke deletes a user's token through the Directory API, as an admin would.
func revoke(t *testing.T, sim *googleworkspacesim.Server, hs *httptest.Server, admin, user, client string) {
	t.Helper()
	tok, err := sim.AccessToken(admin, googleworkspacesim.ScopeUserSecurity)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodDelete,
		hs.URL+"/admin/directory/v1/users/"+user+"/tokens/"+client, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := hs.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("revoke %s/%s: status %d", user, client, resp.StatusCode)
	}
}

// foreignKey returns key with its private key replaced by one the simulator never issued.
func foreignKey(t testing.TB, key []byte) []byte {
	t.Helper()
	var m map[string]string
	if err := json.Unmarshal(key, &m); err != nil {
		t.Fatal(err)
	}
	pk, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(pk)
	if err != nil {
		t.Fatal(err)
	}
	m["private_key"] = string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// secrets returns the lines of the key's private key: none may leak, not even one.
func secrets(t testing.TB, key []byte) []string {
	t.Helper()
	var m map[string]string
	if err := json.Unmarshal(key, &m); err != nil {
		t.Fatal(err)
	}
	var out []string
	for line := range strings.Lines(m["private_key"]) {
		if line = strings.TrimSpace(line); len(line) >= 32 && !strings.HasPrefix(line, "-----") {
			out = append(out, line)
		}
	}
	if len(out) == 0 {
		t.Fatal("key has no private key")
	}
	return out
}
