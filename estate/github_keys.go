package estate

// ghDeployKeyTitles are the titles of deploy keys, after the machines that hold them.
var ghDeployKeyTitles = []string{"argocd", "flux", "jenkins", "backup-server", "staging deploy",
	"prod deploy", "ci read-only", "buildkite agent", "ansible", "docs publisher"}

// The shares that shape deploy keys.
const (
	shareReposWithKeys = 0.25 // repositories with deploy keys
	shareKeyReadOnly   = 0.65
	shareRemovedKeys   = 0.50 // of the removed departed engineers, those who left a deploy key
	shareKeptKeys      = 0.30 // of the departed engineers still members
)

// addDeployKeys adds deploy keys to a share of the repositories, by their
// organization's people and bots, then keys left by departed engineers (the removed
// ones' are their only trace on GitHub; the first removed one leaves one for sure), then
// a write key nobody used for over a year on the main organization's oldest repository.
func (g *ghGen) addDeployKeys() {
	r := g.r
	for org := range ghLabs + 1 {
		adders := append(g.staff[org][:len(g.staff[org]):len(g.staff[org])], g.bots...)
		for _, repo := range g.repos[org] {
			if r.Float64() >= shareReposWithKeys {
				continue
			}
			for range 1 + r.IntN(2) {
				g.addDeployKey(repo, g.pick(adders, g.owners[org]), r.Float64() < shareKeyReadOnly)
			}
		}
	}
	for i, u := range g.removed {
		if i == 0 || r.Float64() < shareRemovedKeys {
			g.addDeployKey(g.repoBefore(ghMain, g.end(u)), u, r.Float64() < 0.5)
		}
	}
	for _, u := range g.kept {
		if r.Float64() < shareKeptKeys {
			g.addDeployKey(g.repoBefore(ghMain, g.end(u)), u, r.Float64() < 0.5)
		}
	}
	g.addForgottenKey()
}

// addDeployKey adds a deploy key to repo, added by user u while a member (or by an owner
// when u left before the repository was made): keys outlive the people who added them,
// so a departed engineer's key may still be in use.
func (g *ghGen) addDeployKey(repo, u int32, readOnly bool) {
	r, org := g.r, g.gh.Repos[repo].Org
	if g.end(u)+ghHour >= g.ageOf(g.gh.Repos[repo].CreatedAt) {
		u = g.ownerOf(org) // u left before the repository was made
	}
	lo := g.end(u) + ghHour
	hi := max(lo, min(g.memberAge(org, u), g.ageOf(g.gh.Repos[repo].CreatedAt)))
	created, last, _ := g.lastUse(lo, hi, 0, 0, false)
	k := GHDeployKey{ID: g.ids.key.next(r, 50_000), Repo: repo, ReadOnly: readOnly, AddedBy: u,
		CreatedAt: g.at(created), Verified: true, Enabled: true,
		Title: ghDeployKeyTitles[r.IntN(len(ghDeployKeyTitles))]}
	if last >= 0 {
		k.LastUsedAt = g.at(last)
	}
	g.appendKey(k)
}

// addForgottenKey adds a write key to the main organization's oldest repository, made
// years ago by the longest-serving owner and unused for more than a year.
func (g *ghGen) addForgottenKey() {
	r, repo := g.r, g.oldestRepo(ghMain)
	u := g.owners[ghMain][0]
	for _, o := range g.owners[ghMain] {
		if g.memberAge(ghMain, o) > g.memberAge(ghMain, u) {
			u = o
		}
	}
	created := max(400*day, min(g.ageOf(g.gh.Repos[repo].CreatedAt), g.memberAge(ghMain, u))-ghHour)
	last := g.between(380*day, created)
	g.appendKey(GHDeployKey{ID: g.ids.key.next(r, 50_000), Repo: repo, Title: "jenkins-deploy (old)",
		AddedBy: u, CreatedAt: g.at(created), LastUsedAt: g.at(last), Verified: true, Enabled: true})
}

// repoBefore draws a repository of org created more than a day before age (seconds
// ago), so that someone who left then could have added a key to it; failing a few
// draws, it returns the oldest repository.
func (g *ghGen) repoBefore(org int32, age int64) int32 {
	for range 20 {
		if i := g.repos[org][g.r.IntN(len(g.repos[org]))]; g.ageOf(g.gh.Repos[i].CreatedAt) > age+day {
			return i
		}
	}
	return g.oldestRepo(org)
}

// oldestRepo returns the first-made repository of org.
func (g *ghGen) oldestRepo(org int32) int32 {
	oldest := g.repos[org][0]
	for _, i := range g.repos[org] {
		if g.gh.Repos[i].CreatedAt.Before(g.gh.Repos[oldest].CreatedAt) {
			oldest = i
		}
	}
	return oldest
}

// appendKey draws key k's public key, appends it and logs its creation.
func (g *ghGen) appendKey(k GHDeployKey) {
	key, fingerprint := newGHDeployKey(g.r)
	k.Key = key
	g.gh.DeployKeys = append(g.gh.DeployKeys, k)
	repo := &g.gh.Repos[k.Repo]
	g.audit(repo.Org, g.ageOf(k.CreatedAt), "public_key.create", k.AddedBy, -1, func() map[string]any {
		return map[string]any{"repo": g.gh.Orgs[repo.Org].Login + "/" + repo.Name, "key_id": k.ID,
			"fingerprint": fingerprint, "title": k.Title, "read_only": k.ReadOnly}
	})
}
