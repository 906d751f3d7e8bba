package estate

import (
	"slices"
	"time"
)

// oktaLabels derives the ground-truth labels of the org from its own data, with no engine
// code: tokens' labels first (in Tokens order), then service apps' (in Apps order:
// inactive ones too, which keep their grants and get them back when reactivated), then
// consents'. Subjects are the connector's ExternalIDs (LabelPlatformOkta).
//   - permission.critical: a token whose creator holds a critical admin role
//     (IsCriticalOktaRole: the token acts with the creator's privileges), a service app
//     granted a critical scope, a consent holding one (IsCriticalOktaScope);
//   - owner.suspended: a token whose creator is suspended (Okta keeps it, rejected, until
//     its window runs out), a service app whose creator is suspended, and a suspended
//     person's consent;
//   - owner.departed: a service app whose creator has left. Okta deprovisions a departed
//     admin's tokens and does not keep deactivated people's consents, so those are never
//     labelled departed: there is nothing left to find;
//   - usage.stale: a service app whose last token request (or, never, its creation) and a
//     consent whose refresh token's last use (or, none, its creation) lie more than
//     StaleAfter before now. A listed token was used within OktaTokenWindow (30 days), so
//     no token is stale.
func oktaLabels(now time.Time, o *Okta) []Label {
	var out []Label
	add := func(risk, subject string) { out = append(out, Label{risk, LabelPlatformOkta, subject}) }
	owner := func(u int32, subject string) {
		switch o.Users[u].Status {
		case OktaSuspended:
			add(RiskOwnerSuspended, subject)
		case OktaDeprovisioned:
			add(RiskOwnerDeparted, subject)
		}
	}
	for _, t := range o.Tokens {
		owner(t.User, t.ID)
		if slices.ContainsFunc(o.Users[t.User].Roles, IsCriticalOktaRole) {
			add(RiskPermissionCritical, t.ID)
		}
	}
	for i := range o.Apps {
		a := &o.Apps[i]
		if !a.Service() {
			continue
		}
		owner(a.CreatedBy, a.ID)
		if slices.ContainsFunc(o.GrantsOf(i), func(g OktaGrant) bool { return IsCriticalOktaScope(g.Scope) }) {
			add(RiskPermissionCritical, a.ID)
		}
		if staleSince(now, a.LastUsed, a.Created) {
			add(RiskUsageStale, a.ID)
		}
	}
	for _, c := range o.Consents {
		subject := o.ConsentSubject(c)
		owner(c.User, subject)
		if slices.ContainsFunc(c.Scopes, IsCriticalOktaScope) {
			add(RiskPermissionCritical, subject)
		}
		if staleSince(now, c.LastUsed, c.Created) {
			add(RiskUsageStale, subject)
		}
	}
	return out
}
