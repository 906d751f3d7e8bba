package estate

import (
	"cmp"
	"regexp"
	"slices"
	"testing"
	"time"
)

// TestMicrosoftInvariants checks that every index of the tenant points where its field
// says, every ID is well formed and unique, and every permission the tenant grants is
// published by its resource with the ID the grant uses.
func TestMicrosoftInvariants(t *testing.T) {
	t.Parallel()
	for _, seed := range []int64{1, 2} {
		e := mustGenerate(t, Options{Seed: seed, People: 3000})
		checkUsers(t, e)
		checkServicePrincipals(t, e)
		checkGrants(t, e.Microsoft, e.Options.Now)
		checkAssignments(t, e.Microsoft)
		checkApplications(t, e.Microsoft, e.Options.Now)
		checkAudits(t, e.Microsoft, e.Options.Now)
	}
}

// TestMicrosoftAcrossSeeds checks the invariants, labels and label margins of small
// tenants of many seeds, where pools run dry and scenarios fall back.
func TestMicrosoftAcrossSeeds(t *testing.T) {
	t.Parallel()
	for seed := range int64(25) {
		for _, n := range []int{MinPeople, 23, 700} {
			e := mustGenerate(t, Options{Seed: seed, People: n, Domain: "a-b.example"})
			m, now := e.Microsoft, e.Options.Now
			checkUsers(t, e)
			checkServicePrincipals(t, e)
			checkGrants(t, m, now)
			checkAssignments(t, m)
			checkApplications(t, m, now)
			checkAudits(t, m, now)
			checkLabelRules(t, m, now)
			checkLabelMargins(t, m, now)
			if t.Failed() {
				t.Fatalf("seed %d, %d people", seed, n)
			}
		}
	}
}

func checkUsers(t *testing.T, e *Estate) {
	t.Helper()
	m := e.Microsoft
	if !randomGUIDRE.MatchString(m.TenantID) {
		t.Errorf("tenant ID %q", m.TenantID)
	}
	seen := make(map[string]bool)
	for i, u := range m.Users {
		p := e.People[u.Person]
		if p.Status == Departed || u.UPN != p.Email || u.AccountEnabled != (p.Status == Active) {
			t.Errorf("user %d %+v does not match person %+v", i, u, p)
		}
		if i > 0 && u.Person <= m.Users[i-1].Person {
			t.Errorf("users %d and %d are out of People order", i-1, i)
		}
		if !randomGUIDRE.MatchString(u.ObjectID) || seen[u.ObjectID] {
			t.Errorf("user %d: object ID %q malformed or shared", i, u.ObjectID)
		}
		seen[u.ObjectID] = true
		if got, ok := m.UserByPerson(int(u.Person)); !ok || got != i {
			t.Errorf("UserByPerson(%d) = %d, %v, want %d", u.Person, got, ok, i)
		}
	}
}

func checkServicePrincipals(t *testing.T, e *Estate) {
	t.Helper()
	m := e.Microsoft
	appIDs, objects := make(map[string]bool), make(map[string]bool)
	for i, sp := range m.ServicePrincipals {
		kinds := 0
		for _, k := range []bool{sp.FirstParty, sp.Vendor >= 0, sp.Application >= 0} {
			if k {
				kinds++
			}
		}
		if kinds != 1 || int(sp.Vendor) >= len(e.Vendors) || int(sp.Application) >= len(m.Applications) {
			t.Errorf("%q: first-party %v, vendor %d, application %d", sp.DisplayName, sp.FirstParty, sp.Vendor, sp.Application)
			continue
		}
		owner := m.TenantID
		switch {
		case sp.FirstParty:
			owner = MicrosoftTenantID
		case sp.Vendor >= 0:
			owner = sp.AppOwnerOrganizationID
			if v := e.Vendors[sp.Vendor]; sp.AppID != v.MicrosoftAppID || owner == m.TenantID ||
				owner == MicrosoftTenantID || sp.Suspicious != v.Suspicious || (sp.VerifiedPublisher != "") != v.Verified {
				t.Errorf("%q does not match its vendor %q", sp.DisplayName, v.Product)
			}
		case m.Applications[sp.Application].AppID != sp.AppID:
			t.Errorf("%q: app ID differs from its application's", sp.DisplayName)
		}
		if sp.AppOwnerOrganizationID != owner || !guidRE.MatchString(sp.AppID) || !randomGUIDRE.MatchString(sp.ObjectID) {
			t.Errorf("%q: owner tenant %s (want %s), app ID %s, object ID %s", sp.DisplayName, sp.AppOwnerOrganizationID, owner, sp.AppID, sp.ObjectID)
		}
		if appIDs[sp.AppID] || objects[sp.ObjectID] {
			t.Errorf("%q: app ID or object ID shared", sp.DisplayName)
		}
		appIDs[sp.AppID], objects[sp.ObjectID] = true, true
		if sp.Created.IsZero() || sp.Created.After(e.Options.Now) || sp.LastSignIn.After(e.Options.Now) {
			t.Errorf("%q: created %v, last sign-in %v", sp.DisplayName, sp.Created, sp.LastSignIn)
		}
		checkUserIndexes(t, m, sp.DisplayName, sp.Owners)
		if got, ok := m.ServicePrincipalByAppID(sp.AppID); !ok || got != i {
			t.Errorf("ServicePrincipalByAppID(%q) = %d, %v, want %d", sp.AppID, got, ok, i)
		}
	}
}

// checkUserIndexes checks that owners are distinct indexes of users.
func checkUserIndexes(t *testing.T, m *Microsoft, what string, owners []int32) {
	t.Helper()
	for k, u := range owners {
		if u < 0 || int(u) >= len(m.Users) || slices.Contains(owners[:k], u) {
			t.Errorf("%s: owner %d is no user or repeated", what, u)
		}
	}
}

// published reports whether permission p (a value, or an ID when byID) is among perms.
func published(perms []MSPermission, p string, byID bool) bool {
	return slices.ContainsFunc(perms, func(q MSPermission) bool { return (byID && q.ID == p) || (!byID && q.Value == p) })
}

func checkGrants(t *testing.T, m *Microsoft, now time.Time) {
	t.Helper()
	sps, ids := m.ServicePrincipals, make(map[string]bool)
	for i, g := range m.Grants {
		if g.Client < 0 || int(g.Client) >= len(sps) || g.Resource < 0 || int(g.Resource) >= len(sps) ||
			int(g.Principal) >= len(m.Users) || (g.Principal < 0) != (g.ConsentType == "AllPrincipals") ||
			(g.ConsentType != "AllPrincipals" && g.ConsentType != "Principal") {
			t.Errorf("grant %d has bad indexes or consent type: %+v", i, g)
			continue
		}
		want := [][16]byte{guidBytes(sps[g.Client].ObjectID), guidBytes(sps[g.Resource].ObjectID)}
		if g.Principal >= 0 {
			want = append(want, guidBytes(m.Users[g.Principal].ObjectID))
		}
		if g.ID != grantID(want...) || ids[g.ID] {
			t.Errorf("grant %d: ID %q is not Graph's or is shared", i, g.ID)
		}
		ids[g.ID] = true
		if len(g.Scopes) == 0 || g.Created.After(now) {
			t.Errorf("grant %d: scopes %v, created %v", i, g.Scopes, g.Created)
		}
		for _, s := range g.Scopes {
			if !published(sps[g.Resource].Scopes, s, false) {
				t.Errorf("grant %d: %q does not publish scope %q", i, sps[g.Resource].DisplayName, s)
			}
		}
		if i > 0 && cmp.Or(cmp.Compare(m.Grants[i-1].Principal, g.Principal), cmp.Compare(m.Grants[i-1].Client, g.Client)) > 0 {
			t.Errorf("grants %d and %d are out of (Principal, Client) order", i-1, i)
		}
	}
}

func checkAssignments(t *testing.T, m *Microsoft) {
	t.Helper()
	sps, ids := m.ServicePrincipals, make(map[string]bool)
	idRE := regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`)
	for i, a := range m.Assignments {
		if a.Principal < 0 || int(a.Principal) >= len(sps) || a.Resource < 0 || int(a.Resource) >= len(sps) {
			t.Errorf("assignment %d has bad indexes: %+v", i, a)
			continue
		}
		if !published(sps[a.Resource].AppRoles, a.AppRoleID, true) {
			t.Errorf("assignment %d: %q publishes no app role %s", i, sps[a.Resource].DisplayName, a.AppRoleID)
		}
		if !idRE.MatchString(a.ID) || ids[a.ID] {
			t.Errorf("assignment %d: ID %q malformed or shared", i, a.ID)
		}
		ids[a.ID] = true
	}
}
