package risk

import (
	"github.com/nhiscope/nhi"
)

// The OWASP Non-Human Identities Top 10 (2025) items the signals map to.
const (
	nhi1 = "NHI1:2025" // Improper Offboarding
	nhi2 = "NHI2:2025" // Secret Leakage
	nhi3 = "NHI3:2025" // Vulnerable Third-Party NHI
	nhi4 = "NHI4:2025" // Insecure Authentication
	nhi5 = "NHI5:2025" // Overprivileged NHI
	nhi7 = "NHI7:2025" // Long-Lived Secrets
)

// permissionSignals are the signals about what an identity's scopes reach.
func permissionSignals() []Signal {
	return []Signal{
		{
			ID:    "permission.critical",
			Title: "Holds a critical permission",
			Rationale: "The identity holds a scope the permission catalogue rates critical: all mail, " +
				"all files, or administration of the tenant. Whoever holds its token holds that reach, " +
				"so a compromise of the app is a compromise of the data. Reduce the scopes or revoke.",
			OWASP: []string{nhi5}, Subject: nhi.SubjectIdentity, Severity: nhi.SeverityHigh, Weight: 30,
			Match: matchTier(TierCritical),
			Hits:  []Example{{Name: "full Gmail access", Identity: exGrant(scopes("openid", exMail))}},
			Misses: []Example{
				{Name: "read-only Gmail is high, not critical", Identity: exGrant(scopes(exReadMail))},
				{Name: "sign-in scopes only", Identity: exGrant()},
			},
		},
		{
			ID:    "permission.high",
			Title: "Holds a high-risk permission",
			Rationale: "The identity's broadest scope is rated high: broad read or write of business " +
				"data (read all mail, all documents). It does not hit when a critical scope is held, " +
				"which permission.critical scores instead.",
			OWASP: []string{nhi5}, Subject: nhi.SubjectIdentity, Severity: nhi.SeverityMedium, Weight: 15,
			Match: matchTier(TierHigh),
			Hits:  []Example{{Name: "read-only Gmail", Identity: exGrant(scopes("openid", exReadMail))}},
			Misses: []Example{
				{Name: "a critical scope as well", Identity: exGrant(scopes(exReadMail, exMail))},
				{Name: "calendar is medium", Identity: exGrant(scopes(exCalendar))},
			},
		},
		{
			ID:    "permission.unknown",
			Title: "Holds a permission the catalogue does not know",
			Rationale: "A scope missing from the permission catalogue cannot be rated, and an unrated " +
				"scope is not a harmless one. Look it up and add it to the catalogue.",
			OWASP: []string{nhi5}, Subject: nhi.SubjectIdentity, Severity: nhi.SeverityLow, Weight: 10,
			Match: matchUnknownScopes,
			Hits:  []Example{{Name: "an unlisted scope", Identity: exGrant(scopes("openid", exUnknown))}},
			Misses: []Example{{Name: "every scope listed", Identity: exGrant(scopes("openid", exMail))},
				{Name: "no scopes at all", Identity: exGrant(scopes())}},
		},
		{
			ID:    "grant.admin_user",
			Title: "Granted by an administrator with broad scopes",
			Rationale: "An administrator granted the app high or critical scopes, so the integration " +
				"acts with an administrator's reach (analyses of the 2025 Salesloft Drift breach " +
				"point to per-user tokens granted by admins). Grant integrations from a dedicated, " +
				"least-privileged account.",
			OWASP: []string{nhi5}, Subject: nhi.SubjectIdentity, Severity: nhi.SeverityHigh, Weight: 20,
			Match: matchAdminUser,
			Hits: []Example{{Name: "an administrator grants full Gmail",
				Identity: exGrant(owner(nhi.PersonActive, true), scopes(exMail))}},
			Misses: []Example{
				{Name: "an administrator grants sign-in scopes only", Identity: exGrant(owner(nhi.PersonActive, true))},
				{Name: "a non-administrator grants full Gmail", Identity: exGrant(scopes(exMail))},
			},
		},
		{
			ID:    "grant.native_app_broad",
			Title: "Installed app with critical scopes",
			Rationale: "A native (desktop or mobile) app cannot keep a client secret, so its refresh " +
				"token on a laptop is all an attacker needs; with critical scopes that token reaches " +
				"all mail or files. Prefer web apps for broad access, or narrow the scopes.",
			OWASP: []string{nhi4, nhi5}, Subject: nhi.SubjectIdentity, Severity: nhi.SeverityMedium, Weight: 10,
			Match: matchNativeBroad,
			Hits: []Example{{Name: "desktop mail client with full Gmail",
				Identity: exGrant(attr("native_app", "true"), scopes(exMail))}},
			Misses: []Example{
				{Name: "desktop app with read-only Gmail", Identity: exGrant(attr("native_app", "true"), scopes(exReadMail))},
				{Name: "web app with full Gmail", Identity: exGrant(scopes(exMail))},
			},
		},
	}
}

// matchTier hits when the identity's highest known tier is t.
func matchTier(t Tier) func(x *Eval) ([]string, bool) {
	return func(x *Eval) ([]string, bool) {
		if _, max := x.Tiers(); max != t {
			return nil, false
		}
		return identityScopes(x, t), true
	}
}

func matchUnknownScopes(x *Eval) ([]string, bool) {
	if n, _ := x.Tiers(); n[TierUnknown] == 0 {
		return nil, false
	}
	return identityScopes(x, TierUnknown), true
}

func matchAdminUser(x *Eval) ([]string, bool) {
	o := x.Identity.Owner
	if o == nil || !o.IsAdmin {
		return nil, false
	}
	if _, max := x.Tiers(); max < TierHigh {
		return nil, false
	}
	return append([]string{"granted by administrator " + who(o)}, identityScopes(x, TierCritical, TierHigh)...), true
}

func matchNativeBroad(x *Eval) ([]string, bool) {
	in := x.Identity
	native := attrTrue(in.Identity.Attributes, "native_app") || (in.App != nil && in.App.Native)
	if !native {
		return nil, false
	}
	if n, _ := x.Tiers(); n[TierCritical] == 0 {
		return nil, false
	}
	return append([]string{"installed (native) app: it cannot keep a client secret"},
		identityScopes(x, TierCritical)...), true
}
