package estate

import (
	"slices"
	"time"
)

// ghHour is an hour in the generator's seconds.
const ghHour = int64(time.Hour / time.Second)

// addMembers makes the memberships. The main organization has every engineer who has
// not left, the departed ones nobody removed (shareDepartedKept), the bots and the
// contractors; the labs organization a share of its people, the deploy bot and a
// contractor. The first admin owns both, with a few engineers beside. The SAML
// organization's people get their company e-mail as linked identity.
func (g *ghGen) addMembers() {
	var labs []int32
	keep := g.keepDeparted()
	for u := range int32(len(g.gh.Users)) {
		usr := &g.gh.Users[u]
		switch {
		case usr.Person < 0:
			g.join(ghMain, u)
			if !usr.Bot || u == g.bots[1] {
				labs = append(labs, u) // a contractor or the deploy bot
			}
		case g.status(u) == Departed && !keep[u]:
			g.removed = append(g.removed, u)
			g.joined[ghMain][u] = g.joinAge(ghMain, u)
			g.auditRemoval(u)
		default:
			if g.status(u) == Departed {
				g.kept = append(g.kept, u)
			}
			g.join(ghMain, u)
			usr.Email = g.people[usr.Person].Email
			if usr.Person == 0 || (g.r.Float64() < shareLabsMembers && g.end(u)+2*day < g.orgAge[ghLabs]) {
				labs = append(labs, u)
			}
		}
	}
	slices.Sort(labs)
	for _, u := range labs {
		g.join(ghLabs, u)
	}
	g.chooseOwners()
	for org := range g.member {
		for u, in := range g.member[org] {
			if !in {
				continue
			}
			role := "member"
			if slices.Contains(g.owners[org], int32(u)) {
				role = "admin"
			}
			g.gh.Members = append(g.gh.Members, GHMember{Org: int32(org), User: int32(u), Role: role,
				JoinedAt: g.at(g.joined[org][u])})
		}
	}
}

// keepDeparted draws which departed engineers nobody removed (shareDepartedKept); of
// two or more, at least one is kept and one removed, so that both leftovers show.
func (g *ghGen) keepDeparted() map[int32]bool {
	var departed []int32
	keep := make(map[int32]bool)
	for u := range int32(len(g.gh.Users)) {
		if g.gh.Users[u].Person >= 0 && g.status(u) == Departed {
			departed = append(departed, u)
			keep[u] = g.r.Float64() < shareDepartedKept
		}
	}
	if n := len(departed); n >= 2 {
		keep[departed[0]] = keep[departed[0]] || !slices.ContainsFunc(departed, func(u int32) bool { return keep[u] })
		keep[departed[n-1]] = keep[departed[n-1]] && slices.ContainsFunc(departed, func(u int32) bool { return !keep[u] })
	}
	return keep
}

// join makes user u a member of org, joined after the account's person was hired and
// the organization created, and before the person left.
func (g *ghGen) join(org, u int32) {
	if g.gh.Users[u].Person >= 0 {
		g.staff[org] = append(g.staff[org], u)
		if g.status(u) == Active {
			g.active[org] = append(g.active[org], u)
		}
	}
	g.joined[org][u] = g.joinAge(org, u)
	g.member[org][u] = true
}

// joinAge draws how long ago user u joined org: after the account's person was hired
// and the organization created, and before the person left.
func (g *ghGen) joinAge(org, u int32) int64 {
	hi := g.orgAge[org] - day
	lo := g.end(u) + day
	if p := g.gh.Users[u].Person; p >= 0 {
		hi = min(hi, g.ageOf(g.people[p].CreatedAt)-day/2)
	}
	return g.between(min(lo, hi), hi)
}

// chooseOwners makes the first admin and a few active engineers owners of each
// organization, in ascending order of user.
func (g *ghGen) chooseOwners() {
	for org := range g.owners {
		n := 1
		if org == int(ghMain) {
			n = min(8, max(2, len(g.active[org])/40))
		}
		owners := []int32{}
		if g.userOf[0] >= 0 && g.member[org][g.userOf[0]] {
			owners = append(owners, g.userOf[0])
		}
		pool := g.active[org]
		for tries := 0; len(owners) < n+1 && tries < 10*n && len(pool) > 0; tries++ {
			if u := pool[g.r.IntN(len(pool))]; !slices.Contains(owners, u) {
				owners = append(owners, u)
			}
		}
		if len(owners) == 0 { // no person at all: a bot owns it
			owners = append(owners, g.bots[0])
		}
		slices.Sort(owners)
		g.owners[org] = owners
	}
}

// auditRemoval logs the removal of departed user u from the main organization, within
// two weeks of the person's departure, by the first admin, who does the offboarding.
func (g *ghGen) auditRemoval(u int32) {
	age := max(g.end(u)-g.r.Int64N(14*day), 60)
	g.audit(ghMain, age, "org.remove_member", g.userOf[0], u, func() map[string]any {
		return map[string]any{"operation_type": "remove", "permission": "read"}
	})
}

// ownerOf draws an owner of org.
func (g *ghGen) ownerOf(org int32) int32 { return g.owners[org][g.r.IntN(len(g.owners[org]))] }

// memberAge returns how long ago user u joined org, capped so that something the user
// did there lies before the user left: the range of ages of the user's doings is
// [end(u), memberAge].
func (g *ghGen) memberAge(org, u int32) int64 {
	return max(g.joined[org][u], g.end(u)+ghHour)
}
