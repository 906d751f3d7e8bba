package risk

import (
	"strconv"
	"time"

	"github.com/nhiscope/nhi"
)

// credentialSignals are the signals about the secrets an identity authenticates with.
func credentialSignals() []Signal {
	return []Signal{
		{
			ID:    "credential.long_lived",
			Title: "Credential not rotated",
			Rationale: "A live secret older than the rotation period has had that long to leak " +
				"through logs, laptops, repositories and tickets, and every copy still works. " +
				"Rotate it, and prefer short-lived or federated credentials.",
			OWASP: []string{nhi7}, Subject: nhi.SubjectIdentity, Severity: nhi.SeverityMedium, Weight: 15,
			Params: []Param{{Name: "max_age", Default: 90, Min: 1, Unit: "days",
				Doc: "Age in days after which a credential that has not expired should have been rotated."}},
			Match: matchLongLived,
			Hits:  []Example{{Name: "secret created 400 days ago", Identity: exGrant(cred("k1", 400, 1, 300))}},
			Misses: []Example{{Name: "secret created 30 days ago", Identity: exGrant(cred("k1", 30, 1, 300))},
				{Name: "old but expired: credential.expired_present's", Identity: exGrant(cred("k1", 400, 100, -5))},
				{Name: "creation time unknown", Identity: exGrant(cred("k1", unset, 1, 300))}},
		},
		{
			ID:    "credential.no_expiry",
			Title: "Credential never expires",
			Rationale: "A secret without an expiry, or with one years away, stays valid until someone " +
				"remembers to revoke it; a leaked copy works forever. Set an expiry and rotate.",
			OWASP: []string{nhi7}, Subject: nhi.SubjectIdentity, Severity: nhi.SeverityMedium, Weight: 15,
			Params: []Param{{Name: "max_lifetime", Default: 730, Min: 1, Unit: "days",
				Doc: "Expiry further away than this many days counts as no expiry."}},
			Match: matchNoExpiry,
			Hits: []Example{{Name: "secret marked never expiring", Identity: exGrant(cred("k1", 10, 1, unset), neverExpires)},
				{Name: "secret expiring in 3000 days", Identity: exGrant(cred("k1", 10, 1, 3000))}},
			Misses: []Example{{Name: "secret expiring in a year", Identity: exGrant(cred("k1", 10, 1, 365))},
				{Name: "expiry unknown", Identity: exGrant(cred("k1", 10, 1, unset))}},
		},
		{
			ID:    "credential.expiring_in_use",
			Title: "Credential in use expires soon",
			Rationale: "A secret that is still in use expires within weeks: when it does, the " +
				"integration stops. Rotate it now, while there is time to roll out the new one.",
			OWASP: []string{nhi7}, Subject: nhi.SubjectIdentity, Severity: nhi.SeverityMedium, Weight: 10,
			Params: []Param{
				{Name: "within", Default: 30, Min: 1, Unit: "days", Doc: "Days ahead in which an expiry counts as soon."},
				{Name: "active", Default: 30, Min: 1, Unit: "days", Doc: "Days back in which a use counts as in use."},
			},
			Match: matchExpiringInUse,
			Hits:  []Example{{Name: "used yesterday, expires in 10 days", Identity: exGrant(cred("k1", 300, 1, 10))}},
			Misses: []Example{{Name: "unused for 60 days, expires in 10 days", Identity: exGrant(used(300, 60), cred("k1", 300, 60, 10))},
				{Name: "used yesterday, expires in 90 days", Identity: exGrant(cred("k1", 30, 1, 90))}},
		},
		{
			ID:    "credential.expired_present",
			Title: "Expired credential still attached",
			Rationale: "An expired secret left on an identity is clutter that hides the one that " +
				"matters: attackers who add their own credential to an app count on nobody reading " +
				"the list. Remove expired credentials.",
			OWASP: []string{nhi1, nhi7}, Subject: nhi.SubjectIdentity, Severity: nhi.SeverityLow, Weight: 5,
			Params: []Param{{Name: "grace", Default: 0, Min: 0, Unit: "days",
				Doc: "Days after expiry during which an expired credential is tolerated."}},
			Match: matchExpiredPresent,
			Hits:  []Example{{Name: "expired 20 days ago", Identity: exGrant(cred("k1", 400, 30, -20))}},
			Misses: []Example{{Name: "expires in 20 days", Identity: exGrant(cred("k1", 40, 1, 20))},
				{Name: "no credentials", Identity: exGrant()}},
		},
		{
			ID:    "credential.multiple_active",
			Title: "Several live credentials",
			Rationale: "More than one live secret on one identity is how attackers persist (Midnight " +
				"Blizzard added credentials to existing apps) and how rotations are left half done. " +
				"Keep one; remove the others.",
			OWASP: []string{nhi7}, Subject: nhi.SubjectIdentity, Severity: nhi.SeverityMedium, Weight: 15,
			Params: []Param{{Name: "count", Default: 2, Min: 2, Unit: "credentials",
				Doc: "Live credentials on one identity from which the signal hits."}},
			Match: matchMultipleActive,
			Hits:  []Example{{Name: "two live secrets", Identity: exGrant(cred("k1", 40, 1, 300), cred("k2", 5, 1, 700))}},
			Misses: []Example{{Name: "one live and one expired", Identity: exGrant(cred("k1", 400, 30, -20), cred("k2", 5, 1, 700))},
				{Name: "one secret", Identity: exGrant(cred("k1", 40, 1, 300))}},
		},
	}
}

// expired reports whether c has an expiry and it has passed.
func expired(c *nhi.Credential, now time.Time) bool {
	return !c.ExpiresAt.IsZero() && !c.ExpiresAt.After(now)
}

func matchLongLived(x *Eval) ([]string, bool) {
	now, maxAge := x.Identity.Now, x.Param("max_age")
	var ev []string
	for _, c := range x.Credentials() {
		if !expired(&c, now) && olderThan(now, c.CreatedAt, maxAge) {
			ev = append(ev, credName(&c)+" created "+ago(c.CreatedAt, now))
		}
	}
	return ev, ev != nil
}

func matchNoExpiry(x *Eval) ([]string, bool) {
	now := x.Identity.Now
	limit := time.Duration(x.Param("max_lifetime")) * day
	var ev []string
	for _, c := range x.Credentials() {
		switch {
		case c.NeverExpires:
			ev = append(ev, credName(&c)+" never expires")
		case !now.IsZero() && !c.ExpiresAt.IsZero() && c.ExpiresAt.Sub(now) > limit:
			ev = append(ev, credName(&c)+" expires "+ahead(c.ExpiresAt, now))
		}
	}
	return ev, ev != nil
}

func matchExpiringInUse(x *Eval) ([]string, bool) {
	now := x.Identity.Now
	soon := time.Duration(x.Param("within")) * day
	var ev []string
	for _, c := range x.Credentials() {
		if now.IsZero() || !c.ExpiresAt.After(now) || c.ExpiresAt.Sub(now) > soon {
			continue
		}
		last := c.LastUsedAt
		if last.IsZero() {
			last = x.Identity.Identity.LastUsedAt
		}
		if within(now, last, x.Param("active")) {
			ev = append(ev, credName(&c)+" expires "+ahead(c.ExpiresAt, now)+"; last used "+ago(last, now))
		}
	}
	return ev, ev != nil
}

func matchExpiredPresent(x *Eval) ([]string, bool) {
	now := x.Identity.Now
	grace := time.Duration(x.Param("grace")) * day
	var ev []string
	for _, c := range x.Credentials() {
		if !now.IsZero() && expired(&c, now.Add(-grace)) {
			ev = append(ev, credName(&c)+" expired "+ago(c.ExpiresAt, now)+" and is still attached")
		}
	}
	return ev, ev != nil
}

func matchMultipleActive(x *Eval) ([]string, bool) {
	now := x.Identity.Now
	n := 0
	creds := x.Credentials()
	for i := range creds {
		if !expired(&creds[i], now) {
			n++
		}
	}
	if n < x.Param("count") {
		return nil, false
	}
	ev := []string{strconv.Itoa(n) + " live credentials"}
	for i := range creds {
		if !expired(&creds[i], now) {
			ev = append(ev, credName(&creds[i])+" is live")
		}
	}
	return ev, true
}
