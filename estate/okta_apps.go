package estate

import (
	"slices"
	"time"
)

// oktaAppSpec is one service app of the catalogue.
type oktaAppSpec struct {
	label, auth string
	scopes      []string
	// inactive marks a deactivated app; stale one unused for longer than StaleAfter;
	// departed one whose creator has left.
	inactive, stale, departed bool
}

// oktaServiceApps returns the org's OAuth service apps: integrations and automations
// that call the Okta API with client credentials.
func oktaServiceApps() []oktaAppSpec {
	const jwt, secret = "private_key_jwt", "client_secret_basic"
	return []oktaAppSpec{
		{label: "SIEM Connector", auth: jwt, scopes: []string{"okta.logs.read"}},
		{label: "SCIM Provisioning Bridge", auth: secret, scopes: []string{"okta.users.read", "okta.users.manage", "okta.groups.manage"}},
		{label: "Terraform Okta Provider", auth: jwt, scopes: []string{"okta.apps.manage", "okta.groups.manage", "okta.policies.manage", "okta.authorizationServers.manage"}},
		{label: "Access Review Export", auth: jwt, scopes: []string{"okta.users.read", "okta.groups.read", "okta.apps.read"}},
		{label: "Offboarding Automation", auth: secret, scopes: []string{"okta.users.manage", "okta.apiTokens.manage"}, departed: true},
		{label: "Legacy Reporting Job", auth: secret, scopes: []string{"okta.users.read", "okta.logs.read"}, stale: true},
		{label: "Helpdesk Assistant", auth: secret, scopes: []string{"okta.users.read", "okta.factors.manage"}, stale: true, departed: true},
		{label: "SSO Migration Tool", auth: secret, scopes: []string{"okta.apps.manage", "okta.roles.manage"}, inactive: true},
	}
}

// oktaUserApp is one user-facing app people consent to.
type oktaUserApp struct {
	label, product, appType string
	scopes                  []string
	// share is the share of people who consent; adminsOnly limits it to administrators.
	share      float64
	adminsOnly bool
}

// oktaUserApps returns the user-facing OpenID Connect apps of the org.
func oktaUserApps() []oktaUserApp {
	basic := []string{"openid", "profile", "email", "offline_access"}
	return []oktaUserApp{
		{label: "Employee Portal", appType: OktaWeb, scopes: basic, share: 0.5},
		{label: "Expenses Mobile", appType: OktaNative, scopes: basic, share: 0.2},
		{label: "Zoom", product: "Zoom", appType: OktaWeb, scopes: basic[:3], share: 0.3},
		{label: "Okta Admin CLI", appType: OktaNative, share: 0.6, adminsOnly: true,
			scopes: []string{"openid", "profile", "okta.users.read", "okta.apps.manage", "offline_access"}},
	}
}

// addServiceApp adds the service app of spec, created by an admin, with a grant for each
// of its scopes.
func (g *oktaGen) addServiceApp(spec oktaAppSpec) {
	creator := g.pickAdmin(spec.departed)
	if spec.departed {
		for range 50 {
			if u := g.pickAdmin(true); g.people[u].Status == Departed {
				creator = u
				break
			}
		}
	}
	p := &g.people[creator]
	lo := day
	if p.Status != Active {
		lo = g.ageOf(p.DepartedAt) + day
	}
	lo = max(lo, int64(StaleAfter/time.Second)+staleGap) // old enough to have gone stale
	hi := max(lo, min(g.ageOf(p.CreatedAt), 1000*day))
	created := lo + g.r.Int64N(hi-lo+1)
	id := g.id("0oa")
	a := OktaApp{ID: id, Name: "oidc_client", Label: spec.label, Status: OktaAppActive,
		SignOnMode: "OPENID_CONNECT", AppType: OktaService, AuthMethod: spec.auth, Vendor: -1,
		CreatedBy: creator, Created: g.at(created), LastUpdated: g.at(created - 3600)}
	switch {
	case spec.inactive:
		a.Status = OktaAppInactive
		a.LastUpdated = g.at(10*day + g.r.Int64N(60*day))
	case spec.stale:
		a.LastUsed = g.at(lo + g.r.Int64N(created-lo+1))
	default:
		a.LastUsed = g.at(g.r.Int64N(2 * day))
	}
	app := int32(len(g.o.Apps))
	g.o.Apps = append(g.o.Apps, a)
	for k, s := range spec.scopes {
		g.o.Grants = append(g.o.Grants, OktaGrant{ID: g.id("oag"), App: app, CreatedBy: creator,
			Scope: s, Created: g.at(created - 300 - int64(k))})
	}
}

// addConsents adds the user-facing apps (and two SAML apps without OAuth) and the people's
// consents to them: people who can still act, in user order. Deactivated people's
// consents are not kept.
func (g *oktaGen) addConsents() {
	first := int32(len(g.o.Apps))
	specs := oktaUserApps()
	for _, s := range specs {
		a := OktaApp{ID: g.id("0oa"), Name: "oidc_client", Label: s.label, Status: OktaAppActive,
			SignOnMode: "OPENID_CONNECT", AppType: s.appType, AuthMethod: "client_secret_basic",
			Vendor: -1, CreatedBy: 0, Scopes: s.scopes, Created: g.at(900*day + g.r.Int64N(300*day))}
		if s.appType == OktaNative {
			a.AuthMethod = "none"
		}
		if s.product != "" {
			a.Vendor = g.vendorByProduct(s.product)
		}
		a.LastUpdated = a.Created
		g.o.Apps = append(g.o.Apps, a)
	}
	for _, label := range []string{"Workday", "Salesforce"} {
		at := g.at(1000*day + g.r.Int64N(300*day))
		g.o.Apps = append(g.o.Apps, OktaApp{ID: g.id("0oa"), Name: "saml_app", Label: label, Status: OktaAppActive,
			SignOnMode: "SAML_2_0", Vendor: -1, Created: at, LastUpdated: at})
	}
	for u := range g.o.Users {
		if g.people[u].Status == Departed {
			continue
		}
		for k, s := range specs {
			if s.adminsOnly && len(g.o.Users[u].Roles) == 0 || g.r.Float64() >= s.share {
				continue
			}
			g.consent(int32(u), first+int32(k))
		}
	}
}

// consent adds user u's consent to app a: given while the user could act, its refresh
// token used recently, long ago, or (an app without offline_access) absent.
func (g *oktaGen) consent(u, a int32) {
	p := &g.people[u]
	app := &g.o.Apps[a]
	lo := day
	if p.Status != Active {
		lo = g.ageOf(p.DepartedAt) + day
	}
	hi := max(lo, min(g.ageOf(p.CreatedAt), g.ageOf(app.Created)))
	created := lo + g.r.Int64N(hi-lo+1)
	c := OktaConsent{User: u, App: a, Scopes: app.Scopes, Created: g.at(created)}
	for range app.Scopes {
		c.GrantIDs = append(c.GrantIDs, g.id("oag"))
	}
	if slices.Contains(app.Scopes, "offline_access") {
		c.TokenID = g.id("oar")
		last := lo + g.r.Int64N(min(created-lo, 20*day)+1)
		if g.r.Float64() < 0.15 {
			last = lo + g.r.Int64N(created-lo+1)
		}
		c.LastUsed = g.at(awayFromStale(last, lo, created))
	}
	g.o.Consents = append(g.o.Consents, c)
}
