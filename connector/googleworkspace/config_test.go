package googleworkspace

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
)

// newKeyPEM returns a fresh RSA private key in PEM.
func newKeyPEM(t testing.TB) string {
	t.Helper()
	pk, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(pk)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

// writeKey writes a service account key whose token endpoint is tokenURI and returns a
// reference to it.
func writeKey(t testing.TB, tokenURI string) connector.SecretRef {
	t.Helper()
	b, err := json.Marshal(map[string]string{"type": "service_account", "project_id": "p",
		"private_key_id": "k123", "private_key": newKeyPEM(t), "client_email": "scanner@p.iam.gserviceaccount.com",
		"client_id": "1234567890", "token_uri": tokenURI})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "key.json")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return connector.SecretRef("file:" + path)
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	good := Config{Name: "g", AdminEmail: "admin@example.com", Credentials: "env:GWS_KEY"}
	tests := []struct {
		name   string
		mutate func(*Config)
		want   []string // substrings of the messages, one per error
	}{
		{"valid", func(*Config) {}, nil},
		{"all optional fields", func(c *Config) {
			c.Customer, c.BaseURL, c.TokenURL, c.Concurrency = "C01abc", "https://admin.example/", "http://127.0.0.1:1/token", 64
		}, nil},
		{"no name", func(c *Config) { c.Name = " " }, []string{"name is required"}},
		{"bad customer", func(c *Config) { c.Customer = "C01/../x" }, []string{"customer"}},
		{"no admin", func(c *Config) { c.AdminEmail = "" }, []string{"admin email"}},
		{"admin without domain", func(c *Config) { c.AdminEmail = "admin@" }, []string{"admin email"}},
		{"literal secret", func(c *Config) { c.Credentials = "{\"private_key\":1}" }, []string{"credentials"}},
		{"relative base URL", func(c *Config) { c.BaseURL = "admin.googleapis.com" }, []string{"base URL"}},
		{"ftp token URL", func(c *Config) { c.TokenURL = "ftp://x/token" }, []string{"token URL"}},
		{"http to loopback", func(c *Config) {
			c.BaseURL, c.TokenURL = "http://localhost:8080/", "http://[::1]:9/token"
		}, nil},
		{"http to 127.0.0.0/8", func(c *Config) { c.BaseURL = "http://127.3.4.5/" }, nil},
		{"cleartext base URL", func(c *Config) { c.BaseURL = "http://admin.example/" }, []string{"base URL \"http://admin.example/\" must use https"}},
		{"cleartext token URL", func(c *Config) { c.TokenURL = "http://10.0.0.1/token" }, []string{"token URL \"http://10.0.0.1/token\" must use https"}},
		{"localhost look-alike", func(c *Config) { c.BaseURL = "http://localhost.evil.example/" }, []string{"must use https"}},
		{"http without host", func(c *Config) { c.BaseURL = "http://:80/" }, []string{"absolute https URL"}},
		{"negative concurrency", func(c *Config) { c.Concurrency = -1 }, []string{"concurrency"}},
		{"every problem at once", func(c *Config) { *c = Config{Concurrency: 1000} },
			[]string{"name", "admin email", "credentials", "concurrency"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := good
			tt.mutate(&c)
			errs := c.Validate()
			if len(errs) != len(tt.want) {
				t.Fatalf("Validate() = %v, want %d errors", errs, len(tt.want))
			}
			for i, err := range errs {
				if nhi.ErrorCode(err) != nhi.CodeInvalid || !strings.Contains(err.Error(), tt.want[i]) {
					t.Errorf("error %d = %v (code %s), want CodeInvalid mentioning %q", i, err, nhi.ErrorCode(err), tt.want[i])
				}
			}
		})
	}
}

func TestNew(t *testing.T) {
	t.Parallel()
	key := writeKey(t, "https://oauth2.example/token")
	notKey := filepath.Join(t.TempDir(), "not-a-key.json")
	if err := os.WriteFile(notKey, []byte(`{"type":"authorized_user","refresh_token":"1//s3cr3t"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		cfg      Config
		wantCode nhi.Code
		wantInfo connector.Info
		hidden   string // must not appear in the error
	}{
		{"valid", Config{Name: "g", AdminEmail: "a@example.com", Credentials: key}, "",
			connector.Info{Name: "g", Platform: nhi.PlatformGoogleWorkspace}, ""},
		{"explicit customer is the tenant", Config{Name: "g", AdminEmail: "a@example.com", Credentials: key, Customer: "C01x"}, "",
			connector.Info{Name: "g", Platform: nhi.PlatformGoogleWorkspace, Tenant: "C01x"}, ""},
		{"invalid config", Config{Name: "g"}, nhi.CodeInvalid, connector.Info{}, ""},
		{"missing file", Config{Name: "g", AdminEmail: "a@example.com", Credentials: "file:/nonexistent/key.json"},
			nhi.CodeInvalid, connector.Info{}, ""},
		{"not a service account key", Config{Name: "g", AdminEmail: "a@example.com", Credentials: connector.SecretRef("file:" + notKey)},
			nhi.CodeInvalid, connector.Info{}, "s3cr3t"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := New(tt.cfg, connector.Env{})
			if code := nhi.ErrorCode(err); code != tt.wantCode {
				t.Fatalf("New() error %v (code %q), want code %q", err, code, tt.wantCode)
			}
			if err != nil {
				if tt.hidden != "" && strings.Contains(err.Error(), tt.hidden) {
					t.Errorf("error %q reveals the key file", err)
				}
				return
			}
			if diff := cmp.Diff(tt.wantInfo, c.Info()); diff != "" {
				t.Errorf("Info() (-want +got):\n%s", diff)
			}
			if c.jwt.Subject != tt.cfg.AdminEmail || c.cfg.BaseURL != DefaultBaseURL || c.cfg.Concurrency != DefaultConcurrency {
				t.Errorf("defaults not applied: subject %q, base %q, concurrency %d", c.jwt.Subject, c.cfg.BaseURL, c.cfg.Concurrency)
			}
		})
	}
}

func TestNewTokenURLOverride(t *testing.T) {
	t.Parallel()
	c, err := New(Config{Name: "g", AdminEmail: "a@example.com", Credentials: writeKey(t, "https://from-key/token"),
		TokenURL: "http://127.0.0.1:9/token", BaseURL: "http://127.0.0.1:9"}, connector.Env{})
	if err != nil {
		t.Fatal(err)
	}
	if c.jwt.TokenURL != "http://127.0.0.1:9/token" || c.cfg.BaseURL != "http://127.0.0.1:9/" {
		t.Errorf("token URL %q, base URL %q", c.jwt.TokenURL, c.cfg.BaseURL)
	}
	if !strings.Contains(c.describe(), "scanner@p.iam.gserviceaccount.com") || !strings.Contains(c.describe(), "k123") {
		t.Errorf("describe() = %q, want the service account and key ID", c.describe())
	}
}
