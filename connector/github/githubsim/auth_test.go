package githubsim

import (
	"crypto/rand"
	"crypto/rsa"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/nhiscope/nhi/estate"
)

// TestNew checks New's refusals.
func TestNew(t *testing.T) {
	t.Parallel()
	broken := smallEstate()
	broken.GitHub.Members[0].User = 99
	noGH := smallEstate()
	noGH.GitHub = nil
	dupe := smallEstate()
	dupe.GitHub.Users[1].Login = "ADA"
	for _, tc := range []struct {
		name string
		e    *estate.Estate
		o    Options
		want string
	}{
		{"nil estate", nil, Options{}, "estate is nil"},
		{"no GitHub", noGH, Options{}, "no GitHub"},
		{"bad index", broken, Options{}, "member 0: user index 99"},
		{"duplicate login", dupe, Options{}, `duplicate user login "ada"`},
		{"negative", smallEstate(), Options{HourlyLimit: -1}, "must not be negative"},
		{"page size", smallEstate(), Options{MaxPageSize: 101}, "over GitHub's 100"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := New(tc.e, tc.o)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("New = %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

// TestAuthentication checks who may call what, with GitHub's statuses and messages.
func TestAuthentication(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil, Options{})
	tok, labs, owner := h.token(orgMain), h.token(orgLabs), h.s.OwnerToken()
	id, clientID, key := h.s.App()
	now := h.now()
	claims := func(iss any, iat, exp time.Duration) map[string]any {
		return map[string]any{"iss": iss, "iat": now.Add(iat).Unix(), "exp": now.Add(exp).Unix()}
	}
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	inst, _ := h.s.InstallationID(orgMain)
	mintPath := "/app/installations/" + itoa(inst) + "/access_tokens"
	for _, tc := range []struct {
		name, method, path, cred string
		status                   int
		msg                      string
	}{
		{"no credential", "GET", "/orgs/acme/hooks", "", 401, "Bad credentials"},
		{"unknown token", "GET", "/orgs/acme/hooks", "ghs_notatokenofthesimulator0000000000", 401, "Bad credentials"},
		{"installation token", "GET", "/orgs/acme/hooks", tok, 200, ""},
		{"owner PAT", "GET", "/orgs/acme/hooks", owner, 200, ""},
		{"owner PAT on tokens", "GET", "/orgs/acme/personal-access-tokens", owner, 403, "Resource not accessible by personal access token"},
		{"owner PAT on requests", "GET", "/orgs/acme/personal-access-token-requests", owner, 403, "Resource not accessible by personal access token"},
		{"installation on credentials", "GET", "/orgs/acme/credential-authorizations", tok, 403, "Resource not accessible by integration"},
		{"installation on audit log", "GET", "/orgs/acme/audit-log", tok, 403, "Resource not accessible by integration"},
		{"owner PAT on credentials", "GET", "/orgs/acme/credential-authorizations", owner, 200, ""},
		{"JWT on hooks", "GET", "/orgs/acme/hooks", h.jwt(), 403, "Resource not accessible by integration"},
		{"installation token mints", "POST", mintPath, tok, 401, "A JSON web token could not be decoded"},
		{"PAT mints", "POST", mintPath, owner, 401, "A JSON web token could not be decoded"},
		{"nothing mints", "POST", mintPath, "", 401, "A JSON web token could not be decoded"},
		{"JWT by client ID", "GET", "/orgs/acme/installation", signJWT(t, key, claims(clientID, -time.Minute, 9*time.Minute)), 200, ""},
		{"JWT by string ID", "GET", "/orgs/acme/installation", signJWT(t, key, claims(itoa(id), 0, 10*time.Minute)), 200, ""},
		{"JWT iat in skew", "GET", "/app", signJWT(t, key, claims(id, 50*time.Second, 5*time.Minute)), 200, ""},
		{"JWT expired", "GET", "/app", signJWT(t, key, claims(id, -11*time.Minute, -time.Minute)), 401,
			"'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires"},
		{"JWT from the future", "GET", "/app", signJWT(t, key, claims(id, 2*time.Minute, 8*time.Minute)), 401,
			"'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued"},
		{"JWT too long", "GET", "/app", signJWT(t, key, claims(id, -time.Minute, 20*time.Minute)), 401,
			"'Expiration time' claim ('exp') is too far in the future"},
		{"JWT other key", "GET", "/app", signJWT(t, other, claims(id, -time.Minute, 9*time.Minute)), 401, "A JSON web token could not be decoded"},
		{"JWT other app", "GET", "/app", signJWT(t, key, claims(id+1, -time.Minute, 9*time.Minute)), 401, "Integration not found"},
		{"other org's hooks", "GET", "/orgs/acme/hooks", labs, 403, "Resource not accessible by integration"},
		{"other org's repo keys", "GET", "/repos/acme/api/keys", labs, 404, "Not Found"},
		{"other org public", "GET", "/orgs/acme", labs, 200, ""},
		{"unknown org", "GET", "/orgs/nope/hooks", tok, 404, "Not Found"},
		{"unknown path", "GET", "/orgs/acme/teams", tok, 404, "Not Found"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := h.do(tc.method, tc.path, tc.cred, nil)
			if a.status != tc.status || (tc.msg != "" && a.message() != tc.msg) {
				t.Errorf("%s %s = %d %s, want %d %q", tc.method, tc.path, a.status, a.body, tc.status, tc.msg)
			}
			if a.header.Get("x-ratelimit-limit") == "" || a.header.Get("x-ratelimit-reset") == "" {
				t.Errorf("%s %s: no rate limit headers in %v", tc.method, tc.path, a.header)
			}
		})
	}
}

// TestTokenScheme checks that "token" and "Bearer" both carry tokens, and that a JWT
// needs Bearer.
func TestTokenScheme(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil, Options{})
	for _, tc := range []struct {
		header string
		status int
	}{
		{"token " + h.token(orgMain), 200},
		{"Bearer " + h.token(orgMain), 200},
		{"bearer " + h.s.OwnerToken(), 200},
		{"Basic " + h.s.OwnerToken(), 401},
		{"token", 401},
		{"token " + h.jwt(), 401},
	} {
		req, _ := http.NewRequest(http.MethodGet, "http://example.com/orgs/acme/members", nil)
		if strings.HasPrefix(tc.header, "token eyJ") {
			req.URL.Path = "/app"
		}
		req.Header.Set("X-GitHub-Api-Version", "2026-03-10")
		req.Header.Set("Authorization", tc.header)
		rec := &recorderFor{header: http.Header{}}
		h.s.ServeHTTP(rec, req)
		if rec.status != tc.status {
			t.Errorf("Authorization %.12q...: %d, want %d", tc.header, rec.status, tc.status)
		}
	}
}

// recorderFor is a minimal http.ResponseWriter.
type recorderFor struct {
	header http.Header
	status int
	body   []byte
}

func (r *recorderFor) Header() http.Header { return r.header }
func (r *recorderFor) WriteHeader(s int)   { r.status = s }
func (r *recorderFor) Write(p []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	r.body = append(r.body, p...)
	return len(p), nil
}

// TestInstallationTokenLife checks the token's answer and its expiry after an hour.
func TestInstallationTokenLife(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil, Options{})
	inst, _ := h.s.InstallationID(orgMain)
	a := h.do(http.MethodPost, "/app/installations/"+itoa(inst)+"/access_tokens", h.jwt(), nil)
	var out struct {
		Token       string            `json:"token"`
		ExpiresAt   string            `json:"expires_at"`
		Permissions map[string]string `json:"permissions"`
		Selection   string            `json:"repository_selection"`
	}
	a.json(t, &out)
	if a.status != 201 || !strings.HasPrefix(out.Token, "ghs_") || len(out.Token) != 40 || out.Selection != "all" ||
		out.ExpiresAt != h.now().Add(time.Hour).Format(time.RFC3339) || out.Permissions["organization_hooks"] != "write" {
		t.Fatalf("access token answer %d %s", a.status, a.body)
	}
	if again := h.token(orgMain); again == out.Token {
		t.Error("two mints gave the same token")
	}
	h.advance(59 * time.Minute)
	if a := h.get("/orgs/acme/members", out.Token); a.status != 200 {
		t.Errorf("token at 59 min: %d", a.status)
	}
	h.advance(time.Minute)
	if a := h.get("/orgs/acme/members", out.Token); a.status != 401 || a.message() != "Bad credentials" {
		t.Errorf("token at 60 min: %d %s, want 401", a.status, a.body)
	}
	for _, path := range []string{"/app/installations/" + itoa(instCodecov) + "/access_tokens", "/app/installations/1/access_tokens",
		"/app/installations/x/access_tokens"} {
		if a := h.do(http.MethodPost, path, h.jwt(), nil); a.status != 404 {
			t.Errorf("mint %s: %d, want 404", path, a.status)
		}
	}
}

// TestPermissions checks the installation permission of each endpoint, narrowed on the
// installation or on the token.
func TestPermissions(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil, Options{})
	tok := h.token(orgMain)
	if err := h.s.SetInstallationPermissions(orgMain, map[string]string{"members": "read", "organization_hooks": "read"}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		method, path string
		status       int
	}{
		{"GET", "/orgs/acme/members", 200},
		{"GET", "/orgs/acme/hooks", 200},
		{"PATCH", "/orgs/acme/hooks/9001", 403},
		{"GET", "/orgs/acme/installations", 403},
		{"GET", "/orgs/acme/personal-access-tokens", 403},
		{"GET", "/orgs/acme/personal-access-token-requests", 403},
		{"GET", "/repos/acme/api/keys", 403},
		{"GET", "/orgs/acme/actions/secrets", 403},
		{"GET", "/repos/acme/api/actions/secrets", 403},
	} {
		var body any
		if tc.method == "PATCH" {
			body = map[string]any{"active": false}
		}
		a := h.do(tc.method, tc.path, tok, body)
		if a.status != tc.status || (tc.status == 403 && a.message() != "Resource not accessible by integration") {
			t.Errorf("%s %s = %d %s, want %d", tc.method, tc.path, a.status, a.body, tc.status)
		}
	}
	if active, _ := h.s.HookActive(orgMain, hookSlack); !active {
		t.Error("a refused PATCH changed the hook")
	}
	if err := h.s.SetInstallationPermissions(orgMain, map[string]string{"members": "all"}); err == nil {
		t.Error("SetInstallationPermissions took level all")
	}
	if err := h.s.SetInstallationPermissions("nope", nil); err == nil {
		t.Error("SetInstallationPermissions took an unknown organization")
	}

	// A token narrowed at minting keeps to its own permissions.
	h2 := newHarness(t, nil, Options{})
	inst, _ := h2.s.InstallationID(orgMain)
	path := "/app/installations/" + itoa(inst) + "/access_tokens"
	a := h2.do(http.MethodPost, path, h2.jwt(), map[string]any{"permissions": map[string]string{"members": "read"}})
	var out struct{ Token string }
	a.json(t, &out)
	if a := h2.get("/orgs/acme/hooks", out.Token); a.status != 403 {
		t.Errorf("narrowed token on hooks: %d, want 403", a.status)
	}
	if a := h2.get("/orgs/acme/members", out.Token); a.status != 200 {
		t.Errorf("narrowed token on members: %d, want 200", a.status)
	}
	a = h2.do(http.MethodPost, path, h2.jwt(), map[string]any{"permissions": map[string]string{"members": "admin"}})
	if a.status != 422 {
		t.Errorf("widening mint: %d %s, want 422", a.status, a.body)
	}
}

// TestAPIVersion checks the X-GitHub-Api-Version check.
func TestAPIVersion(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil, Options{})
	for _, tc := range []struct {
		version string
		status  int
	}{{"2022-11-28", 200}, {"2026-03-10", 200}, {"", 400}, {"v3", 400}} {
		req, _ := http.NewRequest(http.MethodGet, "http://example.com/orgs/acme", nil)
		req.Header.Set("Authorization", "token "+h.s.OwnerToken())
		if tc.version != "" {
			req.Header.Set("X-GitHub-Api-Version", tc.version)
		}
		rec := &recorderFor{header: http.Header{}}
		h.s.ServeHTTP(rec, req)
		if rec.status != tc.status {
			t.Errorf("version %q: %d, want %d", tc.version, rec.status, tc.status)
		}
		if tc.status == 400 && !strings.Contains(string(rec.body), "is not a supported version") {
			t.Errorf("version %q: body %s", tc.version, rec.body)
		}
	}
}

// TestDefaults checks the zero Options: the estate's clock, a key made on first use,
// and the refusal of a short key.
func TestDefaults(t *testing.T) {
	t.Parallel()
	s, err := New(smallEstate(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	id, clientID, key := s.App()
	if key == nil || key.N.BitLen() != 2048 || !strings.HasPrefix(clientID, "Iv23li") {
		t.Fatalf("App() = %d, %q, %v", id, clientID, key)
	}
	if _, _, again := s.App(); again != key {
		t.Error("App() made a second key")
	}
	h := &harness{t: t, s: s, at: testNow} // the estate's Now is the server's clock
	if a := h.get("/app", h.jwt()); a.status != 200 {
		t.Errorf("JWT at the estate's time: %d %s", a.status, a.body)
	}
	h.at = time.Now()
	if a := h.get("/app", h.jwt()); a.status != 401 {
		t.Errorf("JWT at the wall clock against the estate's fixed clock: %d, want 401", a.status)
	}
	short, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := New(smallEstate(), Options{AppKey: short}); err == nil || !strings.Contains(err.Error(), "2048") {
		t.Errorf("New with a 1024-bit key: %v", err)
	}
	if s.OwnerLogin() != "ada" || !strings.HasPrefix(s.OwnerToken(), "ghp_") || len(s.OwnerToken()) != 40 {
		t.Errorf("owner %q token length %d", s.OwnerLogin(), len(s.OwnerToken()))
	}
}

// TestAppPage checks GET /apps/{app_slug}: an installed app's public page names the app
// and the account that owns it; an unknown slug is 404.
func TestAppPage(t *testing.T) {
	t.Parallel()
	h := newHarness(t, smallEstate(), Options{})
	tok := h.token("acme")
	a := h.get("/apps/codecov", tok)
	var page struct {
		Name  string `json:"name"`
		Owner struct {
			Login string `json:"login"`
		} `json:"owner"`
	}
	a.json(t, &page)
	if a.status != http.StatusOK || page.Name != "Codecov" || page.Owner.Login != "codecov" {
		t.Errorf("GET /apps/codecov = %d %+v", a.status, page)
	}
	if a := h.get("/apps/no-such-app", tok); a.status != http.StatusNotFound {
		t.Errorf("unknown slug: %d, want 404", a.status)
	}
}
