package entra_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/connector/entra/entrasim"
	"github.com/nhiscope/nhi/estate"
)

// changes returns the method and path of each mutating Graph request sim logged.
func changes(sim *entrasim.Server) []string {
	var out []string
	for _, r := range sim.Requests() {
		if r.API() && r.Method != http.MethodGet {
			out = append(out, r.Method+" "+r.Path)
		}
	}
	return out
}

// TestRemediateCalls checks, per action, the changes sent, the outcome, what the
// simulator holds afterwards and that Verify agrees.
func TestRemediateCalls(t *testing.T) {
	t.Parallel()
	e := generate(t, 7)
	acts := remediationActions(e)
	revoke, reduce, disable, secret, roles := acts[0], acts[1], acts[2], acts[3], acts[4]
	removed := roleAssignments(e, roles.ExternalID, roles.Scopes)
	var roleDeletes []string
	for _, id := range removed {
		roleDeletes = append(roleDeletes, "DELETE /v1.0/servicePrincipals/"+roles.ExternalID+"/appRoleAssignments/"+id)
	}
	whole := reduce
	g := grantOf(e, reduce.ExternalID)
	whole.Scopes = g.Scopes
	keep := g.Scopes[:len(g.Scopes)-1]
	obj, key, _ := strings.Cut(secret.ExternalID, "/")
	tests := []struct {
		name    string
		a       nhi.Action
		changes []string
		call    string
		// after checks the simulator's state.
		after func(sim *entrasim.Server) bool
	}{
		{"revoke grant", revoke, []string{"DELETE /v1.0/oauth2PermissionGrants/" + revoke.ExternalID},
			"DELETE /v1.0/oauth2PermissionGrants/{id}", func(sim *entrasim.Server) bool { return !sim.HasGrant(revoke.ExternalID) }},
		{"reduce scope", reduce, []string{"PATCH /v1.0/oauth2PermissionGrants/" + reduce.ExternalID},
			"GET /v1.0/oauth2PermissionGrants/{id}; PATCH /v1.0/oauth2PermissionGrants/{id}",
			func(sim *entrasim.Server) bool {
				got, ok := sim.Grant(reduce.ExternalID)
				return ok && gocmp.Equal(got.Scopes, keep)
			}},
		{"reduce every scope deletes", whole, []string{"DELETE /v1.0/oauth2PermissionGrants/" + reduce.ExternalID},
			"GET /v1.0/oauth2PermissionGrants/{id}; DELETE /v1.0/oauth2PermissionGrants/{id}",
			func(sim *entrasim.Server) bool { return !sim.HasGrant(reduce.ExternalID) }},
		{"disable service principal", disable, []string{"PATCH /v1.0/servicePrincipals/" + disable.ExternalID},
			"GET /v1.0/servicePrincipals/{id}; PATCH /v1.0/servicePrincipals/{id}",
			func(sim *entrasim.Server) bool {
				on, ok := sim.ServicePrincipalEnabled(disable.ExternalID)
				return ok && !on
			}},
		{"remove app secret", secret, []string{"POST /v1.0/applications/" + obj + "/removePassword"},
			"GET /v1.0/applications/{id}; POST /v1.0/applications/{id}/removePassword",
			func(sim *entrasim.Server) bool { return !sim.HasCredential(obj, key) }},
		{"remove application permission", roles, roleDeletes,
			"GET /v1.0/servicePrincipals/{id}; GET /v1.0/servicePrincipals/{id}/appRoleAssignments; " +
				"GET /v1.0/servicePrincipals/{resourceId}; DELETE /v1.0/servicePrincipals/{id}/appRoleAssignments/{assignmentId}",
			func(sim *entrasim.Server) bool {
				return len(removed) > 0 && !slices.ContainsFunc(removed, sim.HasAssignment)
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			inst, sim := startRemediator(t, e, remediationRoles())
			out, err := inst.Remediator.Remediate(t.Context(), tt.a)
			if err != nil {
				t.Fatalf("Remediate = %v", err)
			}
			if diff := gocmp.Diff(connector.Outcome{Call: tt.call, Changed: len(tt.changes)}, out); diff != "" {
				t.Errorf("outcome (-want +got):\n%s", diff)
			}
			if diff := gocmp.Diff(tt.changes, changes(sim)); diff != "" {
				t.Errorf("changes sent (-want +got):\n%s", diff)
			}
			if !tt.after(sim) {
				t.Error("the simulator does not show the change")
			}
			v, err := inst.Remediator.Verify(t.Context(), tt.a)
			if err != nil || !v.Gone {
				t.Errorf("Verify = %+v, %v; want gone", v, err)
			}
		})
	}
}

// grantOf returns the grant with ID id.
func grantOf(e *estate.Estate, id string) estate.MSGrant {
	for _, g := range e.Microsoft.Grants {
		if g.ID == id {
			return g
		}
	}
	panic("no grant " + id)
}
