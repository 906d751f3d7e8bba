package risk

import (
	"time"

	"github.com/nhiscope/nhi"
)

// staleDays is the default number of days without use after which an identity is stale.
const staleDays = 90

// usageSignals are the signals about whether an identity is still used.
func usageSignals() []Signal {
	return []Signal{
		{
			ID:    "usage.stale",
			Title: "Not used for a long time",
			Rationale: "The identity has not been used for months, or was never used and is not new: " +
				"it keeps its access while nobody needs it, and nobody would miss it if it were " +
				"revoked (Zscaler was reached in the 2025 Drift breach through an integration it had " +
				"stopped using weeks before). A grant with no recorded use and no known creation time predates the " +
				"platform's audit log (Google keeps 180 days), so it counts as stale. Revoke it.",
			OWASP: []string{nhi1}, Subject: nhi.SubjectIdentity, Severity: nhi.SeverityMedium, Weight: 20,
			Params: []Param{{Name: "days", Default: staleDays, Min: 1, Unit: "days",
				Doc: "Days without use (or, never used, since creation) after which the identity is stale."}},
			Match: matchStale,
			Hits: []Example{
				{Name: "last used 120 days ago", Identity: exGrant(used(400, 120))},
				{Name: "never used, created 100 days ago", Identity: exGrant(used(100, unset))},
				{Name: "never used, creation time unknown", Identity: exGrant(used(unset, unset))},
			},
			Misses: []Example{
				{Name: "used 3 days ago", Identity: exGrant()},
				{Name: "never used, created 10 days ago", Identity: exGrant(used(10, unset))},
				{Name: "used 89 days ago", Identity: exGrant(used(unset, 89))},
				{Name: "platform shows no last use", Identity: exGrant(used(400, unset), attr(AttrLastUsed, "unknown"))},
			},
		},
		{
			ID:    "identity.toxic_combination",
			Title: "Stale and over-privileged",
			Rationale: "The identity is unused and still holds high or critical scopes: all of the " +
				"reach, none of the need, and nobody watching. This is the combination attackers " +
				"look for and the first thing to revoke. Uses the same staleness test as usage.stale.",
			OWASP: []string{nhi1, nhi5}, Subject: nhi.SubjectIdentity, Severity: nhi.SeverityCritical, Weight: 25,
			Params: []Param{{Name: "days", Default: staleDays, Min: 1, Unit: "days",
				Doc: "Days without use after which the identity counts as stale (keep it equal to usage.stale.days)."}},
			Match: matchToxic,
			Hits: []Example{
				{Name: "unused for 200 days with full Gmail", Identity: exGrant(used(400, 200), scopes(exMail))},
				{Name: "never used, with read-only Gmail", Identity: exGrant(used(unset, unset), scopes(exReadMail))},
			},
			Misses: []Example{
				{Name: "in use with full Gmail", Identity: exGrant(scopes(exMail))},
				{Name: "stale with calendar only", Identity: exGrant(used(400, 200), scopes(exCalendar))},
			},
		},
	}
}

// lastUsed returns the latest use of the identity or any of its credentials.
func lastUsed(x *Eval) time.Time {
	last := x.Identity.Identity.LastUsedAt
	for _, c := range x.Credentials() {
		if c.LastUsedAt.After(last) {
			last = c.LastUsedAt
		}
	}
	return last
}

// stale returns the evidence that the identity has gone unused for more than days.
func stale(x *Eval, days int) ([]string, bool) {
	now := x.Identity.Now
	if now.IsZero() {
		return nil, false
	}
	if last := lastUsed(x); !last.IsZero() {
		if !olderThan(now, last, days) {
			return nil, false
		}
		return []string{agoLine("last used ", last, now)}, true
	}
	created := x.Identity.Identity.CreatedAt
	switch {
	case x.Identity.Identity.Attributes[AttrLastUsed] == "unknown":
		return nil, false
	case created.IsZero():
		return []string{"no recorded use, and created before the audit log's reach (creation time unknown)"}, true
	case olderThan(now, created, days):
		return []string{agoLine("no recorded use since it was created ", created, now)}, true
	}
	return nil, false
}

// AttrLastUsed is "unknown" on an identity whose platform shows no last use of its kind
// (a GitHub App installation, a webhook): no recorded use then says nothing, and the
// usage signals stay silent.
const AttrLastUsed = "last_used"

func matchStale(x *Eval) ([]string, bool) { return stale(x, x.Param("days")) }

func matchToxic(x *Eval) ([]string, bool) {
	if _, max := x.Tiers(); max < TierHigh {
		return nil, false
	}
	ev, ok := stale(x, x.Param("days"))
	if !ok {
		return nil, false
	}
	return append(ev, identityScopes(x, TierCritical, TierHigh)...), true
}
