package estate

import (
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// slackGen holds what generating the Slack organization needs beside the random source.
type slackGen struct {
	timeline
	r       *rand.Rand
	people  []Person
	vendors []Vendor
	s       *Slack
	used    map[string]bool
	// Pools of Users indexes: active people, active administrators, people who left.
	active, admins, departed []int32
}

// genSlack generates the company's Slack organization from the estate's people and
// vendors, and appends its labels to e.Labels.
func genSlack(r *rand.Rand, e *Estate) *Slack {
	o := e.Options
	g := &slackGen{timeline: timeline{o.Now}, r: r, people: e.People, vendors: e.Vendors, used: map[string]bool{}}
	org := strings.Split(o.Domain, ".")[0]
	g.s = &Slack{EnterpriseID: g.id("E", 10), EnterpriseName: titleCase(org), EnterpriseDomain: org}
	g.s.Teams = []SlackTeam{
		{ID: g.id("T", 10), Name: titleCase(org), Domain: org},
		{ID: g.id("T", 10), Name: titleCase(org) + " Engineering", Domain: org + "-eng"},
	}
	g.addPeople()
	for _, spec := range slackCatalogue() {
		g.addApp(spec)
	}
	g.addWebhooks()
	g.addAudits()
	s := g.s
	slices.SortStableFunc(s.Logs, func(a, b SlackLog) int { return a.Time.Compare(b.Time) })
	slices.SortStableFunc(s.Audits, func(a, b SlackAudit) int { return a.Time.Compare(b.Time) })
	s.Labels = slackLabels(o.Now, s)
	e.Labels = append(e.Labels, s.Labels...)
	return s
}

// titleCase upper-cases the first letter of s.
func titleCase(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// id returns a new Slack ID: prefix and n uppercase letters and digits, unique in the
// organization.
func (g *slackGen) id(prefix string, n int) string {
	const alphabet = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
	for {
		b := []byte(prefix + strings.Repeat("0", n))
		for i := len(prefix); i < len(b); i++ {
			b[i] = alphabet[g.r.IntN(len(alphabet))]
		}
		if id := string(b); !g.used[id] {
			g.used[id] = true
			return id
		}
	}
}

// digits returns a new decimal ID of n digits, unique in the organization.
func (g *slackGen) digits(n int) string {
	for {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte('0' + g.r.IntN(10))
		}
		b[0] = byte('1' + g.r.IntN(9))
		if id := string(b); !g.used[id] {
			g.used[id] = true
			return id
		}
	}
}

// addPeople adds a user for every person, deleted for those who left; engineers and IT
// staff live in the engineering workspace.
func (g *slackGen) addPeople() {
	for i := range g.people {
		p := &g.people[i]
		u := SlackUser{ID: g.id("W", 10), Person: int32(i), Bot: -1, Email: p.Email,
			Name: strings.Split(p.Email, "@")[0], RealName: p.GivenName + " " + p.FamilyName,
			Deleted: p.Status == Departed, Admin: p.Admin, Owner: i == 0, Updated: p.CreatedAt}
		if p.Department == "Engineering" || p.Department == "IT" {
			u.Team = 1
		}
		idx := int32(len(g.s.Users))
		switch {
		case u.Deleted:
			u.Updated = p.DepartedAt
			g.departed = append(g.departed, idx)
		case p.Status == Active:
			g.active = append(g.active, idx)
			if p.Admin {
				g.admins = append(g.admins, idx)
			}
		}
		g.s.Users = append(g.s.Users, u)
	}
}

// pick draws a user from pool, or from the active people when pool is empty.
func (g *slackGen) pick(pool []int32) int32 {
	if len(pool) == 0 {
		pool = g.active
	}
	return pool[g.r.IntN(len(pool))]
}

// window returns the ages (seconds before Now) within which user u could act: from
// their creation (at most two years back) to their departure (or a day ago).
func (g *slackGen) window(u int32) (lo, hi int64) {
	p := &g.people[g.s.Users[u].Person]
	hi = min(g.ageOf(p.CreatedAt), 730*day)
	lo = day
	if g.s.Users[u].Deleted {
		lo = g.ageOf(p.DepartedAt) + day
	}
	return lo, hi
}

// actAt draws a time user u acted at, keeping 10 days away from StaleAfter so that the
// ground truth does not hang on a rounding; false when the user had no time to act.
func (g *slackGen) actAt(u int32) (time.Time, bool) {
	lo, hi := g.window(u)
	if hi < lo {
		return time.Time{}, false
	}
	age := lo + g.r.Int64N(hi-lo+1)
	stale := int64(StaleAfter / time.Second)
	if age > stale-10*day && age < stale+10*day {
		if age+20*day <= hi {
			age += 20 * day
		} else if age-20*day >= lo {
			age -= 20 * day
		}
	}
	return g.at(age), true
}

// installer draws who installed an app of spec, and when.
func (g *slackGen) installer(spec slackAppSpec) (int32, time.Time) {
	if spec.flags&slackDeparted != 0 {
		for range 20 {
			u := g.pick(g.departed)
			if at, ok := g.actAt(u); ok && g.s.Users[u].Deleted {
				return u, at
			}
		}
	}
	for {
		u := g.pick(g.active)
		if spec.flags&slackInternal != 0 && g.s.Users[u].Team != 1 {
			continue
		}
		if at, ok := g.actAt(u); ok {
			return u, at
		}
	}
}

// addApp adds the app of spec as the spec's flags say: installed (with its bot and its
// integration log entries), restricted, requested, or installed and removed again.
func (g *slackGen) addApp(spec slackAppSpec) {
	s := g.s
	id := g.id("A", 10)
	if spec.flags&slackRequested != 0 {
		u := g.pick(g.active)
		s.Requests = append(s.Requests, SlackRequest{ID: g.id("Ar", 9), AppID: id, AppName: spec.name, User: u,
			Team: s.Users[u].Team, Scopes: spec.scopes(), Message: "Could we use " + spec.name + " for our team?",
			CreatedAt: g.at(day + g.r.Int64N(20*day))})
		return
	}
	u, at := g.installer(spec)
	scopes := spec.scopes()
	if spec.flags&slackRemoved != 0 {
		team := s.Users[u].Team
		s.Logs = append(s.Logs, SlackLog{Team: team, AppID: id, AppName: spec.name, User: u, ChangeType: "added",
			Scopes: SlackScopeNames(scopes), Time: at},
			SlackLog{Team: team, AppID: id, AppName: spec.name, User: u, ChangeType: "removed",
				Scopes: SlackScopeNames(scopes), Reason: "user", Time: at.Add(time.Duration(g.r.Int64N(30*day)) * time.Second)})
		return
	}
	app := SlackApp{ID: id, Name: spec.name, Description: spec.desc, Vendor: g.vendorOf(spec.name), Company: spec.company,
		Internal: spec.flags&slackInternal != 0, Directory: spec.flags&slackInternal == 0 && spec.company != "",
		Status: SlackApproved, Scopes: scopes, InstalledBy: u, InstalledAt: at, ResolvedBy: g.pick(g.admins),
		ResolvedAt: at, ClientID: g.digits(12) + "." + g.digits(13)}
	switch {
	case spec.flags&slackRestricted != 0:
		app.Status, app.InstalledBy = SlackRestricted, -1
		app.InstalledAt, app.ResolvedAt = time.Time{}, g.at(day+g.r.Int64N(120*day))
	case spec.flags&slackOrgWide != 0:
		app.OrgWide = true
	case app.Internal:
		app.Teams = []int32{1}
	default:
		app.Teams = []int32{s.Users[u].Team}
		if g.r.IntN(3) == 0 {
			app.Teams = []int32{0, 1}
		}
	}
	s.Apps = append(s.Apps, app)
	if app.Status != SlackApproved {
		return
	}
	a := int32(len(s.Apps) - 1)
	for _, t := range s.TeamsOf(int(a)) {
		s.Logs = append(s.Logs, SlackLog{Team: t, AppID: id, AppName: spec.name, User: u, ChangeType: "added",
			Scopes: SlackScopeNames(scopes), Time: at})
	}
	if spec.hasBot() {
		g.addBot(a)
	}
}

// vendorOf returns the index of the catalogued vendor whose product is name, or -1.
func (g *slackGen) vendorOf(name string) int32 {
	return int32(slices.IndexFunc(g.vendors, func(v Vendor) bool { return v.Product == name && !v.Suspicious }))
}

// addBot adds the bot of app a, its bot user, and when it last acted: recently, well
// past StaleAfter, or never.
func (g *slackGen) addBot(a int32) {
	s, app := g.s, &g.s.Apps[a]
	b := SlackBot{ID: g.id("B", 10), Name: app.Name, App: a, User: int32(len(s.Users)), Updated: app.InstalledAt}
	installed := g.ageOf(app.InstalledAt)
	switch u := g.r.Float64(); {
	case u < 0.6 || installed < 100*day:
		b.LastActiveAt = g.at(min(installed, day+g.r.Int64N(60*day)))
	case u < 0.85:
		b.LastActiveAt = g.at(min(installed, 100*day+g.r.Int64N(70*day)))
	}
	s.Bots = append(s.Bots, b)
	team := int32(0)
	if !app.OrgWide {
		team = app.Teams[0]
	}
	s.Users = append(s.Users, SlackUser{ID: g.id("U", 10), Team: team, Person: -1, Bot: int32(len(s.Bots) - 1),
		Name: strings.ToLower(strings.ReplaceAll(app.Name, " ", "")), RealName: app.Name, Updated: app.InstalledAt})
}
