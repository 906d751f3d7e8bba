package web_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/web"
)

// provider is a minimal OpenID Connect provider: discovery, JWKS, and a token endpoint
// that checks the PKCE verifier and signs ID tokens with the claims the test sets.
type provider struct {
	t   *testing.T
	srv *httptest.Server
	key *rsa.PrivateKey

	mu        sync.Mutex
	challenge string
	nonce     string
	claims    jwt.MapClaims
}

func newProvider(t *testing.T) *provider {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	p := &provider{t: t, key: key}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, _ *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]any{"issuer": p.srv.URL, "authorization_endpoint": p.srv.URL + "/authorize",
			"token_endpoint": p.srv.URL + "/token", "jwks_uri": p.srv.URL + "/jwks",
			"id_token_signing_alg_values_supported": []string{"RS256"}})
	})
	mux.HandleFunc("GET /jwks", func(w http.ResponseWriter, _ *http.Request) {
		b64 := base64.RawURLEncoding.EncodeToString
		_ = json.NewEncoder(w).Encode(map[string]any{"keys": []map[string]string{{"kty": "RSA", "alg": "RS256", "use": "sig",
			"kid": "k1", "n": b64(key.N.Bytes()), "e": b64(big.NewInt(int64(key.E)).Bytes())}}})
	})
	mux.HandleFunc("POST /token", p.token)
	p.srv = httptest.NewServer(mux)
	t.Cleanup(p.srv.Close)
	return p
}

// token answers the code exchange when the PKCE verifier matches the challenge.
func (p *provider) token(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	defer p.mu.Unlock()
	sum := sha256.Sum256([]byte(r.FormValue("code_verifier")))
	if r.FormValue("code") != "code-1" || base64.RawURLEncoding.EncodeToString(sum[:]) != p.challenge {
		http.Error(w, `{"error":"invalid_grant"}`, http.StatusBadRequest)
		return
	}
	claims := jwt.MapClaims{"iss": p.srv.URL, "aud": "nhi-client", "sub": "u-42", "nonce": p.nonce,
		"iat": time.Now().Unix(), "exp": time.Now().Add(5 * time.Minute).Unix()}
	for k, v := range p.claims {
		claims[k] = v
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	tok.Header["kid"] = "k1"
	signed, err := tok.SignedString(p.key)
	if err != nil {
		p.t.Error(err)
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"access_token": "at", "token_type": "Bearer", "expires_in": 300, "id_token": signed})
}

// TestOIDCSignIn signs in through the provider and checks the role mapping, the state and
// nonce checks, and the refusal of users without a role.
func TestOIDCSignIn(t *testing.T) {
	t.Parallel()
	w := sharedWorld(t)
	p := newProvider(t)
	secret := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(secret, []byte("s3cret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := &web.OIDCConfig{Issuer: p.srv.URL, ClientID: "nhi-client", ClientSecret: connector.SecretRef("file:" + secret),
		RedirectURL: "http://127.0.0.1/auth/oidc/callback", Roles: map[string]web.Role{"nhi-approvers": web.RoleApprover, "staff": web.RoleViewer}}
	ts := w.server(t, web.Config{OIDC: cfg})

	start := func(c *client) url.Values {
		t.Helper()
		r := c.do("GET", "/auth/oidc/login", nil)
		loc, err := url.Parse(r.header.Get("Location"))
		if r.status != http.StatusFound || err != nil {
			t.Fatalf("login: %d %s", r.status, r.body)
		}
		q := loc.Query()
		if q.Get("code_challenge_method") != "S256" || q.Get("client_id") != "nhi-client" || q.Get("nonce") == "" {
			t.Fatalf("authorization URL %s", loc)
		}
		p.mu.Lock()
		p.challenge, p.nonce = q.Get("code_challenge"), q.Get("nonce")
		p.mu.Unlock()
		return q
	}
	for _, tc := range []struct {
		name   string
		claims jwt.MapClaims
		state  func(string) string
		nonce  string
		status int
		role   web.Role
	}{
		{"approver", jwt.MapClaims{"email": "dana@example.com", "email_verified": true, "groups": []string{"staff", "nhi-approvers"}},
			nil, "", http.StatusSeeOther, web.RoleApprover},
		{"wrong state", jwt.MapClaims{"email": "dana@example.com", "groups": []string{"staff"}},
			func(string) string { return "forged" }, "", http.StatusBadRequest, ""},
		{"replayed nonce", jwt.MapClaims{"email": "dana@example.com", "groups": []string{"staff"}},
			nil, "old-nonce", http.StatusUnauthorized, ""},
		{"no role", jwt.MapClaims{"email": "eve@example.com", "groups": []string{"contractors"}},
			nil, "", http.StatusForbidden, ""},
	} {
		c := newClient(t, ts)
		q := start(c)
		p.mu.Lock()
		p.claims = tc.claims
		if tc.nonce != "" {
			p.nonce = tc.nonce
		}
		p.mu.Unlock()
		state := q.Get("state")
		if tc.state != nil {
			state = tc.state(state)
		}
		r := c.do("GET", "/auth/oidc/callback?code=code-1&state="+url.QueryEscape(state), nil)
		if r.status != tc.status {
			t.Errorf("%s: callback %d %s, want %d", tc.name, r.status, r.body, tc.status)
			continue
		}
		if tc.role == "" {
			errorOf(t, r)
			if me := c.do("GET", "/api/v1/me", nil); me.status != http.StatusUnauthorized {
				t.Errorf("%s: signed in anyway", tc.name)
			}
			continue
		}
		var me struct {
			User struct {
				Name string
				Role web.Role
			} `json:"user"`
		}
		c.get("/api/v1/me", &me)
		if me.User.Name != "dana@example.com" || me.User.Role != tc.role {
			t.Errorf("%s: me = %+v", tc.name, me)
		}
	}
	if _, err := web.New(web.Config{Store: w.db, Auth: w.auth, OIDC: &web.OIDCConfig{Issuer: "nope", ClientSecret: "literal"}}); err == nil {
		t.Error("a bad OIDC configuration was accepted")
	}
}
