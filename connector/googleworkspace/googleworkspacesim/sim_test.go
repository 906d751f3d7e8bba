package googleworkspacesim

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/nhiscope/nhi/estate"
)

// testNow is the data clock of the hand-built estates.
var testNow = time.Date(2025, 9, 1, 12, 0, 0, 0, time.UTC)

// The scopes test apps ask for.
const (
	scMail     = "https://mail.google.com/"
	scDrive    = "https://www.googleapis.com/auth/drive"
	scDriveRO  = "https://www.googleapis.com/auth/drive.readonly"
	scCalendar = "https://www.googleapis.com/auth/calendar"
)

// days returns testNow minus n days.
func days(n int) time.Time { return testNow.Add(-time.Duration(n) * 24 * time.Hour) }

// smallEstate builds a small estate by hand: an admin, active, suspended and departed people,
// an app with a hostile name, grants inside and outside the look-back, and a revoked grant.
func smallEstate() *estate.Estate {
	person := func(id, email, given, family, dept string, admin bool, st estate.Status, departed time.Time) estate.Person {
		return estate.Person{GoogleID: id, Email: email, GivenName: given, FamilyName: family, Department: dept,
			Admin: admin, Status: st, CreatedAt: days(900), LastLoginAt: days(1), DepartedAt: departed}
	}
	e := &estate.Estate{
		Options:    estate.Options{Seed: 1, People: 6, Domain: "example.com", Now: testNow},
		CustomerID: "C0abc1234",
		People: []estate.Person{
			person("100000000000000000001", "admin@example.com", "Ada", "Admin", "IT", true, estate.Active, time.Time{}),
			person("100000000000000000002", "alice@example.com", "Alice", "Able", "Sales", false, estate.Active, time.Time{}),
			person("100000000000000000003", "bob@example.com", "Bob", "Baker", "Sales", false, estate.Suspended, days(10)),
			person("100000000000000000004", "carol@example.com", "Carol", "Cole", "Finance", false, estate.Departed, days(5)),
			person("100000000000000000005", "dave@example.com", "<b>Dave</b>\x07", "D\u202eavis", "R&D", false, estate.Active, time.Time{}),
			person("100000000000000000006", "erin@example.com", "Erin", "Evans", "IT", true, estate.Suspended, days(400)),
		},
		Vendors: []estate.Vendor{
			{Company: "PDF Co", Product: "PDF Docs Sync", GoogleClientID: "111-pdf.apps.googleusercontent.com",
				Scopes: []string{scMail, scDrive}, ClientType: "WEB", Verified: true},
			{Company: "Evil", Product: "Evil <script>alert(1)</script>\x1b[31m\u202e", GoogleClientID: "222-evil.apps.googleusercontent.com",
				Scopes: []string{scDriveRO}, ClientType: "NATIVE_DESKTOP", Native: true, Anonymous: true, Suspicious: true},
			{Company: "Cal Inc", Product: "Calendar Helper", GoogleClientID: "333-cal.apps.googleusercontent.com",
				Scopes: []string{scCalendar, "openid"}, ClientType: "WEB"},
		},
		Grants: []estate.Grant{
			{Person: 1, Vendor: 0, Scopes: []string{scMail, scDrive}, AuthorizedAt: days(30), LastUsedAt: days(1)},
			{Person: 1, Vendor: 2, Scopes: []string{scCalendar, "openid"}, AuthorizedAt: days(400)},
			{Person: 2, Vendor: 0, Scopes: []string{scDrive}, AuthorizedAt: days(20), LastUsedAt: days(15)},
			{Person: 3, Vendor: 1, Scopes: []string{scDriveRO}, AuthorizedAt: days(50), LastUsedAt: days(6)},
			{Person: 4, Vendor: 1, Scopes: []string{scDriveRO}, AuthorizedAt: days(2), LastUsedAt: testNow.Add(-time.Hour)},
			{Person: 0, Vendor: 2, Scopes: []string{scCalendar}, AuthorizedAt: days(100), LastUsedAt: days(90)},
		},
		Revoked: []estate.Grant{
			{Person: 4, Vendor: 0, Scopes: []string{scMail}, AuthorizedAt: days(40)},
		},
	}
	return e
}

// bigEstate builds a larger estate by a deterministic loop: n people (every tenth an admin,
// every thirteenth suspended, every seventeenth departed), eight apps and up to four grants
// each.
func bigEstate(n int) *estate.Estate {
	e := &estate.Estate{Options: estate.Options{Seed: 2, People: n, Domain: "big.example", Now: testNow},
		CustomerID: "C0big0001"}
	for v := range 8 {
		e.Vendors = append(e.Vendors, estate.Vendor{Product: fmt.Sprintf("App %d", v),
			GoogleClientID: fmt.Sprintf("%d-app.apps.googleusercontent.com", 900+v),
			Scopes:         []string{scDrive, scMail, scCalendar}[:1+v%3], ClientType: "WEB"})
	}
	for i := range n {
		st, departed := estate.Active, time.Time{}
		switch {
		case i%17 == 16:
			st, departed = estate.Departed, days(i%90)
		case i%13 == 12:
			st, departed = estate.Suspended, days(i%200)
		}
		e.People = append(e.People, estate.Person{GoogleID: fmt.Sprintf("1%020d", i),
			Email: fmt.Sprintf("user%05d@big.example", (i*7919)%n), GivenName: fmt.Sprintf("G%03d", i%101),
			FamilyName: fmt.Sprintf("F%03d", i%53), Department: "Dept", Admin: i%10 == 0, Status: st,
			CreatedAt: days(1000), DepartedAt: departed})
		for k := range i % 5 {
			v := (i + k*3) % 8
			g := estate.Grant{Person: int32(i), Vendor: int32(v), Scopes: e.Vendors[v].Scopes,
				AuthorizedAt: days(1 + (i*31+k*7)%300)}
			if (i+k)%3 != 0 {
				g.LastUsedAt = g.AuthorizedAt.Add(time.Duration((i*k)%20+1) * time.Hour)
			}
			e.Grants = append(e.Grants, g)
		}
	}
	return e
}

// newTestServer serves e with o over loopback and returns the server, its URL and an
// access token for the estate's first admin with every delegated scope.
func newTestServer(t testing.TB, e *estate.Estate, o Options) (*Server, string, string) {
	t.Helper()
	s, err := New(e, o)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	admin := e.People[s.w.firstAdmin()].Email
	tok, err := s.AccessToken(admin, DefaultDelegatedScopes()...)
	if err != nil {
		t.Fatalf("AccessToken: %v", err)
	}
	return s, hs.URL, tok
}

// call makes a request with a bearer token ("" for none) and returns the status and body.
func call(t testing.TB, method, u, token string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, body
}

// getJSON GETs u and decodes a 200 answer into out.
func getJSON(t testing.TB, u, token string, out any) {
	t.Helper()
	status, body := call(t, http.MethodGet, u, token)
	if status != http.StatusOK {
		t.Fatalf("GET %s: status %d: %s", u, status, body)
	}
	if err := json.Unmarshal(body, out); err != nil {
		t.Fatalf("GET %s: %v: %s", u, err, body)
	}
}

// googleError is Google's error envelope.
type googleError struct {
	Error struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
		Status  string `json:"status"`
		Errors  []struct {
			Message      string `json:"message"`
			Domain       string `json:"domain"`
			Reason       string `json:"reason"`
			Location     string `json:"location"`
			LocationType string `json:"locationType"`
		} `json:"errors"`
	} `json:"error"`
}

// errorOf decodes an error envelope and returns code, status and errors[0].reason.
func errorOf(t testing.TB, body []byte) (int, string, string) {
	t.Helper()
	var ge googleError
	if err := json.Unmarshal(body, &ge); err != nil || len(ge.Error.Errors) != 1 {
		t.Fatalf("not a Google error envelope (%v): %s", err, body)
	}
	return ge.Error.Code, ge.Error.Status, ge.Error.Errors[0].Reason
}

// serviceKey is the part of a service-account key file the test signer needs.
type serviceKey struct {
	Type         string `json:"type"`
	ProjectID    string `json:"project_id"`
	PrivateKeyID string `json:"private_key_id"`
	PrivateKey   string `json:"private_key"`
	ClientEmail  string `json:"client_email"`
	ClientID     string `json:"client_id"`
	TokenURI     string `json:"token_uri"`
}

// parseServiceKey decodes a key file and its RSA key.
func parseServiceKey(t testing.TB, raw []byte) (serviceKey, *rsa.PrivateKey) {
	t.Helper()
	var k serviceKey
	if err := json.Unmarshal(raw, &k); err != nil {
		t.Fatalf("key file: %v", err)
	}
	block, _ := pem.Decode([]byte(k.PrivateKey))
	if block == nil {
		t.Fatal("key file: no PEM block")
	}
	key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		t.Fatalf("key file: %v", err)
	}
	return k, key.(*rsa.PrivateKey)
}

// signJWT returns an RS256 JWT with the given header kid and claims.
func signJWT(t testing.TB, key *rsa.PrivateKey, kid string, claims map[string]any) string {
	t.Helper()
	enc := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return base64.RawURLEncoding.EncodeToString(b)
	}
	signed := enc(map[string]string{"alg": "RS256", "typ": "JWT", "kid": kid}) + "." + enc(claims)
	sum := sha256.Sum256([]byte(signed))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	return signed + "." + base64.RawURLEncoding.EncodeToString(sig)
}

// postToken exchanges an assertion at the token endpoint.
func postToken(t testing.TB, tokenURL, grantType, assertion string) (int, map[string]any) {
	t.Helper()
	form := url.Values{"grant_type": {grantType}, "assertion": {assertion}}
	resp, err := http.Post(tokenURL, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("token answer: %v", err)
	}
	return resp.StatusCode, out
}
