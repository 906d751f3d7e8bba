package githubsim

import (
	"net/http"
	"slices"
)

// getOrg answers GET /orgs/{org}.
func (s *Server) getOrg(w http.ResponseWriter, r *http.Request, c caller) {
	o := &s.w.gh.Orgs[c.org]
	base := baseURL(r)
	public := 0
	for _, rp := range s.w.repos[c.org] {
		if !s.w.gh.Repos[rp].Private {
			public++
		}
	}
	writeJSON(w, http.StatusOK, orgJSON{Login: o.Login, ID: o.ID, NodeID: nodeID("O", o.ID), URL: base + "/orgs/" + o.Login,
		ReposURL: base + "/orgs/" + o.Login + "/repos", HooksURL: base + "/orgs/" + o.Login + "/hooks",
		MembersURL: base + "/orgs/" + o.Login + "/members{/member}", Name: o.Name, HTMLURL: webHost + "/" + o.Login,
		Type: "Organization", CreatedAt: ts(o.CreatedAt), UpdatedAt: ts(o.CreatedAt), PublicRepos: public})
}

// listMembers answers GET /orgs/{org}/members?role=all|admin|member.
func (s *Server) listMembers(w http.ResponseWriter, r *http.Request, c caller) {
	role := r.URL.Query().Get("role")
	if role != "" && role != "all" && role != "admin" && role != "member" {
		writeError(w, invalid("Member", "role", "role must be one of all, admin, member"))
		return
	}
	var pick []int32
	for _, m := range s.w.members[c.org] {
		if role == "" || role == "all" || s.w.gh.Members[m].Role == role {
			pick = append(pick, s.w.gh.Members[m].User)
		}
	}
	p := s.pageOf(r)
	lo, hi := p.bounds(len(pick))
	base := baseURL(r)
	out := make([]*simpleUser, 0, hi-lo)
	for _, u := range pick[lo:hi] {
		out = append(out, s.w.userOf(u, base))
	}
	setLinks(w, r, p, len(pick))
	writeJSON(w, http.StatusOK, out)
}

// listRepos answers GET /orgs/{org}/repos?type=all|public|private|forks|sources|member
// (the estate has no forks): for an installation of selected repositories, only those.
func (s *Server) listRepos(w http.ResponseWriter, r *http.Request, c caller) {
	typ := r.URL.Query().Get("type")
	if !slices.Contains([]string{"", "all", "public", "private", "forks", "sources", "member"}, typ) {
		writeError(w, invalid("Repository", "type", "type must be one of all, public, private, forks, sources, member"))
		return
	}
	var pick []int32
	s.w.mu.RLock()
	for _, rp := range s.w.repos[c.org] {
		repo := &s.w.gh.Repos[rp]
		if (typ == "public" && repo.Private) || (typ == "private" && !repo.Private) || typ == "forks" {
			continue
		}
		if c.kind == kindInst && !c.inst.in.All && !slices.Contains(c.inst.in.Repos, rp) {
			continue
		}
		pick = append(pick, rp)
	}
	s.w.mu.RUnlock()
	p := s.pageOf(r)
	lo, hi := p.bounds(len(pick))
	base := baseURL(r)
	out := make([]repoJSON, 0, hi-lo)
	for _, rp := range pick[lo:hi] {
		out = append(out, s.w.repoOf(rp, base))
	}
	setLinks(w, r, p, len(pick))
	writeJSON(w, http.StatusOK, out)
}
