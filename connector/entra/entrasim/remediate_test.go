package entrasim

import (
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// audit is a directory audit event as the remediation tests read it.
type audit struct {
	ActivityDisplayName string `json:"activityDisplayName"`
	InitiatedBy         struct {
		App *struct {
			AppID string `json:"appId"`
		} `json:"app"`
	} `json:"initiatedBy"`
	TargetResources []struct {
		ID string `json:"id"`
	} `json:"targetResources"`
}

// TestRemediation checks each change: it answers 204, takes effect in the state, is
// audited as the calling app, and a second time (the object gone) is Graph's 404.
func TestRemediation(t *testing.T) {
	t.Parallel()
	sp := "/v1.0/servicePrincipals/"
	cases := []struct {
		name, method, path, body string
		// again is the status of the same request repeated.
		again    int
		activity string
		target   string
		gone     func(s *Server) bool
	}{
		{"revoke grant", http.MethodDelete, "/v1.0/oauth2PermissionGrants/" + grantPDF, "", 404,
			actRemoveGrant, pdfSP, func(s *Server) bool { return !s.HasGrant(grantPDF) }},
		{"narrow grant", http.MethodPatch, "/v1.0/oauth2PermissionGrants/" + grantPDF, `{"scope":"User.Read"}`, 204,
			actUpdateGrant, pdfSP, func(s *Server) bool {
				g, ok := s.Grant(grantPDF)
				return ok && cmp.Equal(g.Scopes, []string{"User.Read"})
			}},
		{"remove app permission", http.MethodDelete, sp + billingSP + "/appRoleAssignments/" + assignBill, "", 404,
			actRemoveAssignment, billingSP, func(s *Server) bool { return !s.HasAssignment(assignBill) }},
		{"remove app permission from the resource", http.MethodDelete, sp + graphSP + "/appRoleAssignedTo/" + assignBill, "", 404,
			actRemoveAssignment, billingSP, func(s *Server) bool { return !s.HasAssignment(assignBill) }},
		{"disable service principal", http.MethodPatch, sp + pdfSP, `{"accountEnabled":false}`, 204,
			actUpdateSP, pdfSP, func(s *Server) bool { on, ok := s.ServicePrincipalEnabled(pdfSP); return ok && !on }},
		{"remove secret", http.MethodPost, "/v1.0/applications/" + billingApp + "/removePassword", `{"keyId":"` + secretKey + `"}`, 404,
			actAppCredentials, billingApp, func(s *Server) bool { return !s.HasCredential(billingApp, secretKey) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			h := start(t, smallEstate(), Options{Roles: append(ReadRoles(), RemediationRoles()...)})
			if c.gone(h.s) {
				t.Fatal("the access is gone before the change")
			}
			before := len(h.s.Audits())
			body := mustStatus(t, h, c.method, c.path, c.body, 204)
			if len(body) != 0 || !c.gone(h.s) {
				t.Fatalf("answer body %q; change took effect %v", body, c.gone(h.s))
			}
			var p struct {
				Value []audit `json:"value"`
			}
			h.get(t, "/v1.0/auditLogs/directoryAudits?$top=1", &p)
			clientID, _ := h.s.ClientCredentials()
			if len(p.Value) != 1 || p.Value[0].ActivityDisplayName != c.activity || p.Value[0].InitiatedBy.App == nil ||
				p.Value[0].InitiatedBy.App.AppID != clientID || p.Value[0].TargetResources[0].ID != c.target {
				t.Errorf("newest audit event %+v, want %q on %s by the client", p.Value, c.activity, c.target)
			}
			if n := len(h.s.Audits()); n != before+1 {
				t.Errorf("%d audit events after one change, want %d", n, before+1)
			}
			status, _, again := h.do(t, c.method, c.path, c.body)
			if status != c.again || (status == 404 && errorCode(again) != "Request_ResourceNotFound") {
				t.Errorf("repeated: %d %s, want %d", status, again, c.again)
			}
		})
	}
}

// TestRemediationRefusals checks changes to objects that are not there or not the path's,
// and bodies Graph cannot read.
func TestRemediationRefusals(t *testing.T) {
	t.Parallel()
	h := start(t, smallEstate(), Options{Roles: append(ReadRoles(), RemediationRoles()...)})
	sp := "/v1.0/servicePrincipals/"
	cases := []struct {
		method, path, body string
		status             int
		code               string
	}{
		{http.MethodDelete, "/v1.0/oauth2PermissionGrants/nope", "", 404, "Request_ResourceNotFound"},
		{http.MethodPatch, "/v1.0/oauth2PermissionGrants/nope", `{"scope":"User.Read"}`, 404, "Request_ResourceNotFound"},
		{http.MethodPatch, "/v1.0/oauth2PermissionGrants/" + grantPDF, `{"scope":`, 400, "BadRequest"},
		{http.MethodDelete, sp + graphSP + "/appRoleAssignments/" + assignBill, "", 404, "Request_ResourceNotFound"},
		{http.MethodDelete, sp + "nope/appRoleAssignments/" + assignBill, "", 404, "Request_ResourceNotFound"},
		{http.MethodPatch, sp + "nope", `{"accountEnabled":false}`, 404, "Request_ResourceNotFound"},
		{http.MethodPost, "/v1.0/applications/nope/removePassword", `{"keyId":"` + secretKey + `"}`, 404, "Request_ResourceNotFound"},
		{http.MethodPost, "/v1.0/applications/" + billingApp + "/removePassword", `{"keyId":"` + certKey + `"}`, 404, "Request_ResourceNotFound"},
		{http.MethodPost, "/v1.0/applications/" + billingApp + "/removePassword", `{}`, 400, "Request_BadRequest"},
		{http.MethodPost, sp + billingSP + "/removePassword", `{"keyId":"` + secretKey + `"}`, 404, "Request_ResourceNotFound"},
	}
	for _, c := range cases {
		status, _, body := h.do(t, c.method, c.path, c.body)
		if status != c.status || errorCode(body) != c.code {
			t.Errorf("%s %s = %d %s, want %d %s", c.method, c.path, status, body, c.status, c.code)
		}
	}
	if !h.s.HasGrant(grantPDF) || !h.s.HasAssignment(assignBill) || !h.s.HasCredential(billingApp, certKey) {
		t.Error("a refused change removed something")
	}
}
