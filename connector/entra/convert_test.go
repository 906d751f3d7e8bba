package entra

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/nhiscope/nhi"
)

// TestOriginOf checks how service principals are told apart.
func TestOriginOf(t *testing.T) {
	t.Parallel()
	own := map[string]bool{"c0000000-0000-4000-8000-000000000007": true}
	tests := []struct {
		name string
		sp   servicePrincipal
		want origin
	}{
		{"own tenant", servicePrincipal{AppOwnerOrganizationID: strings.ToUpper(fixTenant)}, originOwn},
		{"Microsoft Services", servicePrincipal{AppOwnerOrganizationID: msTenant}, originFirstParty},
		{"Microsoft corporate", servicePrincipal{AppOwnerOrganizationID: "72f988bf-86f1-41af-91ab-2d7cd011db47"}, originFirstParty},
		{"managed identity", servicePrincipal{AppOwnerOrganizationID: msTenant, ServicePrincipalType: "ManagedIdentity"}, originOwn},
		{"registered here", servicePrincipal{AppID: "C0000000-0000-4000-8000-000000000007", AppOwnerOrganizationID: vendorTenant}, originOwn},
		{"vendor", servicePrincipal{AppOwnerOrganizationID: vendorTenant}, originThirdParty},
		{"unknown owner", servicePrincipal{}, originThirdParty},
	}
	for _, tt := range tests {
		if got := originOf(&tt.sp, fixTenant, own); got != tt.want {
			t.Errorf("%s: origin %d, want %d", tt.name, got, tt.want)
		}
	}
}

// TestCredentialFields checks thumbprints, key types and lifetimes.
func TestCredentialFields(t *testing.T) {
	t.Parallel()
	hexTP := "52e8a3a2f3d1c0b4a5e6f7081920a1b2c3d4e5f6"
	for in, want := range map[string]string{
		base64.StdEncoding.EncodeToString(thumb): hexTP,
		strings.ToUpper(hexTP):                   hexTP,
		"":                                       "",
		"bm90IGEgdGh1bWJwcmludA==":               "", // base64, but not 20 bytes
		"zz" + hexTP[2:]:                         "",
	} {
		if got := thumbprint(in); got != want {
			t.Errorf("thumbprint(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"AsymmetricX509Cert": "certificate", "Symmetric": "symmetric_key",
		"X509CertAndPassword": "certificate", "Other\x1b": "other", "": "key"} {
		if got := keyType(in); got != want {
			t.Errorf("keyType(%q) = %q, want %q", in, got, want)
		}
	}
	start, end := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		start, end string
		want       nhi.Credential
	}{
		{"2024-01-01T00:00:00Z", "2026-01-01T00:00:00Z", nhi.Credential{CreatedAt: start, ExpiresAt: end}},
		{"2024-01-01T00:00:00Z", "2299-12-31T00:00:00Z", nhi.Credential{CreatedAt: start, NeverExpires: true}},
		{"2024-01-01T00:00:00Z", "9999-12-31T23:59:59.9999999Z", nhi.Credential{CreatedAt: start, NeverExpires: true}},
		{"0001-01-01T00:00:00Z", "garbage", nhi.Credential{}},
	}
	for _, tt := range tests {
		if diff := gocmp.Diff(tt.want, lifetime(nhi.Credential{}, tt.start, tt.end)); diff != "" {
			t.Errorf("lifetime(%s, %s) (-want +got):\n%s", tt.start, tt.end, diff)
		}
	}
}

// TestCredentialIdentities checks active_secrets and that unusable key IDs are counted.
func TestCredentialIdentities(t *testing.T) {
	t.Parallel()
	h := keyHolder{objectID: lobApp, appID: lobAppID, name: "app", origin: "application", scope: appScope(lobApp),
		facts: appFacts{origin: originOwn}, owners: owned{first: alice, count: 1}}
	pw := []passwordCredential{
		{KeyID: keySoon, EndDateTime: at(5)},
		{KeyID: keyNever, EndDateTime: at(-5)},
		{KeyID: "bad key/../x", EndDateTime: at(5)},
	}
	ids, bad := credentialIdentities(fixTenant, h, pw, nil, func(string) time.Time { return time.Time{} }, testNow)
	if bad != 1 || len(ids) != 2 {
		t.Fatalf("got %d identities and %d bad, want 2 and 1", len(ids), bad)
	}
	for _, id := range ids {
		if id.Attributes["active_secrets"] != "2" || id.OwnerID != alice || id.Scope != appScope(lobApp) {
			t.Errorf("identity %s: active_secrets %s, owner %s, scope %s", id.ExternalID,
				id.Attributes["active_secrets"], id.OwnerID, id.Scope)
		}
	}
}

// TestSmallHelpers checks names, permissions and owners.
func TestSmallHelpers(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]bool{"Zoom": false, "Invoice \u202egpj.exe": true, "a<b>c": true, "a < b": false,
		"line\nbreak": true, "\xff": true, "Ünïcödé": false} {
		if got := deceptive(in); got != want {
			t.Errorf("deceptive(%q) = %v, want %v", in, got, want)
		}
	}
	got := permissions([]string{"Mail.Read", "", " Mail.Read", "User.Read\x00", "User.Read"})
	if diff := gocmp.Diff([]nhi.Permission{{Scope: "Mail.Read"}, {Scope: "User.Read"}}, got); diff != "" {
		t.Errorf("permissions (-want +got):\n%s", diff)
	}
	o := ownersOf([]directoryObject{{Type: "#microsoft.graph.servicePrincipal", ID: lobSP},
		{Type: "#microsoft.graph.user", ID: "not a valid id!"}, {Type: "#microsoft.graph.user", ID: bob}})
	if o != (owned{first: bob, count: 3}) {
		t.Errorf("ownersOf = %+v", o)
	}
	for in, want := range map[string]bool{"": false, "abc-DEF_1.2~": true, "a/b": false, "a b": false,
		strings.Repeat("a", 257): false} {
		if got := validID(in); got != want {
			t.Errorf("validID(%q) = %v, want %v", in, got, want)
		}
	}
	for _, tt := range []struct {
		v        *verifiedPublisher
		verified bool
		name     string
	}{{nil, false, ""}, {&verifiedPublisher{}, false, ""}, {&verifiedPublisher{DisplayName: "Contoso"}, true, "Contoso"},
		{&verifiedPublisher{VerifiedPublisherID: "1"}, true, ""}} {
		if v, n := verification(tt.v); v != tt.verified || n != tt.name {
			t.Errorf("verification(%+v) = %v, %q", tt.v, v, n)
		}
	}
}
