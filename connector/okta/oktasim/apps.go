package oktasim

import (
	"net/http"
	"regexp"
)

// appStatusFilter matches the one apps filter the simulator takes.
var appStatusFilter = regexp.MustCompile(`^status eq "(ACTIVE|INACTIVE)"$`)

// listApps is GET /api/v1/apps, optionally filtered by status.
func (s *Server) listApps(w http.ResponseWriter, r *http.Request) {
	want := ""
	if f := r.URL.Query().Get("filter"); f != "" {
		m := appStatusFilter.FindStringSubmatch(f)
		if m == nil {
			s.writeError(w, http.StatusBadRequest, "E0000031", "Invalid search criteria.")
			return
		}
		want = m[1]
	}
	s.w.mu.RLock()
	out := make([]appJSON, 0, len(s.w.apps))
	for _, a := range s.w.apps {
		if want == "" || a.Status == want {
			out = append(out, s.appOf(a))
		}
	}
	s.w.mu.RUnlock()
	page(s, w, r, out, func(a appJSON) string { return a.ID }, 20, 200)
}

// getApp is GET /api/v1/apps/{id}.
func (s *Server) getApp(w http.ResponseWriter, r *http.Request) {
	s.w.mu.RLock()
	defer s.w.mu.RUnlock()
	a, ok := s.w.app(r.PathValue("id"))
	if !ok {
		s.notFound(w, r.PathValue("id"), "AppInstance")
		return
	}
	writeJSON(w, http.StatusOK, s.appOf(a))
}

// deactivateApp is POST /api/v1/apps/{id}/lifecycle/deactivate: 200 {}; the app's
// clients can get no more tokens.
func (s *Server) deactivateApp(w http.ResponseWriter, r *http.Request) {
	s.w.mu.Lock()
	a, ok := s.w.app(r.PathValue("id"))
	if ok && a.Status != "INACTIVE" {
		a.Status, a.LastUpdated = "INACTIVE", s.now()
		s.w.log(s.now(), "application.lifecycle.deactivate", s.opts.ClientID, "PublicClientApp", a.ID, "AppInstance", a.Label, "")
	}
	s.w.mu.Unlock()
	if !ok {
		s.notFound(w, r.PathValue("id"), "AppInstance")
		return
	}
	writeJSON(w, http.StatusOK, struct{}{})
}

// listAppGrants is GET /api/v1/apps/{id}/grants: the okta.* scopes granted to the app.
func (s *Server) listAppGrants(w http.ResponseWriter, r *http.Request) {
	s.w.mu.RLock()
	a, ok := s.w.app(r.PathValue("id"))
	if !ok {
		s.w.mu.RUnlock()
		s.notFound(w, r.PathValue("id"), "AppInstance")
		return
	}
	out := make([]grantJSON, 0, len(a.grants))
	for _, g := range a.grants {
		out = append(out, grantJSON{ID: g.id, Status: "ACTIVE", Created: ts(g.created),
			CreatedBy: map[string]any{"id": g.createdBy, "type": "User"}, LastUpdated: ts(g.created),
			Issuer: s.w.issuer, ClientID: a.ID, ScopeID: g.scope, Source: "ADMIN"})
	}
	s.w.mu.RUnlock()
	page(s, w, r, out, func(g grantJSON) string { return g.ID }, 20, 200)
}

// deleteAppGrant is DELETE /api/v1/apps/{id}/grants/{grantId}: 204.
func (s *Server) deleteAppGrant(w http.ResponseWriter, r *http.Request) {
	s.w.mu.Lock()
	a, ok := s.w.app(r.PathValue("id"))
	found := false
	if ok {
		for i, g := range a.grants {
			if g.id == r.PathValue("grantId") {
				a.grants = append(a.grants[:i:i], a.grants[i+1:]...)
				s.w.log(s.now(), "app.oauth2.scope.revoke", s.opts.ClientID, "PublicClientApp", a.ID, "AppInstance", a.Label, g.scope)
				found = true
				break
			}
		}
	}
	s.w.mu.Unlock()
	if !found {
		s.notFound(w, r.PathValue("grantId"), "OAuth2ScopeConsentGrant")
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// listAppTokens is GET /api/v1/apps/{id}/tokens: the refresh tokens people hold for the
// app.
func (s *Server) listAppTokens(w http.ResponseWriter, r *http.Request) {
	s.w.mu.RLock()
	a, ok := s.w.app(r.PathValue("id"))
	if !ok {
		s.w.mu.RUnlock()
		s.notFound(w, r.PathValue("id"), "AppInstance")
		return
	}
	out := []refreshJSON{}
	for u, cs := range s.w.consents {
		for _, c := range cs {
			if c.clientID != a.ID || c.tokenID == "" {
				continue
			}
			scopes := make([]string, len(c.scopes))
			for k, g := range c.scopes {
				scopes[k] = g.scope
			}
			out = append(out, refreshJSON{ID: c.tokenID, Status: "ACTIVE", Created: ts(c.created),
				LastUpdated: ts(c.tokenUpdated), Issuer: s.w.issuer, ClientID: a.ID, UserID: s.w.users[u].id, Scopes: scopes})
		}
	}
	s.w.mu.RUnlock()
	page(s, w, r, out, func(t refreshJSON) string { return t.ID }, 20, 200)
}
