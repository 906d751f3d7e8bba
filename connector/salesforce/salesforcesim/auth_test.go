package salesforcesim

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestTokenEndpoint(t *testing.T) {
	t.Parallel()
	sm := newSim(t, nil, Options{})
	_, key, _ := sm.Client()
	tests := []struct {
		name      string
		grant     string
		edit      func(c map[string]any)
		other     bool
		wantCode  string
		wantDesc  string
		wantError bool
	}{
		{name: "valid"},
		{name: "test audience", edit: func(c map[string]any) { c["aud"] = "https://test.salesforce.com" }},
		{name: "instance audience", edit: func(c map[string]any) { c["aud"] = sm.ts.URL }},
		{name: "My Domain audience", edit: func(c map[string]any) { c["aud"] = "https://example.my.salesforce.com/" }},
		{name: "audience array", edit: func(c map[string]any) { c["aud"] = []string{"https://login.salesforce.com"} }},
		{name: "wrong grant", grant: "client_credentials", wantCode: "unsupported_grant_type", wantDesc: "grant type not supported"},
		{name: "other audience", edit: func(c map[string]any) { c["aud"] = "https://evil.example" },
			wantCode: "invalid_grant", wantDesc: "audience is invalid"},
		{name: "expired", edit: func(c map[string]any) { c["exp"] = testNow.Add(-time.Minute).Unix() },
			wantCode: "invalid_grant", wantDesc: "expired authorization code"},
		{name: "too far ahead", edit: func(c map[string]any) { c["exp"] = testNow.Add(10 * time.Minute).Unix() },
			wantCode: "invalid_grant", wantDesc: "expired authorization code"},
		{name: "no exp", edit: func(c map[string]any) { delete(c, "exp") }, wantCode: "invalid_grant", wantDesc: "expired authorization code"},
		{name: "other key", other: true, wantCode: "invalid_grant", wantDesc: "invalid assertion"},
		{name: "unknown issuer", edit: func(c map[string]any) { c["iss"] = "3MVG9unknown" },
			wantCode: "invalid_client_id", wantDesc: "client identifier invalid"},
		{name: "unknown user", edit: func(c map[string]any) { c["sub"] = "nobody@example.com" },
			wantCode: "invalid_grant", wantDesc: "user hasn't approved this consumer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			claims := sm.claimsFor("")
			if tt.edit != nil {
				tt.edit(claims)
			}
			k := key
			if tt.other {
				k = otherKey(t)
			}
			grant := tt.grant
			if grant == "" {
				grant = jwtBearer
			}
			status, body := sm.tokenRequest(t, grant, assertion(t, k, claims))
			if tt.wantCode == "" {
				if status != http.StatusOK || body["token_type"] != "Bearer" || body["instance_url"] != sm.ts.URL ||
					!strings.HasPrefix(body["access_token"], orgID[:15]+"!") || body["scope"] != "api" ||
					!strings.HasSuffix(body["id"], "/id/"+orgID+"/"+sm.w.users[sm.w.nhiUser].ID) {
					t.Errorf("got %d %v", status, body)
				}
				return
			}
			if status != http.StatusBadRequest || body["error"] != tt.wantCode || body["error_description"] != tt.wantDesc {
				t.Errorf("got %d %v, want 400 %s %q", status, body, tt.wantCode, tt.wantDesc)
			}
		})
	}
}

func TestTokenEndpointRefusesMalformedAssertions(t *testing.T) {
	t.Parallel()
	sm := newSim(t, nil, Options{})
	for _, jwt := range []string{"", "a.b", "a.b.c", "e30.e30.", strings.Repeat("x", 50)} {
		status, body := sm.tokenRequest(t, jwtBearer, jwt)
		if status != http.StatusBadRequest || (body["error"] != "invalid_grant" && body["error"] != "invalid_client_id") {
			t.Errorf("assertion %q: got %d %v", jwt, status, body)
		}
	}
}

func TestInactiveAndFrozenUsersCannotSignIn(t *testing.T) {
	t.Parallel()
	sm := newSim(t, nil, Options{})
	sm.w.users[1].IsActive = false
	sm.w.users[2].IsFrozen = true
	_, key, _ := sm.Client()
	for user, want := range map[string]string{"bob@example.com": "inactive user", "drift@example.com.integration": "user is frozen"} {
		status, body := sm.tokenRequest(t, jwtBearer, assertion(t, key, sm.claimsFor(user)))
		if status != http.StatusBadRequest || body["error_description"] != want {
			t.Errorf("%s: got %d %v, want %q", user, status, body, want)
		}
	}
	if tok := sm.signIn(t, "ada@example.com"); tok == "" {
		t.Error("an active user got no token")
	}
}

func TestSessionExpires(t *testing.T) {
	t.Parallel()
	var offset atomic.Int64
	e := smallOrg()
	sm := newSim(t, e, Options{Now: func() time.Time { return testNow.Add(time.Duration(offset.Load())) }})
	check := func(want int) {
		t.Helper()
		status, hdr, body := sm.do(t, http.MethodGet, "/services/data/v62.0/limits", sm.token, "")
		if status != want {
			t.Fatalf("after %v: status %d %s, want %d", time.Duration(offset.Load()), status, body, want)
		}
		if want == http.StatusUnauthorized {
			var errs []apiError
			if json.Unmarshal(body, &errs) != nil || len(errs) != 1 || errs[0].Code != errSession.Code || errs[0].Message != errSession.Message {
				t.Errorf("401 body %s", body)
			}
		}
		if !strings.HasPrefix(hdr.Get("Sforce-Limit-Info"), "api-usage=") {
			t.Errorf("no Sforce-Limit-Info: %v", hdr)
		}
	}
	offset.Store(int64(2*time.Hour - time.Second))
	check(http.StatusOK)
	offset.Store(int64(2 * time.Hour))
	check(http.StatusUnauthorized)
	if status, _, _ := sm.do(t, http.MethodGet, "/services/data/v62.0/limits", "", ""); status != http.StatusUnauthorized {
		t.Errorf("no token: status %d, want 401", status)
	}
	if status, _, _ := sm.do(t, http.MethodGet, "/services/data/v62.0/limits", "00Dxx!forged", ""); status != http.StatusUnauthorized {
		t.Errorf("forged token: status %d, want 401", status)
	}
}

func TestDeactivatedUsersSessionStops(t *testing.T) {
	t.Parallel()
	sm := newSim(t, nil, Options{})
	ada := sm.signIn(t, "ada@example.com")
	status, _, body := sm.do(t, http.MethodPatch, "/services/data/v62.0/sobjects/User/"+userAda, sm.token, `{"IsActive":false}`)
	if status != http.StatusNoContent {
		t.Fatalf("deactivate: %d %s", status, body)
	}
	if status, _, _ := sm.do(t, http.MethodGet, "/services/data/v62.0/limits", ada, ""); status != http.StatusUnauthorized {
		t.Errorf("deactivated user's session: status %d, want 401", status)
	}
	if n := sm.TokenCount(appDrift, userAda); n != 1 {
		t.Errorf("deactivated user's tokens: %d rows, want 1 (kept)", n)
	}
}

func TestClientMakesItsKeyOnce(t *testing.T) {
	t.Parallel()
	s, err := New(smallOrg(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if s.publicKey() != nil {
		t.Error("a key exists before Client")
	}
	iss, k1, user := s.Client()
	_, k2, _ := s.Client()
	if k1 == nil || k1 != k2 || !strings.HasPrefix(iss, "3MVG9") || len(iss) != 85 || user != "nhi-integration@example.sim" {
		t.Errorf("Client() = %q, %p, %q; again %p", iss, k1, user, k2)
	}
	if !s.publicKey().Equal(&k1.PublicKey) {
		t.Error("the app holds another key than Client returned")
	}
}
