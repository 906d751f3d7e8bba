package estate

import (
	"encoding/hex"
	"strings"
	"time"
)

// eternal returns the end of a credential that never expires in practice: certificates
// and PowerShell-made secrets may run to the year 2299.
func eternal() time.Time { return time.Date(2299, time.December, 31, 0, 0, 0, 0, time.UTC) }

// The margins that keep generated credential times clear of the label thresholds.
const (
	// liveMargin is how far ahead, at least, an ordinary live credential expires.
	liveMargin = 45 * day
	// recentUse is the longest ago a credential in use was last used.
	recentUse = 5 * day
)

// addCredentials adds the secrets and certificates of app registration a (the k-th,
// created createdAge seconds ago), each added by its first owner (or an administrator).
func (g *msGen) addCredentials(a int32, k int, createdAge int64) {
	actor := g.pick(g.admins)
	if o := g.m.Applications[a].Owners; len(o) > 0 {
		actor = o[0]
	}
	switch k {
	case lobOwnerless:
		s := g.liveStart(365, createdAge)
		g.addCred(a, g.cred(false, "automation", s, g.endOf(s, 365), g.inUse(s)), actor)
		s = 5*day + g.r.Int64N(20*day) // added lately by the app itself
		g.addCred(a, g.cred(false, "sync", s, g.endOf(s, 730), g.inUse(s)), -1)
	case lobExpiringSecret, lobExpiringCert:
		life := int64(365)
		if k == lobExpiringCert {
			life = 730
		}
		s := life*day - 3*day - g.r.Int64N(22*day)
		g.addCred(a, g.cred(k == lobExpiringCert, "prod", s, g.endOf(s, life), g.inUse(s)), actor)
	case lobEternalCert, lobEternalSecret:
		s := 100*day + g.r.Int64N(700*day)
		g.addCred(a, g.cred(k == lobEternalCert, "no-expiry", s, eternal(), g.inUse(s)), actor)
	case lobManySecrets:
		s := 300*day + g.r.Int64N(100*day)
		g.addCred(a, g.cred(false, "prod", s, g.endOf(s, 730), g.inUse(s)), actor)
		s = 120*day + g.r.Int64N(40*day)
		g.addCred(a, g.cred(false, "rotation", s, g.endOf(s, 730), -1), actor)
		s = 3*day + g.r.Int64N(17*day)
		g.addCred(a, g.cred(false, "rotation-new", s, g.endOf(s, 180), g.inUse(s)), actor)
	case lobDormant:
		s := 600*day + g.r.Int64N(200*day)
		g.addCred(a, g.cred(true, "export", s, g.endOf(s, 1095), 400*day+g.r.Int64N(150*day)), actor)
		g.addCred(a, g.cred(false, "legacy", 800*day, g.endOf(800*day, 180), -1), actor)
	default:
		g.addOrdinaryCredentials(a, createdAge, actor)
	}
}

// addOrdinaryCredentials adds one live secret or certificate, mostly in use, and
// sometimes an expired secret left behind.
func (g *msGen) addOrdinaryCredentials(a int32, createdAge int64, actor int32) {
	life := []int64{180, 365, 730}[g.r.IntN(3)]
	s := g.liveStart(life, createdAge)
	last := g.inUse(s)
	if s > 130*day && g.r.Float64() < 0.1 {
		last = 120*day + g.r.Int64N(s-120*day)
	}
	names := []string{"prod", "ci", "github-actions", "terraform", "runbook"}
	g.addCred(a, g.cred(g.r.Float64() < 0.35, names[g.r.IntN(len(names))], s, g.endOf(s, life), last), actor)
	if createdAge > 200*day && g.r.Float64() < 0.25 {
		s := 185*day + g.r.Int64N(createdAge-185*day)
		endAge := s - 180*day
		last := int64(-1)
		if g.r.Float64() < 0.5 {
			last = awayFromStale(endAge+g.r.Int64N(30*day), endAge, s)
		}
		g.addCred(a, g.cred(false, "old", s, g.endOf(s, 180), last), actor)
	}
}

// liveStart draws how long ago a credential of life days was added so that it still
// runs for liveMargin, not before the app was created.
func (g *msGen) liveStart(life, createdAge int64) int64 {
	return day + g.r.Int64N(max(1, min(life*day-liveMargin, createdAge)-day))
}

// endOf returns the end of a credential of life days added startAge seconds ago.
func (g *msGen) endOf(startAge, life int64) time.Time { return g.at(startAge - life*day) }

// inUse draws a recent last use of a credential added startAge seconds ago.
func (g *msGen) inUse(startAge int64) int64 { return min(startAge, 600+g.r.Int64N(recentUse)) }

// cred makes a secret, or a certificate, named name (a certificate is named after its
// app when added), added startAge seconds ago, ending at end and last used lastAge
// seconds ago (-1: never).
func (g *msGen) cred(cert bool, name string, startAge int64, end time.Time, lastAge int64) MSCredential {
	c := MSCredential{KeyID: newGUID(g.r), DisplayName: name, Start: g.at(startAge), End: end}
	if lastAge >= 0 {
		c.LastUsed = g.at(lastAge)
	}
	if cert {
		var thumb [20]byte
		for i := range thumb {
			thumb[i] = byte(g.r.Uint32())
		}
		c.Type, c.Usage = "AsymmetricX509Cert", "Verify"
		c.Thumbprint = strings.ToUpper(hex.EncodeToString(thumb[:]))
		return c
	}
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	hint := make([]byte, 3)
	for i := range hint {
		hint[i] = alphabet[g.r.IntN(len(alphabet))]
	}
	c.Hint = string(hint)
	return c
}

// addCred adds c to app registration a and logs its addition by actor.
func (g *msGen) addCred(a int32, c MSCredential, actor int32) {
	app := &g.m.Applications[a]
	if c.Type != "" {
		c.DisplayName = "CN=" + app.DisplayName
		app.Keys = append(app.Keys, c)
	} else {
		app.Passwords = append(app.Passwords, c)
	}
	g.auditCredential(a, &c, actor)
}
