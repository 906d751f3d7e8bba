package salesforce_test

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/connector/connectortest"
	"github.com/nhiscope/nhi/connector/salesforce"
	"github.com/nhiscope/nhi/connector/salesforce/salesforcesim"
	"github.com/nhiscope/nhi/estate"
)

// estates caches generated estates by seed: generation is deterministic and estates are
// never modified.
var estates sync.Map

// generate returns the estate of seed with 60 people.
func generate(t *testing.T, seed int64) *estate.Estate {
	t.Helper()
	if e, ok := estates.Load(seed); ok {
		return e.(*estate.Estate)
	}
	e, err := estate.Generate(estate.Options{Seed: seed, People: 60})
	if err != nil {
		t.Fatal(err)
	}
	if e.Salesforce == nil || len(e.Salesforce.Tokens) == 0 {
		t.Fatalf("estate %d has no Salesforce tokens", seed)
	}
	e2, _ := estates.LoadOrStore(seed, e)
	return e2.(*estate.Estate)
}

// env is a simulator behind a test server, with the middleware that throttles, delays
// and fails what a Setup asks for, and a connector's configuration over it.
type env struct {
	e   *estate.Estate
	sim *salesforcesim.Server
	srv *httptest.Server
	mw  *middleware
	cfg salesforce.Config
	// now is the clock of the simulator and the connector.
	now func() time.Time
	// pemLine is a line of the private key's PEM, which must never leak.
	pemLine string
}

// newEnv starts a simulator over e with the given options and setup.
func newEnv(t *testing.T, e *estate.Estate, o salesforcesim.Options, s connectortest.Setup) *env {
	t.Helper()
	sim, err := salesforcesim.New(e, o)
	if err != nil {
		t.Fatal(err)
	}
	mw := &middleware{next: sim, latency: s.Latency, quota: s.Quota}
	srv := httptest.NewServer(mw)
	t.Cleanup(srv.Close)
	key, user, pemLine := credentials(t, sim, s.BadCredentials)
	consumer, _, _ := sim.Client()
	cfg := salesforce.Config{Name: "salesforce-test", LoginURL: srv.URL, ConsumerKey: consumer, Username: user,
		PrivateKey: connector.SecretRef("file:" + key)}
	now := o.Now
	if now == nil {
		at := e.Options.Now
		now = func() time.Time { return at }
	}
	return &env{e: e, sim: sim, srv: srv, mw: mw, cfg: cfg, now: now, pemLine: pemLine}
}

// credentials writes the connected app's private key (or, for bad credentials, another
// one) to a file and returns its path, the username and a line of the PEM.
func credentials(t *testing.T, sim *salesforcesim.Server, bad bool) (path, user, line string) {
	t.Helper()
	_, key, user := sim.Client()
	if bad {
		var err error
		if key, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			t.Fatal(err)
		}
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	b := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	path = filepath.Join(t.TempDir(), "key.pem")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path, user, strings.Split(string(b), "\n")[3]
}

// connector returns a connector over the environment, at the estate's time.
func (v *env) connector(t *testing.T, log *connector.Env) *salesforce.Connector {
	t.Helper()
	ce := connector.Env{Now: v.now}
	if log != nil {
		ce.Logger = log.Logger
	}
	c, err := salesforce.New(v.cfg, ce)
	if err != nil {
		t.Fatal(err)
	}
	salesforce.FastRetries(c)
	return c
}

// middleware sits in front of the simulator: it adds latency, throttles API requests
// above a per-minute quota (spread per second) with 503 and Retry-After, fails Metadata
// reads naming one full name, and logs every request.
type middleware struct {
	next    http.Handler
	latency time.Duration
	quota   int

	mu       sync.Mutex
	failName string
	window   time.Time
	count    int
	log      []connectortest.Request
}

// failReadsOf makes every readMetadata request naming fullName fail with a server error.
func (m *middleware) failReadsOf(fullName string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.failName = fullName
}

// ServeHTTP serves one request.
func (m *middleware) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if m.latency > 0 {
		select {
		case <-time.After(m.latency):
		case <-r.Context().Done():
			return
		}
	}
	path := r.URL.Path
	api := strings.HasPrefix(path, "/services/data/") || path == "/services/oauth2/revoke"
	throttled := (api || strings.HasPrefix(path, "/services/Soap/")) && m.throttle()
	m.mu.Lock()
	m.log = append(m.log, connectortest.Request{Method: r.Method, Path: path, API: api, Throttled: throttled})
	failName := m.failName
	m.mu.Unlock()
	if throttled {
		w.Header().Set("Retry-After", "1")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = io.WriteString(w, `[{"message":"Server busy","errorCode":"SERVER_UNAVAILABLE"}]`)
		return
	}
	if failName != "" && strings.HasPrefix(path, "/services/Soap/") {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		if strings.Contains(string(body), "<fullNames>"+failName+"</fullNames>") {
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = io.WriteString(w, `<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">`+
				`<soapenv:Body><soapenv:Fault><faultcode>sf:UNKNOWN_EXCEPTION</faultcode><faultstring>boom</faultstring>`+
				`</soapenv:Fault></soapenv:Body></soapenv:Envelope>`)
			return
		}
	}
	m.next.ServeHTTP(w, r)
}

// throttle counts a request against the quota and reports whether it is over.
func (m *middleware) throttle() bool {
	if m.quota <= 0 {
		return false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	now := time.Now()
	if now.Sub(m.window) >= time.Second {
		m.window, m.count = now, 0
	}
	m.count++
	return m.count > max(m.quota/60, 1)
}

// requests returns the request log.
func (m *middleware) requests() []connectortest.Request {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]connectortest.Request(nil), m.log...)
}

// sessionPattern matches the simulator's access tokens (Salesforce session IDs).
var sessionPattern = regexp.MustCompile(`00D[0-9A-Za-z]{12}![0-9A-Za-z._]{20,}`)
