package risk

import (
	"slices"

	"github.com/nhiscope/nhi"
)

// grantSignals are the signals about how a grant was given and to whom.
func grantSignals() []Signal {
	return []Signal{
		{
			ID:    "grant.tenant_wide",
			Title: "Consent covers the whole tenant",
			Rationale: "The grant was consented for every user of the tenant (Entra " +
				"consentType AllPrincipals), so the app reaches every mailbox or drive its scopes " +
				"name, not one person's. Check that the app needs it.",
			OWASP: []string{nhi5, nhi3}, Subject: nhi.SubjectIdentity, Severity: nhi.SeverityHigh, Weight: 20,
			Match: matchAttr("consent_type", "AllPrincipals",
				"consented for every user of the tenant (consent_type=AllPrincipals)"),
			Hits: []Example{{Name: "tenant-wide consent", Identity: exGrant(attr("consent_type", "AllPrincipals"))}},
			Misses: []Example{{Name: "one user's consent", Identity: exGrant(attr("consent_type", "Principal"))},
				{Name: "platform without consent types", Identity: exGrant()}},
		},
		{
			ID:    "grant.admin_consented",
			Title: "Administrator consented for the organisation",
			Rationale: "An administrator consented to the app on behalf of the organisation, which " +
				"skips each user's own consent screen; admin consent phishing exploits exactly this. " +
				"Review admin-consented apps regularly.",
			OWASP: []string{nhi5, nhi3}, Subject: nhi.SubjectIdentity, Severity: nhi.SeverityMedium, Weight: 10,
			Match: matchAttr("admin_consented", "true", "an administrator consented on behalf of the organisation"),
			Hits:  []Example{{Name: "admin consent", Identity: exGrant(attr("admin_consented", "true"))}},
			Misses: []Example{{Name: "user consent", Identity: exGrant(attr("admin_consented", "false"))},
				{Name: "not reported", Identity: exGrant()}},
		},
		{
			ID:    "grant.known_bad_app",
			Title: "Granted to a malicious or breached app",
			Rationale: "The grant belongs to an app the threat intelligence pack lists, matched by " +
				"its client ID: an app built to steal data, or a vendor whose tokens were stolen " +
				"(Salesloft Drift, Gainsight, 2025). Revoke the grant now and review what the app " +
				"accessed.",
			OWASP: []string{nhi3}, Subject: nhi.SubjectIdentity, Severity: nhi.SeverityCritical, Weight: 70,
			Match: matchGrantIntel(IntelMalicious, IntelBreached),
			Hits: []Example{
				{Name: "grant to a listed malicious app", Identity: exGrant(), Intel: exIntel(IntelMalicious)},
				{Name: "grant to a breached vendor's app", Identity: exGrant(), Intel: exIntel(IntelBreached)},
			},
			Misses: []Example{{Name: "grant to an unlisted app", Identity: exGrant()},
				{Name: "a listed app's name but another client ID", Identity: exGrant(func(in *IdentityInput) {
					in.Identity.AppID = "9999-other.apps.googleusercontent.com"
				}), Intel: exIntel(IntelMalicious)},
				{Name: "grant to an app attackers abuse: grant.abused_app's", Identity: exGrant(), Intel: exIntel(IntelAbused)}},
		},
		{
			ID:    "grant.abused_app",
			Title: "Granted to an app attackers use after account takeover",
			Rationale: "The grant belongs to a legitimate app that the threat intelligence pack lists " +
				"as routinely abused after an account takeover (mailbox sync clients, bulk mailers, " +
				"file sync tools): attackers grant it to the account they stole to copy its mail or " +
				"files. It is a lead, not proof: confirm the owner granted it themselves.",
			OWASP: []string{nhi3}, Subject: nhi.SubjectIdentity, Severity: nhi.SeverityMedium, Weight: 20,
			Match: matchGrantIntel(IntelAbused),
			Hits:  []Example{{Name: "grant to a listed abused app", Identity: exGrant(), Intel: exIntel(IntelAbused)}},
			Misses: []Example{{Name: "grant to an unlisted app", Identity: exGrant()},
				{Name: "grant to a malicious app: grant.known_bad_app's", Identity: exGrant(), Intel: exIntel(IntelMalicious)}},
		},
	}
}

// matchAttr hits when identity attribute k is v, with a fixed line of evidence.
func matchAttr(k, v, evidence string) func(x *Eval) ([]string, bool) {
	return func(x *Eval) ([]string, bool) {
		if x.Identity.Identity.Attributes[k] != v {
			return nil, false
		}
		return []string{evidence}, true
	}
}

// matchGrantIntel hits when the intelligence pack lists the grant's app with one of kinds.
func matchGrantIntel(kinds ...IntelKind) func(x *Eval) ([]string, bool) {
	return func(x *Eval) ([]string, bool) {
		id := &x.Identity.Identity
		e, ok := x.Intel(id.Platform, id.AppID)
		if !ok || !slices.Contains(kinds, e.Kind) {
			return nil, false
		}
		return intelEvidence(id.AppID, e), true
	}
}

// intelEvidence explains an intelligence match.
func intelEvidence(appID string, e IntelEntry) []string {
	line := "client ID " + appID + " is listed as " + string(e.Kind)
	if e.Vendor != "" {
		line += " (vendor " + e.Vendor + ")"
	}
	ev := []string{line}
	if e.Incident != "" {
		inc := "incident: " + e.Incident
		if e.Date != "" {
			inc += ", " + e.Date
		}
		ev = append(ev, inc)
	}
	if e.Source != "" {
		ev = append(ev, "source: "+e.Source)
	}
	return ev
}
