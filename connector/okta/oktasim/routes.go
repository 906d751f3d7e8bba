package oktasim

import (
	"net/http"
	"strings"
)

// routes registers the endpoints.
func (s *Server) routes() {
	m := http.NewServeMux()
	m.HandleFunc("POST /oauth2/v1/token", s.handleToken)
	api := func(pattern, scope string, h http.HandlerFunc) { m.Handle(pattern, s.api(scope, h)) }
	api("GET /api/v1/users", ScopeUsersRead, s.listUsers)
	api("GET /api/v1/users/{id}", ScopeUsersRead, s.getUser)
	api("GET /api/v1/users/{id}/roles", ScopeRolesRead, s.listRoles)
	api("GET /api/v1/iam/assignees/users", ScopeRolesRead, s.listAssignees)
	api("GET /api/v1/users/{id}/grants", ScopeUsersRead, s.listUserGrants)
	api("DELETE /api/v1/users/{id}/grants/{grantId}", ScopeUsersManage, s.deleteUserGrant)
	api("DELETE /api/v1/users/{id}/clients/{clientId}/grants", ScopeUsersManage, s.deleteClientGrants)
	api("DELETE /api/v1/users/{id}/clients/{clientId}/tokens", ScopeUsersManage, s.deleteClientTokens)
	api("GET /api/v1/users/{id}/clients", ScopeUsersRead, s.listUserClients)
	api("GET /api/v1/users/{id}/clients/{clientId}/tokens", ScopeUsersRead, s.listClientTokens)
	api("GET /api/v1/api-tokens", ScopeAPITokensRead, s.listTokens)
	api("GET /api/v1/api-tokens/{id}", ScopeAPITokensRead, s.getToken)
	api("DELETE /api/v1/api-tokens/{id}", ScopeAPITokensManage, s.deleteToken)
	api("GET /api/v1/apps", ScopeAppsRead, s.listApps)
	api("GET /api/v1/apps/{id}", ScopeAppsRead, s.getApp)
	api("POST /api/v1/apps/{id}/lifecycle/deactivate", ScopeAppsManage, s.deactivateApp)
	api("GET /api/v1/apps/{id}/grants", ScopeAppGrantsRead, s.listAppGrants)
	api("DELETE /api/v1/apps/{id}/grants/{grantId}", ScopeAppGrantsManage, s.deleteAppGrant)
	api("GET /api/v1/apps/{id}/tokens", ScopeAppsRead, s.listAppTokens)
	api("GET /api/v1/logs", ScopeLogsRead, s.listLogs)
	s.mux = m
}

// api wraps an API handler: authentication (401 E0000011), the rate limit (429
// E0000047), the scope (403 E0000006), then Ignore faults for changes.
func (s *Server) api(scope string, h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, ok := s.authenticate(r)
		if !ok {
			s.writeError(w, http.StatusUnauthorized, "", "")
			return
		}
		if !s.throttle(w) {
			return
		}
		if !p.can(scope) {
			s.writeError(w, http.StatusForbidden, "", "")
			return
		}
		if r.Method != http.MethodGet && s.takeFault(r, true) != nil {
			if rec, ok := w.(*recorder); ok {
				rec.faulted = true
			}
			if strings.Contains(r.URL.Path, "/lifecycle/") {
				writeJSON(w, http.StatusOK, struct{}{})
				return
			}
			w.WriteHeader(http.StatusNoContent)
			return
		}
		h(w, r)
	})
}
