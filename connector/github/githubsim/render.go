package githubsim

import (
	"strings"
	"time"

	"github.com/nhiscope/nhi/estate"
)

// The public web host, for html_url fields.
const webHost = "https://github.com"

// ts renders a time as GitHub does (RFC 3339, UTC, "Z"), or null for a zero time.
func ts(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format(time.RFC3339)
}

// nodeID returns a GraphQL node ID shaped like GitHub's for a kind prefix and ID.
func nodeID(prefix string, id int64) string { return prefix + "_kgDO" + itoa(id) }

// simpleUser is GitHub's simple-user object.
type simpleUser struct {
	Login     string `json:"login"`
	ID        int64  `json:"id"`
	NodeID    string `json:"node_id"`
	AvatarURL string `json:"avatar_url"`
	URL       string `json:"url"`
	HTMLURL   string `json:"html_url"`
	Type      string `json:"type"`
	SiteAdmin bool   `json:"site_admin"`
}

// userOf renders account u; base is the API's base URL.
func (w *world) userOf(u int32, base string) *simpleUser {
	if u < 0 || int(u) >= len(w.users) {
		return nil
	}
	a := w.users[u]
	typ := "User"
	if strings.HasSuffix(a.Login, "[bot]") {
		typ = "Bot"
	}
	return &simpleUser{Login: a.Login, ID: a.ID, NodeID: nodeID("U", a.ID),
		AvatarURL: "https://avatars.githubusercontent.com/u/" + itoa(a.ID) + "?v=4",
		URL:       base + "/users/" + a.Login, HTMLURL: webHost + "/" + a.Login, Type: typ}
}

// account is the account object of an installation.
type account struct {
	Login string `json:"login"`
	ID    int64  `json:"id"`
	Type  string `json:"type"`
	URL   string `json:"url"`
}

// orgJSON is an organization.
type orgJSON struct {
	Login       string `json:"login"`
	ID          int64  `json:"id"`
	NodeID      string `json:"node_id"`
	URL         string `json:"url"`
	ReposURL    string `json:"repos_url"`
	HooksURL    string `json:"hooks_url"`
	MembersURL  string `json:"members_url"`
	Name        string `json:"name"`
	Description any    `json:"description"`
	HTMLURL     string `json:"html_url"`
	Type        string `json:"type"`
	CreatedAt   any    `json:"created_at"`
	UpdatedAt   any    `json:"updated_at"`
	PublicRepos int    `json:"public_repos"`
}

// repoJSON is a minimal repository.
type repoJSON struct {
	ID            int64       `json:"id"`
	NodeID        string      `json:"node_id"`
	Name          string      `json:"name"`
	FullName      string      `json:"full_name"`
	Private       bool        `json:"private"`
	Visibility    string      `json:"visibility"`
	Owner         *simpleUser `json:"owner"`
	HTMLURL       string      `json:"html_url"`
	URL           string      `json:"url"`
	KeysURL       string      `json:"keys_url"`
	Archived      bool        `json:"archived"`
	DefaultBranch string      `json:"default_branch"`
	CreatedAt     any         `json:"created_at"`
	UpdatedAt     any         `json:"updated_at"`
}

// orgOwner renders an organization as a repository's owner.
func orgOwner(o *estate.GHOrg, base string) *simpleUser {
	return &simpleUser{Login: o.Login, ID: o.ID, NodeID: nodeID("O", o.ID),
		AvatarURL: "https://avatars.githubusercontent.com/u/" + itoa(o.ID) + "?v=4",
		URL:       base + "/users/" + o.Login, HTMLURL: webHost + "/" + o.Login, Type: "Organization"}
}

// repoOf renders repository rp.
func (w *world) repoOf(rp int32, base string) repoJSON {
	r := &w.gh.Repos[rp]
	o := &w.gh.Orgs[r.Org]
	full := o.Login + "/" + r.Name
	vis := "public"
	if r.Private {
		vis = "private"
	}
	return repoJSON{ID: r.ID, NodeID: nodeID("R", r.ID), Name: r.Name, FullName: full, Private: r.Private,
		Visibility: vis, Owner: orgOwner(o, base), HTMLURL: webHost + "/" + full, URL: base + "/repos/" + full,
		KeysURL: base + "/repos/" + full + "/keys{/key_id}", DefaultBranch: "main",
		CreatedAt: ts(r.CreatedAt), UpdatedAt: ts(r.CreatedAt)}
}
