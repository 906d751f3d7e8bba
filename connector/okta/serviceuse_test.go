package okta_test

import (
	"testing"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/connector/connectortest"
	"github.com/nhiscope/nhi/connector/okta/oktasim"
)

// TestServiceAppLastUse checks that a service app's last use comes from the System Log's
// access tokens, and that when the log cannot be read the app says its last use is
// unknown rather than looking unused.
func TestServiceAppLastUse(t *testing.T) {
	t.Parallel()
	e := org(t)
	now := e.Options.Now
	env := connector.Env{Now: func() time.Time { return now }}
	for _, broken := range []bool{false, true} {
		sim, url := serve(t, e, oktasim.Options{Now: func() time.Time { return now }})
		if broken {
			sim.InjectFault(oktasim.Fault{Path: "/api/v1/logs", Status: 403, Code: "E0000006"})
		}
		rec := connectortest.NewRecorder()
		if _, err := newSSWS(t, url, oktasim.DefaultAPIToken, env).Discover(t.Context(), "", rec); err != nil {
			t.Fatalf("broken %v: Discover = %v", broken, err)
		}
		used, unknown, services := 0, 0, 0
		for _, id := range rec.Identities() {
			if id.Kind != nhi.KindServiceAccount {
				continue
			}
			services++
			if !id.LastUsedAt.IsZero() {
				used++
			}
			if id.Attributes["last_used"] == "unknown" {
				unknown++
			}
		}
		switch {
		case services == 0:
			t.Fatal("no service apps")
		case !broken && (used == 0 || unknown != 0):
			t.Errorf("readable log: %d of %d service apps with a last use, %d unknown; want some used, none unknown", used, services, unknown)
		case broken && (used != 0 || unknown != services):
			t.Errorf("unreadable log: %d used, %d unknown of %d; want every one unknown", used, unknown, services)
		}
	}
}
