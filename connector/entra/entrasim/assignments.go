package entrasim

import (
	"net/http"
	"strings"
)

// listAssignments answers GET /v1.0/servicePrincipals/{id}/appRoleAssignments: the app
// roles (application permissions) granted to the service principal.
func (s *Server) listAssignments(w http.ResponseWriter, r *http.Request, _ caller) {
	s.assignments(w, r, "appRoleAssignments", func(a *assignState, sp int32) bool { return a.principal == sp })
}

// listAssignedTo answers GET /v1.0/servicePrincipals/{id}/appRoleAssignedTo: the app roles
// of the service principal granted to others.
func (s *Server) listAssignedTo(w http.ResponseWriter, r *http.Request, _ caller) {
	s.assignments(w, r, "appRoleAssignedTo", func(a *assignState, sp int32) bool { return a.resource == sp })
}

// assignments lists the live app role assignments of the service principal in the path
// that mine selects.
func (s *Server) assignments(w http.ResponseWriter, r *http.Request, nav string, mine func(*assignState, int32) bool) {
	res := s.res.assign
	q, gerr := parseQuery(r, res, optSelect|optTop|optSkip)
	if gerr != nil {
		s.fail(w, r, *gerr)
		return
	}
	id := r.PathValue("id")
	wd := s.w
	wd.mu.RLock()
	defer wd.mu.RUnlock()
	spi, _, ok := wd.sp(id)
	if !ok {
		s.fail(w, r, notFound(id))
		return
	}
	body, gerr := s.page(r, res, "servicePrincipals('"+id+"')/"+nav, q, source{n: len(wd.assigns),
		skip:   func(i int) bool { return wd.assigns[i].removed || !mine(wd.assigns[i], spi) },
		fields: func(i int) []kv { return wd.assignFields(wd.assigns[i]) }})
	s.respond(w, r, body, gerr)
}

// deleteAssignment answers DELETE /v1.0/servicePrincipals/{id}/appRoleAssignments/{assignmentId}
// (id is the principal) and .../appRoleAssignedTo/{assignmentId} (id is the resource).
func (s *Server) deleteAssignment(w http.ResponseWriter, r *http.Request, c caller) {
	id, aid := r.PathValue("id"), r.PathValue("assignmentId")
	err := s.removeAssignment(id, aid, isAssignedToPattern(r.Pattern), actorApp(c))
	switch err {
	case nil:
		w.WriteHeader(http.StatusNoContent)
	case errNoSP:
		s.fail(w, r, notFound(id))
	default:
		s.fail(w, r, notFound(aid))
	}
}

// isAssignedToPattern reports whether a route pattern is the appRoleAssignedTo one.
func isAssignedToPattern(p string) bool {
	return strings.HasSuffix(p, "/appRoleAssignedTo/{assignmentId}")
}
