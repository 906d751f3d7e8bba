package oktasim

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/nhiscope/nhi/estate"
)

var (
	estateOnce sync.Once
	testEstate *estate.Estate
)

// org returns a shared estate of 300 people.
func org(t *testing.T) *estate.Estate {
	t.Helper()
	estateOnce.Do(func() {
		var err error
		if testEstate, err = estate.Generate(estate.Options{Seed: 11, People: 300}); err != nil {
			panic(err)
		}
	})
	return testEstate
}

// start serves a simulator of the shared estate.
func start(t *testing.T, o Options) (*Server, *httptest.Server) {
	t.Helper()
	s, err := New(org(t), o)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return s, ts
}

// call makes a request with the authorization header auth and returns the answer and its
// body.
func call(t *testing.T, method, u, auth string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, body
}

const ssws = "SSWS " + DefaultAPIToken

// nextLink returns the rel="next" URL of resp, or "".
func nextLink(resp *http.Response) string {
	for _, l := range resp.Header.Values("Link") {
		if strings.HasSuffix(l, `rel="next"`) {
			return strings.TrimSuffix(strings.TrimPrefix(l[:strings.Index(l, ">")], "<"), ">")
		}
	}
	return ""
}

// listAll follows next links from u and returns the IDs seen.
func listAll(t *testing.T, u string) []string {
	t.Helper()
	var ids []string
	for u != "" {
		resp, body := call(t, "GET", u, ssws)
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s: %d %s", u, resp.StatusCode, body)
		}
		var page []struct{ ID string }
		if err := json.Unmarshal(body, &page); err != nil {
			t.Fatal(err)
		}
		for _, p := range page {
			ids = append(ids, p.ID)
		}
		u = nextLink(resp)
	}
	return ids
}

func TestPagingListsEverything(t *testing.T) {
	t.Parallel()
	e := org(t)
	_, ts := start(t, Options{MaxPageSize: 3})
	if got, want := len(listAll(t, ts.URL+"/api/v1/api-tokens")), len(e.Okta.Tokens); got != want {
		t.Errorf("tokens listed = %d, want %d", got, want)
	}
	if got, want := len(listAll(t, ts.URL+"/api/v1/apps")), len(e.Okta.Apps); got != want {
		t.Errorf("apps listed = %d, want %d", got, want)
	}
	departed := 0
	for _, u := range e.Okta.Users {
		if u.Status == estate.OktaDeprovisioned {
			departed++
		}
	}
	if got := len(listAll(t, ts.URL+"/api/v1/users")); got != len(e.Okta.Users)-departed {
		t.Errorf("users listed = %d, want %d (no DEPROVISIONED)", got, len(e.Okta.Users)-departed)
	}
	q := url.Values{"filter": {`status eq "DEPROVISIONED"`}}
	if got := len(listAll(t, ts.URL+"/api/v1/users?"+q.Encode())); got != departed || departed == 0 {
		t.Errorf("deprovisioned users = %d, want %d", got, departed)
	}
}

func TestErrorsAndRateLimit(t *testing.T) {
	t.Parallel()
	_, ts := start(t, Options{RateLimit: 12})
	tests := []struct {
		name, auth string
		status     int
		code       string
	}{
		{"no credentials", "", 401, "E0000011"},
		{"wrong token", "SSWS nope", 401, "E0000011"},
		{"first", ssws, 200, ""},
		{"second", ssws, 200, ""},
		{"spent", ssws, 429, "E0000047"},
	}
	for _, tt := range tests {
		resp, body := call(t, "GET", ts.URL+"/api/v1/api-tokens", tt.auth)
		var e errorBody
		_ = json.Unmarshal(body, &e)
		if resp.StatusCode != tt.status || e.ErrorCode != tt.code {
			t.Errorf("%s: %d %q, want %d %q", tt.name, resp.StatusCode, e.ErrorCode, tt.status, tt.code)
		}
		if tt.status != 401 && resp.Header.Get("X-Rate-Limit-Reset") == "" {
			t.Errorf("%s: no X-Rate-Limit-Reset", tt.name)
		}
	}
}

// assertion signs a client assertion for s at aud.
func assertion(t *testing.T, s *Server, aud, jti string) string {
	t.Helper()
	key, err := s.ClientKey()
	if err != nil {
		t.Fatal(err)
	}
	claims := jwt.RegisteredClaims{Issuer: s.ClientID(), Subject: s.ClientID(), Audience: jwt.ClaimStrings{aud},
		ID: jti, ExpiresAt: jwt.NewNumericDate(time.Now().Add(time.Minute))}
	signed, err := jwt.NewWithClaims(jwt.SigningMethodRS256, claims).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return signed
}

func TestOAuthScopes(t *testing.T) {
	t.Parallel()
	s, ts := start(t, Options{})
	tokenURL := s.TokenURL(ts.URL)
	get := func(a, scope string) (int, map[string]any) {
		resp, err := http.PostForm(tokenURL, url.Values{"grant_type": {"client_credentials"}, "scope": {scope},
			"client_assertion_type": {assertionType}, "client_assertion": {a}})
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var m map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&m)
		return resp.StatusCode, m
	}
	a := assertion(t, s, tokenURL, "one")
	status, m := get(a, "okta.apiTokens.read okta.apps.read")
	if status != 200 {
		t.Fatalf("token: %d %v", status, m)
	}
	if status, _ := get(a, "okta.apps.read"); status != 401 {
		t.Errorf("replayed assertion: %d, want 401", status)
	}
	if status, m := get(assertion(t, s, "https://elsewhere/oauth2/v1/token", "two"), "okta.apps.read"); status != 401 || m["error"] != "invalid_client" {
		t.Errorf("wrong audience: %d %v, want 401 invalid_client", status, m)
	}
	if status, m := get(assertion(t, s, tokenURL, "three"), "okta.apps.manage"); status != 400 || m["error"] != "invalid_scope" {
		t.Errorf("ungranted scope: %d %v, want 400 invalid_scope", status, m)
	}
	bearer := "Bearer " + m["access_token"].(string)
	if resp, _ := call(t, "GET", ts.URL+"/api/v1/api-tokens", bearer); resp.StatusCode != 200 {
		t.Errorf("read with the token: %d", resp.StatusCode)
	}
	if resp, _ := call(t, "GET", ts.URL+"/api/v1/logs", bearer); resp.StatusCode != 403 {
		t.Errorf("logs without okta.logs.read: %d, want 403", resp.StatusCode)
	}
	id := org(t).Okta.Tokens[0].ID
	if resp, _ := call(t, "DELETE", ts.URL+"/api/v1/api-tokens/"+id, bearer); resp.StatusCode != 403 {
		t.Errorf("revoke without okta.apiTokens.manage: %d, want 403", resp.StatusCode)
	}
	if _, ok := s.Token(id); !ok {
		t.Error("a refused revocation removed the token")
	}
}

func TestRemediationChangesState(t *testing.T) {
	t.Parallel()
	e := org(t)
	s, ts := start(t, Options{})
	tok := e.Okta.Tokens[0].ID
	if resp, _ := call(t, "DELETE", ts.URL+"/api/v1/api-tokens/"+tok, ssws); resp.StatusCode != 204 {
		t.Errorf("revoke token: %d", resp.StatusCode)
	}
	if _, ok := s.Token(tok); ok {
		t.Error("revoked token still there")
	}
	if resp, body := call(t, "DELETE", ts.URL+"/api/v1/api-tokens/"+tok, ssws); resp.StatusCode != 404 || !strings.Contains(string(body), "E0000007") {
		t.Errorf("revoke again: %d %s, want 404 E0000007", resp.StatusCode, body)
	}
	app := e.Okta.Apps[0]
	if resp, body := call(t, "POST", ts.URL+"/api/v1/apps/"+app.ID+"/lifecycle/deactivate", ssws); resp.StatusCode != 200 || strings.TrimSpace(string(body)) != "{}" {
		t.Errorf("deactivate: %d %s", resp.StatusCode, body)
	}
	if st, _ := s.AppStatus(app.ID); st != "INACTIVE" {
		t.Errorf("app status = %s, want INACTIVE", st)
	}
	g := e.Okta.GrantsOf(0)[0]
	if resp, _ := call(t, "DELETE", ts.URL+"/api/v1/apps/"+app.ID+"/grants/"+g.ID, ssws); resp.StatusCode != 204 {
		t.Errorf("revoke app grant: %d", resp.StatusCode)
	}
	if got := s.AppScopes(app.ID); len(got) != len(e.Okta.GrantsOf(0))-1 {
		t.Errorf("scopes after revoking one = %v", got)
	}
	c := e.Okta.Consents[0]
	uid, cid := e.Okta.Users[c.User].ID, e.Okta.Apps[c.App].ID
	if resp, _ := call(t, "DELETE", ts.URL+"/api/v1/users/"+uid+"/clients/"+cid+"/grants", ssws); resp.StatusCode != 204 {
		t.Errorf("revoke consent: %d", resp.StatusCode)
	}
	for _, got := range s.Consents(uid) {
		if got.ClientID == cid {
			t.Errorf("consent to %s still there: %+v", cid, got)
		}
	}
	if st := s.Stats(); st.Mutations != 5 {
		t.Errorf("mutations = %d, want 5", st.Mutations)
	}
}

func TestFaults(t *testing.T) {
	t.Parallel()
	e := org(t)
	s, ts := start(t, Options{})
	s.InjectFault(Fault{Path: "/api/v1/apps", Status: 503, Times: 1})
	if resp, _ := call(t, "GET", ts.URL+"/api/v1/apps", ssws); resp.StatusCode != 503 {
		t.Errorf("faulted: %d, want 503", resp.StatusCode)
	}
	if resp, _ := call(t, "GET", ts.URL+"/api/v1/apps", ssws); resp.StatusCode != 200 {
		t.Errorf("after the fault: %d, want 200", resp.StatusCode)
	}
	s.InjectFault(Fault{Method: "DELETE", Ignore: true})
	tok := e.Okta.Tokens[0].ID
	if resp, _ := call(t, "DELETE", ts.URL+"/api/v1/api-tokens/"+tok, ssws); resp.StatusCode != 204 {
		t.Errorf("ignored revoke: %d, want 204", resp.StatusCode)
	}
	if _, ok := s.Token(tok); !ok {
		t.Error("an ignored revocation removed the token")
	}
}

func TestUserEndpoints(t *testing.T) {
	t.Parallel()
	e := org(t)
	_, ts := start(t, Options{})
	o := e.Okta
	var c estate.OktaConsent
	for _, x := range o.Consents {
		if x.TokenID != "" {
			c = x
			break
		}
	}
	uid, cid := o.Users[c.User].ID, o.Apps[c.App].ID
	var clients []struct {
		ClientID string `json:"client_id"`
	}
	resp, body := call(t, "GET", ts.URL+"/api/v1/users/"+uid+"/clients", ssws)
	if err := json.Unmarshal(body, &clients); err != nil || resp.StatusCode != 200 || len(clients) == 0 {
		t.Fatalf("clients: %d %s", resp.StatusCode, body)
	}
	if got := listAll(t, ts.URL+"/api/v1/users/"+uid+"/clients/"+cid+"/tokens"); len(got) != 1 || got[0] != c.TokenID {
		t.Errorf("refresh tokens = %v, want [%s]", got, c.TokenID)
	}
	if got := listAll(t, ts.URL+"/api/v1/users/"+uid+"/grants"); len(got) < len(c.Scopes) {
		t.Errorf("grants = %v, want at least %d", got, len(c.Scopes))
	}
	var roles []struct{ Type string }
	_, body = call(t, "GET", ts.URL+"/api/v1/users/"+o.Users[0].ID+"/roles", ssws)
	if err := json.Unmarshal(body, &roles); err != nil || len(roles) != 1 || roles[0].Type != "SUPER_ADMIN" {
		t.Errorf("roles of the first user = %s", body)
	}
	var page struct {
		Value []struct{ ID string }
	}
	_, body = call(t, "GET", ts.URL+"/api/v1/iam/assignees/users", ssws)
	admins := 0
	for _, u := range o.Users {
		if len(u.Roles) > 0 {
			admins++
		}
	}
	if err := json.Unmarshal(body, &page); err != nil || len(page.Value) != admins {
		t.Errorf("assignees = %d, want %d: %s", len(page.Value), admins, body)
	}
	if resp, _ := call(t, "GET", ts.URL+"/api/v1/users/00unosuchuser0000000/clients", ssws); resp.StatusCode != 404 {
		t.Errorf("clients of an unknown user: %d, want 404", resp.StatusCode)
	}
}
