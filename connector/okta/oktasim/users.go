package oktasim

import (
	"net/http"
	"regexp"
)

// statusFilter matches the one users filter the simulator takes: status eq "X".
var statusFilter = regexp.MustCompile(`^status eq "(ACTIVE|SUSPENDED|DEPROVISIONED|STAGED|PROVISIONED|RECOVERY|LOCKED_OUT|PASSWORD_EXPIRED)"$`)

// listUsers is GET /api/v1/users: every user but DEPROVISIONED ones, or those of the
// status filter names.
func (s *Server) listUsers(w http.ResponseWriter, r *http.Request) {
	want := ""
	if f := r.URL.Query().Get("filter"); f != "" {
		m := statusFilter.FindStringSubmatch(f)
		if m == nil {
			s.writeError(w, http.StatusBadRequest, "E0000031", "Invalid search criteria.")
			return
		}
		want = m[1]
	}
	s.w.mu.RLock()
	var out []userJSON
	for i := range s.w.users {
		u := &s.w.users[i]
		if want == u.status || want == "" && u.status != "DEPROVISIONED" {
			out = append(out, s.userOf(u))
		}
	}
	s.w.mu.RUnlock()
	page(s, w, r, out, func(u userJSON) string { return u.ID }, 200, 200)
}

// getUser is GET /api/v1/users/{id}.
func (s *Server) getUser(w http.ResponseWriter, r *http.Request) {
	s.w.mu.RLock()
	defer s.w.mu.RUnlock()
	u, ok := s.w.user(r.PathValue("id"))
	if !ok {
		s.notFound(w, r.PathValue("id"), "User")
		return
	}
	writeJSON(w, http.StatusOK, s.userOf(u))
}

// listRoles is GET /api/v1/users/{id}/roles: the user's admin role assignments.
func (s *Server) listRoles(w http.ResponseWriter, r *http.Request) {
	s.w.mu.RLock()
	defer s.w.mu.RUnlock()
	u, ok := s.w.user(r.PathValue("id"))
	if !ok {
		s.notFound(w, r.PathValue("id"), "User")
		return
	}
	out := []roleJSON{}
	for _, role := range u.roles {
		out = append(out, roleJSON{ID: "ra" + u.id[3:] + role[:1], Label: roleLabels[role], Type: role, Status: "ACTIVE",
			Created: ts(u.person.CreatedAt), LastUpdated: ts(u.person.CreatedAt), AssignmentType: "USER"})
	}
	writeJSON(w, http.StatusOK, out)
}

// listUserGrants is GET /api/v1/users/{id}/grants: one grant per consented scope.
func (s *Server) listUserGrants(w http.ResponseWriter, r *http.Request) {
	s.w.mu.RLock()
	i, ok := s.w.userIdx[r.PathValue("id")]
	if !ok {
		s.w.mu.RUnlock()
		s.notFound(w, r.PathValue("id"), "User")
		return
	}
	out := []grantJSON{}
	uid := s.w.users[i].id
	for _, c := range s.w.consents[i] {
		for _, g := range c.scopes {
			out = append(out, grantJSON{ID: g.id, Status: "ACTIVE", Created: ts(c.created),
				CreatedBy: map[string]any{"id": uid, "type": "User"}, LastUpdated: ts(c.created), Issuer: s.w.issuer,
				ClientID: c.clientID, UserID: uid, ScopeID: g.scope, Source: "END_USER"})
		}
	}
	s.w.mu.RUnlock()
	page(s, w, r, out, func(g grantJSON) string { return g.ID }, 20, 200)
}
