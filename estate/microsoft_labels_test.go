package estate

import (
	"slices"
	"strings"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
)

// wantMicrosoftLabels derives the labels of a tenant from the rules on their Risk
// constants, identity by identity.
func wantMicrosoftLabels(m *Microsoft, now time.Time) []Label {
	var out []Label
	add := func(risk, subject string) { out = append(out, Label{risk, "microsoft_entra", subject}) }
	stale := func(last, since time.Time) bool {
		return (last.IsZero() && now.Sub(since) > 90*24*time.Hour) || (!last.IsZero() && now.Sub(last) > 90*24*time.Hour)
	}
	for i, sp := range m.ServicePrincipals {
		if sp.AppOwnerOrganizationID == MicrosoftTenantID {
			continue
		}
		if sp.Suspicious {
			add("app.suspicious", sp.AppID)
		}
		if stale(sp.LastSignIn, sp.Created) {
			add("usage.stale", sp.AppID)
		}
		if sp.AppOwnerOrganizationID == m.TenantID {
			enabled := 0
			for _, u := range sp.Owners {
				if m.Users[u].AccountEnabled {
					enabled++
				}
			}
			if len(sp.Owners) == 0 {
				add("identity.no_owner", sp.AppID)
			} else if enabled == 0 {
				add("owner.suspended", sp.AppID)
			}
		}
		for _, a := range m.Assignments {
			if int(a.Principal) == i && IsCriticalMicrosoftPermission(roleValue(m, a)) {
				add("permission.critical", sp.AppID)
				break
			}
		}
	}
	for _, app := range m.Applications {
		for _, c := range append(slices.Clone(app.Passwords), app.Keys...) {
			subject := app.ObjectID + "/" + c.KeyID
			if left := c.End.Sub(now); left > 0 && left <= 30*24*time.Hour && !c.LastUsed.IsZero() && now.Sub(c.LastUsed) <= 30*24*time.Hour {
				add("credential.expiring_in_use", subject)
			}
			if stale(c.LastUsed, c.Start) {
				add("usage.stale", subject)
			}
		}
	}
	for _, g := range m.Grants {
		if g.Principal < 0 {
			add("grant.tenant_wide", g.ID)
		} else if !m.Users[g.Principal].AccountEnabled {
			add("owner.suspended", g.ID)
		}
		if slices.ContainsFunc(g.Scopes, IsCriticalMicrosoftPermission) {
			add("permission.critical", g.ID)
		}
	}
	return out
}

// roleValue returns the value of the app role an assignment grants.
func roleValue(m *Microsoft, a MSAssignment) string {
	for _, r := range m.ServicePrincipals[a.Resource].AppRoles {
		if r.ID == a.AppRoleID {
			return r.Value
		}
	}
	return ""
}

func TestMicrosoftLabelsMatchRules(t *testing.T) {
	t.Parallel()
	for _, seed := range []int64{1, 2} {
		e := mustGenerate(t, Options{Seed: seed, People: 4000})
		checkLabelRules(t, e.Microsoft, e.Options.Now)
		counts := make(map[string]int)
		for _, l := range e.Microsoft.Labels {
			counts[l.Risk]++
		}
		for _, risk := range []string{RiskAppSuspicious, RiskUsageStale, RiskIdentityNoOwner, RiskOwnerSuspended,
			RiskPermissionCritical, RiskCredentialExpiringInUse, RiskGrantTenantWide} {
			if counts[risk] == 0 {
				t.Errorf("seed %d: no %s label", seed, risk)
			}
		}
	}
}

// checkLabelRules checks the tenant's labels against wantMicrosoftLabels.
func checkLabelRules(t *testing.T, m *Microsoft, now time.Time) {
	t.Helper()
	got, want := slices.Clone(m.Labels), wantMicrosoftLabels(m, now)
	slices.SortFunc(got, labelOrder)
	slices.SortFunc(want, labelOrder)
	if diff := gocmp.Diff(want, got); diff != "" {
		t.Errorf("labels (-want +got):\n%s", diff)
	}
}

// TestMicrosoftLabelSubjects checks that every label names an identity of the tenant of
// the kind its risk applies to, and none of Google's.
func TestMicrosoftLabelSubjects(t *testing.T) {
	t.Parallel()
	e := mustGenerate(t, Options{Seed: 6, People: 2000})
	m := e.Microsoft
	google := make(map[string]bool)
	for _, l := range e.Labels {
		google[l.Subject] = true
	}
	for _, l := range m.Labels {
		kind := "grant"
		switch {
		case l.Platform != LabelPlatformEntra || google[l.Subject]:
			t.Errorf("label %+v: wrong platform or a Google subject", l)
		case strings.Contains(l.Subject, "/"):
			kind = "credential"
			obj, key, _ := strings.Cut(l.Subject, "/")
			a := slices.IndexFunc(m.Applications, func(a MSApplication) bool { return a.ObjectID == obj })
			if a < 0 || !slices.ContainsFunc(slices.Concat(m.Applications[a].Passwords, m.Applications[a].Keys),
				func(c MSCredential) bool {
					return m.Applications[a].CredentialSubject(c) == l.Subject && c.KeyID == key
				}) {
				t.Errorf("label %+v: no such credential", l)
			}
		case guidRE.MatchString(l.Subject):
			kind = "app"
			if i, ok := m.ServicePrincipalByAppID(l.Subject); !ok || m.ServicePrincipals[i].FirstParty {
				t.Errorf("label %+v: no such third-party or own app", l)
			}
		case !slices.ContainsFunc(m.Grants, func(g MSGrant) bool { return g.ID == l.Subject }):
			t.Errorf("label %+v: no such grant", l)
		}
		kinds := map[string]string{RiskCredentialExpiringInUse: "credential", RiskGrantTenantWide: "grant",
			RiskIdentityNoOwner: "app", RiskAppSuspicious: "app"}
		if want, ok := kinds[l.Risk]; ok && want != kind {
			t.Errorf("label %+v is on a %s, want a %s", l, kind, want)
		}
	}
}

// TestMicrosoftLabelMargins checks that no labelled time hangs on a rounding.
func TestMicrosoftLabelMargins(t *testing.T) {
	t.Parallel()
	e := mustGenerate(t, Options{Seed: 3, People: 20000})
	checkLabelMargins(t, e.Microsoft, e.Options.Now)
}

// checkLabelMargins checks that apps and credentials keep days away from StaleAfter, and
// credentials that have not expired from ExpiringWithin and InUseWithin.
func checkLabelMargins(t *testing.T, m *Microsoft, now time.Time) {
	t.Helper()
	near := func(d, threshold time.Duration) bool { return (d - threshold).Abs() < 5*24*time.Hour }
	for _, sp := range m.ServicePrincipals {
		last := cmpOr(sp.LastSignIn, sp.Created)
		if !sp.FirstParty && near(now.Sub(last), StaleAfter) {
			t.Errorf("%q last signed in %v, at the stale threshold", sp.DisplayName, last)
		}
	}
	for _, app := range m.Applications {
		for _, c := range slices.Concat(app.Passwords, app.Keys) {
			if near(now.Sub(cmpOr(c.LastUsed, c.Start)), StaleAfter) || near(c.End.Sub(now), ExpiringWithin) ||
				(c.End.After(now) && !c.LastUsed.IsZero() && near(now.Sub(c.LastUsed), InUseWithin)) {
				t.Errorf("%q: credential %+v lies at a threshold", app.DisplayName, c)
			}
		}
	}
}

// cmpOr returns a, or b when a is zero.
func cmpOr(a, b time.Time) time.Time {
	if a.IsZero() {
		return b
	}
	return a
}

func TestSuspiciousMicrosoftApp(t *testing.T) {
	t.Parallel()
	for _, n := range []int{MinPeople, 3000, 60000} {
		m := mustGenerate(t, Options{Seed: 5, People: n}).Microsoft
		i := slices.IndexFunc(m.ServicePrincipals, func(sp MSServicePrincipal) bool { return sp.Suspicious })
		if i < 0 {
			t.Fatalf("%d people: no suspicious app", n)
		}
		sp := m.ServicePrincipals[i]
		var users []int32
		for _, g := range m.Grants {
			if int(g.Client) == i {
				users = append(users, g.Principal)
				if !slices.Contains(g.Scopes, "Mail.ReadWrite") || !slices.Contains(g.Scopes, "offline_access") {
					t.Errorf("%d people: suspicious grant scopes %v", n, g.Scopes)
				}
			}
		}
		if sp.VerifiedPublisher != "" || sp.SignInAudience == "AzureADMyOrg" || !strings.Contains(sp.DisplayName, "Micros0ft") ||
			len(users) < 1 || len(users) > 8 || slices.Contains(users, -1) {
			t.Errorf("%d people: suspicious app %q verified %q, audience %s, consented by %v", n, sp.DisplayName, sp.VerifiedPublisher, sp.SignInAudience, users)
		}
	}
}
