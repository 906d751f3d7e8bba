package entra_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/connector/connectortest"
	"github.com/nhiscope/nhi/connector/entra"
	"github.com/nhiscope/nhi/connector/entra/entrasim"
	"github.com/nhiscope/nhi/estate"
)

// TestRemediatorConformance runs the remediation conformance suite over the simulator.
func TestRemediatorConformance(t *testing.T) {
	t.Parallel()
	e := generate(t, 7)
	connectortest.RunRemediator(t, connectortest.RemediatorHarness{
		Start: func(t *testing.T, s connectortest.RemediatorSetup) *connectortest.RemediatorInstance {
			inst, sim := startRemediator(t, e, remediationRoles())
			if s.IgnoreChanges {
				sim.InjectFault(entrasim.Fault{Path: "/v1.0/", Ignore: true})
			}
			if s.FailChanges {
				for _, m := range []string{http.MethodDelete, http.MethodPatch, http.MethodPost} {
					sim.InjectFault(entrasim.Fault{Method: m, Path: "/v1.0/", Status: http.StatusInternalServerError})
				}
			}
			return inst
		}})
}

// remediationRoles returns the application permissions of a client that may remediate.
func remediationRoles() []string {
	return append(entrasim.ReadRoles(), entrasim.RemediationRoles()...)
}

// startRemediator serves e from a fresh simulator whose client holds roles and returns a
// remediation instance over it, with the actions of remediationActions.
func startRemediator(t testing.TB, e *estate.Estate, roles []string) (*connectortest.RemediatorInstance, *entrasim.Server) {
	t.Helper()
	sim, err := entrasim.New(e, entrasim.Options{Roles: roles})
	if err != nil {
		t.Fatal(err)
	}
	inst, _ := serve(t, e, sim)
	r, ok := inst.Connector.(connector.Remediator)
	if !ok {
		t.Fatal("the connector is no connector.Remediator")
	}
	return &connectortest.RemediatorInstance{Remediator: r, Actions: remediationActions(e),
		Exists: func(a nhi.Action) bool { return exists(e, sim, a) }, Requests: inst.Requests, Heal: sim.ClearFaults}, sim
}

// exists reports whether sim holds the access a removes.
func exists(e *estate.Estate, sim *entrasim.Server, a nhi.Action) bool {
	switch {
	case a.Type == nhi.ActionReduceScope && a.Kind == nhi.KindServiceAccount:
		return slices.ContainsFunc(roleAssignments(e, a.ExternalID, a.Scopes), sim.HasAssignment)
	case a.Type == nhi.ActionRevokeGrant:
		return sim.HasGrant(a.ExternalID)
	case a.Type == nhi.ActionReduceScope:
		g, ok := sim.Grant(a.ExternalID)
		return ok && slices.ContainsFunc(g.Scopes, func(s string) bool { return slices.Contains(a.Scopes, s) })
	case a.Type == nhi.ActionDisableIdentity:
		on, ok := sim.ServicePrincipalEnabled(a.ExternalID)
		return ok && on
	}
	obj, key, _ := strings.Cut(a.ExternalID, "/")
	return sim.HasCredential(obj, key)
}

// action returns an action of type typ on the identity of kind k with external ID ext.
func action(e *estate.Estate, typ nhi.ActionType, k nhi.Kind, ext, appID string) nhi.Action {
	tenant := e.Microsoft.TenantID
	return nhi.Action{Type: typ, Platform: nhi.PlatformEntra, Tenant: tenant, Kind: k, ExternalID: ext, AppID: appID,
		IdentityID: nhi.NewIdentityID(nhi.PlatformEntra, tenant, k, ext)}
}

// grantActions returns a revoke_grant of the first grant with one scope or more, and a
// reduce_scope removing the last scope of the first other grant with two or more.
func grantActions(e *estate.Estate) []nhi.Action {
	ms := e.Microsoft
	var out []nhi.Action
	for _, g := range ms.Grants {
		app := ms.ServicePrincipals[g.Client].AppID
		switch {
		case len(out) == 0 && len(g.Scopes) > 0:
			out = append(out, action(e, nhi.ActionRevokeGrant, nhi.KindOAuthGrant, g.ID, app))
		case len(out) == 1 && len(g.Scopes) >= 2:
			a := action(e, nhi.ActionReduceScope, nhi.KindOAuthGrant, g.ID, app)
			a.Scopes = []string{g.Scopes[len(g.Scopes)-1]}
			return append(out, a)
		}
	}
	panic("the estate has no two grants to act on")
}

// serviceAccount returns the first enabled service principal, not Microsoft's, holding an
// application permission.
func serviceAccount(e *estate.Estate) estate.MSServicePrincipal {
	ms := e.Microsoft
	for _, a := range ms.Assignments {
		if sp := ms.ServicePrincipals[a.Principal]; !sp.FirstParty && sp.AccountEnabled {
			return sp
		}
	}
	panic("the estate has no service account")
}

// roleAssignments returns the IDs of the estate's app role assignments that give the
// service principal with object ID sp a role whose value is in values.
func roleAssignments(e *estate.Estate, sp string, values []string) []string {
	ms := e.Microsoft
	var out []string
	for _, a := range ms.Assignments {
		if ms.ServicePrincipals[a.Principal].ObjectID != sp {
			continue
		}
		for _, r := range ms.ServicePrincipals[a.Resource].AppRoles {
			if r.ID == a.AppRoleID && slices.Contains(values, r.Value) {
				out = append(out, a.ID)
			}
		}
	}
	return out
}

// roleAction returns a reduce_scope removing one application permission (the value of
// the last assignment's role) from service principal sp.
func roleAction(e *estate.Estate, sp estate.MSServicePrincipal) nhi.Action {
	ms := e.Microsoft
	a := action(e, nhi.ActionReduceScope, nhi.KindServiceAccount, sp.ObjectID, sp.AppID)
	for _, as := range ms.Assignments {
		if ms.ServicePrincipals[as.Principal].ObjectID != sp.ObjectID {
			continue
		}
		for _, r := range ms.ServicePrincipals[as.Resource].AppRoles {
			if r.ID == as.AppRoleID {
				a.Scopes = []string{r.Value}
			}
		}
	}
	if len(a.Scopes) == 0 {
		panic("service principal " + sp.ObjectID + " holds no published app role")
	}
	return a
}

// secretApp returns the first app registration with a client secret.
func secretApp(e *estate.Estate) estate.MSApplication {
	for _, a := range e.Microsoft.Applications {
		if len(a.Passwords) > 0 {
			return a
		}
	}
	panic("the estate has no app registration with a secret")
}

// remediationActions returns the actions the conformance suite runs: one of each type
// and kind the connector supports.
func remediationActions(e *estate.Estate) []nhi.Action {
	sp, app := serviceAccount(e), secretApp(e)
	secret := action(e, nhi.ActionRemoveCredential, nhi.KindAppCredential, app.ObjectID+"/"+app.Passwords[0].KeyID, app.AppID)
	secret.CredentialID = app.Passwords[0].KeyID
	return append(grantActions(e),
		action(e, nhi.ActionDisableIdentity, nhi.KindServiceAccount, sp.ObjectID, sp.AppID), secret, roleAction(e, sp))
}

// TestSupports checks what the connector says it can do.
func TestSupports(t *testing.T) {
	t.Parallel()
	inst, _ := startRemediator(t, generate(t, 7), remediationRoles())
	var got []string
	for _, typ := range nhi.ActionTypes() {
		for _, k := range append(nhi.Kinds(), "") {
			if inst.Remediator.Supports(typ, k) {
				got = append(got, string(typ)+"/"+string(k))
			}
		}
	}
	want := []string{"revoke_grant/oauth_grant", "reduce_scope/oauth_grant", "reduce_scope/service_account", "disable_identity/service_account",
		"remove_credential/app_credential"}
	if !slices.Equal(got, want) {
		t.Errorf("supported = %q, want %q", got, want)
	}
}

// TestSelf checks that Self names the client ID nhi signs in as.
func TestSelf(t *testing.T) {
	t.Parallel()
	inst, sim := startRemediator(t, generate(t, 7), remediationRoles())
	id, _ := sim.ClientCredentials()
	if got := inst.Remediator.Self(); !slices.Equal(got, []string{id}) {
		t.Errorf("Self() = %q, want %q", got, []string{id})
	}
}

// TestRemediationPermissions checks that the write permissions remediation names are
// those the simulator's remediation roles grant for its calls.
func TestRemediationPermissions(t *testing.T) {
	t.Parallel()
	for _, p := range entra.RemediationPermissions() {
		if !slices.Contains(entrasim.RemediationRoles(), p) {
			t.Errorf("permission %q is not among the simulator's remediation roles %q", p, entrasim.RemediationRoles())
		}
	}
}
