package entrasim

import (
	"bytes"
	"encoding/json"
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// update rewrites the golden files of TestWire.
var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// goldenHost replaces the test server's address in golden files.
const goldenHost = "https://graph.sim.test"

// TestWire checks every endpoint's answer, byte for byte up to indentation, against a
// golden file in testdata: field names, types, order, nulls, context and next links.
func TestWire(t *testing.T) {
	t.Parallel()
	sp := "/v1.0/servicePrincipals/"
	cases := []struct {
		name, method, path, body string
		noToken, noRoles         bool
	}{
		{name: "applications", path: "/v1.0/applications"},
		{name: "applications_select", path: "/v1.0/applications?$select=id,appId,passwordCredentials,keyCredentials"},
		{name: "application_get", path: "/v1.0/applications/" + billingApp},
		{name: "application_owners", path: "/v1.0/applications/" + billingApp + "/owners"},
		{name: "service_principals_top", path: "/v1.0/servicePrincipals?$top=2"},
		{name: "service_principal_by_app_id", path: "/v1.0/servicePrincipals(appId='" + graphAppID + "')?$select=id,appRoles,oauth2PermissionScopes"},
		{name: "service_principal_owners", path: sp + billingSP + "/owners?$select=id,userPrincipalName"},
		{name: "app_role_assignments", path: sp + billingSP + "/appRoleAssignments"},
		{name: "app_role_assigned_to", path: sp + graphSP + "/appRoleAssignedTo?$top=999"},
		{name: "grants", path: "/v1.0/oauth2PermissionGrants"},
		{name: "grants_filter", path: "/v1.0/oauth2PermissionGrants?$filter=consentType eq 'AllPrincipals'"},
		{name: "grant_get", path: "/v1.0/oauth2PermissionGrants/" + grantPDF},
		{name: "grants_delta", path: "/v1.0/oauth2PermissionGrants/delta"},
		{name: "users", path: "/v1.0/users"},
		{name: "sp_sign_in_activities", path: "/beta/reports/servicePrincipalSignInActivities"},
		{name: "credential_sign_in_activities", path: "/beta/reports/appCredentialSignInActivities"},
		{name: "directory_audits", path: "/v1.0/auditLogs/directoryAudits?$filter=category eq 'ApplicationManagement'"},
		{name: "error_not_found", path: "/v1.0/oauth2PermissionGrants/nope"},
		{name: "error_bad_select", path: "/v1.0/applications?$select=id,secret"},
		{name: "error_bad_filter", path: "/v1.0/oauth2PermissionGrants?$filter=scope eq 'Mail.Read'"},
		{name: "error_bad_top", path: "/v1.0/servicePrincipals?$top=1000"},
		{name: "error_no_token", path: "/v1.0/applications", noToken: true},
		{name: "error_denied", path: "/v1.0/applications", noRoles: true},
		{name: "error_unknown_segment", path: "/v1.0/groups"},
		{name: "error_method", method: http.MethodPut, path: "/v1.0/oauth2PermissionGrants/" + grantPDF, body: "{}"},
		{name: "error_remove_absent", method: http.MethodPost, path: "/v1.0/applications/" + billingApp + "/removePassword",
			body: `{"keyId":"00000000-0000-0000-0000-000000000000"}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			o := Options{Clock: func() time.Time { return fixedClock }, Roles: append(ReadRoles(), RemediationRoles()...)}
			if c.noRoles {
				o.Roles = []string{RoleUserRead}
			}
			h := start(t, smallEstate(), o)
			if c.noToken {
				h.token = ""
			}
			method := c.method
			if method == "" {
				method = http.MethodGet
			}
			status, hdr, body := h.do(t, method, strings.ReplaceAll(c.path, " ", "%20"), c.body)
			checkGolden(t, c.name, status, hdr, bytes.ReplaceAll(body, []byte(h.url), []byte(goldenHost)))
		})
	}
}

// checkGolden compares an answer with testdata/<name>.json, or rewrites it with -update.
func checkGolden(t *testing.T, name string, status int, hdr http.Header, body []byte) {
	t.Helper()
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, body, "", "  "); err != nil {
		t.Fatalf("answer is not JSON: %v: %s", err, body)
	}
	got := "HTTP " + http.StatusText(status) + "\ncontent-type: " + hdr.Get("Content-Type") +
		"\nx-ms-resource-unit: " + hdr.Get("x-ms-resource-unit") + "\n\n" + pretty.String() + "\n"
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s differs from the golden file (-want +got):\n%s", name, diff)
	}
}
