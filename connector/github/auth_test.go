package github

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/go-cmp/cmp"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
)

// tokenServer fakes the app endpoints: it checks the JWT, hands out installation tokens
// that expire after life, and answers GET /orgs/acme/hooks for installation tokens.
type tokenServer struct {
	t         *testing.T
	now       func() time.Time
	life      time.Duration
	exchanges atomic.Int32
	lookups   atomic.Int32
	mu        sync.Mutex
	current   string
}

func (s *tokenServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("X-GitHub-Api-Version") != "2022-11-28" {
		s.t.Errorf("%s %s: API version %q", r.Method, r.URL.Path, r.Header.Get("X-GitHub-Api-Version"))
	}
	auth := r.Header.Get("Authorization")
	switch {
	case r.Method == http.MethodGet && r.URL.Path == "/orgs/acme/installation":
		if !s.validJWT(auth) {
			http.Error(w, `{"message":"A JSON web token could not be decoded"}`, http.StatusUnauthorized)
			return
		}
		s.lookups.Add(1)
		io.WriteString(w, `{"id":77,"client_id":"Iv23abcdef","app_id":42}`)
	case r.Method == http.MethodPost && r.URL.Path == "/app/installations/77/access_tokens":
		if !s.validJWT(auth) {
			http.Error(w, `{"message":"Bad credentials"}`, http.StatusUnauthorized)
			return
		}
		n := s.exchanges.Add(1)
		s.mu.Lock()
		s.current = "ghs_token" + strings.Repeat("x", int(n))
		tok := s.current
		s.mu.Unlock()
		w.WriteHeader(201)
		json.NewEncoder(w).Encode(map[string]any{"token": tok, "expires_at": s.now().Add(s.life).Format(time.RFC3339)})
	case r.Method == http.MethodGet && r.URL.Path == "/orgs/acme/installations":
		io.WriteString(w, `{"total_count":2,"installations":[
		 {"id":5,"client_id":"Iv23drift","app_id":9,"app_slug":"drift-sync","permissions":{"contents":"write","new_perm":"read"}},
		 {"id":6,"client_id":"Iv23gone","app_id":10,"app_slug":"gone-app","permissions":{}}]}`)
	case r.Method == http.MethodGet && r.URL.Path == "/apps/drift-sync":
		io.WriteString(w, `{"id":9,"slug":"drift-sync","name":"Drift \u202eSync","owner":{"login":"drift-inc"}}`)
	case r.Method == http.MethodGet && r.URL.Path == "/orgs/acme/hooks":
		s.mu.Lock()
		ok := auth == "Bearer "+s.current
		s.mu.Unlock()
		if !ok {
			http.Error(w, `{"message":"Bad credentials"}`, http.StatusUnauthorized)
			return
		}
		io.WriteString(w, `[]`)
	default:
		http.Error(w, `{"message":"Not Found"}`, http.StatusNotFound)
	}
}

// validJWT checks a JWT the way GitHub does.
func (s *tokenServer) validJWT(auth string) bool {
	raw, ok := strings.CutPrefix(auth, "Bearer ")
	if !ok {
		return false
	}
	var claims jwt.RegisteredClaims
	_, err := jwt.ParseWithClaims(raw, &claims, func(*jwt.Token) (any, error) { return &rsaKey(s.t).PublicKey, nil },
		jwt.WithValidMethods([]string{"RS256"}), jwt.WithTimeFunc(s.now), jwt.WithIssuer("42"))
	if err != nil {
		return false
	}
	iat, exp := claims.IssuedAt.Time, claims.ExpiresAt.Time
	return !iat.After(s.now()) && s.now().Sub(iat) <= 60*time.Second && exp.Sub(iat) <= 10*time.Minute
}

func TestInstallationTokenCachedAndRefreshed(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	now := time.Date(2025, 8, 12, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	ts := &tokenServer{t: t, now: clock, life: time.Hour}
	srv := httptest.NewServer(ts)
	defer srv.Close()
	c, err := New(Config{Name: "gh", Organizations: []string{"acme"}, AppID: 42, PrivateKey: keyFile(t, rsaKey(t)),
		APIURL: srv.URL}, connector.Env{HTTPClient: srv.Client(), Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	cl := c.clients(func(connector.Progress) {})
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if _, _, err := cl.org("acme").Organizations.ListHooks(t.Context(), "acme", nil); err != nil {
				t.Errorf("ListHooks = %v", err)
			}
		})
	}
	wg.Wait()
	if ts.exchanges.Load() != 1 || ts.lookups.Load() != 1 {
		t.Errorf("%d token exchanges and %d lookups for 8 concurrent requests, want 1 each", ts.exchanges.Load(), ts.lookups.Load())
	}
	mu.Lock()
	now = now.Add(56 * time.Minute) // within 5 minutes of expiry: replaced
	mu.Unlock()
	if _, _, err := cl.org("acme").Organizations.ListHooks(t.Context(), "acme", nil); err != nil {
		t.Fatal(err)
	}
	if ts.exchanges.Load() != 2 || ts.lookups.Load() != 1 {
		t.Errorf("after 56 minutes: %d exchanges, %d lookups; want 2 and 1", ts.exchanges.Load(), ts.lookups.Load())
	}
	if got := c.Self(); strings.Join(got, " ") != "42 Iv23abcdef installation/77" {
		t.Errorf("Self() = %v", got)
	}
}

func TestBadKeyIsUnauthorized(t *testing.T) {
	t.Parallel()
	ts := &tokenServer{t: t, now: time.Now, life: time.Hour}
	srv := httptest.NewServer(ts)
	defer srv.Close()
	other := keyFile(t, rsaKeyOther(t))
	c, err := New(Config{Name: "gh", Organizations: []string{"acme"}, AppID: 42, PrivateKey: other, APIURL: srv.URL},
		connector.Env{HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Discover(t.Context(), "", connectortestRecorder())
	if nhi.ErrorCode(err) != nhi.CodeUnauthorized || !strings.Contains(nhi.ErrorMessage(err), "private_key") {
		t.Errorf("Discover with a foreign key = %v (code %s), want CodeUnauthorized naming private_key", err, nhi.ErrorCode(err))
	}
}

func TestAppVendorFromAppPage(t *testing.T) {
	t.Parallel()
	ts := &tokenServer{t: t, now: time.Now, life: time.Hour}
	srv := httptest.NewServer(ts)
	defer srv.Close()
	c, err := New(Config{Name: "gh", Organizations: []string{"acme"}, AppID: 42, PrivateKey: keyFile(t, rsaKey(t)),
		APIURL: srv.URL}, connector.Env{HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	rec := connectortestRecorder()
	if _, err := c.Discover(t.Context(), "", rec); err != nil {
		t.Fatal(err)
	}
	want := []nhi.App{
		{Platform: nhi.PlatformGitHub, Tenant: "acme", ExternalID: "Iv23drift", Name: "Drift Sync", Vendor: "drift-inc"},
		{Platform: nhi.PlatformGitHub, Tenant: "acme", ExternalID: "Iv23gone", Name: "gone-app"},
	}
	if diff := cmp.Diff(want, rec.Apps()); diff != "" {
		t.Errorf("apps (-want +got):\n%s", diff)
	}
	if !rec.IsComplete(scopeInstallations("acme")) || rec.IsComplete(connector.ScopePeople) {
		t.Errorf("completed %v: want the installations, not the people (their listing failed)", rec.Completed())
	}
	for _, f := range rec.Failures() {
		if f.Resource == "" || nhi.ErrorMessage(f.Err) == "" {
			t.Errorf("failure lacks a resource or message: %+v", f)
		}
	}
}
