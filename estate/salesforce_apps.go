package estate

import (
	"strings"
	"time"
)

// sfAppKind says who holds an app's tokens.
type sfAppKind uint8

const (
	// sfServer apps run as an integration user of their own, with a handful of tokens.
	sfServer sfAppKind = iota
	// sfPerUser apps are authorized by each person who uses them.
	sfPerUser
	// sfTool apps are admin and developer tools people authorize for themselves; their
	// API calls come from the person's own network unless the spec names one.
	sfTool
)

// sfAppSpec is one connected app of the org, in a compact form.
type sfAppSpec struct {
	// name is the app's name; product the vendor catalogue product it belongs to ("" for
	// none); company its publisher when product is not catalogued. An empty name is the
	// company's own app.
	name, product, company string
	// fullName is the Metadata API name; empty means sfAPIName(name).
	fullName string
	kind     sfAppKind
	// scopes is a space-separated list of OAuth scopes.
	scopes string
	// ipRelaxation and policy are the OAuth policies; validity and unit the refresh
	// token's lifetime for the policies that have one.
	ipRelaxation, policy, unit string
	validity                   int
	adminOnly                  bool
	// uses is "Department:share ..." for per-user and tool apps, "admin" standing for
	// the system administrators.
	uses string
	// stale marks the app nobody used for StaleAppAge.
	stale bool
	// profile is the integration user's profile of a server app; viewAll and modifyAll
	// its data permissions; daily its API requests a day at 2,000 people. objects are
	// the objects the app reads.
	profile            string
	viewAll, modifyAll bool
	daily              int
	objects            string
	// soap marks a server app that half the time calls the SOAP API; bulk one that
	// syncs each object once a day with a Bulk API 2.0 query job (and keeps the jobs).
	soap, bulk bool
	// net is the app's network (zero for a tool that runs on the person's computer);
	// ua its client's user agent.
	net sfNet
	ua  string
}

// The integration users' profiles.
const (
	sfProfileAPIOnly     = "Minimum Access - API Only Integrations"
	sfProfileIntegration = "Integration User"
	sfProfileAdmin       = "System Administrator"
)

// StaleAppAge is how long before Now the org's stale app was last used.
const StaleAppAge = 200 * 24 * time.Hour

// sfAppCatalogue returns the org's connected apps: the vendors' server integrations and
// the company's own, the apps people authorize themselves, and the admin tools.
func sfAppCatalogue() []sfAppSpec {
	const apiRT = "api refresh_token"
	return []sfAppSpec{
		{name: "Drift", product: "Drift", fullName: "drift__Drift", kind: sfServer, scopes: apiRT, ipRelaxation: "BYPASS",
			policy: "infinite", profile: sfProfileAPIOnly, viewAll: true, daily: 40, objects: "Lead Contact Account",
			net: sfNet{34, 231, 118, "US"}, ua: "Drift-Salesforce-Sync/3.2"},
		{name: "Gainsight", product: "Gainsight", fullName: "JBCXM__Gainsight", kind: sfServer, scopes: apiRT + " web",
			ipRelaxation: "BYPASS", policy: "infinite", adminOnly: true, profile: sfProfileIntegration, viewAll: true, daily: 30,
			objects: "Account Contact Opportunity Case", net: sfNet{3, 222, 49, "US"}, ua: "Gainsight-Connector/6.41"},
		{name: "HubSpot", product: "HubSpot Sales", fullName: "hubspot__HubSpot", kind: sfServer, scopes: apiRT,
			ipRelaxation: "BYPASS", policy: "infinite", profile: sfProfileAPIOnly, viewAll: true, daily: 50,
			objects: "Contact Lead Account Opportunity", net: sfNet{34, 75, 38, "US"}, ua: "HubSpot-Salesforce-Connector/2.0"},
		{name: "Zendesk", product: "Zendesk", fullName: "Zendesk__Zendesk", kind: sfServer, scopes: apiRT + " openid",
			ipRelaxation: "BYPASS", policy: "infinite", adminOnly: true, profile: sfProfileIntegration, daily: 20,
			objects: "Account Contact Case", soap: true, net: sfNet{52, 55, 201, "US"}, ua: "Zendesk-Salesforce-Integration/1.8"},
		{name: "Fivetran", company: "Fivetran", kind: sfServer, scopes: apiRT, ipRelaxation: "BYPASS", policy: "infinite",
			adminOnly: true, profile: sfProfileAPIOnly, viewAll: true, daily: 25, objects: "Account Contact Opportunity Case Lead", bulk: true,
			net: sfNet{35, 234, 176, "US"}, ua: "Fivetran-Salesforce/1.0 (Java 11)"},
		{kind: sfServer, scopes: apiRT, ipRelaxation: "ENFORCE", policy: "specific_lifetime", validity: 12, unit: "Months",
			adminOnly: true, profile: sfProfileIntegration, viewAll: true, modifyAll: true, daily: 35,
			objects: "Account Opportunity Contact", net: sfNet{18, 208, 77, "US"}, ua: "simple-salesforce/1.12.6"},
		{name: "Outreach", product: "Outreach", kind: sfPerUser, scopes: apiRT, ipRelaxation: "BYPASS", policy: "infinite",
			uses: "Sales:0.45", objects: "Contact Lead Opportunity", net: sfNet{52, 41, 166, "US"}, ua: "Outreach-Salesforce-Sync/5.0"},
		{name: "Gong", product: "Gong", kind: sfPerUser, scopes: apiRT + " openid", ipRelaxation: "BYPASS", policy: "infinite",
			uses: "Sales:0.5 Executive:0.5 Support:0.1", objects: "Opportunity Account Contact", net: sfNet{44, 230, 89, "US"}, ua: "Gong-CRM-Connector/2.3"},
		{name: "ZoomInfo", product: "ZoomInfo", kind: sfPerUser, scopes: apiRT + " web", ipRelaxation: "BYPASS", policy: "infinite",
			uses: "Sales:0.3 Marketing:0.3", objects: "Lead Contact Account", net: sfNet{34, 123, 62, "US"}, ua: "ZoomInfo-Salesforce/4.7"},
		{name: "Slack", product: "Slack", kind: sfPerUser, scopes: apiRT + " openid", ipRelaxation: "ENFORCE", policy: "inactivity",
			validity: 90, unit: "Days", uses: "Sales:0.2 Support:0.2 Marketing:0.2 Executive:0.2 Operations:0.2 IT:0.2",
			objects: "Account Opportunity Case", net: sfNet{54, 226, 91, "US"}, ua: "Slack-Salesforce/1.0"},
		{name: "Salesloft", product: "Salesloft", fullName: "salesloft__Salesloft", kind: sfPerUser, scopes: apiRT + " web",
			ipRelaxation: "BYPASS", policy: "infinite", uses: "Sales:0.15", objects: "Contact Lead", net: sfNet{34, 205, 12, "US"}, ua: "Salesloft-CRM-Sync/2.9"},
		{name: "Apollo.io", product: "Apollo.io", kind: sfPerUser, scopes: apiRT, ipRelaxation: "BYPASS", policy: "infinite",
			uses: "Sales:0.1 Marketing:0.1", objects: "Contact Lead Account", net: sfNet{35, 231, 22, "US"}, ua: "Apollo-Salesforce/1.4"},
		{name: "Yesware", product: "Yesware", kind: sfPerUser, scopes: apiRT + " full", ipRelaxation: "BYPASS", policy: "infinite",
			uses: "Sales:0.08", stale: true, objects: "Contact", net: sfNet{50, 16, 33, "US"}, ua: "Yesware/3.1"},
		{name: "Salesforce CLI", company: "Salesforce", fullName: "PlatformCLI", kind: sfTool, scopes: "full refresh_token openid",
			ipRelaxation: "ENFORCE", policy: "infinite", uses: "admin:0.8 IT:0.3 Engineering:0.05", objects: "Account User", ua: "sfdx-cli/7.209.6"},
		{name: "Workbench", company: "Salesforce", kind: sfTool, scopes: "api web refresh_token", ipRelaxation: "ENFORCE",
			policy: "infinite", uses: "admin:0.5 IT:0.15", objects: "Account Case User", net: sfNet{54, 83, 140, "US"}, ua: "Workbench/58.0"},
		{name: "Dataloader.io", company: "MuleSoft", kind: sfTool, scopes: "full refresh_token", ipRelaxation: "BYPASS",
			policy: "infinite", uses: "admin:0.5 Operations:0.08", objects: "Account Contact", net: sfNet{52, 6, 152, "US"}, ua: "dataloader.io/2.0"},
	}
}

// addApps adds the org's connected apps and the integration users of its server apps.
func (g *sfGen) addApps() {
	specs := sfAppCatalogue()
	ids := sfIDs(g.r, sfPrefixApp, g.pod, len(specs))
	items := sfIDs(g.r, sfPrefixMenuItem, g.pod, len(specs))
	company := tenantName(g.o.Domain)
	g.specs = specs
	for i, spec := range specs {
		a := SFApp{ID: ids[i], MenuItemID: items[i], Name: spec.name, FullName: spec.fullName, Vendor: -1,
			Company: spec.company, AdminApprovedOnly: spec.adminOnly, IPRelaxation: spec.ipRelaxation,
			RefreshTokenPolicy: spec.policy, RefreshTokenUnit: spec.unit, RefreshTokenValidity: spec.validity,
			Scopes: strings.Fields(spec.scopes)}
		if spec.name == "" {
			a.Name, a.Company, a.Internal = company+" Data Sync", company, true
		}
		if a.FullName == "" {
			a.FullName = sfAPIName(a.Name)
		}
		if v := g.vendorByProduct(spec.product); v >= 0 {
			a.Vendor, a.Company = int32(v), g.vendors[v].Company
		}
		// Vendors' apps came at some time in the org's life; the stale one well before it
		// went unused.
		a.CreatedAt = g.at(sfAppMinAge + g.r.Int64N(g.orgAge-sfAppMinAge-day))
		g.s.Apps = append(g.s.Apps, a)
		g.hosts = append(g.hosts, [2]string{spec.net.host(10 + g.r.IntN(60)), spec.net.host(70 + g.r.IntN(60))})
	}
}

// sfAppMinAge is how long before Now the newest app was created, in seconds: older than
// every token window the generator uses.
const sfAppMinAge = 400 * day

// vendorByProduct returns the index of the catalogued vendor of product, or -1.
func (g *sfGen) vendorByProduct(product string) int {
	if product == "" {
		return -1
	}
	for i := range g.vendors {
		if g.vendors[i].Product == product {
			return i
		}
	}
	return -1
}
