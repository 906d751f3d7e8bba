package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/connector/googleworkspace"
	"github.com/nhiscope/nhi/connector/googleworkspace/googleworkspacesim"
	"github.com/nhiscope/nhi/estate"
	"github.com/nhiscope/nhi/risk"
	"github.com/nhiscope/nhi/scan"
	"github.com/nhiscope/nhi/store"
	"github.com/nhiscope/nhi/store/sqlite"
	"github.com/nhiscope/nhi/web"
)

// hostile is the display name of an app an attacker registered.
const hostile = `<img src=x onerror=window.__pwned=1><script>window.__pwned=1</script>`

// password is the password of every test user.
const password = "correct horse battery"

// world is a store filled by a real scan of a simulated Google Workspace tenant, with a
// user of each role and one app whose name is markup.
type world struct {
	dir    string
	db     *sqlite.DB
	auth   *web.SQLiteAuth
	conn   *googleworkspace.Connector
	engine *risk.Engine
	tenant string
	// hostileID is the identity of the hostile app.
	hostileID string
}

var (
	worldOnce sync.Once
	shared    *world
	worldErr  error
)

// sharedWorld builds the world once for the whole package.
func sharedWorld(t *testing.T) *world {
	t.Helper()
	worldOnce.Do(func() { shared, worldErr = buildWorld() })
	if worldErr != nil {
		t.Fatal(worldErr)
	}
	return shared
}

func TestMain(m *testing.M) {
	code := m.Run()
	stopPostgres()
	if shared != nil {
		shared.db.Close()
		shared.auth.Close()
		os.RemoveAll(shared.dir)
	}
	os.Exit(code)
}

func buildWorld() (*world, error) {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "nhi-web-test")
	if err != nil {
		return nil, err
	}
	w := &world{dir: dir}
	est, err := estate.Generate(estate.Options{Seed: 3, People: 60})
	if err != nil {
		return nil, err
	}
	sim, err := googleworkspacesim.New(est, googleworkspacesim.Options{Now: time.Now})
	if err != nil {
		return nil, err
	}
	srv := httptest.NewServer(sim) // lives as long as the test binary
	key := filepath.Join(dir, "key.json")
	if err := os.WriteFile(key, sim.ServiceAccountKey(srv.URL), 0o600); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, "nhi.db")
	if w.db, err = sqlite.Open(ctx, path); err != nil {
		return nil, err
	}
	if w.auth, err = web.OpenSQLiteAuth(ctx, path); err != nil {
		return nil, err
	}
	if w.conn, err = googleworkspace.New(googleworkspace.Config{Name: "google", AdminEmail: est.FirstAdmin().Email,
		Credentials: connector.SecretRef("file:" + key), BaseURL: srv.URL + "/"}, connector.Env{}); err != nil {
		return nil, err
	}
	cat, err := risk.DefaultCatalogue()
	if err != nil {
		return nil, err
	}
	intel, err := risk.DefaultIntel()
	if err != nil {
		return nil, err
	}
	if w.engine, err = risk.NewEngine(cat, intel, risk.Options{}); err != nil {
		return nil, err
	}
	rec, err := (&scan.Runner{Store: w.db, Engine: w.engine}).Run(ctx, w.conn, scan.Options{Full: true})
	if err != nil {
		return nil, err
	}
	w.tenant = rec.Tenant
	if err := w.addHostile(ctx); err != nil {
		return nil, err
	}
	for _, r := range web.Roles() {
		u := web.User{Name: string(r), Email: string(r) + "@example.com", Role: r}
		if err := web.CreateUser(ctx, w.auth, w.db, "test", u, password, time.Now()); err != nil {
			return nil, err
		}
	}
	return w, nil
}

// addHostile records, in a scan of its own, an app whose name is markup, with one grant.
func (w *world) addHostile(ctx context.Context) error {
	now := time.Now()
	// started before the fixture's scan, so that the lists show that one first
	sc, err := w.db.BeginScan(ctx, nhi.Scan{Connector: "hostile", Platform: nhi.PlatformGoogleWorkspace, Tenant: w.tenant,
		StartedAt: now.Add(-time.Hour)})
	if err != nil {
		return err
	}
	scanID := sc.ID
	app := nhi.App{Platform: nhi.PlatformGoogleWorkspace, Tenant: w.tenant, ExternalID: "evil.apps.googleusercontent.com",
		Name: hostile, Vendor: hostile}
	if err := w.db.PutApps(ctx, scanID, now, []nhi.App{app}); err != nil {
		return err
	}
	id := nhi.Identity{Platform: nhi.PlatformGoogleWorkspace, Tenant: w.tenant, Kind: nhi.KindOAuthGrant,
		ExternalID: "evil-grant", Name: hostile, AppID: app.ExternalID, Permissions: []nhi.Permission{{Scope: "openid"}}}
	id.ID = nhi.NewIdentityID(id.Platform, id.Tenant, id.Kind, id.ExternalID)
	w.hostileID = id.ID
	if err := w.db.PutIdentities(ctx, scanID, now, []nhi.Identity{id}); err != nil {
		return err
	}
	sc.Status, sc.FinishedAt = nhi.ScanSucceeded, sc.StartedAt.Add(time.Second)
	return w.db.FinishScan(ctx, sc)
}

// server starts the API over the shared world; cfg's zero fields take the world's.
func (w *world) server(t *testing.T, cfg web.Config) *httptest.Server {
	t.Helper()
	if cfg.Store == nil {
		cfg.Store = w.db
	}
	if cfg.Auth == nil {
		cfg.Auth = w.auth
	}
	if cfg.Engine == nil {
		cfg.Engine = w.engine
	}
	if cfg.Connectors == nil {
		cfg.Connectors = []connector.Connector{w.conn}
	}
	s, err := web.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	return ts
}

// client is one browser or script talking to the API.
type client struct {
	t      *testing.T
	base   string
	hc     *http.Client
	csrf   string
	bearer string
}

func newClient(t *testing.T, ts *httptest.Server) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, base: ts.URL, hc: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// signIn signs in as user (whose name is its role) and reads the CSRF token.
func signIn(t *testing.T, ts *httptest.Server, user string) *client {
	t.Helper()
	c := newClient(t, ts)
	if r := c.do("POST", "/api/v1/session", map[string]string{"username": user, "password": password}); r.status != http.StatusNoContent {
		t.Fatalf("sign in as %s: %d %s", user, r.status, r.body)
	}
	var me struct {
		CSRF string `json:"csrf_token"`
	}
	c.get("/api/v1/me", &me)
	c.csrf = me.CSRF
	return c
}

// answer is one HTTP answer.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// do sends a request; body, when not nil, is sent as JSON.
func (c *client) do(method, path string, body any) answer {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			c.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.csrf != "" {
		req.Header.Set("X-CSRF-Token", c.csrf)
	}
	if c.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+c.bearer)
	}
	res, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return answer{status: res.StatusCode, header: res.Header, body: b}
}

// get fetches path, fails the test unless it answers 200, and decodes the body into v.
func (c *client) get(path string, v any) answer {
	c.t.Helper()
	r := c.do("GET", path, nil)
	if r.status != http.StatusOK {
		c.t.Fatalf("GET %s = %d %s", path, r.status, r.body)
	}
	if v != nil {
		if err := json.Unmarshal(r.body, v); err != nil {
			c.t.Fatalf("GET %s: %v in %s", path, err, r.body)
		}
	}
	return r
}

// errorOf decodes the error shape, failing the test if the body is not one.
func errorOf(t *testing.T, r answer) (code, msg string) {
	t.Helper()
	var e struct {
		Error struct{ Code, Message string } `json:"error"`
	}
	if err := json.Unmarshal(r.body, &e); err != nil || e.Error.Code == "" || e.Error.Message == "" {
		t.Fatalf("not the error shape (%v): %d %s", err, r.status, r.body)
	}
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("error Content-Type = %q", ct)
	}
	return e.Error.Code, e.Error.Message
}

// list is the list shape.
type list[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor"`
}

// someGrant returns a present OAuth grant of the scanned tenant (not the hostile one).
func someGrant(t *testing.T, w *world, skip int) nhi.Identity {
	t.Helper()
	p, err := w.db.ListIdentities(context.Background(), store.IdentityFilter{Kind: nhi.KindOAuthGrant, Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range p.Items {
		if id.ID != w.hostileID {
			if skip == 0 {
				return id
			}
			skip--
		}
	}
	t.Fatal("no OAuth grant in the scanned tenant")
	return nhi.Identity{}
}

// storeAll selects every present identity in one page.
func storeAll() store.IdentityFilter { return store.IdentityFilter{Limit: store.MaxLimit} }

// doWith sends a request with extra headers.
func (c *client) doWith(method, path string, body any, headers map[string]string) answer {
	c.t.Helper()
	cc := *c
	cc.hc = &http.Client{Jar: c.hc.Jar, Transport: headerTransport(headers)}
	return cc.do(method, path, body)
}

type headerTransport map[string]string

func (h headerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	for k, v := range h {
		r.Header.Set(k, v)
	}
	return http.DefaultTransport.RoundTrip(r)
}

// decodeInto decodes an answer's JSON body.
func decodeInto(t *testing.T, r answer, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("%v in %s", err, r.body)
	}
}

func pathEscape(s string) string { return url.PathEscape(s) }
