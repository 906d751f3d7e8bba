package estate

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"
)

// day is the unit of the generator's timelines, which count seconds before Options.Now.
const day = int64(24 * time.Hour / time.Second)

// The shares of people by status and role.
const (
	shareSuspended  = 0.04
	shareDeparted   = 0.06
	shareNeverLogin = 0.015
	shareAdminIT    = 0.25  // of the IT department
	shareAdminOther = 0.008 // of every other department
)

// The first person of every estate: the active super admin demos and tests impersonate.
const (
	adminLocalPart = "it-admin"
	adminGiven     = "IT"
	adminFamily    = "Admin"
)

// department is a department and its share of the people.
type department struct {
	name  string
	share float64
}

// departments returns the company's departments with their shares, which add up to 1.
func departments() []department {
	return []department{
		{"Engineering", 0.25}, {"Sales", 0.20}, {"Support", 0.14}, {"Marketing", 0.10},
		{"Operations", 0.09}, {"Finance", 0.06}, {"IT", 0.06}, {"HR", 0.05},
		{"Legal", 0.03}, {"Executive", 0.02},
	}
}

// Departments returns the names of the company's departments, largest first.
func Departments() []string {
	ds := departments()
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.name
	}
	return out
}

// timeline converts between times and ages: whole seconds before now.
type timeline struct{ now time.Time }

// at returns the time secondsAgo seconds before now.
func (t timeline) at(secondsAgo int64) time.Time {
	return t.now.Add(-time.Duration(secondsAgo) * time.Second)
}

// ageOf returns how many whole seconds before now t is.
func (t timeline) ageOf(at time.Time) int64 { return int64(t.now.Sub(at) / time.Second) }

// peopleGen holds what generating people needs beside the random source.
type peopleGen struct {
	timeline
	r       *rand.Rand
	domain  string
	first   nameList
	last    nameList
	depts   []department
	counter []int32 // e-mail bases seen, by first slug * len(last.slugs) + last slug
}

// genPeople generates o.People people in ascending order of GoogleID; the first is the
// active IT admin.
func genPeople(r *rand.Rand, o Options) []Person {
	g := &peopleGen{timeline: timeline{o.Now}, r: r, domain: o.Domain, depts: departments(),
		first: loadNames(firstNamesText), last: loadNames(lastNamesText)}
	g.counter = make([]int32, len(g.first.slugs)*len(g.last.slugs))
	ids := googleIDs(r, o.People)
	people := make([]Person, o.People)
	people[0] = Person{
		GoogleID: ids[0], Email: adminLocalPart + "@" + o.Domain,
		GivenName: adminGiven, FamilyName: adminFamily, Department: "IT",
		Admin: true, Status: Active,
		CreatedAt:   g.at(int64(History/time.Second) - 2*day - r.Int64N(day)),
		LastLoginAt: g.at(r.Int64N(day)),
	}
	for i := 1; i < len(people); i++ {
		people[i] = g.person(ids[i])
	}
	return people
}

// person generates one person other than the first.
func (g *peopleGen) person(id string) Person {
	r := g.r
	fi, li := r.IntN(len(g.first.names)), r.IntN(len(g.last.names))
	p := Person{
		GoogleID:   id,
		GivenName:  g.first.names[fi],
		FamilyName: g.last.names[li],
		Department: g.department(),
		Status:     Active,
	}
	p.Email = g.email(g.first.slug[fi], g.last.slug[li])
	share := shareAdminOther
	if p.Department == "IT" {
		share = shareAdminIT
	}
	p.Admin = r.Float64() < share
	switch u := r.Float64(); {
	case u < shareSuspended:
		p.Status = Suspended
	case u < shareSuspended+shareDeparted:
		p.Status = Departed
	}
	g.times(&p)
	return p
}

// department draws a department by share.
func (g *peopleGen) department() string {
	u := g.r.Float64()
	for _, d := range g.depts {
		if u < d.share {
			return d.name
		}
		u -= d.share
	}
	return g.depts[0].name
}

// email returns a unique address first.last@domain, numbered from 2 for a name seen before.
func (g *peopleGen) email(first, last int) string {
	k := first*len(g.last.slugs) + last
	g.counter[k]++
	local := g.first.slugs[first] + "." + g.last.slugs[last]
	if n := g.counter[k]; n > 1 {
		local += strconv.Itoa(int(n))
	}
	return local + "@" + g.domain
}

// times sets the person's creation, last login and departure times: created within
// History; active people signed in within days, suspended and departed people shortly
// before they left; a few never signed in at all.
func (g *peopleGen) times(p *Person) {
	r := g.r
	history := int64(History / time.Second)
	if p.Status == Active {
		created := day + r.Int64N(history-day)
		p.CreatedAt = g.at(created)
		if r.Float64() >= shareNeverLogin {
			p.LastLoginAt = g.at(min(created, int64(r.ExpFloat64()*2*float64(day)), 14*day))
		}
		return
	}
	created := 30*day + r.Int64N(history-30*day)
	window := 730 * day // departures happened within two years
	if p.Status == Suspended {
		window = 120 * day
	}
	left := day + r.Int64N(min(window, created-2*day))
	p.CreatedAt, p.DepartedAt = g.at(created), g.at(left)
	if r.Float64() >= 2*shareNeverLogin {
		p.LastLoginAt = g.at(left + r.Int64N(min(3*day, created-left)))
	}
}

// googleIDs returns n distinct 21-digit Google user IDs in ascending order: "1" and 20
// digits, drawn one from each of n equal slices of [0, 1.8e19).
func googleIDs(r *rand.Rand, n int) []string {
	const span = 18_000_000_000_000_000_000
	const width = 21
	stride := uint64(span) / uint64(n)
	buf := make([]byte, 0, n*width)
	var tmp [width - 1]byte
	for i := range n {
		v := uint64(i)*stride + r.Uint64N(stride)
		digits := strconv.AppendUint(tmp[:0], v, 10)
		buf = append(buf, '1')
		for range width - 1 - len(digits) {
			buf = append(buf, '0')
		}
		buf = append(buf, digits...)
	}
	all := string(buf) // one allocation holds every ID
	ids := make([]string, n)
	for i := range ids {
		ids[i] = all[i*width : (i+1)*width]
	}
	return ids
}

// emailOrder returns the indexes of people in ascending order of e-mail address.
func emailOrder(people []Person) []int32 {
	order := make([]int32, len(people))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int {
		return strings.Compare(people[a].Email, people[b].Email)
	})
	return order
}
