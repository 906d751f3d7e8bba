package estate

import (
	"cmp"
	"slices"
	"testing"
	"time"
)

// grantOrder orders grants by (Person, Vendor).
func grantOrder(a, b Grant) int {
	return cmp.Or(cmp.Compare(a.Person, b.Person), cmp.Compare(a.Vendor, b.Vendor))
}

func TestGrantInvariants(t *testing.T) {
	t.Parallel()
	for _, seed := range []int64{1, 2, 3} {
		e := mustGenerate(t, Options{Seed: seed, People: 3000})
		for i, g := range e.Grants {
			if i > 0 && grantOrder(e.Grants[i-1], g) >= 0 {
				t.Fatalf("seed %d: grant %d %+v is not after %+v", seed, i, g, e.Grants[i-1])
			}
			checkGrant(t, e, g)
			p := e.People[g.Person]
			if g.AuthorizedAt.Before(p.CreatedAt) || g.AuthorizedAt.After(p.LastLoginAt) {
				t.Errorf("seed %d: grant %+v authorized outside [%v, %v]", seed, g, p.CreatedAt, p.LastLoginAt)
			}
			if !g.LastUsedAt.IsZero() && (g.LastUsedAt.Before(g.AuthorizedAt) || g.LastUsedAt.After(e.Options.Now)) {
				t.Errorf("seed %d: grant %+v used outside [authorized, now]", seed, g)
			}
			if !g.RevokedAt.IsZero() {
				t.Errorf("seed %d: live grant %+v is revoked", seed, g)
			}
		}
	}
}

// checkGrant checks that g's indexes are in range and that it holds a subset of its
// vendor's scopes that keeps the vendor's sign-in scopes, in the vendor's order.
func checkGrant(t *testing.T, e *Estate, g Grant) {
	t.Helper()
	if int(g.Person) >= len(e.People) || int(g.Vendor) >= len(e.Vendors) || g.Person < 0 || g.Vendor < 0 {
		t.Fatalf("grant %+v indexes out of range", g)
	}
	v := e.Vendors[g.Vendor]
	if e.People[g.Person].LastLoginAt.IsZero() {
		t.Errorf("grant %+v of a person who never signed in", g)
	}
	k := 0
	for _, s := range v.Scopes {
		if k < len(g.Scopes) && g.Scopes[k] == s {
			k++
		} else if isSignInScope(s) {
			t.Errorf("grant %+v to %q lacks sign-in scope %q", g, v.Product, s)
		}
	}
	if k != len(g.Scopes) || len(g.Scopes) == 0 {
		t.Errorf("grant %+v to %q holds scopes %v, not an ordered subset of %v", g, v.Product, g.Scopes, v.Scopes)
	}
	if len(g.Scopes) == len(v.Scopes) && &g.Scopes[0] != &v.Scopes[0] {
		t.Errorf("grant %+v to %q holds all its scopes in a copy, not the vendor's slice", g, v.Product)
	}
}

func TestGrantDistribution(t *testing.T) {
	t.Parallel()
	e := mustGenerate(t, Options{Seed: 8, People: 20000})
	now := e.Options.Now
	active, perVendor := 0, make([]int, len(e.Vendors))
	var activeGrants, departed, never, stale int
	for _, p := range e.People {
		if p.Status == Active {
			active++
		}
	}
	for _, g := range e.Grants {
		perVendor[g.Vendor]++
		switch e.People[g.Person].Status {
		case Active:
			activeGrants++
		case Departed:
			departed++
		}
		if g.LastUsedAt.IsZero() {
			never++
		} else if now.Sub(g.LastUsedAt) > StaleAfter {
			stale++
		}
	}
	n := float64(len(e.Grants))
	tests := []struct {
		name   string
		got    float64
		lo, hi float64
	}{
		{"grants per active person", float64(activeGrants) / float64(active), 5, 7.5},
		{"share of grants of departed people", float64(departed) / n, 0.03, 0.10},
		{"share never used", float64(never) / n, 0.04, 0.10},
		{"share used long ago", float64(stale) / n, 0.10, 0.30},
		{"revoked per live grant", float64(len(e.Revoked)) / n, 0.01, 0.06},
	}
	for _, tt := range tests {
		if tt.got < tt.lo || tt.got > tt.hi {
			t.Errorf("%s = %.3f, want it in [%.2f, %.2f]", tt.name, tt.got, tt.lo, tt.hi)
		}
	}
	for v, c := range perVendor {
		vendor := e.Vendors[v]
		share := float64(c) / float64(len(e.People))
		if vendor.Suspicious && (c == 0 || share > 0.01) {
			t.Errorf("suspicious %q: %d grants, want a few", vendor.Product, c)
		}
		if vendor.Popularity >= 0.1 && (share < vendor.Popularity*0.8 || share > vendor.Popularity*1.1) {
			t.Errorf("%q: %.3f of people connect it, popularity %.3f", vendor.Product, share, vendor.Popularity)
		}
	}
}

func TestEverySuspiciousVendorIsGranted(t *testing.T) {
	t.Parallel()
	for seed := range int64(20) {
		e := mustGenerate(t, Options{Seed: seed, People: MinPeople})
		for v, vendor := range e.Vendors {
			if vendor.Suspicious && !slices.ContainsFunc(e.Grants, func(g Grant) bool { return int(g.Vendor) == v }) {
				t.Errorf("seed %d: no live grant to %q", seed, vendor.Product)
			}
		}
	}
}

func TestRevokedGrants(t *testing.T) {
	t.Parallel()
	e := mustGenerate(t, Options{Seed: 4, People: 5000})
	now := e.Options.Now
	if len(e.Revoked) == 0 {
		t.Fatal("no revoked grants")
	}
	for i, g := range e.Revoked {
		if i > 0 && grantOrder(e.Revoked[i-1], g) >= 0 {
			t.Fatalf("revoked grant %d %+v is not after %+v", i, g, e.Revoked[i-1])
		}
		checkGrant(t, e, g)
		if g.AuthorizedAt.Before(now.Add(-AuditWindow)) || g.RevokedAt.Before(g.AuthorizedAt) || g.RevokedAt.After(now) {
			t.Errorf("revoked grant %+v: authorized or revoked outside the audit window", g)
		}
		if !g.LastUsedAt.IsZero() && (g.LastUsedAt.Before(g.AuthorizedAt) || g.LastUsedAt.After(g.RevokedAt)) {
			t.Errorf("revoked grant %+v used outside [authorized, revoked]", g)
		}
		if e.People[g.Person].Status != Active {
			t.Errorf("revoked grant %+v of a person who is %s", g, e.People[g.Person].Status)
		}
		if _, live := slices.BinarySearchFunc(e.Grants, g, grantOrder); live {
			t.Errorf("revoked grant %+v is also live", g)
		}
	}
}

func TestUsageKeepsAwayFromStaleThreshold(t *testing.T) {
	t.Parallel()
	e := mustGenerate(t, Options{Seed: 9, People: 10000})
	near := 0
	for _, g := range e.Grants {
		last := g.LastUsedAt
		if last.IsZero() {
			last = g.AuthorizedAt
		}
		d := e.Options.Now.Sub(last) - StaleAfter
		if d.Abs() < 24*time.Hour {
			near++
		}
	}
	if share := float64(near) / float64(len(e.Grants)); share > 0.001 {
		t.Errorf("%d grants (%.4f) are within a day of the stale threshold", near, share)
	}
}

func TestAwayFromStale(t *testing.T) {
	t.Parallel()
	stale := int64(StaleAfter / time.Second)
	tests := []struct {
		name        string
		age, lo, hi int64
		want        int64
	}{
		{"recent stays", 10 * day, 0, 400 * day, 10 * day},
		{"old stays", 200 * day, 0, 400 * day, 200 * day},
		{"edge of band stays", stale - staleGap, 0, 400 * day, stale - staleGap},
		{"near moves older", stale - day, 0, 400 * day, stale - day + 2*staleGap},
		{"near moves newer when older is out of range", stale + day, 0, stale + 2*day, stale + day - 2*staleGap},
		{"stays when neither fits", stale, stale - day, stale + day, stale},
	}
	for _, tt := range tests {
		if got := awayFromStale(tt.age, tt.lo, tt.hi); got != tt.want {
			t.Errorf("%s: awayFromStale(%d, %d, %d) = %d, want %d", tt.name, tt.age, tt.lo, tt.hi, got, tt.want)
		}
	}
}
