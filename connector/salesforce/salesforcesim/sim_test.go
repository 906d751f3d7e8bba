package salesforcesim

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nhiscope/nhi/estate"
)

// testNow is the clock of the hand-built org.
var testNow = time.Date(2025, 9, 1, 12, 0, 0, 0, time.UTC)

// IDs of the small org.
var (
	orgID    = caseSafe("00D5e0000000001")
	userAda  = caseSafe("0055e000000Ada1")
	userBob  = caseSafe("0055e000000Bob1")
	userBot  = caseSafe("0055e000000Bot1")
	loginAda = caseSafe("0Yw5e000000Ada1")
	loginBob = caseSafe("0Yw5e000000Bob1")
	loginBot = caseSafe("0Yw5e000000Bot1")
	appDrift = caseSafe("0H45e000000Drf1")
	appCLI   = caseSafe("0H45e000000Cli1")
	menuDrft = caseSafe("0Jm5e000000Drf1")
	menuCLI  = caseSafe("0Jm5e000000Cli1")
)

// hours returns testNow minus h hours.
func hours(h float64) time.Time { return testNow.Add(-time.Duration(h * float64(time.Hour))) }

// smallOrg builds a small org by hand: an admin, a user, a vendor's integration user,
// the vendor's app (Drift) with two tokens and an internal CLI app with one, logins and
// API events over the last hours and one older login.
func smallOrg() *estate.Estate {
	sf := &estate.Salesforce{OrgID: orgID, MyDomain: "example",
		Users: []estate.SFUser{
			{ID: userAda, LoginID: loginAda, Username: "ada@example.com", Name: "Ada Admin", Email: "ada@example.com",
				Person: 0, UserType: "Standard", Profile: "System Administrator", IsActive: true, ViewAllData: true,
				ModifyAllData: true, APIEnabled: true, ManageUsers: true, CustomizeApplication: true,
				CreatedAt: hours(24 * 900), LastLoginAt: hours(3)},
			{ID: userBob, LoginID: loginBob, Username: "bob@example.com", Name: "Bob Baker", Email: "bob@example.com",
				Person: 1, UserType: "Standard", Profile: "Standard User", IsActive: true, APIEnabled: true,
				CreatedAt: hours(24 * 400)},
			{ID: userBot, LoginID: loginBot, Username: "drift@example.com.integration", Name: "Drift Integration",
				Person: -1, UserType: "Standard", Profile: "Minimum Access - API Only Integrations", IsActive: true,
				Integration: true, APIEnabled: true, APIOnly: true, ViewAllData: true, CreatedAt: hours(24 * 300)},
		},
		Apps: []estate.SFApp{
			{ID: appDrift, MenuItemID: menuDrft, Name: "Drift", FullName: "Drift", Vendor: 0, Company: "Salesloft",
				IPRelaxation: "BYPASS", RefreshTokenPolicy: "infinite", Scopes: []string{"api", "refresh_token", "full"},
				CreatedAt: hours(24 * 500)},
			{ID: appCLI, MenuItemID: menuCLI, Name: "Salesforce CLI", FullName: "sfdx__Salesforce_CLI", Vendor: -1,
				AdminApprovedOnly: true, IPRelaxation: "ENFORCE", RefreshTokenPolicy: "specific_lifetime",
				RefreshTokenUnit: "Days", RefreshTokenValidity: 90, Scopes: []string{"api", "web", "refresh_token", "offline_access"},
				CreatedAt: hours(24 * 700), Internal: true},
		},
		Tokens: []estate.SFToken{
			{App: 0, User: 0, CreatedAt: hours(24 * 200), LastUsedAt: hours(24 * 150), UseCount: 12, DeleteToken: "del-ada-drift"},
			{App: 0, User: 2, CreatedAt: hours(24 * 100), LastUsedAt: hours(2), UseCount: 48211, DeleteToken: "del-bot-drift"},
			{App: 1, User: 1, CreatedAt: hours(24 * 30), UseCount: 0, DeleteToken: "del-bob-cli"},
		},
		Logins: []estate.SFLogin{
			{ID: caseSafe("0Ya5e0000000001"), User: 0, Time: hours(24 * 40), LoginType: "Application", Application: "Browser",
				SourceIP: "203.0.113.5", Platform: "Mac OSX", Browser: "Chrome 120", Status: "Success", APIType: "N/A", CountryISO: "US"},
			{ID: caseSafe("0Ya5e0000000002"), User: 2, Time: hours(2.5), LoginType: "Remote Access 2.0", Application: "Drift",
				SourceIP: "198.51.100.77", UserAgent: "python-requests/2.32.4", Platform: "Unknown", Browser: "Unknown",
				Status: "Success", APIType: "N/A", CountryISO: "US"},
			{ID: caseSafe("0Ya5e0000000003"), User: 1, Time: hours(1.01), LoginType: "Application", Application: "Browser",
				SourceIP: "203.0.113.9", UserAgent: `Mozilla/5.0 "quoted"`, Status: "Invalid Password", CountryISO: "US"},
			{ID: caseSafe("0Ya5e0000000004"), User: 2, Time: hours(0.5), LoginType: "Remote Access 2.0", Application: "Drift",
				SourceIP: "198.51.100.77", Status: "Success"},
		},
		APIEvents: []estate.SFAPIEvent{
			{RequestID: "4exLFvgbfVv0qDLkTG1dOk", Time: hours(2.3), EventType: "RestApi", User: 2, App: 0, APIFamily: "REST",
				Method: "GET", Resource: "/query", Entity: "Account", ClientIP: "198.51.100.77",
				ClientName: "python-requests/2.32.4", StatusCode: 200, Rows: 2000},
			{RequestID: "4exLFvgbfVv0qDLkTG1dOl", Time: hours(2.2), EventType: "BulkApi2", User: 2, App: 0, APIFamily: "BulkV2",
				Method: "POST", Resource: "/jobs/query", Entity: "Case", ClientIP: "192.0.2.10", ClientName: "Salesforce-CLI/1.0",
				StatusCode: 200, Rows: 50000},
			{RequestID: "4exLFvgbfVv0qDLkTG1dOm", Time: hours(1.5), EventType: "ApiTotalUsage", User: 0, App: -1,
				APIFamily: "REST", Method: "GET", Resource: "/sobjects", Entity: "User", ClientIP: "203.0.113.5",
				ClientName: "Workbench", StatusCode: 200},
		},
	}
	return &estate.Estate{Options: estate.Options{Now: testNow}, Salesforce: sf}
}

// sim is a simulator behind an httptest server with a signed-in integration user.
type sim struct {
	*Server
	ts    *httptest.Server
	token string
}

// newSim serves the small org (or e) and signs the integration user in.
func newSim(t *testing.T, e *estate.Estate, o Options) *sim {
	t.Helper()
	if e == nil {
		e = smallOrg()
	}
	s, err := New(e, o)
	if err != nil {
		t.Fatal(err)
	}
	s.key = sharedKey(t) // Client would make one; making one per test is slow under -race
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	sm := &sim{Server: s, ts: ts}
	sm.token = sm.signIn(t, "")
	return sm
}

// keys caches RSA keys across tests: generating one per simulator is slow under -race.
var keys = struct {
	sync.Mutex
	shared, other *rsa.PrivateKey
}{}

// cachedKey returns *slot, made on first use.
func cachedKey(t *testing.T, slot **rsa.PrivateKey) *rsa.PrivateKey {
	keys.Lock()
	defer keys.Unlock()
	if *slot == nil {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatal(err)
		}
		*slot = k
	}
	return *slot
}

// sharedKey returns the key the test simulators' connected app holds.
func sharedKey(t *testing.T) *rsa.PrivateKey { return cachedKey(t, &keys.shared) }

// otherKey returns a key nhi's app does not hold.
func otherKey(t *testing.T) *rsa.PrivateKey { return cachedKey(t, &keys.other) }

// assertion returns a JWT for the JWT bearer flow, signed with key, with claims changed
// by edit.
func assertion(t *testing.T, key *rsa.PrivateKey, claims map[string]any) string {
	t.Helper()
	hb, _ := json.Marshal(map[string]string{"alg": "RS256", "typ": "JWT"})
	cb, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	signing := base64.RawURLEncoding.EncodeToString(hb) + "." + base64.RawURLEncoding.EncodeToString(cb)
	digest := sha256.Sum256([]byte(signing))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, digest[:])
	if err != nil {
		t.Fatal(err)
	}
	return signing + "." + base64.RawURLEncoding.EncodeToString(sig)
}

// claimsFor returns valid claims for username ("" for the integration user).
func (sm *sim) claimsFor(username string) map[string]any {
	iss, _, user := sm.Client()
	if username != "" {
		user = username
	}
	return map[string]any{"iss": iss, "sub": user, "aud": "https://login.salesforce.com", "exp": sm.now().Add(2 * time.Minute).Unix()}
}

// tokenRequest posts an assertion to the token endpoint.
func (sm *sim) tokenRequest(t *testing.T, grant, jwt string) (int, map[string]string) {
	t.Helper()
	resp, err := http.PostForm(sm.ts.URL+"/services/oauth2/token", url.Values{"grant_type": {grant}, "assertion": {jwt}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]string
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, body
}

// signIn returns an access token for username ("" for the integration user).
func (sm *sim) signIn(t *testing.T, username string) string {
	t.Helper()
	_, key, _ := sm.Client()
	status, body := sm.tokenRequest(t, jwtBearer, assertion(t, key, sm.claimsFor(username)))
	if status != http.StatusOK {
		t.Fatalf("sign in %q: %d %v", username, status, body)
	}
	return body["access_token"]
}

// do sends a request with the access token tok and returns the status, headers and body.
func (sm *sim) do(t *testing.T, method, path, tok, body string, hdr ...string) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, sm.ts.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
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

// result is a decoded query answer.
type result struct {
	TotalSize      int              `json:"totalSize"`
	Done           bool             `json:"done"`
	NextRecordsURL string           `json:"nextRecordsUrl"`
	Records        []map[string]any `json:"records"`
}

// query runs SOQL as tok and decodes a 200 answer; it fails the test on any other.
func (sm *sim) query(t *testing.T, tok, soql string) result {
	t.Helper()
	status, _, body := sm.do(t, http.MethodGet, "/services/data/v62.0/query?q="+url.QueryEscape(soql), tok, "")
	if status != http.StatusOK {
		t.Fatalf("query %q: %d %s", soql, status, body)
	}
	var r result
	if err := json.Unmarshal(body, &r); err != nil {
		t.Fatal(err)
	}
	return r
}

// queryError runs SOQL and returns the status and the first error of the array.
func (sm *sim) queryError(t *testing.T, tok, soql string) (int, apiError) {
	t.Helper()
	status, _, body := sm.do(t, http.MethodGet, "/services/data/v62.0/query?q="+url.QueryEscape(soql), tok, "")
	var errs []apiError
	if err := json.Unmarshal(body, &errs); err != nil || len(errs) == 0 {
		t.Fatalf("query %q: %d %s: not an error array", soql, status, body)
	}
	return status, errs[0]
}

// column returns field name of every record.
func column(r result, name string) []any {
	out := make([]any, 0, len(r.Records))
	for _, rec := range r.Records {
		out = append(out, rec[name])
	}
	return out
}

func TestNewRefusesEstateWithoutOrg(t *testing.T) {
	t.Parallel()
	for name, e := range map[string]*estate.Estate{"nil": nil, "no org": {}, "no id": {Salesforce: &estate.Salesforce{}}} {
		if _, err := New(e, Options{}); err == nil {
			t.Errorf("New(%s) succeeded", name)
		}
	}
	bad := smallOrg()
	bad.Salesforce.Tokens[0].User = 9
	if _, err := New(bad, Options{}); err == nil {
		t.Error("New accepted a token of a user out of range")
	}
	if _, err := New(smallOrg(), Options{DailyLimit: -1}); err == nil {
		t.Error("New accepted a negative daily limit")
	}
}
