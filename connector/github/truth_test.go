package github

import (
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector/connectortest"
	"github.com/nhiscope/nhi/connector/github/githubsim"
	"github.com/nhiscope/nhi/estate"
)

// truth returns what a full scan of organization login must find, from the estate and
// the simulator's own app, as the contract between them says.
func truth(e *estate.Estate, sim *githubsim.Server, login string) connectortest.Truth {
	g := e.GitHub
	org := int32(slices.IndexFunc(g.Orgs, func(o estate.GHOrg) bool { return o.Login == login }))
	tr := connectortest.Truth{Tenant: login}
	add := func(ti connectortest.TruthIdentity) { tr.Identities = append(tr.Identities, ti) }
	user := func(u int32) string {
		if u < 0 {
			return ""
		}
		return strings.ToLower(g.Users[u].Login)
	}
	referenced := map[int32]bool{}
	for _, in := range g.Installations {
		if in.Org == org {
			add(connectortest.TruthIdentity{ExternalID: "installation/" + id(in.ID), Kind: nhi.KindIntegration,
				AppID: g.Apps[in.App].ClientID, Scopes: levels(in.Permissions), CreatedAt: in.CreatedAt})
		}
	}
	if instID, ok := sim.InstallationID(login); ok {
		_, clientID, _ := sim.App()
		add(connectortest.TruthIdentity{ExternalID: "installation/" + id(instID), Kind: nhi.KindIntegration,
			AppID: clientID, Scopes: levels(githubsim.OwnPermissions()), CreatedAt: e.Options.Now.Add(-24 * time.Hour)})
	}
	for _, tk := range g.Tokens {
		if tk.Org == org {
			referenced[tk.Owner] = true
			add(connectortest.TruthIdentity{ExternalID: "pat/" + id(tk.ID), Kind: nhi.KindAPIKey, OwnerID: user(tk.Owner),
				Scopes: slices.Concat(levels(tk.OrgPermissions), levels(tk.RepoPermissions)), CreatedAt: tk.GrantedAt,
				LastUsedAt: tk.LastUsedAt})
		}
	}
	for _, rq := range g.Requests {
		if rq.Org == org {
			referenced[rq.Owner] = true
			add(connectortest.TruthIdentity{ExternalID: "patreq/" + id(rq.ID), Kind: nhi.KindAPIKey, OwnerID: user(rq.Owner),
				CreatedAt: rq.GrantedAt, LastUsedAt: rq.LastUsedAt})
		}
	}
	for _, cr := range g.Credentials {
		if cr.Org != org || !g.Orgs[org].SAML {
			continue
		}
		referenced[cr.User] = true
		ti := connectortest.TruthIdentity{ExternalID: "cred/" + id(cr.ID), OwnerID: user(cr.User),
			CreatedAt: cr.AuthorizedAt, LastUsedAt: cr.AccessedAt}
		switch cr.Type {
		case estate.GHCredentialPAT:
			ti.Kind, ti.Scopes = nhi.KindAPIKey, cr.Scopes
		case estate.GHCredentialSSH:
			ti.Kind = nhi.KindAppCredential
		case estate.GHCredentialOAuth:
			ti.Kind, ti.Scopes, ti.AppID = nhi.KindOAuthGrant, cr.Scopes, cr.ApplicationClientID
		}
		add(ti)
	}
	for _, k := range g.DeployKeys {
		if r := g.Repos[k.Repo]; r.Org == org {
			referenced[k.AddedBy] = true
			scope := "contents:write"
			if k.ReadOnly {
				scope = "contents:read"
			}
			add(connectortest.TruthIdentity{ExternalID: r.Name + "/" + id(k.ID), Kind: nhi.KindDeployKey,
				OwnerID: user(k.AddedBy), Scopes: []string{scope}, CreatedAt: k.CreatedAt, LastUsedAt: k.LastUsedAt})
		}
	}
	for _, h := range g.Hooks {
		if h.Org == org {
			add(connectortest.TruthIdentity{ExternalID: "hook/" + id(h.ID), Kind: nhi.KindWebhook, CreatedAt: h.CreatedAt})
		}
	}
	for _, s := range g.Secrets {
		if s.Org != org {
			continue
		}
		ext := "secret/" + s.Name
		if s.Repo >= 0 {
			ext = "secret/" + g.Repos[s.Repo].Name + "/" + s.Name
		}
		add(connectortest.TruthIdentity{ExternalID: ext, Kind: nhi.KindAppCredential, CreatedAt: s.CreatedAt})
	}
	tr.People = people(g, org, referenced)
	return tr
}

// people returns the members of org and, as departed, the referenced users who are not.
func people(g *estate.GitHub, org int32, referenced map[int32]bool) []connectortest.TruthPerson {
	email := func(u int32) string {
		if g.Orgs[org].SAML {
			return g.Users[u].Email
		}
		return ""
	}
	var out []connectortest.TruthPerson
	members := map[int32]bool{}
	for _, m := range g.Members {
		if m.Org == org {
			members[m.User] = true
			out = append(out, connectortest.TruthPerson{ExternalID: strings.ToLower(g.Users[m.User].Login),
				Status: nhi.PersonActive, IsAdmin: m.Role == "admin", Email: email(m.User), Name: g.Users[m.User].Login})
		}
	}
	for _, u := range slices.Sorted(maps.Keys(referenced)) {
		if u >= 0 && !members[u] {
			out = append(out, connectortest.TruthPerson{ExternalID: strings.ToLower(g.Users[u].Login),
				Status: nhi.PersonDeparted, Email: email(u), Name: g.Users[u].Login})
		}
	}
	return out
}

// levels returns "<perm>:<level>" of each permission.
func levels(m map[string]string) []string {
	var out []string
	for k, v := range m {
		out = append(out, k+":"+v)
	}
	return out
}
