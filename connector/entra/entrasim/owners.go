package entrasim

import (
	"net/http"
)

// appOwners answers GET /v1.0/applications/{id}/owners.
func (s *Server) appOwners(w http.ResponseWriter, r *http.Request, _ caller) {
	s.owners(w, r, func() ([]int32, bool) {
		_, a, ok := s.w.app(r.PathValue("id"))
		if !ok {
			return nil, false
		}
		return a.app.Owners, true
	})
}

// spOwners answers GET /v1.0/servicePrincipals/{id}/owners.
func (s *Server) spOwners(w http.ResponseWriter, r *http.Request, _ caller) {
	s.owners(w, r, func() ([]int32, bool) {
		_, sp, ok := s.w.sp(r.PathValue("id"))
		if !ok {
			return nil, false
		}
		return sp.sp.Owners, true
	})
}

// owners lists the owners (users) that find returns under the read lock, as Graph lists
// directoryObjects: each with its @odata.type.
func (s *Server) owners(w http.ResponseWriter, r *http.Request, find func() ([]int32, bool)) {
	res := s.res.user
	q, gerr := parseQuery(r, res, optSelect|optTop|optSkip)
	if gerr != nil {
		s.fail(w, r, *gerr)
		return
	}
	wd := s.w
	wd.mu.RLock()
	owners, ok := find()
	var body []byte
	if ok {
		body, gerr = s.page(r, res, "directoryObjects", q, source{n: len(owners),
			fields: func(i int) []kv { return wd.userFields(owners[i]) },
			extra:  func(int) []kv { return []kv{{"@odata.type", "#microsoft.graph.user"}} }})
	}
	wd.mu.RUnlock()
	if !ok {
		s.fail(w, r, notFound(r.PathValue("id")))
		return
	}
	s.respond(w, r, body, gerr)
}

// listUsers answers GET /v1.0/users: the tenant's accounts. A departed person's account
// is deleted, so absent.
func (s *Server) listUsers(w http.ResponseWriter, r *http.Request, _ caller) {
	res := s.res.user
	q, gerr := parseQuery(r, res, listOpts)
	if gerr != nil {
		s.fail(w, r, *gerr)
		return
	}
	wd := s.w
	body, gerr := s.page(r, res, res.set, q, source{n: len(wd.users),
		prop:   func(i int, name string) any { return propOf(wd.userFields(int32(i)), name) },
		fields: func(i int) []kv { return wd.userFields(int32(i)) }})
	s.respond(w, r, body, gerr)
}
