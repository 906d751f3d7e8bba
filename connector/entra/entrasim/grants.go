package entrasim

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
)

// grantIndexKeys maps the grant properties with an index to their key prefix.
func grantIndexKey(prop string) string {
	switch prop {
	case "clientId":
		return "c"
	case "resourceId":
		return "r"
	case "principalId":
		return "p"
	}
	return ""
}

// listGrants answers GET /v1.0/oauth2PermissionGrants. A filter on clientId, resourceId or
// principalId reads that index rather than every grant.
func (s *Server) listGrants(w http.ResponseWriter, r *http.Request, _ caller) {
	res := s.res.grant
	q, gerr := parseQuery(r, res, listOpts)
	if gerr != nil {
		s.fail(w, r, *gerr)
		return
	}
	wd := s.w
	wd.mu.RLock()
	defer wd.mu.RUnlock()
	at := func(i int) *grantState { return wd.grants[i] }
	n := len(wd.grants)
	for _, c := range q.filter {
		if v, ok := c.val.(string); ok && grantIndexKey(c.prop) != "" {
			idx := wd.grantsBy[grantIndexKey(c.prop)+strings.ToLower(v)]
			at, n = func(i int) *grantState { return wd.grants[idx[i]] }, len(idx)
			break
		}
	}
	body, gerr := s.page(r, res, res.set, q, source{n: n,
		skip:   func(i int) bool { return at(i).removed },
		prop:   func(i int, name string) any { return wd.grantProp(at(i), name) },
		fields: func(i int) []kv { return wd.grantFields(at(i)) }})
	s.respond(w, r, body, gerr)
}

// grantProp returns a filterable property of a grant. w.mu is held.
func (w *world) grantProp(g *grantState, name string) any {
	switch name {
	case "id":
		return g.id
	case "clientId":
		return w.sps[g.client].sp.ObjectID
	case "resourceId":
		return w.sps[g.resource].sp.ObjectID
	case "consentType":
		return g.consentType
	case "principalId":
		if g.principal < 0 {
			return nil
		}
		return w.users[g.principal].ObjectID
	}
	return nil
}

// getGrant answers GET /v1.0/oauth2PermissionGrants/{id}.
func (s *Server) getGrant(w http.ResponseWriter, r *http.Request, _ caller) {
	s.getOne(w, r, s.res.grant, func() ([]kv, bool) {
		g, ok := s.w.grant(r.PathValue("id"))
		if !ok {
			return nil, false
		}
		return s.w.grantFields(g), true
	})
}

// deleteGrant answers DELETE /v1.0/oauth2PermissionGrants/{id}: the grant is gone, for
// every user it covered.
func (s *Server) deleteGrant(w http.ResponseWriter, r *http.Request, c caller) {
	id := r.PathValue("id")
	if err := s.removeGrant(id, actorApp(c)); err != nil {
		s.fail(w, r, notFound(id))
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// patchGrant answers PATCH /v1.0/oauth2PermissionGrants/{id} {"scope":"..."}: the grant's
// delegated permissions become the space-separated scope.
func (s *Server) patchGrant(w http.ResponseWriter, r *http.Request, c caller) {
	var body struct {
		Scope *string `json:"scope"`
	}
	if err := readBody(r, &body); err != nil {
		s.fail(w, r, badBody())
		return
	}
	id := r.PathValue("id")
	if body.Scope == nil {
		if s.grantExists(id) {
			w.WriteHeader(http.StatusNoContent)
		} else {
			s.fail(w, r, notFound(id))
		}
		return
	}
	if err := s.setGrantScopes(id, strings.Fields(*body.Scope), actorApp(c)); err != nil {
		s.fail(w, r, notFound(id))
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// grantExists reports whether grant id is live.
func (s *Server) grantExists(id string) bool {
	s.w.mu.RLock()
	defer s.w.mu.RUnlock()
	_, ok := s.w.grant(id)
	return ok
}

// readBody decodes a small JSON request body into v.
func readBody(r *http.Request, v any) error {
	b, err := io.ReadAll(io.LimitReader(r.Body, 64<<10))
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// badBody is Graph's answer to a request body it cannot read.
func badBody() graphError {
	return badRequest("BadRequest",
		"Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.")
}
