package salesforce

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/connector/connectortest"
)

// fixture is a tiny Salesforce-shaped server for wire cases the simulator does not make:
// it answers the token endpoint with tokenBody, /limits, and each query with the body
// whose key its SOQL contains (an empty page otherwise), and logs the paths requested.
type fixture struct {
	srv       *httptest.Server
	tokenBody string
	queries   map[string]string
	mu        sync.Mutex
	paths     []string
}

// newFixture starts a fixture.
func newFixture(t *testing.T, queries map[string]string) *fixture {
	t.Helper()
	f := &fixture{queries: queries}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	f.tokenBody = `{"access_token":"00D000000000001!AQfixture","instance_url":"` + f.srv.URL +
		`","id":"https://login.salesforce.com/id/00D000000000001AAA/005000000000001AAA","token_type":"Bearer"}`
	return f
}

// serve answers one request.
func (f *fixture) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.paths = append(f.paths, r.URL.Path)
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	switch {
	case r.URL.Path == "/services/oauth2/token":
		_, _ = w.Write([]byte(f.tokenBody))
	case strings.HasSuffix(r.URL.Path, "/limits"):
		_, _ = w.Write([]byte(`{"DailyApiRequests":{"Max":1000,"Remaining":1000}}`))
	case strings.HasSuffix(r.URL.Path, "/query"):
		q := r.URL.Query().Get("q")
		for k, body := range f.queries {
			if strings.Contains(q, k) {
				_, _ = w.Write([]byte(body))
				return
			}
		}
		_, _ = w.Write([]byte(`{"totalSize":0,"done":true,"records":[]}`))
	case strings.HasPrefix(r.URL.Path, "/services/Soap/"):
		w.Header().Set("Content-Type", "text/xml")
		_, _ = w.Write([]byte(`<Envelope><Body><listMetadataResponse></listMetadataResponse></Body></Envelope>`))
	default:
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`[{"message":"no","errorCode":"NOT_FOUND"}]`))
	}
}

// requested reports whether path was requested.
func (f *fixture) requested(path string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, p := range f.paths {
		if p == path {
			return true
		}
	}
	return false
}

// connector returns a connector over the fixture.
func (f *fixture) connector(t *testing.T) *Connector {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "key.pem")
	b := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := validConfig()
	cfg.LoginURL, cfg.PrivateKey = f.srv.URL, connector.SecretRef("file:"+path)
	c, err := New(cfg, connector.Env{})
	if err != nil {
		t.Fatal(err)
	}
	FastRetries(c)
	return c
}

// TestForeignNextRecordsURLIsNotFollowed checks that a nextRecordsUrl that is not a query
// continuation is not followed, and fails only the tokens' part of the scan.
func TestForeignNextRecordsURLIsNotFollowed(t *testing.T) {
	t.Parallel()
	f := newFixture(t, map[string]string{"FROM OauthToken": `{"totalSize":5000,"done":false,` +
		`"nextRecordsUrl":"/services/data/v62.0/sobjects/User/005000000000001AAA","records":[]}`})
	rec := connectortest.NewRecorder()
	if _, err := f.connector(t).Discover(t.Context(), "", rec); err != nil {
		t.Fatal(err)
	}
	fails := rec.Failures()
	if len(fails) != 1 || fails[0].Resource != resTokens || nhi.ErrorCode(fails[0].Err) != nhi.CodeUnavailable {
		t.Errorf("failures = %+v, want one for the OAuth tokens with CodeUnavailable", fails)
	}
	if f.requested("/services/data/v62.0/sobjects/User/005000000000001AAA") {
		t.Error("the foreign nextRecordsUrl was followed")
	}
	if !rec.IsComplete(connector.ScopePeople) {
		t.Error("people were not completed")
	}
}

// TestUnusableTokenAnswer checks that a token answer without an identity URL ends the
// scan with a message about the session, before any API request.
func TestUnusableTokenAnswer(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	f.tokenBody = `{"access_token":"x","instance_url":"https://evil.example","id":"nope"}`
	_, err := f.connector(t).Discover(t.Context(), "", connectortest.NewRecorder())
	if nhi.ErrorCode(err) != nhi.CodeUnavailable || !strings.Contains(nhi.ErrorMessage(err), "no usable session") {
		t.Errorf("Discover = %v, want CodeUnavailable about the session", err)
	}
	if f.requested("/services/data/v62.0/limits") {
		t.Error("an API request was made without a usable session")
	}
}
