package githubsim

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/nhiscope/nhi/estate"
)

// TestGeneratedEstate serves a generated 500-person estate and pages through every
// endpoint of every organization, checking that each listing shows exactly the estate.
func TestGeneratedEstate(t *testing.T) {
	t.Parallel()
	e, err := estate.Generate(estate.Options{Seed: 3, People: 500})
	if err != nil {
		t.Fatal(err)
	}
	if e.GitHub == nil {
		t.Skip("estate.Generate does not fill GitHub yet")
	}
	h := newHarness(t, e, Options{MaxPageSize: 25})
	gh := e.GitHub
	for oi := range gh.Orgs {
		checkGeneratedOrg(t, h, gh, int32(oi))
	}
}

// checkGeneratedOrg pages every endpoint of organization oi and compares the counts
// with the estate's.
func checkGeneratedOrg(t *testing.T, h *harness, gh *estate.GitHub, oi int32) {
	o := gh.Orgs[oi]
	want := countOrg(gh, oi)
	tok, owner := h.token(o.Login), h.s.OwnerToken()
	base := "/orgs/" + url.PathEscape(o.Login)
	for path, n := range map[string]int{
		"/members": want.members, "/repos": want.repos, "/hooks": want.hooks,
		"/personal-access-tokens": want.tokens, "/personal-access-token-requests": want.requests,
	} {
		if items, _ := h.walk(base+path+"?per_page=100", tok); len(items) != n {
			t.Errorf("%s%s: %d items, want %d", o.Login, path, len(items), n)
		}
	}
	for path, n := range map[string]int{"/credential-authorizations": want.creds, "/audit-log": want.audits} {
		if items, _ := h.walk(base+path+"?per_page=100", owner); len(items) != n {
			t.Errorf("%s%s: %d items, want %d", o.Login, path, len(items), n)
		}
	}
	if n := h.countWrapped(base+"/installations", tok, "installations"); n != want.installs+1 {
		t.Errorf("%s installations: %d, want %d and nhi's", o.Login, n, want.installs)
	}
	if n := h.countWrapped(base+"/actions/secrets", tok, "secrets"); n != want.orgSecrets {
		t.Errorf("%s org secrets: %d, want %d", o.Login, n, want.orgSecrets)
	}
	keys := 0
	for _, r := range gh.Repos {
		if r.Org == oi {
			items, _ := h.walk("/repos/"+o.Login+"/"+url.PathEscape(r.Name)+"/keys", tok)
			keys += len(items)
		}
	}
	if keys != want.keys {
		t.Errorf("%s deploy keys: %d, want %d", o.Login, keys, want.keys)
	}
	if got := samlCount(h, owner, o.Login); got != want.linked {
		t.Errorf("%s SAML identities: %d, want %d", o.Login, got, want.linked)
	}
}

// samlCount pages the SAML identities query and counts the identities; -1 for an
// organization without SAML.
func samlCount(h *harness, cred, org string) int {
	var after *string
	n := 0
	for {
		_, out := saml(h, cred, org, after)
		if out.Data == nil || out.Data.Organization == nil || out.Data.Organization.SAMLIdentityProvider == nil {
			return -1
		}
		ids := out.Data.Organization.SAMLIdentityProvider.ExternalIdentities
		n += len(ids.Nodes)
		if !ids.PageInfo.HasNextPage {
			return n
		}
		after = ids.PageInfo.EndCursor
	}
}

// orgCounts are how many things of each kind an organization holds in the estate.
type orgCounts struct {
	members, repos, hooks, tokens, requests, creds, audits, installs, orgSecrets, keys int
	// linked counts members with a SAML identity; -1 for an organization without SAML.
	linked int
}

// countOrg counts organization o's things in the estate.
func countOrg(gh *estate.GitHub, o int32) orgCounts {
	var c orgCounts
	for _, m := range gh.Members {
		c.members += b2i(m.Org == o)
		c.linked += b2i(m.Org == o && gh.Users[m.User].Email != "")
	}
	if !gh.Orgs[o].SAML {
		c.linked = -1
	}
	repoOrg := map[int32]bool{}
	for i, r := range gh.Repos {
		c.repos += b2i(r.Org == o)
		repoOrg[int32(i)] = r.Org == o
	}
	for _, x := range gh.Hooks {
		c.hooks += b2i(x.Org == o)
	}
	for _, x := range gh.Tokens {
		c.tokens += b2i(x.Org == o)
	}
	for _, x := range gh.Requests {
		c.requests += b2i(x.Org == o)
	}
	for _, x := range gh.Credentials {
		c.creds += b2i(x.Org == o)
	}
	for _, x := range gh.Audits {
		c.audits += b2i(x.Org == o)
	}
	for _, x := range gh.Installations {
		c.installs += b2i(x.Org == o)
	}
	for _, x := range gh.Secrets {
		c.orgSecrets += b2i(x.Org == o && x.Repo < 0)
	}
	for _, k := range gh.DeployKeys {
		c.keys += b2i(repoOrg[k.Repo])
	}
	return c
}

// b2i is 1 for true.
func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// countWrapped pages a {"total_count", <field>: [...]} listing and returns how many
// items it holds, checking total_count on every page.
func (h *harness) countWrapped(target, cred, field string) int {
	h.t.Helper()
	n, total := 0, -1
	for target != "" {
		a := h.get(target, cred)
		if a.status != http.StatusOK {
			h.t.Fatalf("GET %s: %d %s", target, a.status, a.body)
		}
		var page map[string]any
		a.json(h.t, &page)
		items, _ := page[field].([]any)
		n += len(items)
		if t := int(page["total_count"].(float64)); total >= 0 && t != total {
			h.t.Errorf("%s: total_count changed from %d to %d", target, total, t)
		} else {
			total = t
		}
		target = next(a.header)
	}
	if n != total {
		h.t.Errorf("listed %d items, total_count %d", n, total)
	}
	return n
}

// TestEveryEndpointHandBuilt runs the generated estate's check over the hand-built
// estates, so that it is known to pass on data whose counts are known.
func TestEveryEndpointHandBuilt(t *testing.T) {
	t.Parallel()
	for _, e := range []*estate.Estate{smallEstate(), bigEstate(120)} {
		h := newHarness(t, e, Options{MaxPageSize: 25})
		for oi := range e.GitHub.Orgs {
			checkGeneratedOrg(t, h, e.GitHub, int32(oi))
		}
	}
}
