package estate

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
)

func TestSalesforceIsDeterministic(t *testing.T) {
	t.Parallel()
	e := mustGenerate(t, Options{Seed: 9, People: 800})
	again := genSalesforce(newRand(9, streamSalesforce), e.Options, e.People, e.Vendors)
	if !reflect.DeepEqual(e.Salesforce, again) {
		t.Errorf("genSalesforce twice differs (-first +second):\n%s", gocmp.Diff(e.Salesforce, again))
	}
	other := mustGenerate(t, Options{Seed: 10, People: 800}).Salesforce
	if other.OrgID == e.Salesforce.OrgID || reflect.DeepEqual(other.Tokens, e.Salesforce.Tokens) {
		t.Error("seeds 9 and 10 gave the same org")
	}
}

// TestSalesforceLeavesOtherPlatformsAlone checks that generating the Salesforce org
// changes none of the people and vendors the other platforms share, and that the
// estate's labels keep the Google labels first.
func TestSalesforceLeavesOtherPlatformsAlone(t *testing.T) {
	t.Parallel()
	e := mustGenerate(t, Options{Seed: 4, People: 300})
	people, vendors := slices.Clone(e.People), slices.Clone(e.Vendors)
	genSalesforce(newRand(4, streamSalesforce), e.Options, e.People, e.Vendors)
	if !reflect.DeepEqual(people, e.People) || !reflect.DeepEqual(vendors, e.Vendors) {
		t.Error("genSalesforce changed the people or the vendors")
	}
	google := computeLabels(e.Options.Now, e.People, e.Vendors, e.Grants)
	if !reflect.DeepEqual(e.Labels[:len(google)], google) {
		t.Error("Estate.Labels does not start with the Google labels")
	}
}

// TestSalesforceIDs checks every ID's form and prefix, and that IDs are unique.
func TestSalesforceIDs(t *testing.T) {
	t.Parallel()
	s := mustGenerate(t, Options{Seed: 1, People: 2000}).Salesforce
	seen := make(map[string]bool)
	check := func(what, id, prefix string) {
		t.Helper()
		if !validSFID(id, prefix) {
			t.Errorf("%s ID %q is not an 18-character %s ID", what, id, prefix)
		}
		if seen[id] {
			t.Errorf("%s ID %q is repeated", what, id)
		}
		seen[id] = true
	}
	check("org", s.OrgID, sfPrefixOrg)
	for _, u := range s.Users {
		check("user", u.ID, sfPrefixUser)
		check("user login", u.LoginID, sfPrefixUserLogin)
	}
	for _, a := range s.Apps {
		check("app", a.ID, sfPrefixApp)
		check("menu item", a.MenuItemID, sfPrefixMenuItem)
	}
	for i, l := range s.Logins {
		check("login", l.ID, sfPrefixLogin)
		if i > 0 && s.Logins[i-1].ID >= l.ID {
			t.Fatalf("login IDs %q, %q are not ascending", s.Logins[i-1].ID, l.ID)
		}
	}
	jobs := make(map[string]bool)
	for _, ev := range s.APIEvents {
		if seen[ev.RequestID] {
			t.Errorf("request ID %q is repeated", ev.RequestID)
		}
		seen[ev.RequestID] = true
		if ev.JobID != "" && !jobs[ev.JobID] {
			jobs[ev.JobID] = true
			check("job", ev.JobID, sfPrefixBulkJob)
		}
	}
	for _, tok := range s.Tokens {
		if sub := s.TokenSubject(tok); seen[sub] {
			t.Errorf("token subject %q is repeated", sub)
		} else {
			seen[sub] = true
		}
		if !strings.HasPrefix(tok.DeleteToken, "5Aep861") || seen[tok.DeleteToken] {
			t.Errorf("DeleteToken %.12s... is malformed or repeated", tok.DeleteToken)
		}
		seen[tok.DeleteToken] = true
	}
	if s.MyDomain != "example" {
		t.Errorf("MyDomain = %q, want example", s.MyDomain)
	}
}

// TestSalesforceUsers checks who has a user, their states and permissions.
func TestSalesforceUsers(t *testing.T) {
	t.Parallel()
	e := mustGenerate(t, Options{Seed: 2, People: 3000})
	s := e.Salesforce
	emails := make(map[string]bool)
	var departed, departedActive, admins, viewAll, modifyAll int
	for i, u := range s.Users {
		if u.Person < 0 {
			if !u.Integration || !u.APIOnly || !u.IsActive || (u.Profile != sfProfileAPIOnly && u.Profile != sfProfileIntegration) {
				t.Errorf("user %d %s: a user of no person is not an active API-only integration user", i, u.Name)
			}
			if _, ok := e.PersonByEmail(u.Email); ok {
				t.Errorf("integration user %s has a person's email %s", u.Name, u.Email)
			}
			viewAll += b2i(u.ViewAllData)
			modifyAll += b2i(u.ModifyAllData)
			continue
		}
		if int(u.Person) >= len(e.People) || i > 0 && s.Users[i-1].Person >= u.Person {
			t.Fatalf("user %d: person %d out of range or out of order", i, u.Person)
		}
		p := e.People[u.Person]
		if u.Email != p.Email || u.Integration || emails[u.Email] {
			t.Errorf("user %d: email %q, person's %q, integration %v", i, u.Email, p.Email, u.Integration)
		}
		emails[u.Email] = true
		if p.Status == Active && (!u.IsActive || u.IsFrozen) {
			t.Errorf("user %d: an active person's user is inactive or frozen", i)
		}
		if u.IsFrozen && p.Status != Suspended {
			t.Errorf("user %d: frozen, but the person is %s", i, p.Status)
		}
		if p.Status == Departed {
			departed++
			departedActive += b2i(u.IsActive)
		}
		if u.Profile == sfProfileAdmin {
			admins++
			if !u.ManageUsers || !u.CustomizeApplication || !u.ModifyAllData || !u.ViewAllData {
				t.Errorf("administrator %s lacks a permission", u.Name)
			}
		}
		if !u.LastLoginAt.IsZero() && (u.LastLoginAt.Before(u.CreatedAt) || !u.LastLoginAt.Before(e.Options.Now)) {
			t.Errorf("user %d: last login %v outside [%v, Now)", i, u.LastLoginAt, u.CreatedAt)
		}
	}
	if j, ok := s.UserByPerson(0); !ok || s.Users[j].Profile != sfProfileAdmin {
		t.Error("the first person has no administrator user")
	}
	if share := float64(departedActive) / float64(departed); departed < 20 || share < 0.3 || share > 0.7 {
		t.Errorf("%d of %d departed people are active in Salesforce, want about half", departedActive, departed)
	}
	if admins < 2 || admins > 10 || viewAll < 3 || modifyAll != 1 {
		t.Errorf("%d administrators, %d integration users with ViewAllData, %d with ModifyAllData", admins, viewAll, modifyAll)
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestSalesforceUserByPerson(t *testing.T) {
	t.Parallel()
	e := mustGenerate(t, Options{Seed: 3, People: 500})
	s := e.Salesforce
	found := 0
	for p := range e.People {
		i, ok := s.UserByPerson(p)
		want := slices.IndexFunc(s.Users, func(u SFUser) bool { return int(u.Person) == p })
		if ok != (want >= 0) || ok && i != want {
			t.Fatalf("UserByPerson(%d) = %d, %v, want %d", p, i, ok, want)
		}
		found += b2i(ok)
	}
	if _, ok := s.UserByPerson(-1); ok || found == 0 {
		t.Errorf("UserByPerson(-1) found a user, or no person has one (%d)", found)
	}
}

// TestSalesforceApps checks the apps against the vendor catalogue and the policies'
// enums.
func TestSalesforceApps(t *testing.T) {
	t.Parallel()
	e := mustGenerate(t, Options{Seed: 5, People: 500})
	s := e.Salesforce
	names := make(map[string]int)
	for i, a := range s.Apps {
		names[a.Name] = i
		if a.Vendor >= 0 && e.Vendors[a.Vendor].Company != a.Company {
			t.Errorf("app %s: company %q, vendor's %q", a.Name, a.Company, e.Vendors[a.Vendor].Company)
		}
		if !slices.Contains([]string{"ENFORCE", "BYPASS", "BYPASS_2FA"}, a.IPRelaxation) ||
			!slices.Contains([]string{"infinite", "zero", "specific_lifetime", "inactivity"}, a.RefreshTokenPolicy) {
			t.Errorf("app %s: policies %q, %q", a.Name, a.IPRelaxation, a.RefreshTokenPolicy)
		}
		if (a.RefreshTokenValidity > 0) != (a.RefreshTokenPolicy == "specific_lifetime" || a.RefreshTokenPolicy == "inactivity") {
			t.Errorf("app %s: validity %d with policy %s", a.Name, a.RefreshTokenValidity, a.RefreshTokenPolicy)
		}
		if len(a.Scopes) == 0 || a.FullName == "" || strings.Trim(a.FullName, sfBase62+"_") != "" || !a.CreatedAt.Before(e.Options.Now) {
			t.Errorf("app %s: scopes %v, full name %q, created %v", a.Name, a.Scopes, a.FullName, a.CreatedAt)
		}
	}
	for _, product := range []string{"Drift", "Gainsight", "Outreach", "Gong", "ZoomInfo", "Zendesk", "Slack", "HubSpot Sales"} {
		v := slices.IndexFunc(e.Vendors, func(v Vendor) bool { return v.Product == product })
		if !slices.ContainsFunc(s.Apps, func(a SFApp) bool { return int(a.Vendor) == v }) {
			t.Errorf("no app of vendor %s", product)
		}
	}
	internal := slices.IndexFunc(s.Apps, func(a SFApp) bool { return a.Internal })
	if internal < 0 || s.Apps[internal].Vendor != -1 || s.Apps[internal].Company != "Example" {
		t.Errorf("the company's own app is missing or has a vendor")
	}
	if _, ok := names["Drift"]; !ok || s.Apps[names["Drift"]].IPRelaxation != "BYPASS" {
		t.Error("Drift is missing or does not bypass IP restrictions")
	}
}

// TestSalesforceTokens checks the tokens' times and holders.
func TestSalesforceTokens(t *testing.T) {
	t.Parallel()
	e := mustGenerate(t, Options{Seed: 6, People: 3000})
	s, now := e.Salesforce, e.Options.Now
	departedActive, staleApp := 0, 0
	for i, tok := range s.Tokens {
		if tok.App < 0 || int(tok.App) >= len(s.Apps) || tok.User < 0 || int(tok.User) >= len(s.Users) {
			t.Fatalf("token %d: app %d or user %d out of range", i, tok.App, tok.User)
		}
		u, a := &s.Users[tok.User], &s.Apps[tok.App]
		if !u.IsActive {
			t.Errorf("token %d: user %s is inactive", i, u.Name)
		}
		if tok.CreatedAt.Before(u.CreatedAt) || tok.CreatedAt.Before(a.CreatedAt) || !tok.CreatedAt.Before(now) {
			t.Errorf("token %d: created %v before its user or app, or after Now", i, tok.CreatedAt)
		}
		if tok.LastUsedAt.IsZero() != (tok.UseCount == 0) {
			t.Errorf("token %d: last used %v with %d uses", i, tok.LastUsedAt, tok.UseCount)
		}
		if !tok.LastUsedAt.IsZero() && (tok.LastUsedAt.Before(tok.CreatedAt) || !tok.LastUsedAt.Before(now)) {
			t.Errorf("token %d: last used %v outside [%v, Now)", i, tok.LastUsedAt, tok.CreatedAt)
		}
		if u.Person >= 0 && e.People[u.Person].Status == Departed {
			departedActive++
		}
		if a.Name == "Yesware" {
			staleApp++
			if age := now.Sub(tok.LastUsedAt); age < StaleAppAge || age > StaleAppAge+20*24*time.Hour {
				t.Errorf("token %d of the stale app was last used %v ago", i, age)
			}
		}
		if a.RefreshTokenPolicy == "inactivity" && now.Sub(tok.LastUsedAt) > 90*24*time.Hour {
			t.Errorf("token %d of %s outlived its inactivity period", i, a.Name)
		}
	}
	if departedActive < 5 || staleApp == 0 {
		t.Errorf("%d tokens of departed people, %d of the stale app; want some of each", departedActive, staleApp)
	}
}
