package risk

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/nhiscope/nhi"
)

// The platforms of the catalogue files; the lead adds an nhi.Platform constant for each
// when its connector lands.
var cataloguePlatforms = []nhi.Platform{
	"aws", "github", nhi.PlatformGoogleWorkspace, "microsoft_entra", "okta", "salesforce", "slack",
}

func TestCatalogueTiersPerPlatform(t *testing.T) {
	t.Parallel()
	c, err := DefaultCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		platform nhi.Platform
		scope    string
		want     Tier
		label    string
	}{
		{"microsoft_entra", "RoleManagement.ReadWrite.Directory", TierCritical, "caution"},
		{"microsoft_entra", "Application.ReadWrite.All", TierCritical, ""},
		{"microsoft_entra", "Directory.ReadWrite.All", TierCritical, ""},
		{"microsoft_entra", "full_access_as_app", TierCritical, ""},
		{"microsoft_entra", "Mail.ReadWrite", TierHigh, ""},
		{"microsoft_entra", "Calendars.Read", TierMedium, ""},
		{"microsoft_entra", "User.Read", TierLow, ""},
		{"microsoft_entra", "mail.readwrite", TierUnknown, ""}, // values are case-sensitive
		{"github", "admin:org", TierCritical, ""},
		{"github", "repo", TierHigh, ""},
		{"github", "read:org", TierMedium, ""},
		{"github", "read:user", TierLow, ""},
		{"github", "administration:write", TierCritical, ""},
		{"github", "contents:read", TierHigh, ""},
		{"github", "metadata:read", TierLow, ""},
		{"github", "administration", TierUnknown, ""}, // an App permission needs its level
		{"slack", "admin.users:write", TierCritical, ""},
		{"slack", "channels:history", TierHigh, ""},
		{"slack", "chat:write", TierMedium, ""},
		{"slack", "users:read", TierLow, ""},
		{"salesforce", "full", TierCritical, ""},
		{"salesforce", "api", TierHigh, ""},
		{"salesforce", "refresh_token", TierLow, ""},
		{"okta", "okta.roles.manage", TierCritical, ""},
		{"okta", "okta.eventHooks.manage", TierHigh, ""},
		{"okta", "okta.users.read", TierMedium, ""},
		{"aws", "arn:aws:iam::aws:policy/AdministratorAccess", TierCritical, ""},
		{"aws", "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess", TierMedium, ""},
		{"aws", "iam:PassRole", TierCritical, ""},
		{"aws", "AdministratorAccess", TierUnknown, ""}, // keyed by ARN, never by name
		{"aws", "arn:aws:iam::123456789012:policy/AdministratorAccess", TierUnknown, ""},
	}
	for _, tt := range tests {
		got, ok := c.Lookup(tt.platform, tt.scope)
		if got.Tier != tt.want || ok != (tt.want != TierUnknown) || got.Label != tt.label {
			t.Errorf("Lookup(%s, %q) = %v %q, %v; want %v %q", tt.platform, tt.scope, got.Tier, got.Label, ok, tt.want, tt.label)
		}
	}
}

func TestEveryPlatformHasEveryTierAndKnownData(t *testing.T) {
	t.Parallel()
	c, err := DefaultCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, d := range catalogueDataKinds {
		known[d.name] = true
	}
	seen := map[nhi.Platform]map[Tier]int{}
	for _, p := range c.All() {
		if !slices.Contains(cataloguePlatforms, p.Platform) {
			t.Errorf("%s/%s: platform not in the list the lead turns into constants", p.Platform, p.Scope)
		}
		if !strings.HasPrefix(p.Source, "https://") {
			t.Errorf("%s/%s: source %q is not an https URL", p.Platform, p.Scope, p.Source)
		}
		for _, d := range p.Data {
			if !known[d] {
				t.Errorf("%s/%s: data %q is not one of catalogueDataKinds", p.Platform, p.Scope, d)
			}
		}
		if seen[p.Platform] == nil {
			seen[p.Platform] = map[Tier]int{}
		}
		seen[p.Platform][p.Tier]++
	}
	for _, pl := range cataloguePlatforms {
		lowest := TierLow
		if pl == "aws" { // AWS has no sign-in-only permission
			lowest = TierMedium
		}
		for tier := lowest; tier <= TierCritical; tier++ {
			if seen[pl][tier] == 0 {
				t.Errorf("%s has no %v entry", pl, tier)
			}
		}
	}
}

func TestScopeShapesPerPlatform(t *testing.T) {
	t.Parallel()
	c, err := DefaultCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	shapes := map[nhi.Platform]*regexp.Regexp{
		"aws":             regexp.MustCompile(`^(arn:aws:iam::aws:policy/[A-Za-z0-9_/-]+|\*|[a-z0-9-]+:(\*|[A-Za-z]+))$`),
		"github":          regexp.MustCompile(`^[a-z_]+(:[a-z_]+)?$`),
		"microsoft_entra": regexp.MustCompile(`^[A-Za-z_.-]+$`),
		"okta":            regexp.MustCompile(`^(okta\.[A-Za-z]+\.(manage|read)|[a-z_]+|[A-Z_]+)$`), // scopes; admin roles
		"salesforce":      regexp.MustCompile(`^([a-z_]+|[A-Z][A-Za-z]+)$`),                         // OAuth scopes; system permissions
		"slack":           regexp.MustCompile(`^[a-z._]+(:[a-z._:]+)?$|^incoming-webhook$`),
	}
	for _, p := range c.All() {
		if re := shapes[p.Platform]; re != nil && !re.MatchString(p.Scope) {
			t.Errorf("%s scope %q does not look like the platform's scopes", p.Platform, p.Scope)
		}
	}
}

// TestGitHubAdminLevel checks that a GitHub permission at admin level is at least as
// dangerous as at write, and that an admin level of an unknown permission stays unknown.
func TestGitHubAdminLevel(t *testing.T) {
	t.Parallel()
	c, err := DefaultCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	w, _ := c.Lookup(nhi.PlatformGitHub, "administration:write")
	a, ok := c.Lookup(nhi.PlatformGitHub, "administration:admin")
	if !ok || a.Tier != w.Tier || a.Scope != "administration:admin" {
		t.Errorf("administration:admin = %+v, %v; want the tier of write (%v)", a, ok, w.Tier)
	}
	if u, ok := c.Lookup(nhi.PlatformGitHub, "made_up:admin"); ok || u.Tier != TierUnknown {
		t.Errorf("made_up:admin = %+v, %v; want unknown", u, ok)
	}
}
