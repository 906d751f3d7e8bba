package github

import (
	"net/http"
	"strings"
	"testing"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector/connectortest"
	"github.com/nhiscope/nhi/connector/github/githubsim"
	"github.com/nhiscope/nhi/estate"
)

// TestRemediatorConformance runs the remediation conformance suite over the simulator.
func TestRemediatorConformance(t *testing.T) {
	t.Parallel()
	e := generate(t, 7)
	connectortest.RunRemediator(t, connectortest.RemediatorHarness{Start: func(t *testing.T, s connectortest.RemediatorSetup) *connectortest.RemediatorInstance {
		sim := startSim(t, e, simSetup{})
		changes := []githubsim.Fault{{Method: http.MethodPost, Path: "/orgs/"}, {Method: http.MethodDelete, Path: "/"},
			{Method: http.MethodPatch, Path: "/"}}
		for _, f := range changes {
			switch {
			case s.IgnoreChanges:
				f.Ignore = true
			case s.FailChanges:
				f.Status = http.StatusInternalServerError
			default:
				continue
			}
			sim.sim.InjectFault(f)
		}
		return &connectortest.RemediatorInstance{Remediator: sim.c, Actions: remediationActions(t, e),
			Exists:   func(a nhi.Action) bool { return exists(sim.sim, e, a) },
			Requests: func() []connectortest.Request { return requests(sim.sim) }, Heal: sim.sim.ClearFaults}
	}})
}

// remediationActions returns one action of each kind the connector supports on the
// first organization of e.
func remediationActions(t testing.TB, e *estate.Estate) []nhi.Action {
	t.Helper()
	g := e.GitHub
	org := g.Orgs[0].Login
	act := func(typ nhi.ActionType, k nhi.Kind, ext string) nhi.Action {
		return nhi.Action{ID: ext, Type: typ, Platform: nhi.PlatformGitHub, Tenant: org, Kind: k, ExternalID: ext,
			IdentityID: nhi.NewIdentityID(nhi.PlatformGitHub, org, k, ext)}
	}
	var out []nhi.Action
	if i := firstIndex(len(g.Tokens), func(i int) bool { return g.Tokens[i].Org == 0 }); i >= 0 {
		a := act(nhi.ActionRevokeGrant, nhi.KindAPIKey, "pat/"+id(g.Tokens[i].ID))
		a.CredentialID = id(g.Tokens[i].TokenID)
		out = append(out, a)
	}
	if i := firstIndex(len(g.Requests), func(i int) bool { return g.Requests[i].Org == 0 }); i >= 0 {
		out = append(out, act(nhi.ActionRevokeGrant, nhi.KindAPIKey, "patreq/"+id(g.Requests[i].ID)))
	}
	for typ, k := range map[string]struct {
		a nhi.ActionType
		k nhi.Kind
	}{estate.GHCredentialPAT: {nhi.ActionRevokeGrant, nhi.KindAPIKey}, estate.GHCredentialSSH: {nhi.ActionRemoveCredential, nhi.KindAppCredential},
		estate.GHCredentialOAuth: {nhi.ActionRevokeGrant, nhi.KindOAuthGrant}} {
		if i := firstIndex(len(g.Credentials), func(i int) bool { return g.Credentials[i].Org == 0 && g.Credentials[i].Type == typ }); i >= 0 && g.Orgs[0].SAML {
			a := act(k.a, k.k, "cred/"+id(g.Credentials[i].ID))
			a.OwnerID = strings.ToLower(g.Users[g.Credentials[i].User].Login)
			out = append(out, a)
		}
	}
	if i := firstIndex(len(g.DeployKeys), func(i int) bool { return g.Repos[g.DeployKeys[i].Repo].Org == 0 }); i >= 0 {
		k := g.DeployKeys[i]
		out = append(out, act(nhi.ActionRemoveCredential, nhi.KindDeployKey, g.Repos[k.Repo].Name+"/"+id(k.ID)))
	}
	if i := firstIndex(len(g.Hooks), func(i int) bool { return g.Hooks[i].Org == 0 && g.Hooks[i].Active }); i >= 0 {
		out = append(out, act(nhi.ActionDisableIdentity, nhi.KindWebhook, "hook/"+id(g.Hooks[i].ID)))
	}
	if len(out) < 5 {
		t.Fatalf("the estate gives only %d remediation actions", len(out))
	}
	return sortActions(out)
}

// sortActions orders actions by ExternalID, so that every start gives them in one order.
func sortActions(as []nhi.Action) []nhi.Action {
	for i := 1; i < len(as); i++ {
		for j := i; j > 0 && as[j].ExternalID < as[j-1].ExternalID; j-- {
			as[j], as[j-1] = as[j-1], as[j]
		}
	}
	return as
}

// firstIndex returns the first index below n for which ok holds, or -1.
func firstIndex(n int, ok func(int) bool) int {
	for i := range n {
		if ok(i) {
			return i
		}
	}
	return -1
}

// exists reports from the simulator's state whether the access a removes is there.
func exists(sim *githubsim.Server, e *estate.Estate, a nhi.Action) bool {
	t, ok := parseExternalID(a.Kind, a.ExternalID)
	if !ok {
		return false
	}
	switch t.kind {
	case targetPAT:
		return sim.HasToken(a.Tenant, t.id)
	case targetRequest:
		return sim.HasRequest(a.Tenant, t.id)
	case targetCred:
		return sim.HasCredential(a.Tenant, t.id)
	case targetKey:
		return sim.HasDeployKey(a.Tenant, t.repo, t.id)
	case targetHook:
		active, ok := sim.HookActive(a.Tenant, t.id)
		return ok && active
	}
	return false
}
