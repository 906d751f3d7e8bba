package risk

import (
	"github.com/nhiscope/nhi"
)

// appSignals are the signals about who an app is: its publisher, its name, and what
// threat intelligence knows about it.
func appSignals() []Signal {
	return []Signal{
		{
			ID:    "app.unverified_publisher",
			Title: "Publisher not verified",
			Rationale: "Nobody vouches for who is behind the app: Google reports it as anonymous " +
				"(no client registered with Google), or Entra shows no verified publisher. " +
				"Consent-phishing apps look like this. Confirm the vendor before users keep granting it.",
			OWASP: []string{nhi3}, Subject: nhi.SubjectApp, Severity: nhi.SeverityMedium, Weight: 15,
			Match: matchUnverified,
			Hits: []Example{
				{Name: "Google anonymous app", App: exApp(func(in *AppInput) { in.App.Anonymous = true })},
				{Name: "Entra app without a verified publisher", App: exApp(appAttr("verified_publisher", "false"))},
			},
			Misses: []Example{{Name: "registered app", App: exApp()},
				{Name: "verified publisher", App: exApp(appAttr("verified_publisher", "true"))}},
		},
		{
			ID:    "app.known_malicious",
			Title: "Known malicious app",
			Rationale: "The threat intelligence pack lists the app's client ID as malicious: built or " +
				"used to steal data (consent phishing, fake integrations). Matched by ID, never by " +
				"name. Block the app and revoke every grant.",
			OWASP: []string{nhi3}, Subject: nhi.SubjectApp, Severity: nhi.SeverityCritical, Weight: 80,
			Match: matchIntelKind(IntelMalicious),
			Hits:  []Example{{Name: "listed as malicious", App: exApp(), Intel: exIntel(IntelMalicious)}},
			Misses: []Example{{Name: "not listed", App: exApp()},
				{Name: "listed as breached: app.breached_vendor's", App: exApp(), Intel: exIntel(IntelBreached)}},
		},
		{
			ID:    "app.breached_vendor",
			Title: "App of a breached vendor",
			Rationale: "The threat intelligence pack lists the app as one whose tokens were stolen in " +
				"a vendor breach (Salesloft Drift and Gainsight, 2025): a legitimate app, but the " +
				"grants it holds may be in an attacker's hands. Revoke and re-grant after the " +
				"vendor's remediation; review what the app accessed.",
			OWASP: []string{nhi3}, Subject: nhi.SubjectApp, Severity: nhi.SeverityCritical, Weight: 70,
			Match: matchIntelKind(IntelBreached),
			Hits:  []Example{{Name: "listed as breached", App: exApp(), Intel: exIntel(IntelBreached)}},
			Misses: []Example{{Name: "not listed", App: exApp()},
				{Name: "listed as malicious: app.known_malicious's", App: exApp(), Intel: exIntel(IntelMalicious)}},
		},
		{
			ID:    "app.impersonation",
			Title: "Name imitates a well-known brand",
			Rationale: "The app's display name imitates a brand it is not: look-alike letters from " +
				"another script (Cyrillic \"Zооm\"), digit swaps (\"Micros0ft\"), mixed scripts. " +
				"Users grant what looks familiar; this app is counting on it.",
			OWASP: []string{nhi3}, Subject: nhi.SubjectApp, Severity: nhi.SeverityHigh, Weight: 45,
			Match: matchImpersonation,
			Hits: []Example{{Name: "digit swap", App: exApp(appNamed("Micros0ft Teams"))},
				{Name: "Cyrillic look-alikes", App: exApp(appNamed("Z\u043e\u043em"))}},
			Misses: []Example{{Name: "own name", App: exApp()},
				{Name: "the brand itself", App: exApp(appNamed("Zoom"))}},
		},
		{
			ID:    "app.deceptive_name",
			Title: "Name carries hidden characters or markup",
			Rationale: "The app's name as registered held markup, control characters or " +
				"bidirectional overrides (\"Invoice \\u202egpj.exe\" shows as \"Invoiceexe.jpg\"): " +
				"tricks to look like something else on a consent screen or to attack the consoles " +
				"that print it. nhi shows the name cleaned; no honest app needs this.",
			OWASP: []string{nhi3}, Subject: nhi.SubjectApp, Severity: nhi.SeverityHigh, Weight: 30,
			Match: matchDeceptiveName,
			Hits:  []Example{{Name: "name had a bidi override", App: exApp(appNamed("Invoice Viewer gpj.exe"), appAttr("deceptive_name", "true"))}},
			Misses: []Example{{Name: "plain name", App: exApp(appAttr("deceptive_name", "false"))},
				{Name: "not reported", App: exApp()}},
		},
	}
}

func matchUnverified(x *Eval) ([]string, bool) {
	in := x.App
	switch {
	case in.App.Anonymous || attrTrue(in.Attributes, "anonymous"):
		return []string{"the platform reports the app as anonymous: no client registered for it"}, true
	case in.Attributes["verified_publisher"] == "false":
		return []string{"the platform shows no verified publisher (verified_publisher=false)"}, true
	}
	return nil, false
}

// matchIntelKind hits when the intelligence pack lists the app with kind k.
func matchIntelKind(k IntelKind) func(x *Eval) ([]string, bool) {
	return func(x *Eval) ([]string, bool) {
		a := &x.App.App
		e, ok := x.Intel(a.Platform, a.ExternalID)
		if !ok || e.Kind != k {
			return nil, false
		}
		return intelEvidence(a.ExternalID, e), true
	}
}

func matchImpersonation(x *Eval) ([]string, bool) {
	brand, ok := Impersonates(x.App.App.Name)
	if !ok {
		return nil, false
	}
	return []string{"name " + quoted(x.App.App.Name) + " imitates " + brand}, true
}

func matchDeceptiveName(x *Eval) ([]string, bool) {
	if !attrTrue(x.App.Attributes, "deceptive_name") {
		return nil, false
	}
	return []string{"the registered name held markup, control or bidirectional characters; cleaned: " +
		quoted(x.App.App.Name)}, true
}
