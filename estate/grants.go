package estate

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"time"
)

// StaleAfter is how long a grant goes unused (or, never used, exists) before the
// generator labels it "usage.stale".
const StaleAfter = 90 * 24 * time.Hour

// AuditWindow is how far back the audit log reaches: revoked grants were authorized and
// revoked within it.
const AuditWindow = 180 * 24 * time.Hour

// The shares that shape grants.
const (
	shareNeverUsed  = 0.07 // grants never used
	shareStale      = 0.20 // grants last used long ago
	shareContinuing = 0.25 // grants of people who left that their app still uses
	shareRevoking   = 0.20 // active people with a grant given and revoked lately
	maxConnect      = 0.95 // the highest chance that one person connects one app
	// staleGap is how far generated usage times keep from StaleAfter on either side, so
	// that the ground truth does not hang on a rounding.
	staleGap = 15 * day
)

// pair is a (person, vendor) pair.
type pair struct{ person, vendor int }

// grantGen holds what generating grants needs beside the random source.
type grantGen struct {
	timeline
	r        *rand.Rand
	people   []Person
	vendors  []Vendor
	variants [][][]string
	// connect[d][v] is the chance a person of department d connects vendor v.
	connect map[string][]float64
	// cumulative[v] is the sum of the popularities of vendors 0 to v.
	cumulative []float64
}

// genGrants generates the live grants of people to vendors and the recently revoked
// ones, both in order of (Person, Vendor). Every suspicious vendor gets at least one
// live grant; people who never signed in have none.
func genGrants(r *rand.Rand, now time.Time, people []Person, vendors []Vendor) (grants, revoked []Grant) {
	g := &grantGen{timeline: timeline{now}, r: r, people: people, vendors: vendors, connect: connectChances(vendors)}
	total := 0.0
	for i := range vendors {
		g.variants = append(g.variants, scopeVariants(&vendors[i]))
		total += vendors[i].Popularity
		g.cumulative = append(g.cumulative, total)
	}
	forced := g.forcedPairs()
	grants = make([]Grant, 0, int(float64(len(people))*total*1.05))
	revoked = make([]Grant, 0, len(people)/4)
	for i := range people {
		p := &people[i]
		if p.LastLoginAt.IsZero() {
			continue
		}
		start := len(grants)
		appetite := 0.4 + 1.2*r.Float64()
		chances := g.connect[p.Department]
		for v := range vendors {
			hit := len(forced) > 0 && forced[0] == pair{i, v}
			if hit {
				forced = forced[1:]
			}
			if r.Float64() < min(maxConnect, chances[v]*appetite) || hit {
				grants = append(grants, g.grant(i, v))
			}
		}
		if p.Status == Active && r.Float64() < shareRevoking {
			if rv, ok := g.revoked(i, grants[start:]); ok {
				revoked = append(revoked, rv)
			}
		}
	}
	return grants, revoked
}

// connectChances returns, for each department, the chance that one of its people
// connects each vendor: a vendor used mostly by some departments finds 85% of its users
// there, and the chances average to the vendor's popularity across the company.
func connectChances(vendors []Vendor) map[string][]float64 {
	depts := departments()
	share := make(map[string]float64, len(depts))
	for _, d := range depts {
		share[d.name] = d.share
	}
	out := make(map[string][]float64, len(depts))
	for _, d := range depts {
		row := make([]float64, len(vendors))
		for v := range vendors {
			row[v] = vendors[v].Popularity
			if len(vendors[v].Departments) == 0 {
				continue
			}
			in := 0.0
			for _, name := range vendors[v].Departments {
				in += share[name]
			}
			if slices.Contains(vendors[v].Departments, d.name) {
				row[v] *= 0.85 / in
			} else {
				row[v] *= 0.15 / (1 - in)
			}
		}
		out[d.name] = row
	}
	return out
}

// forcedPairs picks, for every suspicious vendor, a person who signed in and must hold a
// grant to it, so that every hostile app is seen. The pairs are in (person, vendor) order.
func (g *grantGen) forcedPairs() []pair {
	var out []pair
	for v := range g.vendors {
		if !g.vendors[v].Suspicious {
			continue
		}
		person := 0 // the admin always signed in: the last resort
		for range 100 {
			if i := 1 + g.r.IntN(len(g.people)-1); !g.people[i].LastLoginAt.IsZero() {
				person = i
				break
			}
		}
		out = append(out, pair{person, v})
	}
	slices.SortFunc(out, func(a, b pair) int {
		return cmp.Or(cmp.Compare(a.person, b.person), cmp.Compare(a.vendor, b.vendor))
	})
	return out
}
