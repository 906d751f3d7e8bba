package oktasim

import (
	"net/http"
)

// clientJSON is a client a user holds grants or tokens for.
type clientJSON struct {
	ClientID   string          `json:"client_id"`
	ClientName string          `json:"client_name"`
	Links      map[string]link `json:"_links"`
}

// listUserClients is GET /api/v1/users/{id}/clients: the clients the user consented to.
func (s *Server) listUserClients(w http.ResponseWriter, r *http.Request) {
	s.w.mu.RLock()
	i, ok := s.w.userIdx[r.PathValue("id")]
	out := []clientJSON{}
	if ok {
		for _, c := range s.w.consents[i] {
			name := c.clientID
			if a, found := s.w.app(c.clientID); found {
				name = a.Label
			}
			out = append(out, clientJSON{ClientID: c.clientID, ClientName: name, Links: map[string]link{
				"grants": {Href: s.w.issuer + "/api/v1/users/" + s.w.users[i].id + "/clients/" + c.clientID + "/grants"},
				"tokens": {Href: s.w.issuer + "/api/v1/users/" + s.w.users[i].id + "/clients/" + c.clientID + "/tokens"}}})
		}
	}
	s.w.mu.RUnlock()
	if !ok {
		s.notFound(w, r.PathValue("id"), "User")
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// listClientTokens is GET /api/v1/users/{id}/clients/{clientId}/tokens: the user's
// refresh tokens for the client.
func (s *Server) listClientTokens(w http.ResponseWriter, r *http.Request) {
	s.w.mu.RLock()
	i, ok := s.w.userIdx[r.PathValue("id")]
	out := []refreshJSON{}
	if ok {
		for _, c := range s.w.consents[i] {
			if c.clientID != r.PathValue("clientId") || c.tokenID == "" {
				continue
			}
			scopes := make([]string, len(c.scopes))
			for k, g := range c.scopes {
				scopes[k] = g.scope
			}
			out = append(out, refreshJSON{ID: c.tokenID, Status: "ACTIVE", Created: ts(c.created), LastUpdated: ts(c.tokenUpdated),
				Issuer: s.w.issuer, ClientID: c.clientID, UserID: s.w.users[i].id, Scopes: scopes})
		}
	}
	s.w.mu.RUnlock()
	if !ok {
		s.notFound(w, r.PathValue("id"), "User")
		return
	}
	page(s, w, r, out, func(t refreshJSON) string { return t.ID }, 20, 200)
}
