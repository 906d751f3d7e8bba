package salesforce_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector/connectortest"
	"github.com/nhiscope/nhi/connector/salesforce/salesforcesim"
	"github.com/nhiscope/nhi/estate"
)

// TestRemediatorConformance runs the remediation conformance suite against the simulator:
// one token revoked, every token of an app revoked, an integration user frozen.
func TestRemediatorConformance(t *testing.T) {
	t.Parallel()
	connectortest.RunRemediator(t, connectortest.RemediatorHarness{Start: startRemediator})
}

// startRemediator starts a connector over a fresh simulator set up as s says.
func startRemediator(t *testing.T, s connectortest.RemediatorSetup) *connectortest.RemediatorInstance {
	t.Helper()
	e := generate(t, 7)
	v := newEnv(t, e, salesforcesim.Options{}, connectortest.Setup{})
	if s.IgnoreChanges {
		v.sim.InjectFault(salesforcesim.Fault{Ignore: true})
	}
	if s.FailChanges {
		v.sim.InjectFault(salesforcesim.Fault{Method: http.MethodPost, Path: "/services/oauth2/revoke", Status: 500})
		v.sim.InjectFault(salesforcesim.Fault{Method: http.MethodPatch, Path: "/services/data/", Status: 500})
	}
	return &connectortest.RemediatorInstance{Remediator: v.connector(t, nil), Actions: actions(t, e),
		Exists: func(a nhi.Action) bool { return exists(v.sim, a) }, Requests: v.mw.requests, Heal: v.sim.ClearFaults}
}

// actions picks a token whose user holds no other token of its app, the app with the
// fewest tokens among the others, and an active, unfrozen integration user.
func actions(t *testing.T, e *estate.Estate) []nhi.Action {
	t.Helper()
	sf := e.Salesforce
	base := nhi.Action{Platform: nhi.PlatformSalesforce, Tenant: sf.OrgID}
	pairs, perApp := map[[2]int32]int{}, map[int32]int{}
	for _, tk := range sf.Tokens {
		pairs[[2]int32{tk.App, tk.User}]++
		perApp[tk.App]++
	}
	var out []nhi.Action
	grantApp := int32(-1)
	for _, tk := range sf.Tokens {
		if pairs[[2]int32{tk.App, tk.User}] == 1 && perApp[tk.App] > 1 {
			a := base
			a.Type, a.Kind, a.ExternalID = nhi.ActionRevokeGrant, nhi.KindOAuthGrant, sf.TokenSubject(tk)
			a.AppID, a.OwnerID, grantApp = sf.Apps[tk.App].ID, sf.Users[tk.User].ID, tk.App
			out = append(out, a)
			break
		}
	}
	var apps []int32
	for app := range perApp {
		if app != grantApp {
			apps = append(apps, app)
		}
	}
	slices.SortFunc(apps, func(x, y int32) int { return perApp[x] - perApp[y] })
	if len(apps) > 0 {
		a := base
		a.Type, a.AppID = nhi.ActionRevokeAppGrants, sf.Apps[apps[0]].ID
		out = append(out, a)
	}
	for _, u := range sf.Users {
		if u.Integration && u.IsActive && !u.IsFrozen {
			a := base
			a.Type, a.Kind, a.ExternalID = nhi.ActionDisableIdentity, nhi.KindServiceAccount, u.ID
			out = append(out, a)
			break
		}
	}
	if len(out) != 3 {
		t.Fatalf("estate gives %d of the 3 actions", len(out))
	}
	return out
}

// exists reports whether the simulator still holds the access a removes.
func exists(sim *salesforcesim.Server, a nhi.Action) bool {
	switch a.Type {
	case nhi.ActionRevokeGrant:
		user, _, _ := strings.Cut(a.ExternalID, "/")
		return sim.TokenCount(a.AppID, user) > 0
	case nhi.ActionRevokeAppGrants:
		return sim.TokenCount(a.AppID, "") > 0
	}
	_, frozen, ok := sim.UserState(a.ExternalID)
	return ok && !frozen
}
