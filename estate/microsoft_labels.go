package estate

import (
	"slices"
	"time"

	"github.com/nhiscope/nhi"
)

// The risks the generator labels in the Microsoft tenant, beside RiskOwnerSuspended,
// RiskUsageStale, RiskAppSuspicious and RiskPermissionCritical.
//
// The subject of a Microsoft label is the platform ID of the labelled identity as the
// Entra connector reports it:
//   - an app (service principal) and the application permissions it holds: its app ID
//     (MSServicePrincipal.AppID);
//   - a client secret or certificate of an app registration: "<appObjectId>/<keyId>",
//     the application's object ID and the credential's key ID (CredentialSubject);
//   - a delegated permission grant: the grant's ID (MSGrant.ID).
const (
	// RiskCredentialExpiringInUse is a credential that expires within ExpiringWithin
	// and was used within InUseWithin.
	RiskCredentialExpiringInUse = "credential.expiring_in_use"
	// RiskGrantTenantWide is a delegated grant an administrator gave for every user
	// (consent type AllPrincipals).
	RiskGrantTenantWide = "grant.tenant_wide"
	// RiskIdentityNoOwner is one of the company's own apps without an owner. Vendors' and
	// Microsoft's apps are owned by their publishers and are not labelled.
	RiskIdentityNoOwner = "identity.no_owner"
)

// LabelPlatformEntra is the platform of the Microsoft tenant's labels.
const LabelPlatformEntra = string(nhi.PlatformEntra)

// The windows of RiskCredentialExpiringInUse.
const (
	// ExpiringWithin is how soon a credential must expire to be expiring.
	ExpiringWithin = 30 * 24 * time.Hour
	// InUseWithin is how recently a credential must have been used to be in use.
	InUseWithin = 30 * 24 * time.Hour
)

// CredentialSubject returns the label subject of credential c of the app registration:
// "<appObjectId>/<keyId>".
func (a *MSApplication) CredentialSubject(c MSCredential) string {
	return a.ObjectID + "/" + c.KeyID
}

// microsoftLabels derives the ground-truth labels of the tenant from its own data, with
// no engine code: Microsoft's first-party apps get none. The apps' labels come first (in
// service principal order), then the credentials' (in application order, secrets before
// certificates), then the delegated grants' (in grant order).
//   - app.suspicious: a suspicious app;
//   - usage.stale: an app last signed in (or, never, created) more than StaleAfter ago,
//     and likewise a credential by its last use or start;
//   - identity.no_owner and owner.suspended: an own app without owners, or whose owners
//     are all suspended; owner.suspended also marks a grant of a suspended user;
//   - permission.critical: an app holding a critical application permission, or a grant
//     holding a critical scope (IsCriticalMicrosoftPermission);
//   - credential.expiring_in_use and grant.tenant_wide as their constants say.
func microsoftLabels(now time.Time, m *Microsoft) []Label {
	l := &msLabeler{now: now, m: m}
	l.apps()
	for i := range m.Applications {
		app := &m.Applications[i]
		for _, c := range slices.Concat(app.Passwords, app.Keys) {
			if expiringInUse(now, c) {
				l.add(RiskCredentialExpiringInUse, app.CredentialSubject(c))
			}
			if staleSince(now, c.LastUsed, c.Start) {
				l.add(RiskUsageStale, app.CredentialSubject(c))
			}
		}
	}
	for _, g := range m.Grants {
		if g.ConsentType == "AllPrincipals" {
			l.add(RiskGrantTenantWide, g.ID)
		} else if !m.Users[g.Principal].AccountEnabled {
			l.add(RiskOwnerSuspended, g.ID)
		}
		if slices.ContainsFunc(g.Scopes, IsCriticalMicrosoftPermission) {
			l.add(RiskPermissionCritical, g.ID)
		}
	}
	return l.out
}

// msLabeler collects the labels of a tenant.
type msLabeler struct {
	now time.Time
	m   *Microsoft
	out []Label
}

// add adds the label of risk on subject.
func (l *msLabeler) add(risk, subject string) {
	l.out = append(l.out, Label{risk, LabelPlatformEntra, subject})
}

// apps labels the apps other than Microsoft's, in service principal order.
func (l *msLabeler) apps() {
	m := l.m
	critical := criticalPrincipals(m)
	for i := range m.ServicePrincipals {
		sp := &m.ServicePrincipals[i]
		if sp.FirstParty {
			continue
		}
		if sp.Suspicious {
			l.add(RiskAppSuspicious, sp.AppID)
		}
		if staleSince(l.now, sp.LastSignIn, sp.Created) {
			l.add(RiskUsageStale, sp.AppID)
		}
		if sp.Application >= 0 {
			owners := m.Applications[sp.Application].Owners
			if len(owners) == 0 {
				l.add(RiskIdentityNoOwner, sp.AppID)
			} else if !slices.ContainsFunc(owners, func(u int32) bool { return m.Users[u].AccountEnabled }) {
				l.add(RiskOwnerSuspended, sp.AppID)
			}
		}
		if critical[i] {
			l.add(RiskPermissionCritical, sp.AppID)
		}
	}
}

// criticalPrincipals reports, for each service principal, whether it holds a critical
// application permission.
func criticalPrincipals(m *Microsoft) []bool {
	values := make(map[string]string)
	for _, sp := range m.ServicePrincipals {
		for _, r := range sp.AppRoles {
			values[sp.ObjectID+"/"+r.ID] = r.Value
		}
	}
	out := make([]bool, len(m.ServicePrincipals))
	for _, a := range m.Assignments {
		if IsCriticalMicrosoftPermission(values[m.ServicePrincipals[a.Resource].ObjectID+"/"+a.AppRoleID]) {
			out[a.Principal] = true
		}
	}
	return out
}

// staleSince reports whether something last used at last (zero: never, then since
// since) is stale: more than StaleAfter before now.
func staleSince(now, last, since time.Time) bool {
	if last.IsZero() {
		last = since
	}
	return now.Sub(last) > StaleAfter
}

// expiringInUse reports whether credential c expires within ExpiringWithin of now and
// was used within InUseWithin.
func expiringInUse(now time.Time, c MSCredential) bool {
	return c.End.After(now) && c.End.Sub(now) <= ExpiringWithin &&
		!c.LastUsed.IsZero() && now.Sub(c.LastUsed) <= InUseWithin
}
