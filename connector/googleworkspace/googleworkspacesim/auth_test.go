package googleworkspacesim

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// wallNow is the wall clock of the auth tests.
var wallNow = time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)

func TestTokenEndpoint(t *testing.T) {
	t.Parallel()
	s, err := New(smallEstate(), Options{Clock: func() time.Time { return wallNow }})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	k, key := parseServiceKey(t, s.ServiceAccountKey(hs.URL))
	if k.Type != "service_account" || k.TokenURI != hs.URL+"/token" || k.ClientEmail != s.ServiceAccountEmail() ||
		k.ClientID != s.ServiceAccountClientID() || len(k.PrivateKeyID) != 40 || k.ProjectID == "" {
		t.Fatalf("key file fields: %+v", k)
	}
	otherKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	claims := func(edit func(map[string]any)) map[string]any {
		c := map[string]any{"iss": k.ClientEmail, "aud": k.TokenURI, "scope": ScopeUserReadonly + " " + ScopeAuditReadonly,
			"iat": wallNow.Add(-10 * time.Second).Unix(), "exp": wallNow.Add(time.Hour - 10*time.Second).Unix(),
			"sub": "admin@example.com"}
		if edit != nil {
			edit(c)
		}
		return c
	}
	tests := []struct {
		name      string
		grantType string
		assertion string
		status    int
		errCode   string
	}{
		{"good", jwtBearer, signJWT(t, key, k.PrivateKeyID, claims(nil)), http.StatusOK, ""},
		{"prn instead of sub", jwtBearer, signJWT(t, key, "", claims(func(c map[string]any) { delete(c, "sub"); c["prn"] = "admin@example.com" })), http.StatusOK, ""},
		{"bad signature", jwtBearer, signJWT(t, otherKey, k.PrivateKeyID, claims(nil)), http.StatusBadRequest, "invalid_grant"},
		{"unknown kid", jwtBearer, signJWT(t, key, "0123", claims(nil)), http.StatusBadRequest, "invalid_grant"},
		{"wrong aud", jwtBearer, signJWT(t, key, k.PrivateKeyID, claims(func(c map[string]any) { c["aud"] = "https://evil.example/token" })), http.StatusBadRequest, "invalid_grant"},
		{"wrong iss", jwtBearer, signJWT(t, key, k.PrivateKeyID, claims(func(c map[string]any) { c["iss"] = "x@y.iam.gserviceaccount.com" })), http.StatusBadRequest, "invalid_grant"},
		{"expired", jwtBearer, signJWT(t, key, k.PrivateKeyID, claims(func(c map[string]any) {
			c["iat"], c["exp"] = wallNow.Add(-2*time.Hour).Unix(), wallNow.Add(-time.Hour).Unix()
		})), http.StatusBadRequest, "invalid_grant"},
		{"too long-lived", jwtBearer, signJWT(t, key, k.PrivateKeyID, claims(func(c map[string]any) { c["exp"] = wallNow.Add(2 * time.Hour).Unix() })), http.StatusBadRequest, "invalid_grant"},
		{"issued in the future", jwtBearer, signJWT(t, key, k.PrivateKeyID, claims(func(c map[string]any) {
			c["iat"], c["exp"] = wallNow.Add(10*time.Minute).Unix(), wallNow.Add(time.Hour).Unix()
		})), http.StatusBadRequest, "invalid_grant"},
		{"non-admin sub", jwtBearer, signJWT(t, key, k.PrivateKeyID, claims(func(c map[string]any) { c["sub"] = "alice@example.com" })), http.StatusUnauthorized, "unauthorized_client"},
		{"suspended admin sub", jwtBearer, signJWT(t, key, k.PrivateKeyID, claims(func(c map[string]any) { c["sub"] = "erin@example.com" })), http.StatusUnauthorized, "unauthorized_client"},
		{"unknown sub", jwtBearer, signJWT(t, key, k.PrivateKeyID, claims(func(c map[string]any) { c["sub"] = "nobody@example.com" })), http.StatusUnauthorized, "unauthorized_client"},
		{"no sub", jwtBearer, signJWT(t, key, k.PrivateKeyID, claims(func(c map[string]any) { delete(c, "sub") })), http.StatusUnauthorized, "unauthorized_client"},
		{"undelegated scope", jwtBearer, signJWT(t, key, k.PrivateKeyID, claims(func(c map[string]any) { c["scope"] = scMail })), http.StatusUnauthorized, "unauthorized_client"},
		{"no scope", jwtBearer, signJWT(t, key, k.PrivateKeyID, claims(func(c map[string]any) { delete(c, "scope") })), http.StatusBadRequest, "invalid_scope"},
		{"wrong grant type", "client_credentials", signJWT(t, key, k.PrivateKeyID, claims(nil)), http.StatusBadRequest, "unsupported_grant_type"},
		{"malformed assertion", jwtBearer, "not.a-jwt", http.StatusBadRequest, "invalid_grant"},
		{"alg none", jwtBearer, "eyJhbGciOiJub25lIn0.e30.", http.StatusBadRequest, "invalid_grant"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			status, out := postToken(t, hs.URL+"/token", tt.grantType, tt.assertion)
			if status != tt.status {
				t.Fatalf("status = %d, want %d (%v)", status, tt.status, out)
			}
			if tt.errCode != "" {
				if out["error"] != tt.errCode || out["error_description"] == "" {
					t.Errorf("answer = %v, want error %q with a description", out, tt.errCode)
				}
				return
			}
			tok, _ := out["access_token"].(string)
			if !strings.HasPrefix(tok, "ya29.") || out["token_type"] != "Bearer" || out["expires_in"] != 3599.0 {
				t.Fatalf("token answer = %v", out)
			}
			if st, body := call(t, http.MethodGet, hs.URL+"/admin/directory/v1/users?customer=my_customer", tok); st != http.StatusOK {
				t.Errorf("users with the issued token: %d %s", st, body)
			}
		})
	}
}

func TestTokenEndpointUnauthorizedClientBody(t *testing.T) {
	t.Parallel()
	s, err := New(smallEstate(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	k, key := parseServiceKey(t, s.ServiceAccountKey(hs.URL+"/"))
	now := time.Now()
	jwt := signJWT(t, key, k.PrivateKeyID, map[string]any{"iss": k.ClientEmail, "aud": k.TokenURI,
		"scope": ScopeUserReadonly, "iat": now.Unix(), "exp": now.Add(time.Hour).Unix(), "sub": "alice@example.com"})
	status, out := postToken(t, k.TokenURI, jwtBearer, jwt)
	want := map[string]any{"error": "unauthorized_client",
		"error_description": "Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested."}
	if status != http.StatusUnauthorized {
		t.Errorf("status = %d, want 401", status)
	}
	if diff := cmp.Diff(want, out); diff != "" {
		t.Errorf("body (-want +got):\n%s", diff)
	}
}

func TestBearerAuthentication(t *testing.T) {
	t.Parallel()
	var offset atomic.Int64
	clock := func() time.Time { return wallNow.Add(time.Duration(offset.Load())) }
	s, err := New(smallEstate(), Options{Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	mint := func(scopes ...string) string {
		tok, err := s.AccessToken("admin@example.com", scopes...)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	users := hs.URL + "/admin/directory/v1/users?customer=my_customer"
	tokens := hs.URL + "/admin/directory/v1/users/alice@example.com/tokens"
	reports := hs.URL + "/admin/reports/v1/activity/users/all/applications/token"
	expiring := mint(ScopeUserReadonly)
	offset.Store(int64(accessTokenTTL)) // every token minted before now has expired
	tests := []struct {
		name, url, token string
		status           int
		reason           string
	}{
		{"no token", users, "", 401, "required"},
		{"unknown token", users, "ya29.forged", 401, "authError"},
		{"expired token", users, expiring, 401, "authError"},
		{"users with user.readonly", users, mint(ScopeUserReadonly), 200, ""},
		{"users with user", users, mint(ScopeUser), 200, ""},
		{"users with security only", users, mint(ScopeUserSecurity), 403, "insufficientPermissions"},
		{"tokens with security", tokens, mint(ScopeUserSecurity), 200, ""},
		{"tokens with user.readonly", tokens, mint(ScopeUserReadonly, ScopeAuditReadonly), 403, "insufficientPermissions"},
		{"reports with audit", reports, mint(ScopeAuditReadonly), 200, ""},
		{"reports with user", reports, mint(ScopeUser), 403, "insufficientPermissions"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			status, body := call(t, http.MethodGet, tt.url, tt.token)
			if status != tt.status {
				t.Fatalf("status = %d, want %d: %s", status, tt.status, body)
			}
			if tt.reason == "" {
				return
			}
			code, name, reason := errorOf(t, body)
			wantName := map[int]string{401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED"}[tt.status]
			if code != tt.status || name != wantName || reason != tt.reason {
				t.Errorf("error = %d %s %s, want %d %s %s", code, name, reason, tt.status, wantName, tt.reason)
			}
		})
	}
}

func TestInsufficientScopeDetails(t *testing.T) {
	t.Parallel()
	s, u, _ := newTestServer(t, smallEstate(), Options{})
	tok, err := s.AccessToken("admin@example.com", ScopeUserReadonly)
	if err != nil {
		t.Fatal(err)
	}
	_, body := call(t, http.MethodGet, u+"/admin/directory/v1/users/alice@example.com/tokens", tok)
	var got struct {
		Error struct {
			Message string `json:"message"`
			Details []struct {
				Type   string `json:"@type"`
				Reason string `json:"reason"`
			} `json:"details"`
		} `json:"error"`
	}
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	if got.Error.Message != "Request had insufficient authentication scopes." || len(got.Error.Details) != 1 ||
		got.Error.Details[0].Reason != "ACCESS_TOKEN_SCOPE_INSUFFICIENT" {
		t.Errorf("insufficient scope answer: %s", body)
	}
}

func TestAccessTokenRejectsBadSubjects(t *testing.T) {
	t.Parallel()
	s, err := New(smallEstate(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, sub := range []string{"alice@example.com", "erin@example.com", "carol@example.com", "nobody@example.com"} {
		if _, err := s.AccessToken(sub, ScopeUserReadonly); err == nil {
			t.Errorf("AccessToken(%q) succeeded, want an error", sub)
		}
	}
	if _, err := s.AccessToken("admin@example.com", scMail); err == nil {
		t.Error("AccessToken with an undelegated scope succeeded")
	}
}
