package githubsim

import (
	"net/http"
	"strings"
)

// samlQuery is the one GraphQL query the simulator answers (compared after collapsing
// whitespace): an organization's SAML identities, 100 a page.
const samlQuery = `query($org: String!, $after: String) { organization(login: $org) { samlIdentityProvider { externalIdentities(first: 100, after: $after) { pageInfo { hasNextPage endCursor } nodes { samlIdentity { nameId } user { login } } } } } }`

// samlPage is how many identities a page holds, as the query asks.
const samlPage = 100

// gqlError is one entry of a GraphQL answer's errors.
type gqlError struct {
	Type    string   `json:"type,omitempty"`
	Path    []string `json:"path,omitempty"`
	Message string   `json:"message"`
}

// collapse trims s and collapses runs of whitespace to one space.
func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

// graphql answers POST /graphql: the SAML identities query, for an installation token
// with members:read on its own organization or for the owner's PAT; any other query is
// a 200 with an UNSUPPORTED error, as the simulator knows no schema.
func (s *Server) graphql(w http.ResponseWriter, r *http.Request, c caller) {
	var body struct {
		Query     string `json:"query"`
		Variables struct {
			Org   string  `json:"org"`
			After *string `json:"after"`
		} `json:"variables"`
	}
	if e := readBody(r, &body); e != nil {
		writeError(w, *e)
		return
	}
	if collapse(body.Query) != samlQuery {
		writeJSON(w, http.StatusOK, map[string]any{"errors": []gqlError{{Type: "UNSUPPORTED",
			Message: "githubsim answers only the SAML external identities query"}}})
		return
	}
	o, ok := s.gqlOrg(w, c, body.Variables.Org)
	if !ok {
		return
	}
	after := ""
	if body.Variables.After != nil {
		after = *body.Variables.After
	}
	idp, err := s.samlIdentities(o, after)
	if err != "" {
		writeJSON(w, http.StatusOK, map[string]any{"data": nil, "errors": []gqlError{{Type: "INVALID_CURSOR_ARGUMENTS",
			Path: []string{"organization", "samlIdentityProvider", "externalIdentities"}, Message: err}}})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": map[string]any{"organization": map[string]any{"samlIdentityProvider": idp}}})
}

// gqlOrg resolves the query's organization for the caller, or answers GraphQL's error
// (NOT_FOUND, FORBIDDEN for another organization's installation or one without
// members:read) and reports false.
func (s *Server) gqlOrg(w http.ResponseWriter, c caller, login string) (int32, bool) {
	fail := func(typ, msg string) (int32, bool) {
		writeJSON(w, http.StatusOK, map[string]any{"data": map[string]any{"organization": nil},
			"errors": []gqlError{{Type: typ, Path: []string{"organization"}, Message: msg}}})
		return 0, false
	}
	o, ok := s.w.org(login)
	switch {
	case !ok:
		return fail("NOT_FOUND", "Could not resolve to an Organization with the login of '"+login+"'.")
	case c.kind == kindInst && (c.inst.in.Org != o || !s.permitted(c, "members", "read")):
		return fail("FORBIDDEN", "Resource not accessible by integration")
	}
	return o, true
}

// samlIdentities returns the samlIdentityProvider object of org at the page after the
// cursor (nil for an organization without SAML), or the message of a bad cursor. The
// identities are the members with a linked SAML identity, in membership order.
func (s *Server) samlIdentities(o int32, after string) (any, string) {
	if !s.w.gh.Orgs[o].SAML {
		return nil, ""
	}
	var linked []int32
	for _, m := range s.w.members[o] {
		if u := s.w.gh.Members[m].User; s.w.users[u].Email != "" {
			linked = append(linked, u)
		}
	}
	fp := fingerprint("saml", s.w.gh.Orgs[o].Login)
	start := 0
	if after != "" {
		cur, ok := s.decodeCursor(after, fp)
		if !ok || cur.a < 0 || cur.a >= int64(len(linked)) {
			return nil, "`" + after + "` does not appear to be a valid cursor."
		}
		start = int(cur.a) + 1
	}
	end := min(len(linked), start+samlPage)
	nodes := make([]map[string]any, 0, end-start)
	for _, u := range linked[start:end] {
		nodes = append(nodes, map[string]any{"samlIdentity": map[string]any{"nameId": s.w.users[u].Email},
			"user": map[string]any{"login": s.w.users[u].Login}})
	}
	var endCursor any
	if end > start {
		endCursor = s.encodeCursor(cursor{fp: fp, a: int64(end - 1)})
	}
	return map[string]any{"externalIdentities": map[string]any{
		"pageInfo": map[string]any{"hasNextPage": end < len(linked), "endCursor": endCursor},
		"nodes":    nodes}}, ""
}
