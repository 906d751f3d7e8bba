package estate

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"sort"
	"time"
)

// MicrosoftAuditWindow is how far back the tenant's directory audit log reaches.
const MicrosoftAuditWindow = 30 * 24 * time.Hour

// msGen holds what generating the Microsoft tenant needs beside the random source.
type msGen struct {
	timeline
	r       *rand.Rand
	o       Options
	people  []Person
	vendors []Vendor
	m       *Microsoft
	// userOf[p] indexes m.Users for person p; -1 for a departed person.
	userOf []int32
	// userBin[u] is user u's object ID in binary (guidBytes); graphBin Graph's.
	userBin  [][16]byte
	graphBin [16]byte
	// graph and exchange index the Microsoft Graph and Exchange Online service principals.
	graph, exchange int32
	// tenantAge is how long before Now the tenant was created, in seconds.
	tenantAge int64
	// Pools of user indexes: active people, active admins, suspended people, active
	// people who signed in, and active engineers and IT staff (app owners).
	active, admins, suspended, signedIn, builders []int32
	// creator[i] is the user whose consent created vendor service principal i (-1 for
	// none).
	creator []int32
}

// genMicrosoft generates the company's Microsoft tenant: its users, Microsoft's
// first-party service principals, the vendors' apps consented through Microsoft
// (following the people's Google grants), the company's own app registrations, the
// directory audit log of the last 30 days, and the labels of the risks it seeds.
func genMicrosoft(r *rand.Rand, o Options, people []Person, vendors []Vendor, grants []Grant) *Microsoft {
	g := &msGen{timeline: timeline{o.Now}, r: r, o: o, people: people, vendors: vendors,
		m: &Microsoft{TenantID: newGUID(r), Domain: initialDomain(o.Domain)}}
	g.tenantAge = int64(History/time.Second) - day
	g.addUsers()
	g.addFirstParty()
	g.addVendors(grants)
	g.addApplications()
	m := g.m
	slices.SortStableFunc(m.Grants, func(a, b MSGrant) int {
		return cmp.Or(cmp.Compare(a.Principal, b.Principal), cmp.Compare(a.Client, b.Client), cmp.Compare(a.Resource, b.Resource))
	})
	slices.SortStableFunc(m.Assignments, func(a, b MSAssignment) int { return cmp.Compare(a.Principal, b.Principal) })
	slices.SortStableFunc(m.Audits, func(a, b MSAudit) int { return a.Time.Compare(b.Time) })
	m.Labels = microsoftLabels(o.Now, m)
	return m
}

// addUsers adds an Entra user for every person who has not left, in People order, and
// fills the pools.
func (g *msGen) addUsers() {
	n := 0
	for i := range g.people {
		if g.people[i].Status != Departed {
			n++
		}
	}
	ids := newGUIDs(g.r, n)
	g.userOf = make([]int32, len(g.people))
	g.userBin = make([][16]byte, n)
	g.m.Users = make([]MSUser, 0, n)
	for i := range g.people {
		p := &g.people[i]
		if p.Status == Departed {
			g.userOf[i] = -1
			continue
		}
		u := int32(len(g.m.Users))
		g.userOf[i] = u
		g.userBin[u] = guidBytes(ids[u])
		g.m.Users = append(g.m.Users, MSUser{Person: int32(i), ObjectID: ids[u], UPN: p.Email,
			AccountEnabled: p.Status == Active})
		if p.Status == Suspended {
			g.suspended = append(g.suspended, u)
			continue
		}
		g.active = append(g.active, u)
		if p.Admin {
			g.admins = append(g.admins, u)
		}
		if !p.LastLoginAt.IsZero() {
			g.signedIn = append(g.signedIn, u)
		}
		if p.Department == "Engineering" || p.Department == "IT" {
			g.builders = append(g.builders, u)
		}
	}
}

// pick draws one user index from pool, or from the active users when pool is empty.
func (g *msGen) pick(pool []int32) int32 {
	if len(pool) == 0 {
		pool = g.active
	}
	return pool[g.r.IntN(len(pool))]
}

// pickN draws up to n distinct user indexes from pool, in ascending order.
func (g *msGen) pickN(pool []int32, n int) []int32 {
	n = min(n, len(pool))
	out := make([]int32, 0, n)
	for len(out) < n {
		if u := pool[g.r.IntN(len(pool))]; !slices.Contains(out, u) {
			out = append(out, u)
		}
	}
	slices.Sort(out)
	return out
}

// sp returns the object ID of service principal i.
func (g *msGen) sp(i int32) string { return g.m.ServicePrincipals[i].ObjectID }

// spBin returns the object ID of service principal i in binary (guidBytes).
func (g *msGen) spBin(i int32) [16]byte { return guidBytes(g.sp(i)) }

// UserByPerson returns the index in Users of person p's account, or false for a person
// without one (departed).
func (m *Microsoft) UserByPerson(p int) (int, bool) {
	i := sort.Search(len(m.Users), func(k int) bool { return int(m.Users[k].Person) >= p })
	if i < len(m.Users) && int(m.Users[i].Person) == p {
		return i, true
	}
	return -1, false
}

// ServicePrincipalByAppID returns the index of the service principal of an app ID.
func (m *Microsoft) ServicePrincipalByAppID(appID string) (int, bool) {
	i := slices.IndexFunc(m.ServicePrincipals, func(sp MSServicePrincipal) bool { return sp.AppID == appID })
	return i, i >= 0
}
