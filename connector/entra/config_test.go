package entra

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
)

// validConfig returns a configuration that passes Validate.
func validConfig() Config {
	return Config{Name: "entra-prod", TenantID: fixTenant, ClientID: fixClient, ClientSecret: "env:ENTRA_SECRET"}
}

// TestValidate checks that Validate reports every problem at once, each naming its key.
func TestValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		mod  func(*Config)
		want []string // one substring per problem
	}{
		{name: "valid", mod: func(*Config) {}},
		{name: "valid with loopback http", mod: func(c *Config) {
			c.GraphURL, c.TokenURL, c.Concurrency = "http://127.0.0.1:8080", "http://localhost:1/t/oauth2/v2.0/token", 64
			c.FullScanInterval = MaxFullScanInterval
		}},
		{name: "empty", mod: func(c *Config) { *c = Config{} },
			want: []string{"name is required", "tenant ID", "client ID", "client secret"}},
		{name: "literal secret and bad IDs", mod: func(c *Config) {
			c.TenantID, c.ClientID, c.ClientSecret = "contoso.onmicrosoft.com", "my-app", "s3cr3t-value"
		}, want: []string{"tenant ID \"contoso.onmicrosoft.com\"", "client ID \"my-app\"", "not a literal secret"}},
		{name: "cleartext and odd URLs", mod: func(c *Config) {
			c.GraphURL, c.TokenURL = "http://graph.example.com/", "ftp://login"
		}, want: []string{"graph URL \"http://graph.example.com/\" must use https", "token URL \"ftp://login\" must be an absolute https URL"}},
		{name: "credentials in URL", mod: func(c *Config) { c.GraphURL = "https://user:pw@graph.example.com/" },
			want: []string{"graph URL"}},
		{name: "query in graph URL", mod: func(c *Config) { c.GraphURL = "https://graph.example.com/?x=1" },
			want: []string{"must not have a query"}},
		{name: "bounds", mod: func(c *Config) { c.Concurrency, c.FullScanInterval = 65, 7*24*time.Hour },
			want: []string{"concurrency 65", "full scan interval 168h0m0s"}},
		{name: "negative", mod: func(c *Config) { c.Concurrency, c.FullScanInterval = -1, -time.Second },
			want: []string{"concurrency -1", "full scan interval -1s"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := validConfig()
			tt.mod(&c)
			errs := c.Validate()
			if len(errs) != len(tt.want) {
				t.Fatalf("Validate() = %v, want %d problems", errs, len(tt.want))
			}
			for i, err := range errs {
				if nhi.ErrorCode(err) != nhi.CodeInvalid || !strings.Contains(err.Error(), tt.want[i]) {
					t.Errorf("problem %d = %v (code %s), want CodeInvalid mentioning %q", i, err, nhi.ErrorCode(err), tt.want[i])
				}
			}
		})
	}
}

// TestDefaults checks the values an empty field takes.
func TestDefaults(t *testing.T) {
	t.Parallel()
	got := Config{TenantID: strings.ToUpper(fixTenant), ClientID: fixClient, GraphURL: "https://graph.example.com"}.withDefaults()
	want := Config{TenantID: fixTenant, ClientID: fixClient, GraphURL: "https://graph.example.com/",
		TokenURL:    "https://login.microsoftonline.com/" + fixTenant + "/oauth2/v2.0/token",
		Concurrency: DefaultConcurrency, FullScanInterval: DefaultFullScanInterval}
	if diff := gocmp.Diff(want, got); diff != "" {
		t.Errorf("withDefaults (-want +got):\n%s", diff)
	}
}

// TestNew checks that New refuses what it cannot work with, without revealing secrets.
func TestNew(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, content string) connector.SecretRef {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return connector.SecretRef("file:" + p)
	}
	tests := []struct {
		name   string
		secret connector.SecretRef
		mod    func(*Config)
		want   string // in the error; "" for success
	}{
		{name: "ok", secret: write("ok", "abc8Q~secret\n")},
		{name: "blank secret file", secret: write("blank", " \n"), want: "is empty"},
		{name: "missing file", secret: connector.SecretRef("file:" + filepath.Join(dir, "nope")), want: "cannot read secret file"},
		{name: "invalid config", secret: write("ok2", "abc"), mod: func(c *Config) { c.Name = "" }, want: "name is required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := validConfig()
			c.ClientSecret = tt.secret
			if tt.mod != nil {
				tt.mod(&c)
			}
			got, err := New(c, connector.Env{})
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("New = %v", err)
			case tt.want == "":
				if info := got.Info(); info != (connector.Info{Name: "entra-prod", Platform: nhi.PlatformEntra, Tenant: fixTenant}) {
					t.Errorf("Info() = %+v", info)
				}
			case err == nil || nhi.ErrorCode(err) != nhi.CodeInvalid || !strings.Contains(err.Error(), tt.want):
				t.Errorf("New = %v, want CodeInvalid mentioning %q", err, tt.want)
			case strings.Contains(err.Error(), "abc"):
				t.Errorf("error %q reveals the secret", err)
			}
		})
	}
}
