package estate

import (
	"slices"
	"time"
)

// sfRiskNoExpiry is a credential that never expires: a token of an app whose refresh
// tokens are valid until revoked.
const sfRiskNoExpiry = "credential.no_expiry"

// IsCriticalSalesforcePermission reports whether a Salesforce system permission is
// critical by the generator's own ground-truth list: reading or changing every record
// of the org whatever its sharing.
func IsCriticalSalesforcePermission(name string) bool {
	return name == "ViewAllData" || name == "ModifyAllData"
}

// IsCriticalSalesforceScope reports whether a connected app's OAuth scope is critical by
// the generator's own list: "full", everything the user can reach.
func IsCriticalSalesforceScope(scope string) bool {
	return scope == "full"
}

// SFUserPermissions returns the system permissions of user u that matter, in the names
// the connector reports: ViewAllData, ModifyAllData, ApiEnabled, ApiUserOnly,
// ManageUsers, CustomizeApplication.
func SFUserPermissions(u SFUser) []string {
	var out []string
	for _, p := range []struct {
		has  bool
		name string
	}{
		{u.ViewAllData, "ViewAllData"}, {u.ModifyAllData, "ModifyAllData"}, {u.APIEnabled, "ApiEnabled"},
		{u.APIOnly, "ApiUserOnly"}, {u.ManageUsers, "ManageUsers"}, {u.CustomizeApplication, "CustomizeApplication"},
	} {
		if p.has {
			out = append(out, p.name)
		}
	}
	return out
}

// salesforceLabels derives the ground-truth labels of the org from its own data, the
// integration users' first (in user order), then the tokens' (in token order):
//   - permission.critical: an integration user holding a critical permission
//     (IsCriticalSalesforcePermission), or a token of an app with a critical scope;
//   - owner.departed: a token of a user whose person has left, whether or not the
//     company deactivated them in Salesforce;
//   - usage.stale: a token last used (or, never, created) more than StaleAfter ago;
//   - credential.no_expiry: a token of an app whose refresh token policy is "infinite".
//
// A user's subject is its User ID; a token's is Salesforce.TokenSubject.
func salesforceLabels(now time.Time, people []Person, s *Salesforce) []Label {
	var out []Label
	add := func(risk, subject string) { out = append(out, Label{risk, LabelPlatformSalesforce, subject}) }
	for _, u := range s.Users {
		if u.Integration && slices.ContainsFunc(SFUserPermissions(u), IsCriticalSalesforcePermission) {
			add(RiskPermissionCritical, u.ID)
		}
	}
	critical := make([]bool, len(s.Apps))
	for i, a := range s.Apps {
		critical[i] = slices.ContainsFunc(a.Scopes, IsCriticalSalesforceScope)
	}
	for _, t := range s.Tokens {
		subject := s.TokenSubject(t)
		if p := s.Users[t.User].Person; p >= 0 && people[p].Status == Departed {
			add(RiskOwnerDeparted, subject)
		}
		if staleSince(now, t.LastUsedAt, t.CreatedAt) {
			add(RiskUsageStale, subject)
		}
		if critical[t.App] {
			add(RiskPermissionCritical, subject)
		}
		if s.Apps[t.App].RefreshTokenPolicy == "infinite" {
			add(sfRiskNoExpiry, subject)
		}
	}
	return out
}
