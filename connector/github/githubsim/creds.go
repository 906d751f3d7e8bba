package githubsim

import (
	"net/http"
	"strconv"

	"github.com/nhiscope/nhi/estate"
)

// credJSON is a SAML SSO credential authorization; the fields of other credential types
// are left out, as GitHub does.
type credJSON struct {
	Login                  string   `json:"login"`
	CredentialID           int64    `json:"credential_id"`
	CredentialType         string   `json:"credential_type"`
	TokenLastEight         string   `json:"token_last_eight,omitempty"`
	CredentialAuthorizedAt any      `json:"credential_authorized_at"`
	CredentialAccessedAt   any      `json:"credential_accessed_at"`
	AuthorizedCredentialID int64    `json:"authorized_credential_id"`
	Scopes                 []string `json:"scopes,omitempty"`
	Fingerprint            string   `json:"fingerprint,omitempty"`
	Title                  string   `json:"authorized_credential_title,omitempty"`
	Note                   *string  `json:"authorized_credential_note,omitempty"`
	ExpiresAt              *any     `json:"authorized_credential_expires_at,omitempty"`
	ApplicationName        string   `json:"application_name,omitempty"`
	ApplicationClientID    string   `json:"application_client_id,omitempty"`
}

// credOf renders a credential authorization.
func (w *world) credOf(c *estate.GHCredential) credJSON {
	j := credJSON{Login: w.login(c.User), CredentialID: c.ID, CredentialType: c.Type,
		CredentialAuthorizedAt: ts(c.AuthorizedAt), CredentialAccessedAt: ts(c.AccessedAt),
		AuthorizedCredentialID: c.AuthorizedCredentialID}
	switch c.Type {
	case estate.GHCredentialSSH:
		j.Fingerprint, j.Title = c.Fingerprint, c.Title
	default:
		j.TokenLastEight, j.Scopes = c.LastEight, append([]string{}, c.Scopes...)
		exp := ts(c.ExpiresAt)
		j.ExpiresAt = &exp
		if c.Type == estate.GHCredentialOAuth {
			j.ApplicationName, j.ApplicationClientID = c.Application, c.ApplicationClientID
		} else {
			note := c.Note
			j.Note = &note
		}
	}
	return j
}

// listCredentials answers GET /orgs/{org}/credential-authorizations?login=: the owner's
// PAT only.
func (s *Server) listCredentials(w http.ResponseWriter, r *http.Request, c caller) {
	login := lower(r.URL.Query().Get("login"))
	s.w.mu.RLock()
	defer s.w.mu.RUnlock()
	var pick []*cred
	for _, cr := range s.w.creds {
		if cr.c.Org == c.org && !cr.gone && (login == "" || lower(s.w.login(cr.c.User)) == login) {
			pick = append(pick, cr)
		}
	}
	p := s.pageOf(r)
	lo, hi := p.bounds(len(pick))
	out := make([]credJSON, 0, hi-lo)
	for _, cr := range pick[lo:hi] {
		out = append(out, s.w.credOf(&cr.c))
	}
	setLinks(w, r, p, len(pick))
	writeJSON(w, http.StatusOK, out)
}

// deleteCredential answers DELETE /orgs/{org}/credential-authorizations/{credential_id}:
// 204, the authorization is gone and audited as org_credential_authorization.revoke.
func (s *Server) deleteCredential(w http.ResponseWriter, r *http.Request, c caller) {
	id, err := strconv.ParseInt(r.PathValue("credential_id"), 10, 64)
	now := s.now()
	s.w.mu.Lock()
	defer s.w.mu.Unlock()
	i, ok := s.w.credIdx[id]
	if err != nil || !ok || s.w.creds[i].gone || s.w.creds[i].c.Org != c.org {
		writeError(w, notFound())
		return
	}
	cr := s.w.creds[i]
	if !c.ignore {
		cr.gone = true
		fields := map[string]any{"credential_id": cr.c.ID, "credential_type": cr.c.Type}
		if cr.c.Fingerprint != "" {
			fields["fingerprint"] = cr.c.Fingerprint
		}
		s.w.audit(c.org, "org_credential_authorization.revoke", c.user, cr.c.User, now, fields)
	}
	noContent(w)
}
