package estate

import (
	"strings"
	"time"
)

// ghOAuthApps are the OAuth apps engineers authorize, with the classic scopes they ask
// for.
var ghOAuthApps = []struct{ name, scopes string }{
	{"Travis CI", "read:org repo repo:status repo_deployment user:email write:repo_hook"},
	{"GitKraken", "admin:public_key read:org repo user:email workflow"},
	{"JetBrains IDE Integration", "gist read:org repo workflow"},
	{"Visual Studio Code", "read:org repo user:email workflow"},
	{"Sourcetree", "read:org repo user"},
	{"Heroku Dashboard", "read:org repo"},
	{"Terraform Cloud", "admin:repo_hook read:org repo"},
}

// ghClassicScopes are the scope sets of engineers' classic tokens, commonest first;
// ghTokenNotes their notes.
var (
	ghClassicScopes = []string{"repo", "repo workflow", "read:org repo", "read:packages",
		"repo workflow write:packages", "delete:packages repo workflow write:packages",
		"admin:org repo", "delete_repo repo", "admin:repo_hook repo"}
	ghTokenNotes = []string{"laptop", "ci token", "homebrew", "terraform", "npm publish",
		"scripts", "danger", "goreleaser", "docker login ghcr"}
	ghKeyTitles = []string{"work laptop", "macbook-pro", "id_ed25519", "desktop", "devbox",
		"yubikey", "codespaces", "thinkpad"}
)

// addCredentials adds the SAML credential authorizations of the main organization's
// people and bots: SSH keys, classic tokens and OAuth app tokens. The departed engineers
// still members keep theirs; the first of them holds one of each. The CI bot holds a
// classic token with admin:org that never expires.
func (g *ghGen) addCredentials() {
	r := g.r
	g.gh.Credentials = make([]GHCredential, 0, len(g.staff[ghMain])*3/2+8)
	for _, u := range g.staff[ghMain] {
		first := len(g.kept) > 0 && u == g.kept[0]
		for n := 0; n < 2 && (r.Float64() < 0.75 || (first && n == 0)); n++ {
			g.addSSH(u)
		}
		if first || r.Float64() < 0.30 {
			k := min(r.IntN(len(ghClassicScopes)), r.IntN(len(ghClassicScopes)))
			g.addPAT(u, ghClassicScopes[k], r.Float64() < 0.4)
		}
		if first || r.Float64() < 0.35 {
			a := ghOAuthApps[r.IntN(len(ghOAuthApps))]
			c, ok := g.credential(u, GHCredentialOAuth, 0)
			if !ok {
				continue
			}
			c.Scopes = strings.Fields(a.scopes)
			c.LastEight = ghRandText(r, ghAlnum, 8)
			c.Application, c.ApplicationClientID = a.name, oauthClientID(a.name)
			g.addCredential(c)
		}
	}
	g.addPAT(g.bots[0], "admin:org repo workflow", true)
	g.addPAT(g.bots[1], "repo write:packages", true)
	g.addPAT(g.bots[2], "admin:repo_hook delete_repo repo", false)
}

// addSSH authorizes an SSH key of user u.
func (g *ghGen) addSSH(u int32) {
	c, ok := g.credential(u, GHCredentialSSH, 0)
	if !ok {
		return
	}
	c.Fingerprint = newGHFingerprint(g.r)
	c.Title = ghKeyTitles[g.r.IntN(len(ghKeyTitles))]
	g.addCredential(c)
}

// addPAT authorizes a classic token of user u with scopes (space-separated), expiring
// 30 to 366 days after it was authorized unless forever: one that expires has not yet,
// unless its user left before.
func (g *ghGen) addPAT(u int32, scopes string, forever bool) {
	r := g.r
	var life int64
	if !forever {
		life = 30*day + r.Int64N(336*day+1)
	}
	c, ok := g.credential(u, GHCredentialPAT, life)
	if !ok {
		return
	}
	c.Scopes = strings.Fields(scopes)
	c.LastEight = ghRandText(r, ghAlnum, 8)
	c.Note = ghTokenNotes[r.IntN(len(ghTokenNotes))]
	if !forever {
		c.ExpiresAt = c.AuthorizedAt.Add(time.Duration(life) * time.Second)
	}
	g.addCredential(c)
}

// credential draws the IDs and times of a credential of user u authorized for the main
// organization while u was a member, within four years, and its last access; a token
// that expires life seconds after its authorization (0: never) was authorized within
// life, unless its user left before. ok is false when the times fall at the stale
// threshold.
func (g *ghGen) credential(u int32, kind string, life int64) (c GHCredential, ok bool) {
	r := g.r
	c = GHCredential{ID: g.ids.cred.next(r, 40_000), AuthorizedCredentialID: g.ids.authCred.next(r, 200_000),
		Org: ghMain, User: u, Type: kind}
	lo, hi := g.end(u)+ghHour, min(g.memberAge(ghMain, u), 1500*day)
	if life > 0 {
		hi = min(hi, life-day)
	}
	hi = max(lo, hi)
	end := g.end(u)
	if r.Float64() < shareGHContinuing {
		end = 0
	}
	created, last, ok := g.lastUse(lo, hi, end, life, g.gh.Users[u].Bot)
	c.AuthorizedAt = g.at(created)
	if last >= 0 {
		c.AccessedAt = g.at(last)
	}
	return c, ok
}

// addCredential appends c and logs its authorization.
func (g *ghGen) addCredential(c GHCredential) {
	g.gh.Credentials = append(g.gh.Credentials, c)
	g.audit(ghMain, g.ageOf(c.AuthorizedAt), "org_credential_authorization.grant", c.User, c.User, func() map[string]any {
		f := map[string]any{"credential_id": c.ID, "authorized_credential_id": c.AuthorizedCredentialID,
			"credential_type": c.Type}
		if c.Fingerprint != "" {
			f["fingerprint"] = c.Fingerprint
		}
		return f
	})
}
