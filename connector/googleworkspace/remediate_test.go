package googleworkspace_test

import (
	"cmp"
	"maps"
	"net/http"
	"slices"
	"testing"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/connector/connectortest"
	"github.com/nhiscope/nhi/connector/googleworkspace/googleworkspacesim"
	"github.com/nhiscope/nhi/estate"
)

// TestRemediatorConformance runs the remediation conformance suite over the simulator.
func TestRemediatorConformance(t *testing.T) {
	t.Parallel()
	e := failEstate(t)
	connectortest.RunRemediator(t, connectortest.RemediatorHarness{
		Start: func(t *testing.T, s connectortest.RemediatorSetup) *connectortest.RemediatorInstance {
			inst, sim := startRemediator(t, e)
			if s.IgnoreChanges {
				sim.InjectFault(googleworkspacesim.Fault{Method: http.MethodDelete, Path: "/tokens/", Ignore: true})
			}
			if s.FailChanges {
				sim.InjectFault(googleworkspacesim.Fault{Method: http.MethodDelete, Status: http.StatusInternalServerError})
			}
			return inst
		}})
}

// startRemediator serves e from a fresh simulator and returns a remediation instance over
// it, with the actions of remediationActions.
func startRemediator(t testing.TB, e *estate.Estate) (*connectortest.RemediatorInstance, *googleworkspacesim.Server) {
	t.Helper()
	inst, sim := startSim(t, e, connectortest.Setup{})
	r, ok := inst.Connector.(connector.Remediator)
	if !ok {
		t.Fatal("the connector is no connector.Remediator")
	}
	return &connectortest.RemediatorInstance{Remediator: r, Actions: remediationActions(e),
		Exists: func(a nhi.Action) bool { return exists(sim, a) }, Requests: inst.Requests, Heal: sim.ClearFaults}, sim
}

// exists reports whether sim holds the access a removes.
func exists(sim *googleworkspacesim.Server, a nhi.Action) bool {
	if a.Type == nhi.ActionRevokeAppGrants {
		return len(sim.Holders(a.AppID)) > 0
	}
	return sim.HasGrant(a.OwnerID, a.AppID)
}

// grantAction returns the revoke_grant action of user's grant to client, as a plan holds it.
func grantAction(e *estate.Estate, user, client string) nhi.Action {
	ext := user + "/" + client
	return nhi.Action{Type: nhi.ActionRevokeGrant, Platform: nhi.PlatformGoogleWorkspace, Tenant: e.CustomerID,
		IdentityID: nhi.NewIdentityID(nhi.PlatformGoogleWorkspace, e.CustomerID, nhi.KindOAuthGrant, ext),
		Kind:       nhi.KindOAuthGrant, ExternalID: ext, AppID: client, OwnerID: user}
}

// appAction returns the revoke_app_grants action of client.
func appAction(e *estate.Estate, client string) nhi.Action {
	return nhi.Action{Type: nhi.ActionRevokeAppGrants, Platform: nhi.PlatformGoogleWorkspace, Tenant: e.CustomerID,
		AppID: client}
}

// holders returns, per client ID, the Google IDs of the people Google shows holding a
// grant to it (deleted people's grants are gone), from the estate.
func holders(e *estate.Estate) map[string][]string {
	out := map[string][]string{}
	for _, g := range e.Grants {
		if p := e.People[g.Person]; p.Status != estate.Departed {
			c := e.Vendors[g.Vendor].GoogleClientID
			out[c] = append(out[c], p.GoogleID)
		}
	}
	return out
}

// remediationActions returns the actions the conformance suite runs: a revoke_grant of a
// grant to the app most people hold, and a revoke_app_grants of another app with the
// fewest holders, at least two.
func remediationActions(e *estate.Estate) []nhi.Action {
	hs := holders(e)
	apps := slices.SortedFunc(maps.Keys(hs), func(a, b string) int { return cmp.Or(cmp.Compare(len(hs[b]), len(hs[a])), cmp.Compare(a, b)) })
	top := apps[0]
	actions := []nhi.Action{grantAction(e, hs[top][0], top)}
	for _, c := range slices.Backward(apps[1:]) {
		if len(hs[c]) >= 2 {
			return append(actions, appAction(e, c))
		}
	}
	return actions
}

// mutations counts the mutating API requests in sim's log.
func mutations(sim *googleworkspacesim.Server) int {
	n := 0
	for _, r := range sim.Requests() {
		if r.Method != http.MethodGet && r.Method != http.MethodHead && r.Path != "/token" {
			n++
		}
	}
	return n
}

// TestSupports checks what the connector says it can do.
func TestSupports(t *testing.T) {
	t.Parallel()
	inst, _ := startRemediator(t, failEstate(t))
	r := inst.Remediator
	var got []string
	for _, typ := range nhi.ActionTypes() {
		for _, k := range append(nhi.Kinds(), "") {
			if r.Supports(typ, k) {
				got = append(got, string(typ)+"/"+string(k))
			}
		}
	}
	want := []string{"revoke_grant/oauth_grant", "revoke_app_grants/oauth_grant", "revoke_app_grants/"}
	if !slices.Equal(got, want) {
		t.Errorf("supported = %q, want %q", got, want)
	}
}

// TestSelf checks that Self names the service account's client ID and email.
func TestSelf(t *testing.T) {
	t.Parallel()
	inst, sim := startRemediator(t, failEstate(t))
	want := []string{sim.ServiceAccountClientID(), sim.ServiceAccountEmail()}
	if got := inst.Remediator.Self(); !slices.Equal(got, want) {
		t.Errorf("Self() = %q, want %q", got, want)
	}
}
