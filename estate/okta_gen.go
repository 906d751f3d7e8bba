package estate

import (
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// oktaGen holds what generating the Okta org needs beside the random source.
type oktaGen struct {
	timeline
	r       *rand.Rand
	people  []Person
	vendors []Vendor
	o       *Okta
	used    map[string]bool
	// admins are the Users indexes of administrators, of any status.
	admins []int32
}

// genOkta generates the company's Okta org from the estate's people and vendors, and
// appends its labels to e.Labels.
func genOkta(r *rand.Rand, e *Estate) *Okta {
	g := &oktaGen{timeline: timeline{e.Options.Now}, r: r, people: e.People, vendors: e.Vendors,
		used: map[string]bool{}}
	g.o = &Okta{OrgName: strings.Split(e.Options.Domain, ".")[0]}
	g.o.Zones = []OktaZone{
		{ID: g.id("nzo"), Name: "Corporate network"},
		{ID: g.id("nzo"), Name: "Cloud egress NAT"},
		{ID: g.id("nzo"), Name: "Blocked: Tor exit nodes"},
	}
	g.addUsers()
	g.addTokens()
	for _, spec := range oktaServiceApps() {
		g.addServiceApp(spec)
	}
	g.addConsents()
	g.addEvents()
	o := g.o
	slices.SortStableFunc(o.Events, func(a, b OktaEvent) int { return a.Published.Compare(b.Published) })
	o.Labels = oktaLabels(e.Options.Now, o)
	e.Labels = append(e.Labels, o.Labels...)
	return o
}

// id returns a new Okta ID: prefix and letters and digits to 20 characters, unique in the
// org.
func (g *oktaGen) id(prefix string) string {
	const alphabet = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	for {
		b := []byte(prefix + strings.Repeat("0", 20-len(prefix)))
		for i := len(prefix); i < len(b); i++ {
			b[i] = alphabet[g.r.IntN(len(alphabet))]
		}
		if id := string(b); !g.used[id] {
			g.used[id] = true
			return id
		}
	}
}

// addUsers adds a user for every person, with Okta's status for the person's, and admin
// roles for administrators: the first person is the super admin, IT admins hold one of
// the org-wide roles, other admins a narrower one.
func (g *oktaGen) addUsers() {
	it := []string{"SUPER_ADMIN", "ORG_ADMIN", "APP_ADMIN", "USER_ADMIN", "HELP_DESK_ADMIN", "API_ACCESS_MANAGEMENT_ADMIN"}
	other := []string{"READ_ONLY_ADMIN", "REPORT_ADMIN", "GROUP_MEMBERSHIP_ADMIN"}
	g.o.Users = make([]OktaUser, len(g.people))
	for i := range g.people {
		p := &g.people[i]
		u := OktaUser{ID: g.id("00u"), Person: int32(i), Status: OktaActive}
		switch p.Status {
		case Suspended:
			u.Status, u.StatusChanged = OktaSuspended, p.DepartedAt
		case Departed:
			u.Status, u.StatusChanged = OktaDeprovisioned, p.DepartedAt
		}
		switch {
		case i == 0:
			u.Roles = []string{"SUPER_ADMIN"}
		case p.Admin && p.Department == "IT":
			u.Roles = []string{it[g.r.IntN(len(it))]}
		case p.Admin:
			u.Roles = []string{other[g.r.IntN(len(other))]}
		}
		if len(u.Roles) > 0 {
			g.admins = append(g.admins, int32(i))
		}
		g.o.Users[i] = u
	}
}

// tokenNames are the names admins give API tokens.
func tokenNames() []string {
	return []string{"SIEM integration", "Terraform", "Provisioning script", "HR sync", "Audit export",
		"Legacy script", "Workflows backup", "Helpdesk tool", "Okta CLI", "Group cleanup job"}
}

// addTokens adds the API tokens admins created: up to three for IT admins, at most one
// for the others. A departed admin's tokens are deprovisioned with the account; a
// suspended admin's last use lies before the suspension, so only a recent suspension
// leaves the token listed.
func (g *oktaGen) addTokens() {
	names := tokenNames()
	for _, u := range g.admins {
		p := &g.people[u]
		n := g.r.IntN(2)
		if p.Department == "IT" {
			n = g.r.IntN(4)
		}
		if u == 0 {
			n = 2
		}
		for range n {
			t := g.token(u, names[g.r.IntN(len(names))])
			switch {
			case p.Status == Departed:
				t.RevokedAt = p.DepartedAt
				g.o.Revoked = append(g.o.Revoked, t)
			case t.ExpiresAt().After(g.now):
				g.o.Tokens = append(g.o.Tokens, t)
			}
		}
	}
}

// token draws a token user u created: created while the user could act, last used
// within its window (before the user left), or never.
func (g *oktaGen) token(u int32, name string) OktaToken {
	p := &g.people[u]
	lo := day // the most recent age the user could act at
	if p.Status != Active {
		lo = g.ageOf(p.DepartedAt) + day
	}
	hi := max(lo, min(g.ageOf(p.CreatedAt), 730*day))
	created := lo + g.r.Int64N(hi-lo+1)
	t := OktaToken{ID: g.id("00T"), Name: name, User: u, Connection: OktaAnywhere, Created: g.at(created)}
	window := int64(OktaTokenWindow / time.Second)
	if g.r.Float64() < 0.9 || created > window {
		last := lo + g.r.Int64N(min(created-lo, 5*day)+1)
		t.LastUsed = g.at(last)
	}
	if g.r.Float64() < 0.45 {
		t.Connection, t.Include = OktaZoneOnly, []int32{int32(g.r.IntN(2))}
		if g.r.Float64() < 0.5 {
			t.Exclude = []int32{2}
		}
	}
	return t
}

// vendorByProduct returns the index of the vendor whose product is name, or -1.
func (g *oktaGen) vendorByProduct(name string) int32 {
	return int32(slices.IndexFunc(g.vendors, func(v Vendor) bool { return v.Product == name }))
}

// pickAdmin draws an administrator; departed says whether a departed one may be drawn.
func (g *oktaGen) pickAdmin(departed bool) int32 {
	for {
		u := g.admins[g.r.IntN(len(g.admins))]
		if departed || g.people[u].Status != Departed {
			return u
		}
	}
}
