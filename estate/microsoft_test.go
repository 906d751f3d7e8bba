package estate

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestMicrosoftIsDeterministic(t *testing.T) {
	t.Parallel()
	o := Options{Seed: 9, People: 3000, Domain: "acme.test"}
	a, b := mustGenerate(t, o).Microsoft, mustGenerate(t, o).Microsoft
	if !reflect.DeepEqual(a, b) {
		t.Errorf("Generate(%+v) twice gives different tenants (-first +second):\n%s", o, cmp.Diff(a, b))
	}
	c := mustGenerate(t, Options{Seed: 10, People: 3000, Domain: "acme.test"}).Microsoft
	if a.TenantID == c.TenantID || a.Users[0].ObjectID == c.Users[0].ObjectID {
		t.Error("seeds 9 and 10 gave the same tenant or user IDs")
	}
	for i := range min(len(a.ServicePrincipals), len(c.ServicePrincipals)) {
		if sa, sc := a.ServicePrincipals[i], c.ServicePrincipals[i]; sa.FirstParty && sa.AppID != sc.AppID {
			t.Errorf("first-party app %d is %s in one seed and %s in another", i, sa.AppID, sc.AppID)
		}
	}
}

func TestMicrosoftSizes(t *testing.T) {
	t.Parallel()
	for _, n := range []int{MinPeople, 200, 5000, 40000} {
		e := mustGenerate(t, Options{Seed: 2, People: n})
		m := e.Microsoft
		left := 0
		for _, p := range e.People {
			if p.Status == Departed {
				left++
			}
		}
		firstParty := 0
		for _, sp := range m.ServicePrincipals {
			if sp.FirstParty {
				firstParty++
			}
		}
		got := []int{len(m.Users), firstParty, len(m.Applications)}
		want := []int{n - left, 2 + len(firstPartyApps()), 10 + min(30, n/3000)}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%d people: users, first-party apps, app registrations (-want +got):\n%s", n, diff)
		}
		if m.Domain != "example.onmicrosoft.com" {
			t.Errorf("%d people: domain %q", n, m.Domain)
		}
		// Every tenant-wide and application-only vendor and the suspicious app are there
		// whatever the size; per-user vendors follow the people.
		for _, name := range []string{"Zoom", "Slack", "Salesforce", "Gong", "BetterCloud", "Micros0ft Teams Sync"} {
			if !slices.ContainsFunc(m.ServicePrincipals, func(sp MSServicePrincipal) bool { return sp.DisplayName == name }) {
				t.Errorf("%d people: no service principal %q", n, name)
			}
		}
		perUser := 0
		for _, g := range m.Grants {
			if g.ConsentType == "Principal" {
				perUser++
			}
		}
		if perUser < n/2 || perUser > 4*n {
			t.Errorf("%d people: %d per-user grants, want from half as many to four times as many", n, perUser)
		}
	}
}

func TestMicrosoftVendorSpecs(t *testing.T) {
	t.Parallel()
	vendors := catalogue()
	ids := make(map[string]bool)
	for _, s := range msVendorSpecs() {
		i := slices.IndexFunc(vendors, func(v Vendor) bool { return v.Product == s.product })
		if i < 0 {
			t.Errorf("%q: no such vendor in the catalogue", s.product)
			continue
		}
		v := vendors[i]
		if !randomGUIDRE.MatchString(v.MicrosoftAppID) || ids[v.MicrosoftAppID] {
			t.Errorf("%q: Microsoft app ID %q is malformed or shared", s.product, v.MicrosoftAppID)
		}
		ids[v.MicrosoftAppID] = true
		if (s.consent == appOnly) != (s.roles != "") || (s.consent == appOnly) == (s.scopes != "") {
			t.Errorf("%q: an app-only app has roles and no scopes, others scopes only", s.product)
		}
		for _, f := range strings.Fields(s.scopes) {
			if !slices.ContainsFunc(graphScopes(), func(p MSPermission) bool { return p.Value == f }) {
				t.Errorf("%q: scope %q is not on Microsoft Graph", s.product, f)
			}
		}
		for _, f := range strings.Fields(s.roles) {
			if !slices.ContainsFunc(graphAppRoles(), func(p MSPermission) bool { return p.Value == f }) {
				t.Errorf("%q: app role %q is not on Microsoft Graph", s.product, f)
			}
		}
	}
	withID := 0
	for _, v := range vendors {
		if v.MicrosoftAppID != "" {
			withID++
		}
	}
	if withID != len(msVendorSpecs()) || withID < 25 {
		t.Errorf("%d vendors have a Microsoft app ID, want one for each of %d specs (25 or more)", withID, len(msVendorSpecs()))
	}
}

func TestLOBSpecs(t *testing.T) {
	t.Parallel()
	roles := slices.Concat(graphAppRoles(), exchangeAppRoles())
	names := make(map[string]bool)
	for _, s := range lobSpecs() {
		if names[s.name] {
			t.Errorf("app registration %q listed twice", s.name)
		}
		names[s.name] = true
		if s.roles == "" && s.scopes == "" {
			t.Errorf("%q holds no permission", s.name)
		}
		for _, f := range strings.Fields(s.roles) {
			f = strings.TrimPrefix(f, "exo:")
			if !slices.ContainsFunc(roles, func(p MSPermission) bool { return p.Value == f }) {
				t.Errorf("%q: app role %q is published by no resource", s.name, f)
			}
		}
		for _, f := range strings.Fields(s.scopes) {
			if !slices.ContainsFunc(graphScopes(), func(p MSPermission) bool { return p.Value == f }) {
				t.Errorf("%q: scope %q is not on Microsoft Graph", s.name, f)
			}
		}
	}
}

// TestFirstPartyStayQuiet checks that Microsoft's own apps make up a real tenant's share
// of its service principals but hold nothing that a scan would report.
func TestFirstPartyStayQuiet(t *testing.T) {
	t.Parallel()
	m := mustGenerate(t, Options{Seed: 4, People: 3000}).Microsoft
	firstParty := 0
	for i, sp := range m.ServicePrincipals {
		if !sp.FirstParty {
			continue
		}
		firstParty++
		if sp.AppOwnerOrganizationID != MicrosoftTenantID || sp.Vendor != -1 || sp.Application != -1 {
			t.Errorf("first-party %q: owner %s, vendor %d, application %d", sp.DisplayName, sp.AppOwnerOrganizationID, sp.Vendor, sp.Application)
		}
		if len(sp.Owners)+len(sp.Passwords)+len(sp.Keys) > 0 || sp.Suspicious {
			t.Errorf("first-party %q has owners, credentials or a suspicious mark", sp.DisplayName)
		}
		if slices.ContainsFunc(m.Grants, func(g MSGrant) bool { return int(g.Client) == i }) ||
			slices.ContainsFunc(m.Assignments, func(a MSAssignment) bool { return int(a.Principal) == i }) {
			t.Errorf("first-party %q holds a grant or an application permission", sp.DisplayName)
		}
		if slices.ContainsFunc(m.Labels, func(l Label) bool { return l.Subject == sp.AppID }) {
			t.Errorf("first-party %q is labelled", sp.DisplayName)
		}
	}
	if share := float64(firstParty) / float64(len(m.ServicePrincipals)); firstParty < 40 || share < 0.4 {
		t.Errorf("%d of %d service principals are first-party, want at least 40 and 40%%", firstParty, len(m.ServicePrincipals))
	}
	if m.ServicePrincipals[0].AppID != GraphAppID || m.ServicePrincipals[1].AppID != ExchangeAppID {
		t.Errorf("service principals 0 and 1 are %q and %q, want Graph and Exchange Online",
			m.ServicePrincipals[0].DisplayName, m.ServicePrincipals[1].DisplayName)
	}
}
