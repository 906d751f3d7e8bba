package entrasim

import (
	"net/http"
)

// patchSP answers PATCH /v1.0/servicePrincipals/{id}: the simulator applies accountEnabled
// and accepts (without keeping) other properties.
func (s *Server) patchSP(w http.ResponseWriter, r *http.Request, c caller) {
	var body struct {
		AccountEnabled *bool `json:"accountEnabled"`
	}
	if err := readBody(r, &body); err != nil {
		s.fail(w, r, badBody())
		return
	}
	id := r.PathValue("id")
	var err error
	if body.AccountEnabled != nil {
		err = s.setEnabled(id, *body.AccountEnabled, actorApp(c))
	} else if !s.spExists(id) {
		err = errNoSP
	}
	if err != nil {
		s.fail(w, r, notFound(id))
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// spExists reports whether service principal id is live.
func (s *Server) spExists(id string) bool {
	s.w.mu.RLock()
	defer s.w.mu.RUnlock()
	_, _, ok := s.w.sp(id)
	return ok
}

// removeAppPassword answers POST /v1.0/applications/{id}/removePassword {"keyId":"..."}.
func (s *Server) removeAppPassword(w http.ResponseWriter, r *http.Request, c caller) {
	s.removePasswordCall(w, r, c, false)
}

// removeSPPassword answers POST /v1.0/servicePrincipals/{id}/removePassword {"keyId":"..."}.
func (s *Server) removeSPPassword(w http.ResponseWriter, r *http.Request, c caller) {
	s.removePasswordCall(w, r, c, true)
}

// removePasswordCall removes the client secret the body names: 204, or 404 when the object
// or the secret is not there.
func (s *Server) removePasswordCall(w http.ResponseWriter, r *http.Request, c caller, sp bool) {
	var body struct {
		KeyID string `json:"keyId"`
	}
	if err := readBody(r, &body); err != nil {
		s.fail(w, r, badBody())
		return
	}
	if body.KeyID == "" {
		s.fail(w, r, badRequest("Request_BadRequest", "Invalid value specified for property 'keyId' of resource 'PasswordCredential'."))
		return
	}
	id := r.PathValue("id")
	switch err := s.removePassword(id, body.KeyID, sp, actorApp(c)); err {
	case nil:
		w.WriteHeader(http.StatusNoContent)
	case errNoSP:
		s.fail(w, r, notFound(id))
	default:
		s.fail(w, r, notFound(body.KeyID))
	}
}
