package estate

import (
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func oktaEstate(t *testing.T, seed int64, people int) *Estate {
	t.Helper()
	e, err := Generate(Options{Seed: seed, People: people})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestOktaDeterministic(t *testing.T) {
	t.Parallel()
	a, b := oktaEstate(t, 7, 300), oktaEstate(t, 7, 300)
	if diff := cmp.Diff(a.Okta, b.Okta); diff != "" {
		t.Fatalf("same seed, different org (-a +b):\n%s", diff)
	}
	if c := oktaEstate(t, 8, 300); cmp.Equal(a.Okta.Users[0].ID, c.Okta.Users[0].ID) {
		t.Error("different seeds gave the same first user ID")
	}
}

func TestOktaUsersMirrorPeople(t *testing.T) {
	t.Parallel()
	e := oktaEstate(t, 1, 400)
	o := e.Okta
	want := map[Status]string{Active: OktaActive, Suspended: OktaSuspended, Departed: OktaDeprovisioned}
	if len(o.Users) != len(e.People) {
		t.Fatalf("users = %d, people = %d", len(o.Users), len(e.People))
	}
	for i, u := range o.Users {
		p := e.People[i]
		if int(u.Person) != i || u.Status != want[p.Status] {
			t.Errorf("user %d: person %d status %s, want %d %s", i, u.Person, u.Status, i, want[p.Status])
		}
		if (len(u.Roles) > 0) != p.Admin {
			t.Errorf("user %d: roles %v, admin %v", i, u.Roles, p.Admin)
		}
	}
	if got := o.Users[0].Roles; !slices.Equal(got, []string{"SUPER_ADMIN"}) {
		t.Errorf("first user's roles = %v, want SUPER_ADMIN", got)
	}
}

func TestOktaTokensFollowOktaRules(t *testing.T) {
	t.Parallel()
	e := oktaEstate(t, 2, 2000)
	o, now := e.Okta, e.Options.Now
	if len(o.Tokens) == 0 || len(o.Revoked) == 0 {
		t.Fatalf("tokens = %d, revoked = %d: want some of each", len(o.Tokens), len(o.Revoked))
	}
	suspended := 0
	for _, tk := range o.Tokens {
		u := o.Users[tk.User]
		if len(u.Roles) == 0 || u.Status == OktaDeprovisioned {
			t.Errorf("token %s: creator roles %v status %s", tk.ID, u.Roles, u.Status)
		}
		if !tk.ExpiresAt().After(now) {
			t.Errorf("token %s expired at %v but is listed", tk.ID, tk.ExpiresAt())
		}
		if !tk.LastUsed.IsZero() && tk.LastUsed.Before(tk.Created) || tk.Created.After(now) {
			t.Errorf("token %s: created %v, last used %v", tk.ID, tk.Created, tk.LastUsed)
		}
		if u.Status == OktaSuspended {
			suspended++
			if tk.LastUsed.After(u.StatusChanged) {
				t.Errorf("token %s used after its creator's suspension", tk.ID)
			}
		}
	}
	for _, tk := range o.Revoked {
		if o.Users[tk.User].Status != OktaDeprovisioned || tk.RevokedAt.IsZero() {
			t.Errorf("revoked token %s: creator %s, revoked at %v", tk.ID, o.Users[tk.User].Status, tk.RevokedAt)
		}
	}
	t.Logf("tokens %d (suspended creators %d), revoked %d", len(o.Tokens), suspended, len(o.Revoked))
}

func TestOktaAppsAndConsents(t *testing.T) {
	t.Parallel()
	e := oktaEstate(t, 3, 500)
	o := e.Okta
	services := 0
	for i, a := range o.Apps {
		if !a.Service() {
			continue
		}
		services++
		if len(o.GrantsOf(i)) == 0 {
			t.Errorf("service app %s has no grants", a.Label)
		}
		if !a.LastUsed.IsZero() && a.LastUsed.Before(a.Created) {
			t.Errorf("service app %s used before it was created", a.Label)
		}
	}
	if services != len(oktaServiceApps()) {
		t.Errorf("service apps = %d, want %d", services, len(oktaServiceApps()))
	}
	for _, c := range o.Consents {
		if o.Users[c.User].Status == OktaDeprovisioned {
			t.Errorf("consent of a deprovisioned user %s", o.Users[c.User].ID)
		}
		if !slices.Equal(c.Scopes, o.Apps[c.App].Scopes) || len(c.GrantIDs) != len(c.Scopes) {
			t.Errorf("consent %s: scopes %v, grants %v", o.ConsentSubject(c), c.Scopes, c.GrantIDs)
		}
	}
}

func TestOktaIDsAndEvents(t *testing.T) {
	t.Parallel()
	e := oktaEstate(t, 4, 300)
	o, now := e.Okta, e.Options.Now
	seen := map[string]bool{}
	check := func(id, prefix string) {
		if len(id) != 20 || id[:len(prefix)] != prefix || seen[id] {
			t.Errorf("bad or repeated ID %q (prefix %s)", id, prefix)
		}
		seen[id] = true
	}
	for _, u := range o.Users {
		check(u.ID, "00u")
	}
	for _, tk := range append(slices.Clone(o.Tokens), o.Revoked...) {
		check(tk.ID, "00T")
	}
	for _, a := range o.Apps {
		check(a.ID, "0oa")
	}
	if len(o.Events) == 0 {
		t.Fatal("no events")
	}
	for i, ev := range o.Events {
		if i > 0 && ev.Published.Before(o.Events[i-1].Published) {
			t.Fatalf("event %d out of order", i)
		}
		if now.Sub(ev.Published) > OktaLogWindow || ev.Published.After(now) {
			t.Errorf("event %s at %v is outside the log window", ev.EventType, ev.Published)
		}
	}
}

func TestOktaLabels(t *testing.T) {
	t.Parallel()
	e := oktaEstate(t, 5, 2000)
	o := e.Okta
	counts := map[string]int{}
	subjects := map[string]bool{}
	for _, tk := range o.Tokens {
		subjects[tk.ID] = true
	}
	for _, a := range o.Apps {
		subjects[a.ID] = true
	}
	for _, c := range o.Consents {
		subjects[o.ConsentSubject(c)] = true
	}
	for _, l := range o.Labels {
		counts[l.Risk]++
		if l.Platform != "okta" || !subjects[l.Subject] {
			t.Errorf("label %+v names no identity of the org", l)
		}
		if !slices.Contains(e.Labels, l) {
			t.Errorf("label %+v missing from Estate.Labels", l)
		}
	}
	for _, risk := range []string{RiskPermissionCritical, RiskOwnerSuspended, RiskOwnerDeparted, RiskUsageStale} {
		if counts[risk] == 0 {
			t.Errorf("no %s label; counts %v", risk, counts)
		}
	}
	for _, tk := range o.Tokens {
		if slices.Contains(o.Labels, Label{RiskUsageStale, LabelPlatformOkta, tk.ID}) {
			t.Errorf("token %s labelled stale, but a listed token was used within its window", tk.ID)
		}
	}
}

func TestOktaLabelRules(t *testing.T) {
	t.Parallel()
	now := DefaultNow()
	old, recent := now.Add(-200*24*time.Hour), now.Add(-2*24*time.Hour)
	o := &Okta{
		Users: []OktaUser{
			{ID: "00uA", Status: OktaActive, Roles: []string{"SUPER_ADMIN"}},
			{ID: "00uB", Status: OktaSuspended, Roles: []string{"READ_ONLY_ADMIN"}},
			{ID: "00uC", Status: OktaDeprovisioned, Roles: []string{"APP_ADMIN"}},
		},
		Tokens: []OktaToken{{ID: "00T1", User: 0, Created: old, LastUsed: recent}, {ID: "00T2", User: 1, Created: old}},
		Apps: []OktaApp{
			{ID: "0oa1", AppType: OktaService, Status: OktaAppActive, CreatedBy: 2, Created: old, LastUsed: recent},
			{ID: "0oa2", AppType: OktaService, Status: OktaAppActive, CreatedBy: 0, Created: old},
			{ID: "0oa3", AppType: OktaService, Status: OktaAppInactive, CreatedBy: 2, Created: old},
			{ID: "0oa4", AppType: OktaWeb, Status: OktaAppActive, CreatedBy: 0, Created: old},
		},
		Grants:   []OktaGrant{{App: 0, Scope: "okta.users.manage"}, {App: 1, Scope: "okta.logs.read"}, {App: 2, Scope: "okta.roles.manage"}},
		Consents: []OktaConsent{{User: 1, App: 3, Scopes: []string{"openid", "okta.apps.manage"}, Created: old, LastUsed: recent}},
	}
	want := []Label{
		{RiskPermissionCritical, "okta", "00T1"},
		{RiskOwnerSuspended, "okta", "00T2"},
		{RiskOwnerDeparted, "okta", "0oa1"},
		{RiskPermissionCritical, "okta", "0oa1"},
		{RiskUsageStale, "okta", "0oa2"},
		// An inactive service app keeps its grants: reactivated, it has them back.
		{RiskOwnerDeparted, "okta", "0oa3"},
		{RiskPermissionCritical, "okta", "0oa3"},
		{RiskUsageStale, "okta", "0oa3"},
		{RiskOwnerSuspended, "okta", "00uB/0oa4"},
		{RiskPermissionCritical, "okta", "00uB/0oa4"},
	}
	if diff := cmp.Diff(want, oktaLabels(now, o)); diff != "" {
		t.Errorf("labels (-want +got):\n%s", diff)
	}
}

func TestIsCriticalOkta(t *testing.T) {
	t.Parallel()
	for scope, want := range map[string]bool{"okta.users.manage": true, "okta.apiTokens.manage": true,
		"okta.users.read": false, "okta.logs.read": false, "openid": false, "users.manage": false} {
		if got := IsCriticalOktaScope(scope); got != want {
			t.Errorf("IsCriticalOktaScope(%q) = %v, want %v", scope, got, want)
		}
	}
	for role, want := range map[string]bool{"SUPER_ADMIN": true, "ORG_ADMIN": true, "READ_ONLY_ADMIN": false, "HELP_DESK_ADMIN": false} {
		if got := IsCriticalOktaRole(role); got != want {
			t.Errorf("IsCriticalOktaRole(%q) = %v, want %v", role, got, want)
		}
	}
}
