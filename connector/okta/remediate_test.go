package okta_test

import (
	"slices"
	"testing"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/connector/connectortest"
	"github.com/nhiscope/nhi/connector/okta"
	"github.com/nhiscope/nhi/connector/okta/oktasim"
	"github.com/nhiscope/nhi/estate"
)

// remediationActions returns one action of each kind the connector supports, on
// accesses of e none of which another touches.
func remediationActions(e *estate.Estate) []nhi.Action {
	o := e.Okta
	act := func(typ nhi.ActionType, kind nhi.Kind, ext string) nhi.Action {
		return nhi.Action{ID: ext, Type: typ, Platform: nhi.PlatformOkta, Tenant: "127.0.0.1", Kind: kind, ExternalID: ext}
	}
	var services []int
	for i, a := range o.Apps {
		if a.Service() && a.Status == estate.OktaAppActive {
			services = append(services, i)
		}
	}
	reduce := act(nhi.ActionReduceScope, nhi.KindServiceAccount, o.Apps[services[1]].ID)
	reduce.Scopes = []string{o.GrantsOf(services[1])[0].Scope}
	return []nhi.Action{
		act(nhi.ActionRevokeGrant, nhi.KindAPIKey, o.Tokens[0].ID),
		act(nhi.ActionRevokeGrant, nhi.KindOAuthGrant, o.ConsentSubject(o.Consents[0])),
		act(nhi.ActionDisableIdentity, nhi.KindServiceAccount, o.Apps[services[0]].ID),
		reduce,
	}
}

// exists reports whether sim still holds the access a removes.
func exists(sim *oktasim.Server, a nhi.Action) bool {
	switch {
	case a.Kind == nhi.KindAPIKey:
		_, ok := sim.Token(a.ExternalID)
		return ok
	case a.Kind == nhi.KindOAuthGrant:
		user, client := splitGrant(a.ExternalID)
		return slices.ContainsFunc(sim.Consents(user), func(c oktasim.Consent) bool { return c.ClientID == client })
	case a.Type == nhi.ActionDisableIdentity:
		st, ok := sim.AppStatus(a.ExternalID)
		return ok && st == estate.OktaAppActive
	}
	return slices.ContainsFunc(sim.AppScopes(a.ExternalID), func(s string) bool { return slices.Contains(a.Scopes, s) })
}

// splitGrant splits "<user>/<client>".
func splitGrant(ext string) (string, string) {
	for i := range ext {
		if ext[i] == '/' {
			return ext[:i], ext[i+1:]
		}
	}
	return ext, ""
}

// startRemediator is the remediation harness: an SSWS connector over a fresh simulator.
func startRemediator(t *testing.T, s connectortest.RemediatorSetup) *connectortest.RemediatorInstance {
	e := org(t)
	sim, url := serve(t, e, oktasim.Options{})
	switch {
	case s.IgnoreChanges:
		sim.InjectFault(oktasim.Fault{Ignore: true})
	case s.FailChanges:
		sim.InjectFault(oktasim.Fault{Method: "DELETE", Status: 500})
		sim.InjectFault(oktasim.Fault{Method: "POST", Status: 500})
	}
	return &connectortest.RemediatorInstance{
		Remediator: newSSWS(t, url, oktasim.DefaultAPIToken, connector.Env{}),
		Actions:    remediationActions(e),
		Exists:     func(a nhi.Action) bool { return exists(sim, a) },
		Requests:   requests(sim),
		Heal:       sim.ClearFaults,
	}
}

func TestRemediatorConformance(t *testing.T) {
	t.Parallel()
	connectortest.RunRemediator(t, connectortest.RemediatorHarness{Start: startRemediator})
}

func TestSelf(t *testing.T) {
	t.Parallel()
	c := newSSWS(t, "https://example.okta.com", "x", connector.Env{})
	if got := c.Self(); len(got) != 1 || got[0] == "" {
		t.Errorf("Self() = %q, want one placeholder", got)
	}
	var _ connector.Remediator = (*okta.Connector)(nil)
}
