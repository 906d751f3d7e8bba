package risk

import (
	"strconv"

	"github.com/nhiscope/nhi"
)

// appReachSignals are the signals about what an app holds across all its grants.
func appReachSignals() []Signal {
	return []Signal{
		{
			ID:    "app.critical_scopes",
			Title: "App holds critical permissions",
			Rationale: "Across its grants the app holds scopes rated critical (all mail, all files, " +
				"administration). A breach of the vendor is a breach of that data, as the 2025 " +
				"Salesloft Drift tokens showed. Check the app needs them.",
			OWASP: []string{nhi5, nhi3}, Subject: nhi.SubjectApp, Severity: nhi.SeverityHigh, Weight: 30,
			Match: matchAppCritical,
			Hits:  []Example{{Name: "full Gmail", App: exApp(appScopes(1, "openid", exMail))}},
			Misses: []Example{{Name: "read-only Gmail", App: exApp(appScopes(1, "openid", exReadMail))},
				{Name: "sign-in only", App: exApp()}},
		},
		{
			ID:    "app.broad_reach",
			Title: "Critical permissions across many users",
			Rationale: "The app holds critical scopes and many people granted it: one stolen vendor " +
				"token store reaches all of their data at once.",
			OWASP: []string{nhi3, nhi5}, Subject: nhi.SubjectApp, Severity: nhi.SeverityHigh, Weight: 20,
			Params: []Param{{Name: "users", Default: 20, Min: 1, Unit: "users",
				Doc: "Users of an app with critical scopes from which its reach counts as broad."}},
			Match: matchBroadReach,
			Hits:  []Example{{Name: "full Gmail for 40 users", App: exApp(appScopes(40, "openid", exMail))}},
			Misses: []Example{{Name: "full Gmail for 3 users", App: exApp(appScopes(3, "openid", exMail))},
				{Name: "calendar for 400 users", App: exApp(appScopes(400, "openid", exCalendar))}},
		},
		{
			ID:    "app.admin_consent_spread",
			Title: "Granted by several administrators",
			Rationale: "Several administrators granted the app, so it holds administrators' reach " +
				"several times over and a compromise of the vendor lands on the most privileged " +
				"accounts. Grant integrations from dedicated accounts.",
			OWASP: []string{nhi3, nhi5}, Subject: nhi.SubjectApp, Severity: nhi.SeverityMedium, Weight: 15,
			Params: []Param{{Name: "admins", Default: 3, Min: 1, Unit: "identities",
				Doc: "Grants by administrators from which the signal hits."}},
			Match: matchAdminSpread,
			Hits:  []Example{{Name: "four administrators", App: exApp(func(in *AppInput) { in.Admins = 4 })}},
			Misses: []Example{{Name: "one administrator", App: exApp(func(in *AppInput) { in.Admins = 1 })},
				{Name: "no administrator", App: exApp()}},
		},
		{
			ID:    "app.orphaned_grants",
			Title: "Grants left by people who are gone",
			Rationale: "Several of the app's grants belong to people who are suspended or have left: " +
				"offboarding did not revoke them. Revoke them together, and make revoking an " +
				"app's grants part of offboarding.",
			OWASP: []string{nhi1}, Subject: nhi.SubjectApp, Severity: nhi.SeverityMedium, Weight: 15,
			Params: []Param{{Name: "count", Default: 3, Min: 1, Unit: "identities",
				Doc: "Grants owned by suspended or departed people from which the signal hits."}},
			Match: matchOrphaned,
			Hits: []Example{{Name: "two departed and two suspended owners", App: exApp(func(in *AppInput) {
				in.Owners = map[nhi.PersonStatus]int{nhi.PersonActive: 10, nhi.PersonDeparted: 2, nhi.PersonSuspended: 2}
			})}},
			Misses: []Example{{Name: "one departed owner", App: exApp(func(in *AppInput) {
				in.Owners = map[nhi.PersonStatus]int{nhi.PersonActive: 10, nhi.PersonDeparted: 1}
			})}, {Name: "all owners active", App: exApp()}},
		},
	}
}

// appCritical returns the evidence lines of the app's critical scopes, nil if none.
func appCritical(x *Eval) []string {
	return appScopesAt(x, TierCritical)
}

func matchAppCritical(x *Eval) ([]string, bool) {
	ev := appCritical(x)
	return ev, ev != nil
}

func matchBroadReach(x *Eval) ([]string, bool) {
	users := x.App.App.Users
	if users < x.Param("users") {
		return nil, false
	}
	ev := appCritical(x)
	if ev == nil {
		return nil, false
	}
	return append([]string{count(users, "user") + " granted the app"}, ev...), true
}

func matchAdminSpread(x *Eval) ([]string, bool) {
	if x.App.Admins < x.Param("admins") {
		return nil, false
	}
	return []string{count(x.App.Admins, "grant") + " by administrators"}, true
}

func matchOrphaned(x *Eval) ([]string, bool) {
	o := x.App.Owners
	gone := o[nhi.PersonSuspended] + o[nhi.PersonDeparted]
	if gone < x.Param("count") {
		return nil, false
	}
	return []string{strconv.Itoa(gone) + " grants of people who are gone: " +
		strconv.Itoa(o[nhi.PersonDeparted]) + " departed, " + strconv.Itoa(o[nhi.PersonSuspended]) + " suspended"}, true
}
