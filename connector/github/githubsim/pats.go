package githubsim

import (
	"maps"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/nhiscope/nhi/estate"
)

// patJSON is a fine-grained token's grant, or (with Reason and CreatedAt) a request.
type patJSON struct {
	ID                  int64          `json:"id"`
	Reason              *string        `json:"reason,omitempty"`
	Owner               *simpleUser    `json:"owner"`
	RepositorySelection string         `json:"repository_selection"`
	RepositoriesURL     string         `json:"repositories_url"`
	Permissions         patPermissions `json:"permissions"`
	AccessGrantedAt     any            `json:"access_granted_at,omitempty"`
	CreatedAt           any            `json:"created_at,omitempty"`
	TokenID             int64          `json:"token_id"`
	TokenName           string         `json:"token_name"`
	TokenExpired        bool           `json:"token_expired"`
	TokenExpiresAt      any            `json:"token_expires_at"`
	TokenLastUsedAt     any            `json:"token_last_used_at"`
}

// patPermissions groups a token's permissions as GitHub does.
type patPermissions struct {
	Organization map[string]string `json:"organization"`
	Repository   map[string]string `json:"repository"`
	Other        map[string]string `json:"other"`
}

// patOf renders a grant (request false) or a request.
func (w *world) patOf(t *estate.GHToken, request bool, base string, now time.Time) patJSON {
	o := w.gh.Orgs[t.Org]
	kind := "personal-access-tokens"
	if request {
		kind = "personal-access-token-requests"
	}
	orDefault := func(m map[string]string) map[string]string {
		if m == nil {
			return map[string]string{}
		}
		return maps.Clone(m)
	}
	j := patJSON{ID: t.ID, Owner: w.userOf(t.Owner, base), RepositorySelection: t.Selection,
		RepositoriesURL: base + "/organizations/" + itoa(o.ID) + "/" + kind + "/" + itoa(t.ID) + "/repositories",
		Permissions: patPermissions{Organization: orDefault(t.OrgPermissions), Repository: orDefault(t.RepoPermissions),
			Other: map[string]string{}},
		TokenID: t.TokenID, TokenName: t.Name, TokenExpired: !t.ExpiresAt.IsZero() && !now.Before(t.ExpiresAt),
		TokenExpiresAt: ts(t.ExpiresAt), TokenLastUsedAt: ts(t.LastUsedAt)}
	if request {
		reason := t.Reason
		j.Reason, j.CreatedAt = &reason, ts(t.GrantedAt)
	} else {
		j.AccessGrantedAt = ts(t.GrantedAt)
	}
	return j
}

// patFilter is the query of the token listings.
type patFilter struct {
	owners   []string
	tokenIDs []int64
	before   time.Time // last_used_before
	after    time.Time // last_used_after
	// repo is the repository the token must reach (-1 for any); perm a permission it
	// must hold, organization or repository.
	repo int32
	perm string
	desc bool
}

// parsePATFilter reads owner[], token_id[], last_used_before, last_used_after,
// repository, permission, sort (created_at only) and direction.
func (s *Server) parsePATFilter(r *http.Request, org int32) (patFilter, *apiError) {
	q := r.URL.Query()
	f := patFilter{desc: q.Get("direction") != "asc", repo: -1, perm: q.Get("permission")}
	bad := func(field, msg string) (patFilter, *apiError) {
		e := invalid("PersonalAccessToken", field, msg)
		return patFilter{}, &e
	}
	if d := q.Get("direction"); d != "" && d != "asc" && d != "desc" {
		return bad("direction", "direction must be asc or desc")
	}
	if s := q.Get("sort"); s != "" && s != "created_at" {
		return bad("sort", "sort must be created_at")
	}
	if name := q.Get("repository"); name != "" {
		rp, ok := s.w.repo(s.w.gh.Orgs[org].Login, name)
		if !ok {
			return bad("repository", "repository "+name+" does not exist in the organization")
		}
		f.repo = rp
	}
	for _, o := range queryValues(q, "owner") {
		f.owners = append(f.owners, lower(o))
	}
	for _, v := range queryValues(q, "token_id") {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return bad("token_id", "token_id must be an integer")
		}
		f.tokenIDs = append(f.tokenIDs, id)
	}
	for _, tf := range []struct {
		name string
		dst  *time.Time
	}{{"last_used_before", &f.before}, {"last_used_after", &f.after}} {
		if v := q.Get(tf.name); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				return bad(tf.name, tf.name+" must be an ISO 8601 timestamp")
			}
			*tf.dst = t
		}
	}
	return f, nil
}

// match reports whether a token passes the filter.
func (f *patFilter) match(w *world, t *estate.GHToken) bool {
	if len(f.owners) > 0 && !slices.Contains(f.owners, lower(w.login(t.Owner))) {
		return false
	}
	if len(f.tokenIDs) > 0 && !slices.Contains(f.tokenIDs, t.TokenID) {
		return false
	}
	if !f.before.IsZero() && (t.LastUsedAt.IsZero() || !t.LastUsedAt.Before(f.before)) {
		return false
	}
	if f.repo >= 0 && t.Selection != "all" && !slices.Contains(t.Repos, f.repo) {
		return false
	}
	if f.perm != "" && t.OrgPermissions[f.perm] == "" && t.RepoPermissions[f.perm] == "" {
		return false
	}
	return f.after.IsZero() || t.LastUsedAt.After(f.after)
}

// listGrants answers a listing of grants or requests of c's organization.
func (s *Server) listGrants(w http.ResponseWriter, r *http.Request, c caller, request bool) {
	f, e := s.parsePATFilter(r, c.org)
	if e != nil {
		writeError(w, *e)
		return
	}
	now := s.now()
	s.w.mu.RLock()
	defer s.w.mu.RUnlock()
	list, order := s.w.tokens, s.w.tokOrder[c.org]
	if request {
		list, order = s.w.requests, s.w.reqOrder[c.org]
	}
	p := s.pageOf(r)
	lo, hi := p.bounds(len(order))
	base := baseURL(r)
	out := make([]patJSON, 0, hi-lo)
	total := 0
	for k := range order {
		if f.desc {
			k = len(order) - 1 - k
		}
		g := list[order[k]]
		if g.gone || !f.match(s.w, &g.t) {
			continue
		}
		if total >= lo && total < hi {
			out = append(out, s.w.patOf(&g.t, request, base, now))
		}
		total++
	}
	setLinks(w, r, p, total)
	writeJSON(w, http.StatusOK, out)
}

// listTokens answers GET /orgs/{org}/personal-access-tokens.
func (s *Server) listTokens(w http.ResponseWriter, r *http.Request, c caller) {
	s.listGrants(w, r, c, false)
}

// listRequests answers GET /orgs/{org}/personal-access-token-requests.
func (s *Server) listRequests(w http.ResponseWriter, r *http.Request, c caller) {
	s.listGrants(w, r, c, true)
}

// listTokenRepos answers GET /orgs/{org}/personal-access-tokens/{pat_id}/repositories:
// the repositories of a grant of selected repositories (all of them for "all").
func (s *Server) listTokenRepos(w http.ResponseWriter, r *http.Request, c caller) {
	s.w.mu.RLock()
	g := s.w.grantByPath(r.PathValue("pat_id"), c.org, false)
	var pick []int32
	if g != nil {
		switch g.t.Selection {
		case "all":
			pick = s.w.repos[c.org]
		case "subset":
			pick = g.t.Repos
		}
	}
	s.w.mu.RUnlock()
	if g == nil {
		writeError(w, notFound())
		return
	}
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

// grantByPath returns the live grant (or request) with the given ID in org, or nil.
// w.mu is held.
func (w *world) grantByPath(v string, org int32, request bool) *grant {
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return nil
	}
	list, idx := w.tokens, w.tokIdx
	if request {
		list, idx = w.requests, w.reqIdx
	}
	i, ok := idx[id]
	if !ok || list[i].gone || list[i].t.Org != org {
		return nil
	}
	return list[i]
}
