package entrasim

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/nhiscope/nhi/estate"
)

// testNow is the data clock of the hand-built estates.
var testNow = time.Date(2025, 9, 1, 12, 0, 0, 0, time.UTC)

// days returns testNow minus n days.
func days(n int) time.Time { return testNow.Add(-time.Duration(n) * 24 * time.Hour) }

// IDs of the small estate.
const (
	tenant     = "9f1b2c3d-0000-4000-8000-00000000c0de"
	msTenant   = "f8cdef31-a31e-4b4a-93e4-5f571e91255a"
	vendorTen  = "9188040d-6c67-4c5b-b112-36a304b66dad"
	graphSP    = "7ea9e944-71ce-443d-811c-71e8047b557a"
	pdfSP      = "b1f2c3d4-1111-4222-8333-444455556666"
	evilSP     = "c2f3d4e5-2222-4333-8444-555566667777"
	billingSP  = "d3a4e5f6-3333-4444-8555-666677778888"
	billingApp = "0f7c9d1e-2222-4333-8444-555566667777"
	userAda    = "a0000000-0000-4000-8000-000000000001"
	userBob    = "a0000000-0000-4000-8000-000000000002"
	grantPDF   = "cMmjItSKIEGBJzAIN_h_LJWd3Ji2SVpAs8CDTpaacIs33-jCp8aITYmx_rTx_afF"
	grantEvil  = "lWvaHSe6UkCc7B5ZAFMhH5Wd3Ji2SVpAs8CDTpaacIs"
	assignBill = "41W1zT6z1U-kJxf62svfp1HFE8pMZhxDun-ThPczmJE"
	secretKey  = "f0b0b335-1d71-4883-8f98-567911bfdca6"
	certKey    = "a1b2c3d4-0000-4000-8000-000000000001"
	roleMailRW = "e2a3a72e-5f79-4c64-b1b1-878b674786c9"
	roleUserRA = "df021288-bdef-4463-88db-98f22de89214"
	scopeMailR = "570282fd-fa5c-430d-a7fd-fc8dc98a9dca"
)

// smallEstate builds a small Microsoft tenant by hand: Microsoft Graph (first party), a
// vendor's app with a user's grant, a suspicious app with an admin's tenant-wide grant, and
// a line-of-business app with a secret, a certificate and an application permission.
func smallEstate() *estate.Estate {
	people := []estate.Person{
		{GoogleID: "1", Email: "ada@example.com", GivenName: "Ada", FamilyName: "Admin", Admin: true, Status: estate.Active},
		{GoogleID: "2", Email: "bob@example.com", GivenName: "Bob", FamilyName: "Baker", Status: estate.Active},
	}
	graph := estate.MSServicePrincipal{ObjectID: graphSP, AppID: graphAppID, DisplayName: "Microsoft Graph",
		AppOwnerOrganizationID: msTenant, ServicePrincipalType: "Application", AccountEnabled: true,
		PublisherName: "Microsoft Services", SignInAudience: "AzureADMultipleOrgs", FirstParty: true, Vendor: -1, Application: -1,
		AppRoles: []estate.MSPermission{{ID: roleMailRW, Value: "Mail.ReadWrite", DisplayName: "Read and write mail in all mailboxes"},
			{ID: roleUserRA, Value: "User.Read.All", DisplayName: "Read all users' full profiles"}},
		Scopes: []estate.MSPermission{{ID: scopeMailR, Value: "Mail.Read", DisplayName: "Read user mail"},
			{ID: "e1fe6dd8-ba31-4d61-89e7-88639da4683d", Value: "User.Read", DisplayName: "Sign in and read user profile"}},
		Created: days(2000)}
	ms := &estate.Microsoft{TenantID: tenant, Domain: "example.onmicrosoft.com",
		Users: []estate.MSUser{{Person: 0, ObjectID: userAda, UPN: "ada@example.com", AccountEnabled: true},
			{Person: 1, ObjectID: userBob, UPN: "bob@example.com", AccountEnabled: true}},
		ServicePrincipals: []estate.MSServicePrincipal{graph,
			{ObjectID: pdfSP, AppID: "83f45296-fb8f-4aaa-a399-ac51084e02b7", DisplayName: "PDF Docs Sync",
				AppOwnerOrganizationID: vendorTen, ServicePrincipalType: "Application", AccountEnabled: true,
				PublisherName: "PDF Docs Inc", VerifiedPublisher: "PDF Docs Inc", SignInAudience: "AzureADMultipleOrgs",
				Vendor: 0, Application: -1, Created: days(300), LastSignIn: days(1)},
			{ObjectID: evilSP, AppID: "6a3c2b1d-9999-4aaa-8bbb-cccccccccccc", DisplayName: "Microsoft Teams <Update>",
				AppOwnerOrganizationID: "11111111-2222-4333-8444-555555555555", AccountEnabled: true,
				SignInAudience: "AzureADMultipleOrgs", Vendor: 1, Application: -1, Suspicious: true, Created: days(3)},
			{ObjectID: billingSP, AppID: "c0ffee00-1234-4abc-9def-0123456789ab", DisplayName: "billing-exporter",
				AppOwnerOrganizationID: tenant, ServicePrincipalType: "Application", AccountEnabled: true,
				SignInAudience: "AzureADMyOrg", Vendor: -1, Application: 0, Owners: []int32{0}, Created: days(900)}},
		Applications: []estate.MSApplication{{ObjectID: billingApp, AppID: "c0ffee00-1234-4abc-9def-0123456789ab",
			DisplayName: "billing-exporter", Created: days(900), SignInAudience: "AzureADMyOrg",
			PublisherDomain: "example.onmicrosoft.com", Owners: []int32{0},
			Required: []estate.MSRequired{{ResourceAppID: graphAppID, Roles: []string{roleMailRW}}},
			Passwords: []estate.MSCredential{{KeyID: secretKey, DisplayName: "ci-secret", Hint: "Q~x",
				Start: days(200), End: testNow.AddDate(0, 0, 10), LastUsed: days(2)}},
			Keys: []estate.MSCredential{{KeyID: certKey, DisplayName: "CN=billing-exporter", Type: "AsymmetricX509Cert",
				Usage: "Verify", Thumbprint: "52e8a3a2f3d1c0b4a5e6f7081920a1b2c3d4e5f6", Start: days(300), End: testNow.AddDate(1, 0, 0)}}}},
		Grants: []estate.MSGrant{
			{ID: grantPDF, Client: 1, Resource: 0, ConsentType: "Principal", Principal: 1,
				Scopes: []string{"User.Read", "Mail.ReadWrite", "offline_access"}, Created: days(30)},
			{ID: grantEvil, Client: 2, Resource: 0, ConsentType: "AllPrincipals", Principal: -1,
				Scopes: []string{"Mail.Read"}, Created: days(3)}},
		Assignments: []estate.MSAssignment{{ID: assignBill, Principal: 3, Resource: 0, AppRoleID: roleMailRW, Created: days(800)}},
		Audits: []estate.MSAudit{
			{ID: "Directory_0001", Time: days(3), Activity: "Consent to application", Category: "ApplicationManagement",
				Result: "success", Actor: 0, Target: 2, TargetApp: -1,
				Modified: [][3]string{{"ConsentContext.IsAdminConsent", "", `"True"`}}},
			{ID: "Directory_0002", Time: days(20), Activity: "Update application – Certificates and secrets management",
				Category: "ApplicationManagement", Result: "success", Actor: -1, Target: -1, TargetApp: 0},
			{ID: "Directory_0003", Time: days(10), Activity: "Update user", Category: "UserManagement",
				Result: "success", Actor: 0, Target: -1, TargetApp: -1}},
	}
	return &estate.Estate{Options: estate.Options{Seed: 1, People: 2, Domain: "example.com", Now: testNow},
		People: people, Microsoft: ms}
}

// fixedClock is the wall clock of tests that need one.
var fixedClock = time.Date(2025, 9, 1, 13, 0, 0, 0, time.UTC)

// harness is a simulator served over loopback with an access token of the default client.
type harness struct {
	s     *Server
	url   string
	token string
}

// start serves a simulator over e with options o and obtains a token directly.
func start(t *testing.T, e *estate.Estate, o Options) *harness {
	t.Helper()
	s, err := New(e, o)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	id, _ := s.ClientCredentials()
	tok, err := s.AccessToken(id)
	if err != nil {
		t.Fatalf("AccessToken: %v", err)
	}
	return &harness{s: s, url: ts.URL, token: tok}
}

// do sends a request with the harness's token and returns the status, headers and body.
func (h *harness) do(t *testing.T, method, path, body string) (int, http.Header, []byte) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, h.url+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if h.token != "" {
		req.Header.Set("Authorization", "Bearer "+h.token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, b
}

// get fetches path (or an absolute URL the simulator gave) and decodes a 200 answer into v.
func (h *harness) get(t *testing.T, path string, v any) {
	t.Helper()
	path = strings.TrimPrefix(path, h.url)
	status, _, body := h.do(t, http.MethodGet, path, "")
	if status != http.StatusOK {
		t.Fatalf("GET %s = %d %s", path, status, body)
	}
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("GET %s: decode: %v in %s", path, err, body)
	}
}

// graphErr is Graph's error envelope as tests read it.
type graphErr struct {
	Error struct {
		Code       string `json:"code"`
		Message    string `json:"message"`
		InnerError struct {
			Date            string `json:"date"`
			RequestID       string `json:"request-id"`
			ClientRequestID string `json:"client-request-id"`
		} `json:"innerError"`
	} `json:"error"`
}

// errorCode decodes the code of an error answer; "" when the body is not one.
func errorCode(body []byte) string {
	var e graphErr
	if json.Unmarshal(body, &e) != nil {
		return ""
	}
	return e.Error.Code
}
