package github

import (
	"strings"
	"testing"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
)

func TestValidate(t *testing.T) {
	t.Parallel()
	good := Config{Name: "gh", Organizations: []string{"acme", "acme-labs"}, AppID: 42,
		PrivateKey: "file:/etc/nhi/app.pem", Token: "env:GH_OWNER", InstallationIDs: map[string]int64{"acme": 7}}
	if errs := good.Validate(); len(errs) > 0 {
		t.Fatalf("Validate(good) = %v", errs)
	}
	tests := []struct {
		name string
		edit func(*Config)
		want []string // substrings, one per expected error
	}{
		{"no name", func(c *Config) { c.Name = " " }, []string{"name is required"}},
		{"no orgs", func(c *Config) { c.Organizations = nil; c.InstallationIDs = nil }, []string{"at least one"}},
		{"bad org", func(c *Config) { c.Organizations = []string{"acme", "-bad-"} }, []string{"not a GitHub login"}},
		{"duplicate org", func(c *Config) { c.Organizations = []string{"acme", "ACME"} }, []string{"listed twice"}},
		{"foreign installation", func(c *Config) { c.InstallationIDs = map[string]int64{"other": 1} },
			[]string{"not among the organizations"}},
		{"bad installation", func(c *Config) { c.InstallationIDs = map[string]int64{"acme": 0} }, []string{"must be positive"}},
		{"no app", func(c *Config) { c.AppID = 0 }, []string{"app ID"}},
		{"literal key", func(c *Config) { c.PrivateKey = "-----BEGIN" }, []string{"private key"}},
		{"literal token", func(c *Config) { c.Token = "ghp_abc" }, []string{"token"}},
		{"bad client", func(c *Config) { c.ClientID = "xyz<script>" }, []string{"client ID"}},
		{"http url", func(c *Config) { c.APIURL = "http://github.example.com/" }, []string{"must use https"}},
		{"query url", func(c *Config) { c.APIURL = "https://api.github.com/?x=1" }, []string{"query"}},
		{"concurrency", func(c *Config) { c.Concurrency = 65 }, []string{"concurrency"}},
		{"max wait", func(c *Config) { c.MaxWait = -1 }, []string{"max wait"}},
		{"everything", func(c *Config) { *c = Config{APIURL: "ftp://x"} },
			[]string{"name", "at least one", "credentials are required", "https URL"}},
		{"token mode", func(c *Config) { c.AppID, c.PrivateKey, c.InstallationIDs = 0, "", nil }, nil},
		{"app mode without token", func(c *Config) { c.Token = "" }, nil},
		{"neither", func(c *Config) { c.AppID, c.PrivateKey, c.Token = 0, "", "" },
			[]string{"either a GitHub App (app_id and private_key, optionally token) or an organization owner's classic personal access token alone (token)"}},
		{"key without app", func(c *Config) { c.AppID, c.Token = 0, "" }, []string{"app ID 0"}},
		{"key without app, with token", func(c *Config) { c.AppID = 0 }, []string{"app ID 0"}},
		{"app without key", func(c *Config) { c.PrivateKey = "" }, []string{"private key"}},
		{"negative app with token", func(c *Config) { c.AppID, c.PrivateKey = -1, "" }, []string{"app ID -1", "private key"}},
		{"token mode with app settings", func(c *Config) { c.AppID, c.PrivateKey, c.ClientID = 0, "", "Iv23abcdef" },
			[]string{"apply to a GitHub App only"}},
		{"token mode literal token", func(c *Config) { c.AppID, c.PrivateKey, c.InstallationIDs, c.Token = 0, "", nil, "ghp_x" },
			[]string{"token"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := good
			c.InstallationIDs = map[string]int64{"acme": 7}
			tt.edit(&c)
			errs := c.Validate()
			if len(errs) != len(tt.want) {
				t.Fatalf("Validate = %d errors %v, want %d", len(errs), errs, len(tt.want))
			}
			for i, err := range errs {
				if nhi.ErrorCode(err) != nhi.CodeInvalid || !strings.Contains(nhi.ErrorMessage(err), tt.want[i]) {
					t.Errorf("error %d = %v (code %s), want CodeInvalid containing %q", i, err, nhi.ErrorCode(err), tt.want[i])
				}
			}
		})
	}
}

func TestNew(t *testing.T) {
	t.Parallel()
	key := keyFile(t, rsaKey(t))
	base := Config{Name: "gh", Organizations: []string{"acme"}, AppID: 42, PrivateKey: key}
	if _, err := New(base, connector.Env{}); err != nil {
		t.Fatalf("New = %v", err)
	}
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"invalid", Config{}, "invalid GitHub configuration"},
		{"missing key file", Config{Name: "gh", Organizations: []string{"acme"}, AppID: 1, PrivateKey: "file:/nonexistent/key"},
			"cannot read secret file"},
		{"not a key", Config{Name: "gh", Organizations: []string{"acme"}, AppID: 1, PrivateKey: secretFile(t, "hello")},
			"not an RSA private key"},
		{"empty token", Config{Name: "gh", Organizations: []string{"acme"}, AppID: 1, PrivateKey: key, Token: secretFile(t, " \n")},
			"is empty"},
	}
	for _, tt := range tests {
		_, err := New(tt.cfg, connector.Env{})
		if nhi.ErrorCode(err) != nhi.CodeInvalid || !strings.Contains(nhi.ErrorMessage(err), tt.want) {
			t.Errorf("%s: New = %v, want CodeInvalid with %q", tt.name, err, tt.want)
		}
		if err != nil && strings.Contains(err.Error(), "hello") {
			t.Errorf("%s: error reveals the secret: %v", tt.name, err)
		}
	}
}

func TestInfoAndSettings(t *testing.T) {
	t.Parallel()
	c, err := New(Config{Name: "gh", Organizations: []string{"acme", "labs"}, AppID: 42, PrivateKey: keyFile(t, rsaKey(t))},
		connector.Env{})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Info(); got.Tenant != "acme,labs" || got.Platform != nhi.PlatformGitHub || got.Name != "gh" {
		t.Errorf("Info() = %+v", got)
	}
	if got := Settings(); len(got) != 9 || got[0] != "organizations" {
		t.Errorf("Settings() = %v", got)
	}
}
