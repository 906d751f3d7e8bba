package entrasim

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/nhiscope/nhi/estate"
)

// generated returns a generated estate with a Microsoft tenant.
func generated(t testing.TB, seed int64, people int) *estate.Estate {
	t.Helper()
	e, err := estate.Generate(estate.Options{Seed: seed, People: people})
	if err != nil {
		t.Fatal(err)
	}
	if e.Microsoft == nil {
		t.Fatal("estate.Generate made no Microsoft tenant")
	}
	return e
}

// TestGeneratedEstates serves generated tenants and checks that every listing shows
// exactly the estate, whatever the page size, and that the objects hang together.
func TestGeneratedEstates(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		seed   int64
		people int
	}{{1, 50}, {7, 400}} {
		t.Run(fmt.Sprintf("seed%d-people%d", c.seed, c.people), func(t *testing.T) {
			t.Parallel()
			e := generated(t, c.seed, c.people)
			ms := e.Microsoft
			h := start(t, e, Options{Roles: append(ReadRoles(), RoleUserRead)})
			paged := start(t, e, Options{MaxPageSize: 7})
			counts := []struct {
				path string
				want int
			}{
				{"/v1.0/servicePrincipals?$select=id&$top=999", len(ms.ServicePrincipals)},
				{"/v1.0/applications", len(ms.Applications)},
				{"/v1.0/oauth2PermissionGrants?$top=999", len(ms.Grants)},
				{"/v1.0/users?$top=999", len(ms.Users)},
				{"/v1.0/auditLogs/directoryAudits?$top=999", len(ms.Audits)},
			}
			for _, n := range counts {
				ids, _ := listAll(t, h, n.path, "id")
				if len(ids) != n.want {
					t.Errorf("%s lists %d, want %d", n.path, len(ids), n.want)
				}
				if n.path == "/v1.0/users?$top=999" {
					continue
				}
				pagedIDs, _ := listAll(t, paged, n.path, "id")
				if diff := cmp.Diff(ids, pagedIDs); diff != "" {
					t.Errorf("%s paged by 7 differs (-whole +paged):\n%s", n.path, diff)
				}
			}
			delta, _ := deltaRound(t, paged, "/v1.0/oauth2PermissionGrants/delta")
			if len(delta) != len(ms.Grants) {
				t.Errorf("grants delta lists %d, want %d", len(delta), len(ms.Grants))
			}
			checkAssignments(t, h, ms)
			var graph map[string]any
			h.get(t, "/v1.0/servicePrincipals(appId='"+graphAppID+"')?$select=id,appRoles", &graph)
			if roles, _ := graph["appRoles"].([]any); len(roles) == 0 {
				t.Error("Microsoft Graph's service principal publishes no app roles")
			}
			mustStatus(t, h, http.MethodGet, "/beta/reports/servicePrincipalSignInActivities", "", 200)
			mustStatus(t, h, http.MethodGet, "/beta/reports/appCredentialSignInActivities", "", 200)
		})
	}
}

// checkAssignments checks that the app role assignments of every service principal add
// up to the estate's.
func checkAssignments(t *testing.T, h *harness, ms *estate.Microsoft) {
	t.Helper()
	total := 0
	for _, sp := range ms.ServicePrincipals {
		ids, _ := listAll(t, h, "/v1.0/servicePrincipals/"+sp.ObjectID+"/appRoleAssignments", "id")
		total += len(ids)
	}
	if total != len(ms.Assignments) {
		t.Errorf("service principals hold %d app role assignments, want %d", total, len(ms.Assignments))
	}
}
