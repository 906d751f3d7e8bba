package githubsim

import (
	"net/http"
	"strings"
	"testing"
)

// samlAnswer is the answer to the SAML identities query.
type samlAnswer struct {
	Data *struct {
		Organization *struct {
			SAMLIdentityProvider *struct {
				ExternalIdentities struct {
					PageInfo struct {
						HasNextPage bool    `json:"hasNextPage"`
						EndCursor   *string `json:"endCursor"`
					} `json:"pageInfo"`
					Nodes []struct {
						SAMLIdentity struct {
							NameID string `json:"nameId"`
						} `json:"samlIdentity"`
						User struct {
							Login string `json:"login"`
						} `json:"user"`
					} `json:"nodes"`
				} `json:"externalIdentities"`
			} `json:"samlIdentityProvider"`
		} `json:"organization"`
	} `json:"data"`
	Errors []struct {
		Type    string `json:"type"`
		Message string `json:"message"`
	} `json:"errors"`
}

// saml sends the query (reformatted, as a client may) for org after the cursor.
func saml(h *harness, cred, org string, after *string) (int, samlAnswer) {
	q := strings.ReplaceAll(samlQuery, " { ", " {\n    ")
	a := h.do(http.MethodPost, "/graphql", cred, map[string]any{"query": "\n" + q + "\n", "variables": map[string]any{"org": org, "after": after}})
	var out samlAnswer
	a.json(h.t, &out)
	return a.status, out
}

// TestGraphQLSAML checks the SAML identities query: paging over 100 nodes, the cursor,
// an organization without SAML, and refusals.
func TestGraphQLSAML(t *testing.T) {
	t.Parallel()
	h := newHarness(t, bigEstate(150), Options{})
	tok := h.token(orgMain)
	var after *string
	var logins []string
	pages := 0
	for {
		status, out := saml(h, tok, orgMain, after)
		if status != 200 || out.Data == nil || out.Data.Organization == nil || out.Data.Organization.SAMLIdentityProvider == nil {
			t.Fatalf("page %d: %d %+v", pages, status, out)
		}
		ids := out.Data.Organization.SAMLIdentityProvider.ExternalIdentities
		for _, n := range ids.Nodes {
			logins = append(logins, n.User.Login)
			if n.SAMLIdentity.NameID == "" {
				t.Errorf("node %s without nameId", n.User.Login)
			}
		}
		pages++
		if !ids.PageInfo.HasNextPage {
			break
		}
		after = ids.PageInfo.EndCursor
	}
	// ada, bob and the 150 engineers have linked identities; acme-ci has none.
	if len(logins) != 152 || pages != 2 || logins[0] != "ada" || logins[151] != "eng-00149" {
		t.Errorf("%d identities in %d pages: first %v", len(logins), pages, logins[:3])
	}

	small := newHarness(t, nil, Options{})
	if status, out := saml(small, small.s.OwnerToken(), orgLabs, nil); status != 200 || out.Data.Organization == nil ||
		out.Data.Organization.SAMLIdentityProvider != nil {
		t.Errorf("organization without SAML: %d %+v", status, out)
	}
	bad := "bogus"
	for _, tc := range []struct {
		name, cred, org string
		after           *string
		typ             string
	}{
		{"other org", small.token(orgLabs), orgMain, nil, "FORBIDDEN"},
		{"unknown org", small.s.OwnerToken(), "nope", nil, "NOT_FOUND"},
		{"bad cursor", small.s.OwnerToken(), orgMain, &bad, "INVALID_CURSOR_ARGUMENTS"},
	} {
		if status, out := saml(small, tc.cred, tc.org, tc.after); status != 200 || len(out.Errors) != 1 || out.Errors[0].Type != tc.typ {
			t.Errorf("%s: %d %+v, want error %s", tc.name, status, out, tc.typ)
		}
	}
	if err := small.s.SetInstallationPermissions(orgMain, map[string]string{"metadata": "read"}); err != nil {
		t.Fatal(err)
	}
	if _, out := saml(small, small.token(orgMain), orgMain, nil); len(out.Errors) != 1 || out.Errors[0].Type != "FORBIDDEN" {
		t.Errorf("without members:read: %+v", out)
	}
	a := small.do(http.MethodPost, "/graphql", small.s.OwnerToken(), map[string]any{"query": "{ viewer { login } }"})
	if a.status != 200 || !strings.Contains(string(a.body), `"type":"UNSUPPORTED"`) || a.header.Get("x-ratelimit-resource") != "graphql" {
		t.Errorf("other query: %d %s", a.status, a.body)
	}
}
