package oktasim

import "net/http"

// listTokens is GET /api/v1/api-tokens.
func (s *Server) listTokens(w http.ResponseWriter, r *http.Request) {
	s.w.mu.RLock()
	out := make([]tokenJSON, 0, len(s.w.tokens))
	for _, t := range s.w.tokens {
		out = append(out, s.tokenOf(t))
	}
	s.w.mu.RUnlock()
	page(s, w, r, out, func(t tokenJSON) string { return t.ID }, 20, 200)
}

// getToken is GET /api/v1/api-tokens/{id}.
func (s *Server) getToken(w http.ResponseWriter, r *http.Request) {
	s.w.mu.RLock()
	defer s.w.mu.RUnlock()
	t, ok := s.w.tokens[r.PathValue("id")]
	if !ok {
		s.notFound(w, r.PathValue("id"), "ApiToken")
		return
	}
	writeJSON(w, http.StatusOK, s.tokenOf(t))
}

// deleteToken is DELETE /api/v1/api-tokens/{id}: revokes the token (204) and logs
// system.api_token.revoke.
func (s *Server) deleteToken(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	s.w.mu.Lock()
	t, ok := s.w.tokens[id]
	if ok {
		delete(s.w.tokens, id)
		s.w.log(s.now(), "system.api_token.revoke", s.opts.ClientID, "PublicClientApp", id, "Token", t.name, "")
	}
	s.w.mu.Unlock()
	if !ok {
		s.notFound(w, id, "ApiToken")
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
