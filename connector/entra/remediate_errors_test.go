package entra_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/connector/entra/entrasim"
	"github.com/nhiscope/nhi/estate"
)

// certApp returns the first app registration with a certificate.
func certApp(e *estate.Estate) estate.MSApplication {
	for _, a := range e.Microsoft.Applications {
		if len(a.Keys) > 0 {
			return a
		}
	}
	panic("the estate has no app registration with a certificate")
}

// firstPartySP returns the first of Microsoft's service principals.
func firstPartySP(e *estate.Estate) estate.MSServicePrincipal {
	for _, sp := range e.Microsoft.ServicePrincipals {
		if sp.FirstParty {
			return sp
		}
	}
	panic("the estate has no first-party service principal")
}

// TestRemediateRefusals checks that actions nhi must not or cannot carry out are refused
// with CodeInvalid, by Remediate and by Verify where Verify can tell, and change nothing.
func TestRemediateRefusals(t *testing.T) {
	t.Parallel()
	e := generate(t, 7)
	acts := remediationActions(e)
	revoke, reduce, disable, secret := acts[0], acts[1], acts[2], acts[3]
	mod := func(a nhi.Action, f func(*nhi.Action)) nhi.Action { f(&a); return a }
	cert := certApp(e)
	ms := firstPartySP(e)
	tests := []struct {
		name string
		a    nhi.Action
		// verify says Verify refuses it too (refusals that need no read).
		verify bool
	}{
		{"other tenant", mod(revoke, func(a *nhi.Action) { a.Tenant = "0b5e2f9a-3c4d-4e6f-8a9b-1c2d3e4f5a6b" }), true},
		{"malformed grant ID", mod(revoke, func(a *nhi.Action) { a.ExternalID = "../users" }), true},
		{"empty grant ID", mod(revoke, func(a *nhi.Action) { a.ExternalID = "" }), true},
		{"reduce nothing", mod(reduce, func(a *nhi.Action) { a.Scopes = []string{" "} }), true},
		{"secret without key", mod(secret, func(a *nhi.Action) { a.ExternalID = strings.Split(a.ExternalID, "/")[0] }), true},
		{"credential ID mismatch", mod(secret, func(a *nhi.Action) { a.CredentialID = "other" }), true},
		{"certificate", action(e, nhi.ActionRemoveCredential, nhi.KindAppCredential, cert.ObjectID+"/"+cert.Keys[0].KeyID, cert.AppID), false},
		{"Microsoft's service principal", action(e, nhi.ActionDisableIdentity, nhi.KindServiceAccount, ms.ObjectID, ""), false},
		{"permissions of Microsoft's service principal", mod(acts[4], func(a *nhi.Action) { a.ExternalID, a.AppID = ms.ObjectID, "" }), false},
		{"remove no permission", mod(acts[4], func(a *nhi.Action) { a.Scopes = nil }), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			inst, sim := startRemediator(t, e, remediationRoles())
			if _, err := inst.Remediator.Remediate(t.Context(), tt.a); nhi.ErrorCode(err) != nhi.CodeInvalid {
				t.Errorf("Remediate = %v (code %q), want code %s", err, nhi.ErrorCode(err), nhi.CodeInvalid)
			}
			if _, err := inst.Remediator.Verify(t.Context(), tt.a); tt.verify && nhi.ErrorCode(err) != nhi.CodeInvalid {
				t.Errorf("Verify = %v (code %q), want code %s", err, nhi.ErrorCode(err), nhi.CodeInvalid)
			}
			if got := changes(sim); len(got) != 0 {
				t.Errorf("refused action sent changes %q", got)
			}
			if !exists(e, sim, disable) || !sim.HasCredential(cert.ObjectID, cert.Keys[0].KeyID) {
				t.Error("a refused action changed the tenant")
			}
		})
	}
}

// TestRemediateRefusesSelf checks that nhi's own app is never acted on, whether the action
// names it or only the object read shows it.
func TestRemediateRefusesSelf(t *testing.T) {
	t.Parallel()
	e := generate(t, 7)
	sp := serviceAccount(e)
	for i := range e.Microsoft.ServicePrincipals {
		if e.Microsoft.ServicePrincipals[i].ObjectID == sp.ObjectID {
			e.Microsoft.ServicePrincipals[i].Passwords = []estate.MSCredential{{KeyID: "5d2d6a3e-0c4b-4e4f-9d6f-1a2b3c4d5e6f",
				DisplayName: "nhi", Start: e.Options.Now.Add(-time.Hour), End: e.Options.Now.Add(time.Hour)}}
		}
	}
	inst, sim := startRemediator(t, e, remediationRoles())
	self := inst.Remediator.Self()[0]
	disable := action(e, nhi.ActionDisableIdentity, nhi.KindServiceAccount, sp.ObjectID, sp.AppID)
	named := disable
	named.AppID = strings.ToUpper(self)
	if _, err := inst.Remediator.Remediate(t.Context(), named); nhi.ErrorCode(err) != nhi.CodeInvalid {
		t.Errorf("Remediate of an action naming nhi's app = %v, want code %s", err, nhi.CodeInvalid)
	}
	if len(changes(sim)) != 0 {
		t.Errorf("changes sent: %q", changes(sim))
	}
	// The service principal's secret: removed through its own removePassword.
	key := "5d2d6a3e-0c4b-4e4f-9d6f-1a2b3c4d5e6f"
	a := action(e, nhi.ActionRemoveCredential, nhi.KindAppCredential, sp.ObjectID+"/"+key, sp.AppID)
	out, err := inst.Remediator.Remediate(t.Context(), a)
	want := connector.Outcome{Changed: 1,
		Call: "GET /v1.0/applications/{id}; GET /v1.0/servicePrincipals/{id}; POST /v1.0/servicePrincipals/{id}/removePassword"}
	if diff := gocmp.Diff(want, out); err != nil || diff != "" {
		t.Errorf("Remediate of a service principal's secret = %v; outcome (-want +got):\n%s", err, diff)
	}
	if sim.HasCredential(sp.ObjectID, key) {
		t.Error("the simulator still holds the service principal's secret")
	}
}

// TestRemediateErrors checks how Graph's failures map: a refused permission is
// CodeForbidden naming the write permission, and a 404 that is not Graph's own
// Request_ResourceNotFound is an error, never "gone".
func TestRemediateErrors(t *testing.T) {
	t.Parallel()
	e := generate(t, 7)
	acts := remediationActions(e)
	tests := []struct {
		name   string
		roles  []string
		fault  *entrasim.Fault
		a      nhi.Action
		code   nhi.Code
		phrase string
	}{
		{"grant write refused", entrasim.ReadRoles(), nil, acts[0], nhi.CodeForbidden, "DelegatedPermissionGrant.ReadWrite.All"},
		{"sp write refused", entrasim.ReadRoles(), nil, acts[2], nhi.CodeForbidden, "Application.ReadWrite.All"},
		{"secret write refused", entrasim.ReadRoles(), nil, acts[3], nhi.CodeForbidden, "Application.ReadWrite.All"},
		{"assignment write refused", entrasim.ReadRoles(), nil, acts[4], nhi.CodeForbidden, "AppRoleAssignment.ReadWrite.All"},
		{"foreign 404 on assignment delete", remediationRoles(), &entrasim.Fault{Method: http.MethodDelete, Path: "/appRoleAssignments/",
			Status: 404, Code: "NotFound"}, acts[4], nhi.CodeNotFound, "found no"},
		{"foreign 404 on delete", remediationRoles(), &entrasim.Fault{Method: http.MethodDelete, Status: 404, Code: "NotFound"},
			acts[0], nhi.CodeNotFound, "found no"},
		{"foreign 404 on read", remediationRoles(), &entrasim.Fault{Method: http.MethodGet, Path: "/servicePrincipals/", Status: 404,
			Code: "NotFound"}, acts[2], nhi.CodeNotFound, "found no"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			inst, sim := startRemediator(t, e, tt.roles)
			if tt.fault != nil {
				sim.InjectFault(*tt.fault)
			}
			out, err := inst.Remediator.Remediate(t.Context(), tt.a)
			if nhi.ErrorCode(err) != tt.code || !strings.Contains(err.Error(), tt.phrase) {
				t.Errorf("Remediate = %v (code %q), want code %s mentioning %q", err, nhi.ErrorCode(err), tt.code, tt.phrase)
			}
			if out.AlreadyDone || out.Changed != 0 || !exists(e, sim, tt.a) {
				t.Errorf("failed Remediate = %+v; access still there %v", out, exists(e, sim, tt.a))
			}
		})
	}
}
