package estate

import "time"

// The names engineers give their fine-grained tokens, and the reasons of requests.
var (
	ghTokenNames = []string{"local dev", "ci deploy", "terraform", "release script", "backup",
		"renovate self-hosted", "data export", "gh cli", "homebrew", "cursor", "copilot agent",
		"argo cd", "metrics scraper", "migration", "on-call tooling"}
	ghRequestReasons = []string{"Need to automate release notes for the mobile apps",
		"CI pipeline for terraform plans", "Sync issues to our planning board",
		"Local development against private packages", "Nightly backup of the wiki repositories",
		"Migrating the docs site build", "Dependency dashboard for the platform team"}
)

// The shares that shape tokens and credentials.
const (
	shareRecentUse    = 0.65 // used within the last month
	shareOldUse       = 0.20 // last used long before the stale threshold; the rest never
	shareNoExpiry     = 0.30 // fine-grained tokens that never expire
	shareGHContinuing = 0.30 // of departed engineers' tokens, those a script still uses
)

// addTokens gives engineers (current and the departed still members) their fine-grained
// tokens with access to each organization, and each bot one with the main one. The
// first departed engineer still a member and the first suspended one hold one for sure.
func (g *ghGen) addTokens() {
	g.gh.Tokens = make([]GHToken, 0, len(g.staff[ghMain])/2+len(g.staff[ghLabs])/2+8)
	for org := range ghLabs + 1 {
		suspended := false // whether a suspended engineer got a token yet
		for _, u := range g.staff[org] {
			n := 0
			switch x := g.r.Float64(); {
			case x < 0.12:
				n = 2
			case x < 0.42:
				n = 1
			}
			must := org == ghMain && ((len(g.kept) > 0 && u == g.kept[0]) || (!suspended && g.status(u) == Suspended))
			added := 0
			for k := 0; k < n || (must && added == 0 && k < 8); k++ {
				if g.addToken(org, u) {
					added++
				}
			}
			suspended = suspended || (added > 0 && g.status(u) == Suspended)
		}
	}
	for _, b := range g.bots {
		g.addToken(ghMain, b)
	}
}

// addToken adds a fine-grained token of user u with access to org: created while u was
// a member, expiring within 30 to 366 days or never, used recently, long ago or never.
// It reports false when it added none because the times fell at the stale threshold.
func (g *ghGen) addToken(org, u int32) bool {
	r, bot := g.r, g.gh.Users[u].Bot
	t := GHToken{ID: g.ids.pat.next(r, 900), TokenID: g.ids.token.next(r, 2000), Org: org, Owner: u,
		Name: ghTokenNames[r.IntN(len(ghTokenNames))]}
	lo, hi := g.end(u)+ghHour, min(g.memberAge(org, u), 900*day)
	var life int64 // zero: never expires
	if r.Float64() >= shareNoExpiry && !(bot && r.Float64() < 0.7) {
		life = 30*day + r.Int64N(336*day+1)
		hi = max(lo, min(hi, life-day))
	}
	end := g.end(u)
	if r.Float64() < shareGHContinuing {
		end = 0
	}
	created, last, ok := g.lastUse(lo, hi, end, life, bot)
	if !ok {
		return false
	}
	t.GrantedAt = g.at(created)
	if last >= 0 {
		t.LastUsedAt = g.at(last)
	}
	if life > 0 {
		t.ExpiresAt = g.at(created - life)
	}
	g.tokenScope(&t, bot)
	g.gh.Tokens = append(g.gh.Tokens, t)
	g.audit(org, created, "personal_access_token.access_granted", u, u, g.tokenFields(&t))
	return true
}

// tokenScope draws a token's repositories and permissions: most reach a few
// repositories with contents and pull requests; a few hold workflows, secrets or
// administration; bots reach everything.
func (g *ghGen) tokenScope(t *GHToken, bot bool) {
	r := g.r
	t.OrgPermissions, t.RepoPermissions = map[string]string{}, map[string]string{}
	switch x := r.Float64(); {
	case bot || x < 0.25:
		t.Selection = "all"
	case x < 0.85:
		t.Selection = "subset"
		t.Repos = g.someRepos(t.Org, 1+r.IntN(4))
	default:
		t.Selection = "none"
	}
	if r.Float64() < 0.2 || t.Selection == "none" {
		t.OrgPermissions["members"] = "read"
	}
	for _, p := range []struct {
		name, level string
		chance      float64
	}{
		{"organization_administration", "write", 0.02}, {"organization_secrets", "read", 0.05},
		{"organization_self_hosted_runners", "write", 0.02}, {"organization_projects", "write", 0.05},
	} {
		if r.Float64() < p.chance {
			t.OrgPermissions[p.name] = p.level
		}
	}
	if t.Selection == "none" {
		return
	}
	t.RepoPermissions["metadata"] = "read"
	t.RepoPermissions["contents"] = "read"
	if bot || r.Float64() < 0.5 {
		t.RepoPermissions["contents"] = "write"
		t.RepoPermissions["pull_requests"] = "write"
	}
	for _, p := range []struct {
		name, level string
		chance      float64
	}{
		{"issues", "write", 0.3}, {"actions", "read", 0.2}, {"workflows", "write", 0.08},
		{"secrets", "write", 0.04}, {"administration", "write", 0.04}, {"environments", "write", 0.02},
	} {
		if (bot && p.name == "workflows") || r.Float64() < p.chance {
			t.RepoPermissions[p.name] = p.level
		}
	}
}

// addRequests adds the pending requests for organization access: recent, from active
// engineers, each with its reason.
func (g *ghGen) addRequests() {
	n := [2]int{min(40, max(2, len(g.active[ghMain])/60)), 1 + g.r.IntN(2)}
	for org := range ghLabs + 1 {
		for range n[org] {
			u := g.pick(g.active[org], g.owners[org])
			t := GHToken{ID: g.ids.req.next(g.r, 300), TokenID: g.ids.token.next(g.r, 2000), Org: org, Owner: u,
				Name:   ghTokenNames[g.r.IntN(len(ghTokenNames))],
				Reason: ghRequestReasons[g.r.IntN(len(ghRequestReasons))]}
			created := g.between(ghHour, 25*day)
			t.GrantedAt = g.at(created)
			if g.r.Float64() < 0.6 {
				t.ExpiresAt = g.at(created - 90*day)
			}
			g.tokenScope(&t, false)
			g.gh.Requests = append(g.gh.Requests, t)
			g.audit(org, created, "personal_access_token.request_created", u, u, g.tokenFields(&t))
		}
	}
}

// tokenFields returns the audit fields of an event about token t.
func (g *ghGen) tokenFields(t *GHToken) func() map[string]any {
	return func() map[string]any {
		return map[string]any{"token_id": t.TokenID, "user_programmatic_access_name": t.Name,
			"repository_selection": t.Selection, "operation_type": "create"}
	}
}

// lastUse draws when something was made, within [lo, hi] seconds ago, and when it was
// last used: recently, long ago or never (bots use what they hold), not more recently
// than end seconds ago nor, for a thing that expires life seconds after it was made,
// after it expired. Both ages keep staleGap from StaleAfter (the ground truth must not
// hang on a rounding): the last use falls back to never when it cannot, and ok is false
// when the making cannot. last is -1 for never.
func (g *ghGen) lastUse(lo, hi, end, life int64, bot bool) (created, last int64, ok bool) {
	r := g.r
	created = offStale(g.between(lo, hi), lo, hi)
	if life > 0 {
		end = max(end, created-life)
	}
	stale := int64(StaleAfter/time.Second) + staleGap
	switch x := r.Float64(); {
	case !bot && x >= shareRecentUse+shareOldUse:
		last = -1
	case !bot && x >= shareRecentUse && created >= max(stale, end):
		last = g.between(max(stale, end), created)
	default:
		last = offStale(min(created, end+r.Int64N(30*day)), end, created)
		if nearStale(last) {
			last = -1
		}
	}
	return created, last, !nearStale(created)
}

// nearStale reports whether an age (seconds ago) lies within staleGap of StaleAfter.
func nearStale(age int64) bool {
	stale := int64(StaleAfter / time.Second)
	return age > stale-staleGap && age < stale+staleGap
}

// offStale moves an age (seconds ago) that lies within staleGap of StaleAfter to the
// edge of that band, the later edge if [lo, hi] reaches it, else the earlier; an age it
// cannot move stays.
func offStale(age, lo, hi int64) int64 {
	stale := int64(StaleAfter / time.Second)
	switch {
	case !nearStale(age):
		return age
	case stale+staleGap <= hi:
		return stale + staleGap
	case stale-staleGap >= lo:
		return stale - staleGap
	}
	return age
}
