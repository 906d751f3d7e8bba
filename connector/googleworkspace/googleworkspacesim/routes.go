package googleworkspacesim

import (
	"net/http"
	"strings"
)

// The APIs, each with its own quota.
const (
	apiDirectory = iota
	apiReports
)

// apiName names an API in quota messages.
func apiName(api int) string {
	if api == apiReports {
		return "reports"
	}
	return "directory"
}

// caller is the authenticated principal of an API request.
type caller struct {
	subject int32 // the impersonated admin
	scopes  scopeSet
}

// apiHandler is an endpoint of the Admin SDK.
type apiHandler func(w http.ResponseWriter, r *http.Request, c caller)

// routes registers the endpoints, at Google's production paths.
func (s *Server) routes() {
	m := http.NewServeMux()
	const users = "/admin/directory/v1/users"
	const tokens = users + "/{userKey}/tokens"
	m.HandleFunc("POST "+tokenPath, s.handleToken)
	m.Handle("GET "+users, s.api(apiDirectory, bitUserReadonly|bitUser, "directory.users.list", s.listUsers))
	m.Handle("GET "+tokens, s.api(apiDirectory, bitUserSecurity, "directory.tokens.list", s.listTokens))
	m.Handle("GET "+tokens+"/{clientId}", s.api(apiDirectory, bitUserSecurity, "directory.tokens.get", s.getToken))
	m.Handle("DELETE "+tokens+"/{clientId}", s.api(apiDirectory, bitUserSecurity, "directory.tokens.delete", s.deleteToken))
	m.Handle("GET /admin/reports/v1/activity/users/{userKey}/applications/{applicationName}",
		s.api(apiReports, bitAuditReadonly, "reports.activities.list", s.listActivities))
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, apiError{Code: http.StatusNotFound, Message: "Not Found", Reason: "notFound"})
	})
	s.mux = m
}

// api wraps an endpoint with authentication (a bearer token the simulator issued, with one
// of the scopes in need) and the API's quota.
func (s *Server) api(api int, need scopeSet, method string, h apiHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		now := s.clock()
		raw, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || raw == "" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="https://accounts.google.com/"`)
			writeError(w, missingCredentials())
			return
		}
		tok, ok := s.auth.lookup(strings.TrimSpace(raw), now)
		if !ok {
			w.Header().Set("WWW-Authenticate", `Bearer realm="https://accounts.google.com/", error="invalid_token"`)
			writeError(w, badCredentials())
			return
		}
		if tok.scopes&need == 0 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="https://accounts.google.com/", error="insufficient_scope"`)
			writeError(w, scopeInsufficient(method))
			return
		}
		if !s.quotas[api].take(now) {
			if rec, ok := w.(*recorder); ok {
				rec.throttled = true
			}
			status := s.opts.ThrottleStatus
			writeError(w, throttled(status, apiName(api), s.opts.QuotaPerMinute))
			return
		}
		h(w, r, caller{subject: tok.subject, scopes: tok.scopes})
	})
}
