package estate

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/nhiscope/nhi"
)

// SalesforceWindow is how far back the org's LoginHistory and API events reach.
const SalesforceWindow = 30 * 24 * time.Hour

// LabelPlatformSalesforce is the platform of the Salesforce org's labels.
const LabelPlatformSalesforce = string(nhi.PlatformSalesforce)

// The shares of the Salesforce users' states.
const (
	// sfShareDepartedActive is the share of departed people the company forgot to
	// deactivate in Salesforce.
	sfShareDepartedActive = 0.5
	// sfShareSuspendedFrozen and sfShareSuspendedInactive split the suspended people:
	// frozen, deactivated, and the rest still active.
	sfShareSuspendedFrozen   = 0.15
	sfShareSuspendedInactive = 0.10
)

// sfDepartmentShare returns the share of a department's people who have a Salesforce
// user.
func sfDepartmentShare(dept string) float64 {
	switch dept {
	case "Sales", "Support", "Marketing", "Executive":
		return 1
	case "Operations", "IT":
		return 0.3
	case "Finance":
		return 0.2
	case "Legal":
		return 0.1
	case "Engineering":
		return 0.05
	}
	return 0
}

// sfProfile returns the profile of a person's user in a department.
func sfProfile(dept string) string {
	switch dept {
	case "Marketing":
		return "Marketing User"
	case "Support":
		return "Custom: Support Profile"
	case "Finance", "Legal":
		return "Read Only"
	}
	return "Standard User"
}

// sfGen holds what generating the Salesforce org needs beside the random source.
type sfGen struct {
	timeline
	r       *rand.Rand
	o       Options
	people  []Person
	vendors []Vendor
	s       *Salesforce
	pod     string
	// orgAge is how long before Now the org was created, in seconds.
	orgAge int64
	specs  []sfAppSpec
	// places[u] is where user u signs in from (people's users only).
	places []sfPlace
	// integ[a] is the integration user of server app a, -1 for other apps; primary[a]
	// the server app's token in use.
	integ, primary []int32
	// hosts[a] are the two addresses app a calls from (empty for a tool without a
	// network).
	hosts [][2]string
	// jobBase and jobs number the Bulk API 2.0 query jobs.
	jobBase, jobs uint64
	// admins are the system administrators' users.
	admins []int32
	// salt and requests make the API events' REQUEST_IDs.
	salt, requests uint64
	// windowAge is SalesforceWindow in seconds.
	windowAge int64
}

// genSalesforce generates the company's Salesforce org: users for the people of the
// departments that sell and support (departed people half forgotten, still active),
// system administrators and integration users, the connected apps of the vendors, tools
// and the company's own ETL, their OAuth tokens, LoginHistory and API events of the last
// SalesforceWindow, a Drift-style token theft within them, and the labels of the risks
// it seeds.
func genSalesforce(r *rand.Rand, o Options, people []Person, vendors []Vendor) *Salesforce {
	g := &sfGen{timeline: timeline{o.Now}, r: r, o: o, people: people, vendors: vendors,
		pod: sfPods[r.IntN(len(sfPods))], orgAge: int64(History / time.Second),
		salt: r.Uint64(), jobBase: r.Uint64N(sfCounterMax), windowAge: int64(SalesforceWindow / time.Second)}
	g.s = &Salesforce{OrgID: sfIDs(r, sfPrefixOrg, g.pod, 1)[0], MyDomain: sfMyDomain(o.Domain)}
	g.addPeopleUsers()
	g.addApps()
	g.addIntegrationUsers()
	g.assignIDs()
	g.addTokens()
	// About three logins a user and two a token; the servers' requests and one per
	// person's token.
	g.s.Logins = make([]SFLogin, 0, 3*len(g.s.Users)+2*len(g.s.Tokens))
	g.s.APIEvents = make([]SFAPIEvent, 0, 36*g.daily(sfAppSpec{daily: 200})+2*len(g.s.Tokens))
	g.addServerActivity()
	g.addAttack()
	g.addPeopleActivity()
	s := g.s
	s.Logins = sfByTime(s.Logins, func(l *SFLogin) time.Time { return l.Time })
	s.APIEvents = sfByTime(s.APIEvents, func(ev *SFAPIEvent) time.Time { return ev.Time })
	for i, id := range sfIDs(r, sfPrefixLogin, g.pod, len(s.Logins)) {
		s.Logins[i].ID = id
	}
	g.setLastLogins()
	s.Labels = salesforceLabels(o.Now, people, s)
	return s
}

// addPeopleUsers adds a user for each person of the Salesforce departments (and always
// the first person, the IT admin), in People order, and picks the system administrators.
func (g *sfGen) addPeopleUsers() {
	r := g.r
	maxAdmins := 2 + len(g.people)/20000
	for i := range g.people {
		p := &g.people[i]
		if i != 0 && r.Float64() >= sfDepartmentShare(p.Department) {
			continue
		}
		u := SFUser{Person: int32(i), Username: p.Email, Name: p.GivenName + " " + p.FamilyName, Email: p.Email,
			UserType: "Standard", Profile: sfProfile(p.Department), APIEnabled: true}
		switch p.Status {
		case Active:
			u.IsActive = true
		case Suspended:
			x := r.Float64()
			u.IsActive = x >= sfShareSuspendedInactive
			u.IsFrozen = u.IsActive && x < sfShareSuspendedInactive+sfShareSuspendedFrozen
		case Departed:
			u.IsActive = r.Float64() < sfShareDepartedActive
		}
		created := g.ageOf(p.CreatedAt) - r.Int64N(2*day)
		if p.Status != Active {
			created = max(created, g.ageOf(p.DepartedAt)+day)
		}
		u.CreatedAt = g.at(max(created, 3600))
		if p.Status == Active && (i == 0 || p.Department == "IT" && p.Admin) && len(g.admins) < maxAdmins {
			u.Profile = sfProfileAdmin
			u.ManageUsers, u.CustomizeApplication, u.ViewAllData, u.ModifyAllData = true, true, true, true
			g.admins = append(g.admins, int32(len(g.s.Users)))
		}
		g.s.Users = append(g.s.Users, u)
	}
	g.places = sfPlaces(r, len(g.s.Users))
}

// addIntegrationUsers adds the integration user of each server app, created shortly
// before its app.
func (g *sfGen) addIntegrationUsers() {
	g.integ = make([]int32, len(g.specs))
	for a, spec := range g.specs {
		g.integ[a] = -1
		if spec.kind != sfServer {
			continue
		}
		app := &g.s.Apps[a]
		name, login := app.Name+" Integration", strings.ToLower(strings.ReplaceAll(sfAPIName(app.Name), "_", "-"))
		if app.Internal {
			name, login = "ETL Service", "etl"
		}
		g.integ[a] = int32(len(g.s.Users))
		g.s.Users = append(g.s.Users, SFUser{
			Username: login + ".integration@" + g.o.Domain, Name: name,
			Email: "sfdc-integrations@" + g.o.Domain, Person: -1, UserType: "Standard", Profile: spec.profile,
			IsActive: true, Integration: true, ViewAllData: spec.viewAll || spec.modifyAll, ModifyAllData: spec.modifyAll,
			APIEnabled: true, APIOnly: true,
			CreatedAt: app.CreatedAt.Add(-time.Duration(3600+g.r.Int64N(2*day)) * time.Second),
		})
	}
}

// assignIDs gives every user its User and UserLogin IDs.
func (g *sfGen) assignIDs() {
	users := g.s.Users
	ids := sfIDs(g.r, sfPrefixUser, g.pod, len(users))
	logins := sfIDs(g.r, sfPrefixUserLogin, g.pod, len(users))
	for i := range users {
		users[i].ID, users[i].LoginID = ids[i], logins[i]
	}
}

// setLastLogins sets each user's LastLoginAt to its latest successful login, or, for
// a user with none in the window, to a time before the window when it ever signed in.
func (g *sfGen) setLastLogins() {
	for _, l := range g.s.Logins {
		if u := &g.s.Users[l.User]; l.Status == "Success" && l.Time.After(u.LastLoginAt) {
			u.LastLoginAt = l.Time
		}
	}
	for i := range g.s.Users {
		u := &g.s.Users[i]
		if !u.LastLoginAt.IsZero() || u.Person < 0 {
			continue
		}
		p := &g.people[u.Person]
		if p.LastLoginAt.IsZero() {
			continue
		}
		age := max(g.ageOf(p.LastLoginAt), g.windowAge+day)
		if created := g.ageOf(u.CreatedAt); age < created {
			u.LastLoginAt = g.at(age + g.r.Int64N(min(3*day, created-age)+1))
		}
	}
}

// UserByPerson returns the index in Users of person p's user, or false for a person
// without one. People's users come first, in People order.
func (s *Salesforce) UserByPerson(p int) (int, bool) {
	n := sort.Search(len(s.Users), func(k int) bool { return s.Users[k].Person < 0 })
	i := sort.Search(n, func(k int) bool { return int(s.Users[k].Person) >= p })
	if i < n && int(s.Users[i].Person) == p {
		return i, true
	}
	return -1, false
}

// sfByTime returns items in order of their times (at) to the second, which is exact for
// the estate's times (whole seconds apart), items of equal times in their order in
// items. It sorts indexes, not the large items themselves.
func sfByTime[T any](items []T, at func(*T) time.Time) []T {
	secs := make([]int64, len(items))
	order := make([]int32, len(items))
	for i := range items {
		secs[i], order[i] = at(&items[i]).Unix(), int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int { return cmp.Or(cmp.Compare(secs[a], secs[b]), cmp.Compare(a, b)) })
	out := make([]T, len(items))
	for i, k := range order {
		out[i] = items[k]
	}
	return out
}
