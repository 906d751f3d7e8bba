package estate

import (
	"slices"
	"strings"
)

// ghAppSpec is one GitHub App of the catalogue, in a compact form.
type ghAppSpec struct {
	id                         int64
	slug, name, owner, company string
	// product names the app's vendor in the vendor catalogue (with company); empty when
	// the vendor is not in it.
	product string
	// perms is a space-separated list of "permission:level"; events a space-separated
	// list of webhook events.
	perms, events string
	// main and labs are the chances the app is installed on each organization; all the
	// chance an installation reaches every repository.
	main, labs, all float64
}

// ghVendorApps is the catalogue of third-party GitHub Apps the company may install: CI,
// code quality, chat, issue tracking, deployment and observability, with the
// permissions each asks for. Dependabot is GitHub's own and is not an installation.
func ghVendorApps() []ghAppSpec {
	return []ghAppSpec{
		{18001, "circleci-app", "CircleCI", "CircleCI-Public", "Circle Internet Services", "",
			"checks:write contents:read metadata:read pull_requests:read statuses:write members:read",
			"check_run check_suite pull_request push", 1, 0.3, 0.9},
		{25402, "codecov", "Codecov", "codecov", "Sentry", "",
			"checks:write contents:read metadata:read pull_requests:write statuses:write",
			"pull_request push", 0.9, 0.5, 0.8},
		{30141, "snyk-io", "Snyk", "snyk", "Snyk", "",
			"checks:write contents:write metadata:read pull_requests:write statuses:write members:read",
			"pull_request push repository", 0.8, 0, 0.7},
		{31532, "sonarqubecloud", "SonarQube Cloud", "SonarSource", "SonarSource", "",
			"administration:read checks:write contents:read metadata:read pull_requests:write statuses:write members:read",
			"check_run check_suite pull_request push", 0.6, 0, 0.3},
		{32098, "renovate", "Renovate", "mend", "Mend.io", "",
			"checks:write contents:write issues:write metadata:read pull_requests:write statuses:write workflows:write administration:read",
			"issues pull_request push repository", 0.7, 0.4, 0.6},
		{13542, "slack", "Slack", "integrations", "Slack Technologies", "Slack",
			"checks:read contents:read deployments:read issues:write metadata:read pull_requests:write statuses:read members:read",
			"commit_comment create delete issues issue_comment pull_request pull_request_review push release", 1, 0.6, 1},
		{20105, "jira", "Jira", "atlassian", "Atlassian", "Atlassian",
			"actions:read checks:read contents:read deployments:read issues:read metadata:read pull_requests:read members:read",
			"create delete pull_request pull_request_review push repository workflow_run", 1, 0, 1},
		{41190, "linear", "Linear", "linear", "Linear Orbit", "",
			"contents:read issues:write metadata:read pull_requests:write members:read",
			"issues pull_request pull_request_review push", 0.5, 0.5, 0.7},
		{8329, "vercel", "Vercel", "vercel", "Vercel", "",
			"administration:write checks:write contents:write deployments:write issues:write metadata:read pull_requests:write repository_hooks:write statuses:write members:read",
			"deployment_status pull_request push repository", 0.5, 0.8, 0.4},
		{10257, "netlify", "Netlify", "netlify", "Netlify", "",
			"checks:write contents:read deployments:write metadata:read pull_requests:write statuses:write repository_hooks:write",
			"deployment_status pull_request push", 0.3, 0.6, 0.2},
		{27783, "launchdarkly", "LaunchDarkly", "launchdarkly", "Catamorphic", "",
			"contents:read metadata:read pull_requests:write",
			"pull_request push", 0.5, 0, 0.5},
		{15224, "datadog", "Datadog", "DataDog", "Datadog", "",
			"actions:read checks:read contents:read members:read metadata:read pull_requests:read",
			"check_run pull_request push workflow_run", 0.9, 0, 1},
		{11408, "sentry-io", "Sentry", "getsentry", "Sentry", "",
			"checks:write contents:read issues:write members:read metadata:read pull_requests:write",
			"installation_repositories issues pull_request push", 1, 0.3, 0.9},
		{54120, "doppler-secrets", "Doppler", "DopplerHQ", "Doppler", "",
			"environments:write metadata:read organization_secrets:write secrets:write",
			"", 0.4, 0, 0.1},
	}
}

// ghSuspiciousApp is the look-alike app installed by mistake: a Cyrillic "о" in its
// name, which borrows GitHub's, an unknown publisher, and every write permission that
// takes over code and secrets.
func ghSuspiciousApp() ghAppSpec {
	return ghAppSpec{1021987, "dependabot-helper", "Dependab\u043et Helper for GitHub", "dependab0t-helper", "", "",
		"administration:write contents:write members:read metadata:read organization_secrets:write secrets:write workflows:write",
		"push pull_request repository", 1, 0, 1}
}

// ghOwnApps returns the company's own GitHub Apps, owned by its main organization.
func ghOwnApps(org string) []ghAppSpec {
	return []ghAppSpec{
		{0, org + "-deploy-bot", strings.ToUpper(org[:1]) + org[1:] + " Deploy Bot", org, "", "",
			"contents:write deployments:write metadata:read pull_requests:write statuses:write workflows:write",
			"deployment push", 1, 1, 1},
		{0, org + "-release-automation", strings.ToUpper(org[:1]) + org[1:] + " Release Automation", org, "", "",
			"administration:write contents:write issues:write metadata:read pull_requests:write secrets:write",
			"pull_request release", 1, 0, 0},
	}
}

// ghPerms turns "permission:level ..." into a map.
func ghPerms(s string) map[string]string {
	out := make(map[string]string)
	for _, f := range strings.Fields(s) {
		k, v, _ := strings.Cut(f, ":")
		out[k] = v
	}
	return out
}

// ghVendorIndex returns the index in vendors of the product of company, or -1.
func ghVendorIndex(vendors []Vendor, company, product string) int32 {
	if product == "" {
		return -1
	}
	return int32(slices.IndexFunc(vendors, func(v Vendor) bool { return v.Company == company && v.Product == product }))
}

// addApps registers the catalogue's apps, the suspicious one and the company's own, in
// that order, and installs them.
func (g *ghGen) addApps() {
	specs := ghVendorApps()
	specs = append(specs, ghSuspiciousApp())
	own := ghOwnApps(g.gh.Orgs[0].Login)
	for i := range own {
		own[i].id = 2_000_000 + g.r.Int64N(400_000) + int64(i)*500_000
	}
	specs = append(specs, own...)
	for _, s := range specs {
		a := GHApp{ID: s.id, Slug: s.slug, Name: s.name, ClientID: appClientID(s.slug), Owner: s.owner,
			Vendor: ghVendorIndex(g.vendors, s.company, s.product), Company: s.company}
		a.Suspicious = s.company == "" && s.owner != g.gh.Orgs[0].Login
		app := int32(len(g.gh.Apps))
		g.gh.Apps = append(g.gh.Apps, a)
		for org, chance := range []float64{s.main, s.labs} {
			if g.r.Float64() < chance {
				g.install(int32(org), app, s)
			}
		}
	}
}
