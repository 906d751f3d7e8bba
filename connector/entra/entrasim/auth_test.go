package entrasim

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/oauth2/clientcredentials"
)

// tokenReply is what the token endpoint answers, success or failure.
type tokenReply struct {
	TokenType    string `json:"token_type"`
	ExpiresIn    int    `json:"expires_in"`
	ExtExpiresIn int    `json:"ext_expires_in"`
	AccessToken  string `json:"access_token"`
	Error        string `json:"error"`
	Description  string `json:"error_description"`
	Codes        []int  `json:"error_codes"`
	TraceID      string `json:"trace_id"`
}

// postToken posts a form to the token endpoint of tenant.
func postToken(t *testing.T, h *harness, tenant string, form url.Values, basic [2]string) (int, tokenReply) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, h.url+"/"+tenant+"/oauth2/v2.0/token",
		strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if basic[0] != "" {
		req.SetBasicAuth(basic[0], basic[1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var r tokenReply
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("token answer is not JSON: %s", b)
	}
	return resp.StatusCode, r
}

// TestTokenEndpoint checks the client credentials grant and each of its refusals.
func TestTokenEndpoint(t *testing.T) {
	t.Parallel()
	h := start(t, smallEstate(), Options{})
	id, secret := h.s.ClientCredentials()
	form := func(kv ...string) url.Values {
		v := url.Values{"grant_type": {"client_credentials"}, "client_id": {id}, "client_secret": {secret},
			"scope": {graphDefaultScope}}
		for i := 0; i+1 < len(kv); i += 2 {
			if kv[i+1] == "" {
				v.Del(kv[i])
			} else {
				v.Set(kv[i], kv[i+1])
			}
		}
		return v
	}
	cases := []struct {
		name       string
		tenant     string
		form       url.Values
		basic      [2]string
		wantStatus int
		wantError  string
		wantCode   int
	}{
		{"secret", tenant, form(), [2]string{}, 200, "", 0},
		{"tenant by domain", "example.onmicrosoft.com", form(), [2]string{}, 200, "", 0},
		{"app ID scope", tenant, form("scope", graphAppID+"/.default"), [2]string{}, 200, "", 0},
		{"basic auth", tenant, form("client_id", "", "client_secret", ""), [2]string{id, secret}, 200, "", 0},
		{"wrong secret", tenant, form("client_secret", "nope"), [2]string{}, 401, "invalid_client", 7000215},
		{"no secret", tenant, form("client_secret", ""), [2]string{}, 401, "invalid_client", 7000218},
		{"unknown client", tenant, form("client_id", "11111111-1111-4111-8111-111111111111"), [2]string{}, 400, "unauthorized_client", 700016},
		{"no client", tenant, form("client_id", ""), [2]string{}, 400, "invalid_request", 900144},
		{"user scope", tenant, form("scope", "https://graph.microsoft.com/User.Read"), [2]string{}, 400, "invalid_scope", 1002012},
		{"other resource", tenant, form("scope", "https://management.azure.com/.default"), [2]string{}, 400, "invalid_resource", 500011},
		{"no scope", tenant, form("scope", ""), [2]string{}, 400, "invalid_request", 900144},
		{"unknown tenant", "contoso.onmicrosoft.com", form(), [2]string{}, 400, "invalid_request", 90002},
		{"password grant", tenant, form("grant_type", "password"), [2]string{}, 400, "unsupported_grant_type", 70003},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			status, r := postToken(t, h, c.tenant, c.form, c.basic)
			if status != c.wantStatus || r.Error != c.wantError {
				t.Fatalf("status %d error %q (%s), want %d %q", status, r.Error, r.Description, c.wantStatus, c.wantError)
			}
			if c.wantError == "" {
				if r.TokenType != "Bearer" || r.ExpiresIn != 3599 || r.ExtExpiresIn != 3599 || !strings.HasPrefix(r.AccessToken, "eyJ") {
					t.Errorf("token answer %+v, want a Bearer token of 3599 s", r)
				}
				return
			}
			if diff := cmp.Diff([]int{c.wantCode}, r.Codes); diff != "" || !strings.HasPrefix(r.Description, "AADSTS") || r.TraceID == "" {
				t.Errorf("error codes (-want +got):\n%s\ndescription %q, trace %q", diff, r.Description, r.TraceID)
			}
			if strings.Contains(r.Description, secret) {
				t.Error("the error description holds the client secret")
			}
		})
	}
}

// TestRealClient obtains a token with golang.org/x/oauth2/clientcredentials, as the
// connector does, and reads Graph with it.
func TestRealClient(t *testing.T) {
	t.Parallel()
	h := start(t, smallEstate(), Options{})
	id, secret := h.s.ClientCredentials()
	cfg := clientcredentials.Config{ClientID: id, ClientSecret: secret, TokenURL: h.s.TokenURL(h.url),
		Scopes: []string{graphDefaultScope}}
	resp, err := cfg.Client(t.Context()).Get(h.s.GraphURL(h.url) + "/v1.0/servicePrincipals?$select=id")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var page struct {
		Value []struct {
			ID string `json:"id"`
		} `json:"value"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&page); err != nil || resp.StatusCode != 200 {
		t.Fatalf("status %d, decode %v", resp.StatusCode, err)
	}
	if len(page.Value) != 4 {
		t.Errorf("listed %d service principals, want 4", len(page.Value))
	}
}

// signAssertion makes a client assertion signed with key, naming cert.
func signAssertion(t *testing.T, key *rsa.PrivateKey, cert *x509.Certificate, claims map[string]any) string {
	t.Helper()
	hdr, _ := json.Marshal(map[string]string{"alg": "RS256", "typ": "JWT", "x5t": thumbprint(cert)})
	body, _ := json.Marshal(claims)
	signing := base64.RawURLEncoding.EncodeToString(hdr) + "." + base64.RawURLEncoding.EncodeToString(body)
	digest := sha256.Sum256([]byte(signing))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, digest[:])
	if err != nil {
		t.Fatal(err)
	}
	return signing + "." + base64.RawURLEncoding.EncodeToString(sig)
}

// TestClientAssertion checks certificate authentication: a good assertion gets a token;
// a foreign key, another audience, an expired one or another issuer do not.
func TestClientAssertion(t *testing.T) {
	t.Parallel()
	h := start(t, smallEstate(), Options{})
	id, _ := h.s.ClientCredentials()
	cert, key, err := h.s.ClientCertificate(id)
	if err != nil {
		t.Fatal(err)
	}
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	aud := h.s.TokenURL(h.url)
	claims := func(edit func(map[string]any)) map[string]any {
		c := map[string]any{"aud": aud, "iss": id, "sub": id, "jti": "j1", "nbf": now.Unix(), "exp": now.Add(10 * time.Minute).Unix()}
		if edit != nil {
			edit(c)
		}
		return c
	}
	cases := []struct {
		name      string
		assertion string
		wantCode  int
	}{
		{"good", signAssertion(t, key, cert, claims(nil)), 0},
		{"real audience", signAssertion(t, key, cert, claims(func(c map[string]any) {
			c["aud"] = "https://login.microsoftonline.com/" + tenant + "/oauth2/v2.0/token"
		})), 0},
		{"foreign key", signAssertion(t, other, cert, claims(nil)), 700027},
		{"other audience", signAssertion(t, key, cert, claims(func(c map[string]any) { c["aud"] = "https://example.com/token" })), 700212},
		{"expired", signAssertion(t, key, cert, claims(func(c map[string]any) { c["exp"] = now.Add(-time.Hour).Unix() })), 700024},
		{"other issuer", signAssertion(t, key, cert, claims(func(c map[string]any) { c["iss"] = "someone" })), 700021},
		{"malformed", "not.a.jwt.at.all", 50027},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			status, r := postToken(t, h, tenant, url.Values{"grant_type": {"client_credentials"}, "client_id": {id},
				"scope": {graphDefaultScope}, "client_assertion_type": {assertionType}, "client_assertion": {c.assertion}}, [2]string{})
			if c.wantCode == 0 {
				if status != 200 || r.AccessToken == "" {
					t.Fatalf("status %d %s, want a token", status, r.Description)
				}
				return
			}
			if len(r.Codes) != 1 || r.Codes[0] != c.wantCode || status < 400 {
				t.Errorf("status %d codes %v (%s), want AADSTS%d", status, r.Codes, r.Description, c.wantCode)
			}
		})
	}
}

// TestBearerChecks checks Graph's answers to missing, unknown and expired tokens, and to
// tokens without the roles a call needs, before and after SetRoles.
func TestBearerChecks(t *testing.T) {
	t.Parallel()
	var clock atomic.Int64
	clock.Store(fixedClock.Unix())
	h := start(t, smallEstate(), Options{Clock: func() time.Time { return time.Unix(clock.Load(), 0) }})
	id, _ := h.s.ClientCredentials()
	check := func(token, path string, wantStatus int, wantCode string) {
		t.Helper()
		h2 := *h
		h2.token = token
		status, hdr, body := h2.do(t, http.MethodGet, path, "")
		if status != wantStatus || errorCode(body) != wantCode {
			t.Errorf("GET %s = %d %s, want %d %s", path, status, body, wantStatus, wantCode)
		}
		if wantStatus == 401 && !strings.HasPrefix(hdr.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("401 without a Bearer challenge: %q", hdr.Get("WWW-Authenticate"))
		}
	}
	const del = "/v1.0/oauth2PermissionGrants/" + grantPDF
	check("", "/v1.0/applications", 401, "InvalidAuthenticationToken")
	check("eyJhbGciOiJub25lIn0.e30.x", "/v1.0/applications", 401, "InvalidAuthenticationToken")
	check(h.token, "/v1.0/applications", 200, "")
	check(h.token, "/beta/reports/servicePrincipalSignInActivities", 200, "")
	// Read-only roles cannot change the tenant, whatever the path.
	status, _, body := h.do(t, http.MethodDelete, del, "")
	if status != 403 || errorCode(body) != "Authorization_RequestDenied" || !h.s.HasGrant(grantPDF) {
		t.Errorf("DELETE with read-only roles = %d %s; grant present %v", status, body, h.s.HasGrant(grantPDF))
	}
	if err := h.s.SetRoles(id, RoleGrantReadWrite); err != nil {
		t.Fatal(err)
	}
	check(h.token, "/v1.0/applications", 200, "") // the old token keeps its roles
	fresh, err := h.s.AccessToken(id)
	if err != nil {
		t.Fatal(err)
	}
	check(fresh, "/v1.0/applications", 403, "Authorization_RequestDenied")
	check(fresh, "/v1.0/oauth2PermissionGrants", 200, "")
	clock.Add(3600)
	check(fresh, "/v1.0/oauth2PermissionGrants", 401, "InvalidAuthenticationToken")
	if err := h.s.SetRoles(id, "Mail.Send"); err == nil {
		t.Error("SetRoles took an unknown role")
	}
}
