package estate

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"
)

// GitHubAuditWindow is how far back the organizations' audit logs reach through the API:
// the estate logs what happened within it.
const GitHubAuditWindow = 90 * 24 * time.Hour

// The shares that shape the company's GitHub.
const (
	shareITOnGitHub   = 0.30 // of the IT department, people with a GitHub account
	shareDepartedKept = 0.40 // of departed engineers, those nobody removed from the organizations
	shareLabsMembers  = 0.20 // of the main organization's people, those also in the labs one
)

// The organizations, as indexes of GitHub.Orgs.
const (
	ghMain int32 = 0
	ghLabs int32 = 1
)

// ghGen holds what generating the company's GitHub needs beside the random source.
type ghGen struct {
	timeline
	r       *rand.Rand
	o       Options
	people  []Person
	vendors []Vendor
	gh      *GitHub
	logins  loginSet
	// userOf[p] indexes gh.Users for person p; -1 for a person without an account.
	userOf []int32
	// joined[org][u] is how long ago (seconds) user u joined the organization, 0 for a
	// user who never was a member; member[org][u] says u still is one.
	joined [2][]int64
	member [2][]bool
	// Per organization: the people who are members (engineers, current or departed),
	// those of them active, and the owners.
	staff, active, owners [2][]int32
	// bots are the machine users; kept the departed engineers still members of the main
	// organization; removed those removed from it.
	bots, kept, removed []int32
	// repos lists each organization's repositories (indexes of gh.Repos).
	repos [2][]int32
	// orgAge is how long ago (seconds) each organization was created.
	orgAge [2]int64
	ids    ghIDs
}

// ghIDs are the ID sequences of the kinds of things GitHub numbers.
type ghIDs struct {
	user, repo, inst, pat, token, req, cred, authCred, key, hook ghIDSeq
}

// genGitHub generates the company's GitHub: its two organizations, the engineers'
// accounts and memberships (with the departed engineers nobody removed), repositories,
// app installations, fine-grained tokens and requests, SAML credential authorizations,
// deploy keys, webhooks, Actions secrets, the audit log of the last 90 days, and the
// labels of the risks it seeds.
func genGitHub(r *rand.Rand, o Options, people []Person, vendors []Vendor) *GitHub {
	g := &ghGen{timeline: timeline{o.Now}, r: r, o: o, people: people, vendors: vendors,
		gh: &GitHub{}, logins: make(loginSet)}
	g.ids = ghIDs{user: ghIDSeq{1_000_000}, repo: ghIDSeq{40_000_000}, inst: ghIDSeq{10_000_000},
		pat: ghIDSeq{100_000}, token: ghIDSeq{500_000}, req: ghIDSeq{200_000}, cred: ghIDSeq{30_000_000},
		authCred: ghIDSeq{600_000_000}, key: ghIDSeq{70_000_000}, hook: ghIDSeq{300_000_000}}
	g.addOrgs()
	g.addUsers()
	g.addMembers()
	g.addRepos()
	g.addApps()
	g.addTokens()
	g.addRequests()
	g.addCredentials()
	g.addDeployKeys()
	g.addHooks()
	g.addSecrets()
	gh := g.gh
	slices.SortStableFunc(gh.Audits, func(a, b GHAudit) int { return cmp.Or(cmp.Compare(a.Org, b.Org), a.Time.Compare(b.Time)) })
	gh.Labels = githubLabels(o.Now, people, gh)
	return gh
}

// addOrgs adds the main organization, which enforces SAML single sign-on, and the
// smaller labs organization, which does not.
func (g *ghGen) addOrgs() {
	login, name := orgLogin(g.o.Domain), tenantName(g.o.Domain)
	g.orgAge = [2]int64{int64(History/time.Second) - 30*day - g.r.Int64N(60*day), 400*day + g.r.Int64N(700*day)}
	g.gh.Orgs = []GHOrg{
		{Login: login, ID: 5_000_000 + g.r.Int64N(40_000_000), Name: name, CreatedAt: g.at(g.orgAge[0]), SAML: true},
		{Login: login + "-labs", ID: 90_000_000 + g.r.Int64N(60_000_000), Name: name + " Labs", CreatedAt: g.at(g.orgAge[1])},
	}
}

// addUsers adds an account for every engineer (and some of IT, and the first admin) in
// People order, then the machine users and two contractors. Logins are unique; the
// bots' are claimed first, so that no engineer takes one.
func (g *ghGen) addUsers() {
	org := g.gh.Orgs[ghMain].Login
	bots := []string{org + "-ci-bot", org + "-deploy", org + "-terraform"}
	for _, b := range bots {
		g.logins.claim(b)
	}
	g.userOf = make([]int32, len(g.people))
	for i := range g.people {
		p := &g.people[i]
		g.userOf[i] = -1
		if i != 0 && p.Department != "Engineering" && (p.Department != "IT" || g.r.Float64() >= shareITOnGitHub) {
			continue
		}
		g.userOf[i] = int32(len(g.gh.Users))
		g.gh.Users = append(g.gh.Users, GHUser{Login: g.logins.claim(personLogin(g.r, p.Email)),
			ID: g.ids.user.next(g.r, 3000), Person: int32(i)})
	}
	for _, b := range bots {
		g.bots = append(g.bots, int32(len(g.gh.Users)))
		g.gh.Users = append(g.gh.Users, GHUser{Login: b, ID: g.ids.user.next(g.r, 3000), Person: -1, Bot: true})
	}
	for _, c := range []string{"sasha-codes", "kumar-consulting"} {
		login := g.logins.claim(c + strconv.Itoa(10+g.r.IntN(90)))
		g.gh.Users = append(g.gh.Users, GHUser{Login: login, ID: g.ids.user.next(g.r, 3000), Person: -1})
	}
	for o := range g.joined {
		g.joined[o] = make([]int64, len(g.gh.Users))
		g.member[o] = make([]bool, len(g.gh.Users))
	}
}

// end returns how long ago (seconds) user u stopped working: the person's departure or
// suspension, 0 for an active person or an account of no person.
func (g *ghGen) end(u int32) int64 {
	p := g.gh.Users[u].Person
	if p < 0 || g.people[p].Status == Active {
		return 0
	}
	return g.ageOf(g.people[p].DepartedAt)
}

// status returns the status of the person behind user u; Active for an account of no
// person.
func (g *ghGen) status(u int32) Status {
	if p := g.gh.Users[u].Person; p >= 0 {
		return g.people[p].Status
	}
	return Active
}

// pick draws one user from pool, or from fallback when pool is empty.
func (g *ghGen) pick(pool, fallback []int32) int32 {
	if len(pool) == 0 {
		pool = fallback
	}
	return pool[g.r.IntN(len(pool))]
}

// between draws an age (seconds before now) from lo to hi; lo when hi is not above it.
func (g *ghGen) between(lo, hi int64) int64 {
	if hi <= lo {
		return lo
	}
	return lo + g.r.Int64N(hi-lo+1)
}
