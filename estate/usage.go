package estate

import (
	"time"
)

// grant generates the live grant of person i to vendor v: authorized while the person
// signed in, then used recently, long ago or never. Apps of people who left mostly
// stopped with them, though some (automations) still run.
func (g *grantGen) grant(i, v int) Grant {
	r, p := g.r, &g.people[i]
	created, login := g.ageOf(p.CreatedAt), g.ageOf(p.LastLoginAt)
	gr := Grant{Person: int32(i), Vendor: int32(v), Scopes: g.scopes(v)}
	auth := login + r.Int64N(created-login+1)
	end := int64(0) // the most recent the grant can have been used
	if p.Status != Active && r.Float64() >= shareContinuing {
		end = g.ageOf(p.DepartedAt)
	}
	staleAge := int64(StaleAfter/time.Second) + staleGap
	switch u := r.Float64(); {
	case u < shareNeverUsed:
		auth = awayFromStale(auth, login, created)
	case u < shareNeverUsed+shareStale && auth >= max(staleAge, end):
		lo := max(staleAge, end)
		gr.LastUsedAt = g.at(lo + r.Int64N(auth-lo+1))
	default:
		last := end + r.Int64N(min(auth-end, 60*day)+1)
		gr.LastUsedAt = g.at(awayFromStale(last, end, auth))
	}
	gr.AuthorizedAt = g.at(auth)
	return gr
}

// scopes draws the scopes of a grant to vendor v: mostly all the vendor asks for, else a
// subset that keeps the sign-in scopes.
func (g *grantGen) scopes(v int) []string {
	vs := g.variants[v]
	switch u := g.r.Float64(); {
	case len(vs) == 1 || u < 0.80:
		return vs[0]
	case len(vs) == 2 || u < 0.92:
		return vs[1]
	}
	return vs[2]
}

// revoked generates the grant person i gave and revoked within the audit window, to a
// vendor drawn by popularity that none of the person's live grants is to. It returns
// false when the draw hits one of them or the person's history is too short.
func (g *grantGen) revoked(i int, live []Grant) (Grant, bool) {
	r, p := g.r, &g.people[i]
	v := g.drawVendor()
	for _, l := range live {
		if int(l.Vendor) == v {
			return Grant{}, false
		}
	}
	login := g.ageOf(p.LastLoginAt)
	hi := min(g.ageOf(p.CreatedAt), int64(AuditWindow/time.Second)-day)
	if hi-login < day {
		return Grant{}, false
	}
	auth := login + r.Int64N(hi-login)
	rev := r.Int64N(auth)
	gr := Grant{Person: int32(i), Vendor: int32(v), Scopes: g.variants[v][0],
		AuthorizedAt: g.at(auth), RevokedAt: g.at(rev)}
	if r.Float64() < 0.5 {
		gr.LastUsedAt = g.at(rev + r.Int64N(auth-rev+1))
	}
	return gr, true
}

// drawVendor draws a vendor with chances in proportion to their popularity.
func (g *grantGen) drawVendor() int {
	c := g.cumulative
	x := g.r.Float64() * c[len(c)-1]
	for v, s := range c {
		if x < s {
			return v
		}
	}
	return len(c) - 1
}

// awayFromStale moves an age (in seconds before now) that lies within staleGap of
// StaleAfter out of that band, by twice staleGap, staying within [lo, hi]; an age it
// cannot move stays.
func awayFromStale(age, lo, hi int64) int64 {
	stale := int64(StaleAfter / time.Second)
	if age <= stale-staleGap || age >= stale+staleGap {
		return age
	}
	if age+2*staleGap <= hi {
		return age + 2*staleGap
	}
	if age-2*staleGap >= lo {
		return age - 2*staleGap
	}
	return age
}
