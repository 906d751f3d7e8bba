package entrasim

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/nhiscope/nhi/estate"
)

// TestAddGrant checks consents: a new grant for a user, scopes merged into an existing
// grant, an admin's tenant-wide consent, and refusals; each audited.
func TestAddGrant(t *testing.T) {
	t.Parallel()
	h := start(t, smallEstate(), Options{})
	id, err := h.s.AddGrant(pdfSP, graphSP, userBob, []string{"Files.Read", "User.Read"}, days(0))
	if err != nil || id != grantPDF {
		t.Fatalf("consenting again = %q, %v; want the existing grant %s", id, err, grantPDF)
	}
	g, _ := h.s.Grant(grantPDF)
	if diff := cmp.Diff([]string{"User.Read", "Mail.ReadWrite", "offline_access", "Files.Read"}, g.Scopes); diff != "" {
		t.Errorf("merged scopes (-want +got):\n%s", diff)
	}
	admin, err := h.s.AddGrant(billingSP, graphSP, "", []string{"User.Read"}, days(0))
	if err != nil {
		t.Fatal(err)
	}
	want := Grant{ID: admin, ClientID: billingSP, ResourceID: graphSP, ConsentType: "AllPrincipals", Scopes: []string{"User.Read"}}
	if got, ok := h.s.Grant(admin); !ok || !cmp.Equal(got, want) {
		t.Errorf("admin consent = %+v, want %+v", got, want)
	}
	audits := h.s.Audits()
	if last := audits[len(audits)-1]; last.Activity != actAddGrant || last.TargetID != graphSP {
		t.Errorf("last audit event %+v", last)
	}
	for _, bad := range [][3]string{{"nope", graphSP, userBob}, {pdfSP, "nope", ""}, {pdfSP, graphSP, "nope"}} {
		if _, err := h.s.AddGrant(bad[0], bad[1], bad[2], []string{"User.Read"}, days(0)); err == nil {
			t.Errorf("AddGrant%v succeeded", bad)
		}
	}
	if _, err := h.s.AddGrant(pdfSP, graphSP, userBob, nil, days(0)); err == nil {
		t.Error("AddGrant without scopes succeeded")
	}
	if n := len(h.s.Grants()); n != 3 {
		t.Errorf("%d grants, want 3", n)
	}
}

// TestAddAssignmentAndCredential checks application permissions and credentials added
// underneath a client, and the reports that follow their use.
func TestAddAssignmentAndCredential(t *testing.T) {
	t.Parallel()
	h := start(t, smallEstate(), Options{})
	id, err := h.s.AddAssignment(evilSP, graphSP, roleUserRA, days(0))
	if err != nil || !h.s.HasAssignment(id) {
		t.Fatalf("AddAssignment = %q, %v", id, err)
	}
	if _, err := h.s.AddAssignment(evilSP, graphSP, roleUserRA, days(0)); err == nil {
		t.Error("assigning a held role again succeeded")
	}
	if _, err := h.s.AddAssignment(evilSP, graphSP, "00000000-0000-0000-0000-000000000000", days(0)); err == nil {
		t.Error("assigning a role the resource does not publish succeeded")
	}
	secret := estate.MSCredential{KeyID: "5ec2e700-0000-4000-8000-000000000001", DisplayName: "backdoor", Hint: "abc",
		Start: days(0), End: days(-700)}
	cert := estate.MSCredential{KeyID: "ce27e700-0000-4000-8000-000000000001", Type: "AsymmetricX509Cert", Usage: "Verify",
		Thumbprint: "00ff", Start: days(0), End: days(-365)}
	for _, c := range []struct {
		obj  string
		cred estate.MSCredential
	}{{evilSP, secret}, {billingApp, cert}} {
		if err := h.s.AddCredential(c.obj, c.cred, days(0)); err != nil || !h.s.HasCredential(c.obj, c.cred.KeyID) {
			t.Fatalf("AddCredential(%s) = %v", c.obj, err)
		}
		if err := h.s.AddCredential(c.obj, c.cred, days(0)); err == nil {
			t.Errorf("adding key %s twice succeeded", c.cred.KeyID)
		}
	}
	if err := h.s.RecordCredentialUse(secret.KeyID, testNow); err != nil {
		t.Fatal(err)
	}
	if err := h.s.RecordSignIn(evilSP, testNow); err != nil {
		t.Fatal(err)
	}
	keys, _ := listAll(t, h, "/beta/reports/appCredentialSignInActivities", "keyId")
	if diff := cmp.Diff([]string{secret.KeyID, secretKey}, keys); diff != "" {
		t.Errorf("used credentials (-want +got):\n%s", diff)
	}
	apps, _ := listAll(t, h, "/beta/reports/servicePrincipalSignInActivities", "appId")
	if !strings.Contains(strings.Join(apps, " "), "6a3c2b1d-9999-4aaa-8bbb-cccccccccccc") {
		t.Errorf("signed-in apps %v lack the one that just signed in", apps)
	}
	if h.s.RecordCredentialUse("nope", testNow) == nil || h.s.RecordSignIn("nope", testNow) == nil {
		t.Error("recording the use of nothing succeeded")
	}
}

// TestServicePrincipalLifecycle checks adding a service principal and removing one with
// its grants and assignments.
func TestServicePrincipalLifecycle(t *testing.T) {
	t.Parallel()
	h := start(t, smallEstate(), Options{})
	sp := estate.MSServicePrincipal{ObjectID: "e4e4e4e4-0000-4000-8000-000000000001", AppID: "e5e5e5e5-0000-4000-8000-000000000001",
		DisplayName: "New Vendor App", AccountEnabled: true, Vendor: -1, Application: -1}
	if err := h.s.AddServicePrincipal(sp, days(0)); err != nil {
		t.Fatal(err)
	}
	if err := h.s.AddServicePrincipal(sp, days(0)); err == nil {
		t.Error("adding the same service principal twice succeeded")
	}
	if on, ok := h.s.ServicePrincipalEnabled(sp.ObjectID); !on || !ok {
		t.Errorf("new service principal enabled %v, exists %v", on, ok)
	}
	if err := h.s.RemoveServicePrincipal(graphSP, days(0)); err != nil {
		t.Fatal(err)
	}
	if _, ok := h.s.ServicePrincipalEnabled(graphSP); ok || h.s.HasGrant(grantPDF) || h.s.HasAssignment(assignBill) {
		t.Error("the removed resource's service principal, grants or assignments remain")
	}
	if err := h.s.RemoveServicePrincipal(graphSP, days(0)); err == nil {
		t.Error("removing a removed service principal succeeded")
	}
	ids, _ := listAll(t, h, "/v1.0/servicePrincipals", "id")
	if diff := cmp.Diff([]string{pdfSP, evilSP, billingSP, sp.ObjectID}, ids); diff != "" {
		t.Errorf("listed service principals (-want +got):\n%s", diff)
	}
}

// TestNewRejects checks that New reports bad options and estates.
func TestNewRejects(t *testing.T) {
	t.Parallel()
	edit := func(f func(e *estate.Estate)) *estate.Estate {
		e := smallEstate()
		f(e)
		return e
	}
	cases := []struct {
		name string
		e    *estate.Estate
		o    Options
		want string
	}{
		{"nil estate", nil, Options{}, "estate is nil"},
		{"no tenant", edit(func(e *estate.Estate) { e.Microsoft = nil }), Options{}, "no Microsoft tenant"},
		{"negative page", smallEstate(), Options{MaxPageSize: -1}, "must not be negative"},
		{"page over 999", smallEstate(), Options{MaxPageSize: 1000}, "over Graph's 999"},
		{"unknown role", smallEstate(), Options{Roles: []string{"Mail.Send"}}, "unknown application permission"},
		{"duplicate SP", edit(func(e *estate.Estate) { e.Microsoft.ServicePrincipals[1].ObjectID = graphSP }), Options{}, "repeated ID"},
		{"grant to nowhere", edit(func(e *estate.Estate) { e.Microsoft.Grants[0].Client = 9 }), Options{}, "grant 0"},
		{"consent mismatch", edit(func(e *estate.Estate) { e.Microsoft.Grants[1].ConsentType = "Principal" }), Options{}, "grant 1"},
		{"owner not a user", edit(func(e *estate.Estate) { e.Microsoft.Applications[0].Owners = []int32{5} }), Options{}, "owner"},
		{"audit target", edit(func(e *estate.Estate) { e.Microsoft.Audits[0].Target = 40 }), Options{}, "audit event 0"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			_, err := New(c.e, c.o)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("New = %v, want an error about %q", err, c.want)
			}
		})
	}
}
