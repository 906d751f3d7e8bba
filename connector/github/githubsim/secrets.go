package githubsim

import (
	"net/http"

	"github.com/nhiscope/nhi/estate"
)

// secretJSON is an Actions secret's metadata; GitHub never returns the value.
type secretJSON struct {
	Name                    string `json:"name"`
	CreatedAt               any    `json:"created_at"`
	UpdatedAt               any    `json:"updated_at"`
	Visibility              string `json:"visibility,omitempty"`
	SelectedRepositoriesURL string `json:"selected_repositories_url,omitempty"`
}

// secretsPage answers a page of secrets in {"total_count","secrets"}.
func (s *Server) secretsPage(w http.ResponseWriter, r *http.Request, list []int32) {
	p := s.pageOf(r)
	lo, hi := p.bounds(len(list))
	base := baseURL(r)
	out := make([]secretJSON, 0, hi-lo)
	for _, i := range list[lo:hi] {
		out = append(out, s.w.secretOf(&s.w.gh.Secrets[i], base))
	}
	setLinks(w, r, p, len(list))
	writeJSON(w, http.StatusOK, struct {
		Total   int          `json:"total_count"`
		Secrets []secretJSON `json:"secrets"`
	}{len(list), out})
}

// secretOf renders a secret: organization secrets carry their visibility.
func (w *world) secretOf(sec *estate.GHSecret, base string) secretJSON {
	j := secretJSON{Name: sec.Name, CreatedAt: ts(sec.CreatedAt), UpdatedAt: ts(sec.UpdatedAt)}
	if sec.Repo < 0 {
		j.Visibility = sec.Visibility
		if j.Visibility == "selected" {
			j.SelectedRepositoriesURL = base + "/orgs/" + w.gh.Orgs[sec.Org].Login + "/actions/secrets/" + sec.Name + "/repositories"
		}
	}
	return j
}

// listOrgSecrets answers GET /orgs/{org}/actions/secrets.
func (s *Server) listOrgSecrets(w http.ResponseWriter, r *http.Request, c caller) {
	s.secretsPage(w, r, s.w.secrets[c.org])
}

// listRepoSecrets answers GET /repos/{owner}/{repo}/actions/secrets.
func (s *Server) listRepoSecrets(w http.ResponseWriter, r *http.Request, c caller) {
	s.secretsPage(w, r, s.w.repoSec[c.repo])
}
