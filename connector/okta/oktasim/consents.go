package oktasim

import (
	"net/http"
	"slices"
)

// consentChange applies change to the consents of the user {id} (w.mu held for writing);
// it answers 404 for an unknown user or when change reports false, else 204.
func (s *Server) consentChange(w http.ResponseWriter, r *http.Request, kind string, change func(u int, cs []*consent) ([]*consent, bool)) {
	s.w.mu.Lock()
	u, ok := s.w.userIdx[r.PathValue("id")]
	if ok {
		var cs []*consent
		cs, ok = change(u, s.w.consents[u])
		s.w.consents[u] = cs
	}
	s.w.mu.Unlock()
	if !ok {
		s.notFound(w, r.PathValue("id"), kind)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// deleteUserGrant is DELETE /api/v1/users/{id}/grants/{grantId}: revokes one scope of a
// consent; a consent with no scope left goes, refresh token and all.
func (s *Server) deleteUserGrant(w http.ResponseWriter, r *http.Request) {
	gid := r.PathValue("grantId")
	s.consentChange(w, r, "OAuth2ScopeConsentGrant", func(u int, cs []*consent) ([]*consent, bool) {
		for k, c := range cs {
			i := slices.IndexFunc(c.scopes, func(g scopeGrant) bool { return g.id == gid })
			if i < 0 {
				continue
			}
			s.w.log(s.now(), "app.oauth2.as.consent.revoke", s.opts.ClientID, "PublicClientApp", c.clientID, "AppInstance", "", c.scopes[i].scope)
			c.scopes = slices.Delete(slices.Clone(c.scopes), i, i+1)
			if len(c.scopes) == 0 {
				cs = slices.Delete(cs, k, k+1)
			}
			return cs, true
		}
		return cs, false
	})
}

// deleteClientGrants is DELETE /api/v1/users/{id}/clients/{clientId}/grants: revokes the
// user's consent to the client, with its refresh token.
func (s *Server) deleteClientGrants(w http.ResponseWriter, r *http.Request) {
	client := r.PathValue("clientId")
	s.consentChange(w, r, "User", func(u int, cs []*consent) ([]*consent, bool) {
		return slices.DeleteFunc(cs, func(c *consent) bool {
			if c.clientID == client {
				s.w.log(s.now(), "app.oauth2.as.consent.revoke", s.opts.ClientID, "PublicClientApp", client, "AppInstance", "", "")
			}
			return c.clientID == client
		}), true
	})
}

// deleteClientTokens is DELETE /api/v1/users/{id}/clients/{clientId}/tokens: revokes the
// user's refresh tokens for the client.
func (s *Server) deleteClientTokens(w http.ResponseWriter, r *http.Request) {
	client := r.PathValue("clientId")
	s.consentChange(w, r, "User", func(u int, cs []*consent) ([]*consent, bool) {
		for _, c := range cs {
			if c.clientID == client && c.tokenID != "" {
				c.tokenID = ""
				s.w.log(s.now(), "app.oauth2.as.token.revoke", s.opts.ClientID, "PublicClientApp", client, "AppInstance", "", "")
			}
		}
		return cs, true
	})
}
