package estate

import (
	"regexp"
	"slices"
	"testing"
	"time"
)

func checkApplications(t *testing.T, m *Microsoft, now time.Time) {
	t.Helper()
	thumbRE := regexp.MustCompile(`^[0-9A-F]{40}$`)
	keys := make(map[string]bool)
	for a, app := range m.Applications {
		sp := slices.IndexFunc(m.ServicePrincipals, func(sp MSServicePrincipal) bool { return int(sp.Application) == a })
		if sp < 0 || !randomGUIDRE.MatchString(app.ObjectID) || app.PublisherDomain != m.Domain || app.SignInAudience != "AzureADMyOrg" {
			t.Errorf("%q: service principal %d, object ID %q, %q, %q", app.DisplayName, sp, app.ObjectID, app.PublisherDomain, app.SignInAudience)
		}
		checkUserIndexes(t, m, app.DisplayName, app.Owners)
		for _, req := range app.Required {
			res, ok := m.ServicePrincipalByAppID(req.ResourceAppID)
			for _, id := range req.Roles {
				if !ok || !published(m.ServicePrincipals[res].AppRoles, id, true) {
					t.Errorf("%q requests app role %s its resource does not publish", app.DisplayName, id)
				}
			}
			for _, id := range req.Scopes {
				if !ok || !published(m.ServicePrincipals[res].Scopes, id, true) {
					t.Errorf("%q requests scope %s its resource does not publish", app.DisplayName, id)
				}
			}
		}
		if len(app.Passwords)+len(app.Keys) == 0 {
			t.Errorf("%q has no credential", app.DisplayName)
		}
		for _, c := range slices.Concat(app.Passwords, app.Keys) {
			secret := slices.ContainsFunc(app.Passwords, func(p MSCredential) bool { return p.KeyID == c.KeyID })
			ok := randomGUIDRE.MatchString(c.KeyID) && !keys[c.KeyID] && c.DisplayName != "" &&
				c.Start.Before(c.End) && !c.Start.After(now) && !c.Start.Before(app.Created) &&
				(c.LastUsed.IsZero() || !c.LastUsed.Before(c.Start) && !c.LastUsed.After(now))
			if secret {
				ok = ok && len(c.Hint) == 3 && c.Type == "" && c.Thumbprint == ""
			} else {
				ok = ok && c.Hint == "" && c.Type == "AsymmetricX509Cert" && c.Usage == "Verify" && thumbRE.MatchString(c.Thumbprint)
			}
			if !ok {
				t.Errorf("%q: malformed credential %+v", app.DisplayName, c)
			}
			keys[c.KeyID] = true
		}
	}
}

func checkAudits(t *testing.T, m *Microsoft, now time.Time) {
	t.Helper()
	activities := []string{ActivityConsent, ActivityAddGrant, ActivityAddAssignment, ActivityAddSP,
		ActivityUpdateCredential, ActivityAddOwner}
	ids := make(map[string]bool)
	seen := make(map[string]bool)
	for i, a := range m.Audits {
		ok := slices.Contains(activities, a.Activity) && a.Category == "ApplicationManagement" &&
			a.Result == "success" && !ids[a.ID] && !a.Time.After(now) && now.Sub(a.Time) <= MicrosoftAuditWindow &&
			a.Actor >= -1 && int(a.Actor) < len(m.Users) && (a.Target >= 0) != (a.TargetApp >= 0) &&
			int(a.Target) < len(m.ServicePrincipals) && int(a.TargetApp) < len(m.Applications) && len(a.Modified) > 0
		if !ok {
			t.Errorf("audit %d is malformed: %+v", i, a)
		}
		if i > 0 && a.Time.Before(m.Audits[i-1].Time) {
			t.Errorf("audits %d and %d are out of time order", i-1, i)
		}
		ids[a.ID] = true
		seen[a.Activity] = true
	}
	for _, want := range activities[:5] {
		if !seen[want] {
			t.Errorf("no %q event in the audit log", want)
		}
	}
}

// appNamed returns the app registration named name and its service principal.
func appNamed(t *testing.T, m *Microsoft, name string) (*MSApplication, *MSServicePrincipal) {
	t.Helper()
	a := slices.IndexFunc(m.Applications, func(a MSApplication) bool { return a.DisplayName == name })
	if a < 0 {
		t.Fatalf("no app registration %q", name)
	}
	sp := slices.IndexFunc(m.ServicePrincipals, func(sp MSServicePrincipal) bool { return int(sp.Application) == a })
	return &m.Applications[a], &m.ServicePrincipals[sp]
}

// TestApplicationScenarios checks the stories the first app registrations tell.
func TestApplicationScenarios(t *testing.T) {
	t.Parallel()
	e := mustGenerate(t, Options{Seed: 8, People: 3000})
	m, now := e.Microsoft, e.Options.Now
	live := func(cs []MSCredential) (n int) {
		for _, c := range cs {
			if c.End.After(now) {
				n++
			}
		}
		return n
	}
	ownerless, sp := appNamed(t, m, "identity-automation")
	roles := roleValues(m, sp)
	if len(ownerless.Owners) > 0 || !slices.Contains(roles, "RoleManagement.ReadWrite.Directory") || !slices.Contains(roles, "Application.ReadWrite.All") {
		t.Errorf("identity-automation: owners %v, roles %v; want none and critical roles", ownerless.Owners, roles)
	}
	if !slices.ContainsFunc(m.Audits, func(a MSAudit) bool {
		return a.Activity == ActivityUpdateCredential && a.Actor == -1 && a.TargetApp == sp.Application
	}) {
		t.Error("identity-automation: no recent credential added by the app itself")
	}
	for _, name := range []string{"billing-exporter", "sharepoint-backup"} {
		app, _ := appNamed(t, m, name)
		if !slices.ContainsFunc(slices.Concat(app.Passwords, app.Keys), func(c MSCredential) bool { return expiringInUse(now, c) }) {
			t.Errorf("%s: no credential in use expiring soon", name)
		}
	}
	for _, name := range []string{"hr-provisioning", "report-mailer"} {
		app, _ := appNamed(t, m, name)
		if c := slices.Concat(app.Passwords, app.Keys); len(c) != 1 || c[0].End.Year() != 2299 || now.Sub(c[0].LastUsed) > InUseWithin {
			t.Errorf("%s: credentials %+v, want one in use until 2299", name, c)
		}
	}
	if app, _ := appNamed(t, m, "directory-sync"); live(app.Passwords) < 2 {
		t.Errorf("directory-sync: %d live secrets, want two or more", live(app.Passwords))
	}
	if _, sp := appNamed(t, m, "legacy-ews-export"); now.Sub(sp.LastSignIn) < 365*24*time.Hour {
		t.Errorf("legacy-ews-export: last sign-in %v, want over a year ago", sp.LastSignIn)
	}
	if app, _ := appNamed(t, m, "expense-portal"); len(app.Owners) == 0 ||
		slices.ContainsFunc(app.Owners, func(u int32) bool { return m.Users[u].AccountEnabled }) {
		t.Errorf("expense-portal: owners %v, want suspended people only", app.Owners)
	}
}

// roleValues returns the values of the application permissions service principal sp holds.
func roleValues(m *Microsoft, sp *MSServicePrincipal) []string {
	var out []string
	for _, a := range m.Assignments {
		if m.ServicePrincipals[a.Principal].ObjectID != sp.ObjectID {
			continue
		}
		roles := m.ServicePrincipals[a.Resource].AppRoles
		out = append(out, roles[slices.IndexFunc(roles, func(p MSPermission) bool { return p.ID == a.AppRoleID })].Value)
	}
	return out
}
