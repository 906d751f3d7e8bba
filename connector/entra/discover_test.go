package entra

import (
	"cmp"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/connector/connectortest"
)

// scanFixture runs a scan of f from since and returns what it reported and its cursor.
func scanFixture(t *testing.T, c *Connector, since nhi.Cursor) (*connectortest.Recorder, nhi.Cursor) {
	t.Helper()
	rec := connectortest.NewRecorder()
	cur, err := c.Discover(t.Context(), since, rec)
	if err != nil {
		t.Fatalf("Discover(%.20q) = %v (code %s)", since, err, nhi.ErrorCode(err))
	}
	return rec, cur
}

// sortedIDs returns the identities sorted by external ID.
func sortedIDs(ids []nhi.Identity) []nhi.Identity {
	out := slices.Clone(ids)
	slices.SortFunc(out, func(a, b nhi.Identity) int { return cmp.Compare(a.ExternalID, b.ExternalID) })
	return out
}

// merged returns base with the pairs kv added.
func merged(base map[string]string, kv ...string) map[string]string {
	out := maps.Clone(base)
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}

// want builds an expected identity.
func want(k nhi.Kind, ext, name, app, owner, scope string, perms []string, attrs map[string]string, set func(*nhi.Identity)) nhi.Identity {
	id := newIdentity(fixTenant, k, ext)
	id.Name, id.AppID, id.OwnerID, id.Scope, id.Attributes = name, app, owner, scope, attrs
	for _, p := range perms {
		id.Permissions = append(id.Permissions, nhi.Permission{Scope: p})
	}
	if set != nil {
		set(&id)
	}
	return id
}

// fullScanWant is what a full scan of the test tenant must report.
func fullScanWant() []nhi.Identity {
	ts := func(days int) time.Time { return testNow.AddDate(0, 0, days) }
	vendor := map[string]string{"first_party": "false", "own_app": "false", "multi_tenant": "true", "deceptive_name": "true",
		"sign_in_audience": "AzureADMultipleOrgs", "verified_publisher": "false", "resource": "Microsoft Graph",
		"resource_app_id": graphAppID}
	ps := map[string]string{"first_party": "true", "own_app": "false", "multi_tenant": "true", "deceptive_name": "false",
		"sign_in_audience": "AzureADMultipleOrgs", "resource": "Microsoft Graph", "resource_app_id": graphAppID}
	own := map[string]string{"first_party": "false", "own_app": "true", "multi_tenant": "false", "deceptive_name": "false",
		"sign_in_audience": "AzureADMyOrg"}
	mi := merged(own, "multi_tenant", "true", "sign_in_audience", "AzureADMultipleOrgs")
	appKey := merged(own, "credential_origin", "application", "owners_count", "2", "active_secrets", "2")
	cred := func(id nhi.Credential) func(*nhi.Identity) {
		return func(i *nhi.Identity) {
			i.Credentials, i.CreatedAt, i.ExpiresAt, i.LastUsedAt = []nhi.Credential{id}, id.CreatedAt, id.ExpiresAt, id.LastUsedAt
		}
	}
	return []nhi.Identity{
		want(nhi.KindOAuthGrant, "grant-m-bob", "Microsoft Graph Command Line Tools", psAppID, bob, scopeGrants,
			[]string{"Directory.AccessAsUser.All", "User.Read"}, merged(ps, "consent_type", "Principal", "admin_consented", "false"), nil),
		want(nhi.KindOAuthGrant, "grant-v-alice", "PDF Docs Sync", vendorAppID, alice, scopeGrants,
			[]string{"Mail.Read", "offline_access"}, merged(vendor, "consent_type", "Principal", "admin_consented", "false"),
			func(i *nhi.Identity) { i.LastUsedAt = ts(-1) }),
		want(nhi.KindOAuthGrant, "grant-v-all", "PDF Docs Sync", vendorAppID, "", scopeGrants,
			[]string{"User.Read"}, merged(vendor, "consent_type", "AllPrincipals", "admin_consented", "true"),
			func(i *nhi.Identity) { i.LastUsedAt = ts(-1) }),
		want(nhi.KindServiceAccount, lobSP, "billing-exporter", lobAppID, "", spScope(lobSP), []string{"Application.ReadWrite.All"},
			merged(own, "account_enabled", "true", "service_principal_type", "Application", "owners_count", "0", "resources", "Microsoft Graph"),
			func(i *nhi.Identity) { i.CreatedAt, i.LastUsedAt = ts(-200), ts(-2) }),
		want(nhi.KindAppCredential, lobSP+"/"+keySP, "billing-exporter / sp secret", lobAppID, "", spScope(lobSP), nil,
			merged(own, "credential_origin", "servicePrincipal", "owners_count", "0", "active_secrets", "1", "credential_type", "client_secret"),
			cred(nhi.Credential{ID: keySP, Type: "client_secret", CreatedAt: ts(-30), ExpiresAt: ts(30)})),
		want(nhi.KindServiceAccount, miSP, "vm-identity", miAppID, bob, spScope(miSP), []string{"Mail.Read", roleUnknown},
			merged(mi, "account_enabled", "false", "service_principal_type", "ManagedIdentity", "owners_count", "1", "resources", "Microsoft Graph"),
			func(i *nhi.Identity) { i.CreatedAt = ts(-60) }),
		want(nhi.KindAppCredential, lobApp+"/"+keySoon, "billing-exporter / ci-secret", lobAppID, alice, appScope(lobApp), nil,
			merged(appKey, "credential_type", "client_secret"),
			cred(nhi.Credential{ID: keySoon, Type: "client_secret", CreatedAt: ts(-300), ExpiresAt: ts(10), LastUsedAt: ts(-3)})),
		want(nhi.KindAppCredential, lobApp+"/"+keyNever, "billing-exporter / "+keyNever, lobAppID, alice, appScope(lobApp), nil,
			merged(appKey, "credential_type", "client_secret"),
			cred(nhi.Credential{ID: keyNever, Type: "client_secret", CreatedAt: ts(-20), NeverExpires: true})),
		want(nhi.KindAppCredential, lobApp+"/"+keyCert, "billing-exporter / CN=billing", lobAppID, alice, appScope(lobApp), nil,
			merged(appKey, "credential_type", "certificate", "key_usage", "Verify"),
			cred(nhi.Credential{ID: keyCert, Type: "certificate", Fingerprint: "sha1:52e8a3a2f3d1c0b4a5e6f7081920a1b2c3d4e5f6",
				CreatedAt: ts(-100), ExpiresAt: ts(100)})),
	}
}

// TestFullScan checks every identity, person, app and scope of a full scan, and which
// requests it made.
func TestFullScan(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.pageSize = 2
	populate(f)
	rec, cur := scanFixture(t, f.connector(testNow), "")
	if diff := gocmp.Diff(sortedIDs(fullScanWant()), sortedIDs(rec.Identities())); diff != "" {
		t.Errorf("identities (-want +got):\n%s", diff)
	}
	people := []nhi.Person{
		{Platform: nhi.PlatformEntra, Tenant: fixTenant, ExternalID: alice, Email: "alice@example.com", Name: "Alice Ames", Status: nhi.PersonActive},
		{Platform: nhi.PlatformEntra, Tenant: fixTenant, ExternalID: bob, Email: "bob@example.com", Name: "Bob Bee", Status: nhi.PersonSuspended},
	}
	if diff := gocmp.Diff(people, rec.People()); diff != "" {
		t.Errorf("people (-want +got):\n%s", diff)
	}
	apps := map[string]nhi.App{}
	for _, a := range rec.Apps() {
		apps[a.ExternalID] = nhi.App{Name: a.Name, Vendor: a.Vendor}
	}
	wantApps := map[string]nhi.App{vendorAppID: {Name: "PDF Docs Sync", Vendor: "PDF Docs Inc"},
		psAppID:  {Name: "Microsoft Graph Command Line Tools", Vendor: "Microsoft Corporation"},
		lobAppID: {Name: "billing-exporter"}, miAppID: {Name: "vm-identity"}}
	if diff := gocmp.Diff(wantApps, apps); diff != "" {
		t.Errorf("apps (-want +got):\n%s", diff)
	}
	wantScopes := []string{connector.ScopePeople, scopeGrants, appScope(bareApp), appScope(lobApp), spScope(graphSP),
		spScope(vendorSP), spScope(lobSP), spScope(psSP), spScope(miSP)}
	if diff := gocmp.Diff(sortedStrings(wantScopes), sortedStrings(rec.Completed())); diff != "" {
		t.Errorf("completed scopes (-want +got):\n%s", diff)
	}
	if f := rec.Failures(); len(f) > 0 {
		t.Errorf("failures: %+v", f)
	}
	if cur == "" {
		t.Error("full scan returned no cursor")
	}
	var subs []string
	for _, r := range f.requestLog() {
		if p, _, _ := strings.Cut(r, "?"); strings.Count(p, "/") == 4 && strings.HasPrefix(p, "/v1.0/") {
			subs = append(subs, p)
		}
	}
	wantSubs := []string{"/v1.0/applications/" + lobApp + "/owners", "/v1.0/servicePrincipals/" + lobSP + "/appRoleAssignments",
		"/v1.0/servicePrincipals/" + lobSP + "/owners", "/v1.0/servicePrincipals/" + miSP + "/appRoleAssignments",
		"/v1.0/servicePrincipals/" + miSP + "/owners", "/v1.0/servicePrincipals/" + vendorSP + "/appRoleAssignments"}
	if diff := gocmp.Diff(sortedStrings(wantSubs), sortedStrings(slices.Compact(sortedStrings(subs)))); diff != "" {
		t.Errorf("owner and assignment listings (-want +got):\n%s", diff)
	}
}

// sortedStrings returns a sorted copy of s.
func sortedStrings(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}
