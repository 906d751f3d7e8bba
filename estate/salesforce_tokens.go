package estate

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// The shares of the per-user tokens' usage.
const (
	// sfShareContinuing is the share of departed and suspended people still active in
	// Salesforce whose tokens their apps keep using.
	sfShareContinuing = 0.4
	sfShareRecent     = 0.80
	sfShareStale      = 0.12 // the rest were never used
)

// sfUse is a department's (or, for "admin", the system administrators') share of users
// who authorize an app.
type sfUse struct {
	dept  string
	share float64
}

// parseUses parses an app spec's uses: "Department:share ...".
func parseUses(s string) []sfUse {
	var out []sfUse
	for _, f := range strings.Fields(s) {
		dept, share, _ := strings.Cut(f, ":")
		x, _ := strconv.ParseFloat(share, 64)
		out = append(out, sfUse{dept, x})
	}
	return out
}

// daily returns the API requests a day of a server app, scaled with the company's size.
func (g *sfGen) daily(spec sfAppSpec) int {
	return max(2, spec.daily*min(max(len(g.people), 200), 20000)/2000)
}

// addTokens adds the server apps' tokens, then the tokens people gave the other apps,
// in user order, and gives every token its DeleteToken.
func (g *sfGen) addTokens() {
	g.primary = slices.Repeat([]int32{-1}, len(g.specs))
	for a, spec := range g.specs {
		if spec.kind == sfServer {
			g.addServerTokens(int32(a), spec)
		}
	}
	uses := make([][]sfUse, len(g.specs))
	for a, spec := range g.specs {
		uses[a] = parseUses(spec.uses)
	}
	stale := slices.IndexFunc(g.specs, func(s sfAppSpec) bool { return s.stale })
	staleTokens := 0
	for u := range g.s.Users {
		user := &g.s.Users[u]
		if user.Person < 0 || !user.IsActive {
			continue
		}
		p := &g.people[user.Person]
		for a, spec := range g.specs {
			if spec.kind == sfServer || g.r.Float64() >= g.share(int32(u), p.Department, uses[a]) {
				continue
			}
			n := 1
			if spec.kind == sfTool && g.r.Float64() < 0.15 {
				n = 2 // a second laptop
			}
			for range n {
				if g.addUserToken(int32(u), int32(a), spec) && a == stale {
					staleTokens++
				}
			}
		}
	}
	if stale >= 0 && staleTokens == 0 {
		g.addUserToken(g.admins[0], int32(stale), g.specs[stale])
	}
	for i, dt := range sfDeleteTokens(g.r, len(g.s.Tokens)) {
		g.s.Tokens[i].DeleteToken = dt
	}
}

// share returns the share of users like u (of department dept) who authorize an app
// with uses.
func (g *sfGen) share(u int32, dept string, uses []sfUse) float64 {
	x := 0.0
	for _, use := range uses {
		if use.dept == dept || use.dept == "admin" && slices.Contains(g.admins, u) {
			x = max(x, use.share)
		}
	}
	return x
}

// addServerTokens adds the tokens of server app a's integration user: up to three old
// ones last used long ago, then the one in use (primary), whose use in the window the
// API events add.
func (g *sfGen) addServerTokens(a int32, spec sfAppSpec) {
	r, daily := g.r, int64(g.daily(spec))
	maxAge := g.ageOf(g.s.Apps[a].CreatedAt) - day
	if spec.policy == "specific_lifetime" {
		maxAge = min(maxAge, 330*day)
	}
	ages := make([]int64, r.IntN(4))
	for k := range ages {
		ages[k] = 150*day + r.Int64N(maxAge-150*day)
	}
	slices.Sort(ages)
	slices.Reverse(ages)
	u := g.integ[a]
	for _, created := range ages {
		last := 100*day + r.Int64N(created-101*day)
		uses := daily*(created-last)/day*int64(80+r.IntN(41))/100 + 1
		g.s.Tokens = append(g.s.Tokens, SFToken{App: a, User: u, CreatedAt: g.at(created),
			LastUsedAt: g.at(last), UseCount: int(uses)})
	}
	created := 35*day + r.Int64N(105*day)
	g.primary[a] = int32(len(g.s.Tokens))
	g.s.Tokens = append(g.s.Tokens, SFToken{App: a, User: u, CreatedAt: g.at(created),
		UseCount: int(daily * (created - g.windowAge) / day)})
}

// addUserToken adds a token of app a for user u, if the user's history allows one, and
// reports whether it did. Tokens of people who left were created before they left, and
// last used then, unless their app keeps using them.
func (g *sfGen) addUserToken(u, a int32, spec sfAppSpec) bool {
	r, user := g.r, &g.s.Users[u]
	p := &g.people[user.Person]
	end, lo := int64(1), int64(3600) // the least ages of the last use and the creation
	if p.Status != Active {
		lo = g.ageOf(p.DepartedAt) + 3600
		if r.Float64() >= sfShareContinuing || user.IsFrozen {
			end = lo
		}
	}
	hi := min(g.ageOf(user.CreatedAt), g.ageOf(g.s.Apps[a].CreatedAt)) - 60
	if hi <= lo+day {
		return false
	}
	created, last, ok := g.tokenAges(spec, end, lo, hi)
	if !ok {
		return false
	}
	for _, t := range g.s.Tokens[max(0, len(g.s.Tokens)-2):] {
		if t.User == u && t.App == a && t.CreatedAt.Equal(g.at(created)) {
			created++ // keep (user, app, created) unique
		}
	}
	t := SFToken{App: a, User: u, CreatedAt: g.at(created)}
	if last > 0 {
		t.LastUsedAt = g.at(last)
		t.UseCount = 1 + r.IntN(int(4*(created-last)/day)+2)
	}
	g.s.Tokens = append(g.s.Tokens, t)
	return true
}

// tokenAges draws the creation and last-use ages of a per-user token (last 0 for never
// used), given the least age of its last use (end) and the bounds of its creation
// (lo, hi), keeping both clear of the staleness boundary. It returns false when the
// app's policy or staleness leaves no room.
func (g *sfGen) tokenAges(spec sfAppSpec, end, lo, hi int64) (created, last int64, ok bool) {
	r := g.r
	stale := int64(StaleAfter / time.Second)
	switch u := r.Float64(); {
	case spec.stale:
		last = int64(StaleAppAge/time.Second) + r.Int64N(15*day)
		if last+day >= hi || end > last {
			return 0, 0, false
		}
		return last + day + r.Int64N(hi-last-day), last, true
	case spec.policy == "inactivity":
		if end > 30*day {
			return 0, 0, false // expired
		}
		last = end + r.Int64N(min(14*day, hi-end))
	case u < sfShareRecent || hi < stale+20*day:
		last = end + r.Int64N(min(20*day, hi-end))
		last = awayFromStale(last, end, hi)
	case u < sfShareRecent+sfShareStale && max(end, stale+staleGap) < hi:
		lo := max(end, stale+staleGap)
		last = lo + r.Int64N(hi-lo)
	default:
		created = awayFromStale(lo+r.Int64N(hi-lo), lo, hi)
		return created, 0, true
	}
	created = max(last, lo) + r.Int64N(hi-max(last, lo)+1)
	return created, last, true
}
