package web

import "net/http"

// routes lists every endpoint. The mux registers exactly these, and a test checks them
// against the OpenAPI document, methods included.
func (s *Server) routes() []route {
	get, post, del := http.MethodGet, http.MethodPost, http.MethodDelete
	return []route{
		{get, "/api/v1/openapi.json", permPublic, s.openAPI},
		{post, "/api/v1/session", permPublic, s.login},
		{del, "/api/v1/session", permSession, s.logout},
		{get, "/api/v1/me", permSignedIn, s.me},
		{get, "/auth/oidc/login", permPublic, s.oidcLogin},
		{get, "/auth/oidc/callback", permPublic, s.oidcCallback},

		{get, "/api/v1/dashboard", permRead, s.dashboard},
		{get, "/api/v1/identities", permRead, s.listIdentities},
		{get, "/api/v1/identities/{id}", permRead, s.getIdentity},
		{get, "/api/v1/identities/{id}/timeline", permRead, s.identityTimeline},
		{get, "/api/v1/people", permRead, s.listPeople},
		{get, "/api/v1/apps", permRead, s.listApps},
		{get, "/api/v1/apps/{platform}/{tenant}/{external_id}", permRead, s.getApp},
		{get, "/api/v1/vendors/{name}", permRead, s.getVendor},
		{get, "/api/v1/findings", permRead, s.listFindings},
		{get, "/api/v1/findings/{id}", permRead, s.getFinding},
		{post, "/api/v1/findings/{id}/suppress", permWrite, s.suppressFinding},
		{get, "/api/v1/plans", permRead, s.listPlans},
		{post, "/api/v1/plans", permWrite, s.createPlan},
		{get, "/api/v1/plans/{id}", permRead, s.getPlan},
		{post, "/api/v1/plans/{id}/approve", permApprove, s.decidePlan(true)},
		{post, "/api/v1/plans/{id}/reject", permApprove, s.decidePlan(false)},
		{post, "/api/v1/plans/{id}/execute", permApprove, s.executePlan},
		{get, "/api/v1/audit", permRead, s.listAudit},
		{get, "/api/v1/scans", permRead, s.listScans},
		{get, "/api/v1/changes", permRead, s.listChanges},
		{get, "/api/v1/connectors", permRead, s.listConnectors},
		{get, "/api/v1/policies", permRead, s.listPolicies},
		{post, "/api/v1/policies/preview", permWrite, s.previewPolicies},
		{get, "/api/v1/export/identities", permRead, s.exportIdentities},
		{get, "/api/v1/export/findings", permRead, s.exportFindings},

		{get, "/api/v1/tokens", permSession, s.listTokens},
		{post, "/api/v1/tokens", permSession, s.createToken},
		{del, "/api/v1/tokens/{id}", permSession, s.revokeToken},
		{get, "/api/v1/users", permAdmin, s.listUsers},
		{post, "/api/v1/users", permAdmin, s.createUser},
	}
}
