package googleworkspace_test

import (
	"cmp"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/connector/googleworkspace"
	"github.com/nhiscope/nhi/connector/googleworkspace/googleworkspacesim"
	"github.com/nhiscope/nhi/estate"
)

// benchWorkers is how many per-grant actions the benchmark runs at once, as the executor
// would.
const benchWorkers = 8

// BenchmarkRevokeGrants measures revoking and verifying 5,000 grants of one app, one
// revoke_grant action each, 8 at a time, against a fresh unthrottled simulator on
// loopback. Run it with
//
//	go test -run '^$' -bench BenchmarkRevokeGrants -benchtime 3x ./connector/googleworkspace/
func BenchmarkRevokeGrants(b *testing.B) {
	e, client := benchEstate(b, 6000, 5000)
	var actions []nhi.Action
	for _, user := range holders(e)[client] {
		actions = append(actions, grantAction(e, user, client))
	}
	for range b.N {
		b.StopTimer()
		c, sim, done := benchConnector(b, e)
		b.StartTimer()
		g, ctx := errgroup.WithContext(b.Context())
		g.SetLimit(benchWorkers)
		for _, a := range actions {
			g.Go(func() error {
				if _, err := c.Remediate(ctx, a); err != nil {
					return err
				}
				v, err := c.Verify(ctx, a)
				if err == nil && !v.Gone {
					err = nhi.Errorf(nhi.CodeInternal, "%s not gone: %s", a.ExternalID, v.Detail)
				}
				return err
			})
		}
		if err := g.Wait(); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if left := sim.Holders(client); len(left) != 0 {
			b.Fatalf("%d grants left", len(left))
		}
		done()
	}
	b.ReportMetric(float64(len(actions)*b.N)/b.Elapsed().Seconds(), "grants/s")
	b.ReportMetric(float64(len(actions)), "grants/op")
}

// BenchmarkRevokeAppGrants measures one revoke_app_grants sweep of the most held app of a
// 5,000-person estate and the sweep that verifies it, against a fresh unthrottled
// simulator on loopback. Run it with
//
//	go test -run '^$' -bench BenchmarkRevokeAppGrants -benchtime 3x ./connector/googleworkspace/
func BenchmarkRevokeAppGrants(b *testing.B) {
	e, client := benchEstate(b, 5000, 0)
	a := appAction(e, client)
	var revoked int
	var remediate, verify time.Duration
	for range b.N {
		b.StopTimer()
		c, sim, done := benchConnector(b, e)
		b.StartTimer()
		start := time.Now()
		out, err := c.Remediate(b.Context(), a)
		if err != nil {
			b.Fatal(err)
		}
		mid := time.Now()
		v, err := c.Verify(b.Context(), a)
		if err != nil || !v.Gone {
			b.Fatalf("Verify = %+v, %v", v, err)
		}
		remediate, verify = remediate+mid.Sub(start), verify+time.Since(mid)
		b.StopTimer()
		revoked = out.Changed
		if len(sim.Holders(client)) != 0 {
			b.Fatal("grants left")
		}
		done()
	}
	b.ReportMetric(float64(revoked), "grants/op")
	b.ReportMetric(remediate.Seconds()/float64(b.N), "revoke-s/op")
	b.ReportMetric(verify.Seconds()/float64(b.N), "verify-s/op")
}

// benchEstate generates an estate of people and returns it with its most held app, given
// enough grants, to active people, that exactly grants people hold it (0 leaves it as it
// is).
func benchEstate(b *testing.B, people, grants int) (*estate.Estate, string) {
	b.Helper()
	e, err := estate.Generate(estate.Options{Seed: 23, People: people})
	if err != nil {
		b.Fatal(err)
	}
	hs := holders(e)
	var v int32
	for i, vendor := range e.Vendors {
		if len(hs[vendor.GoogleClientID]) > len(hs[e.Vendors[v].GoogleClientID]) {
			v = int32(i)
		}
	}
	client := e.Vendors[v].GoogleClientID
	if grants == 0 {
		return e, client
	}
	have := map[int32]bool{}
	for _, g := range e.Grants {
		have[g.Person] = have[g.Person] || g.Vendor == v
	}
	more := slices.Clone(e.Grants)
	for p := int32(0); int(p) < len(e.People) && len(hs[client]) < grants; p++ {
		if !have[p] && e.People[p].Status == estate.Active {
			more = append(more, estate.Grant{Person: p, Vendor: v, Scopes: e.Vendors[v].Scopes, AuthorizedAt: e.Options.Now.Add(-time.Hour)})
			hs[client] = append(hs[client], e.People[p].GoogleID)
		}
	}
	if len(hs[client]) != grants {
		b.Fatalf("%d people hold %s, want %d", len(hs[client]), client, grants)
	}
	slices.SortFunc(more, func(x, y estate.Grant) int {
		return cmp.Or(cmp.Compare(x.Person, y.Person), cmp.Compare(x.Vendor, y.Vendor))
	})
	grown := *e
	grown.Grants = more
	return &grown, client
}

// benchConnector serves e from a fresh simulator and returns a connector over it with the
// default HTTP client, and a function that stops the server.
func benchConnector(b *testing.B, e *estate.Estate) (*googleworkspace.Connector, *googleworkspacesim.Server, func()) {
	b.Helper()
	sim, err := googleworkspacesim.New(e, googleworkspacesim.Options{})
	if err != nil {
		b.Fatal(err)
	}
	hs := httptest.NewServer(sim)
	path := filepath.Join(b.TempDir(), "key.json")
	if err := os.WriteFile(path, sim.ServiceAccountKey(hs.URL), 0o600); err != nil {
		b.Fatal(err)
	}
	c, err := googleworkspace.New(googleworkspace.Config{Name: "google-bench", AdminEmail: e.FirstAdmin().Email,
		Credentials: connector.SecretRef("file:" + path), BaseURL: hs.URL}, connector.Env{})
	if err != nil {
		b.Fatal(err)
	}
	return c, sim, hs.Close
}
