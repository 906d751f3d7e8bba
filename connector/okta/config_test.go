package okta_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"strings"
	"testing"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/connector/connectortest"
	"github.com/nhiscope/nhi/connector/okta"
	"github.com/nhiscope/nhi/connector/okta/oktasim"
)

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	good := okta.Config{Name: "okta", OrgURL: "https://example.okta.com", Token: "env:OKTA_TOKEN"}
	tests := []struct {
		name  string
		edit  func(*okta.Config)
		wants []string // substrings of the problems, in order; none means valid
	}{
		{"valid token", func(*okta.Config) {}, nil},
		{"valid oauth", func(c *okta.Config) { c.Token, c.ClientID, c.PrivateKey = "", "0oa1", "file:/k.pem" }, nil},
		{"loopback http", func(c *okta.Config) { c.OrgURL = "http://127.0.0.1:8080" }, nil},
		{"everything wrong", func(c *okta.Config) { c.Name, c.OrgURL, c.Token = "", "http://example.okta.com/x", "" },
			[]string{"name is required", "org_url", "credentials are required"}},
		{"both credentials", func(c *okta.Config) { c.ClientID, c.PrivateKey = "0oa1", "env:K" }, []string{"not both"}},
		{"literal token", func(c *okta.Config) { c.Token = "00abcdef" }, []string{"token:"}},
		{"key without client", func(c *okta.Config) { c.Token, c.PrivateKey = "", "env:K" }, []string{"client_id is required"}},
		{"path in org URL", func(c *okta.Config) { c.OrgURL = "https://example.okta.com/api/v1" }, []string{"root URL"}},
		{"bad scope", func(c *okta.Config) { c.Scopes = []string{"openid"} }, []string{"not an Okta management scope"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := good
			tt.edit(&c)
			errs := c.Validate()
			if len(errs) != len(tt.wants) {
				t.Fatalf("Validate() = %v, want %d problems", errs, len(tt.wants))
			}
			for i, err := range errs {
				if nhi.ErrorCode(err) != nhi.CodeInvalid || !strings.Contains(err.Error(), tt.wants[i]) {
					t.Errorf("problem %d = %v, want CodeInvalid mentioning %q", i, err, tt.wants[i])
				}
			}
		})
	}
}

func TestNewRejects(t *testing.T) {
	t.Parallel()
	if _, err := okta.New(okta.Config{Name: "x", OrgURL: "https://e.okta.com", Token: "env:NHI_OKTA_UNSET_VARIABLE"}, connector.Env{}); nhi.ErrorCode(err) != nhi.CodeInvalid {
		t.Errorf("unset token variable: %v, want CodeInvalid", err)
	}
	if _, err := okta.New(okta.Config{Name: "x", OrgURL: "https://e.okta.com", ClientID: "0oa1", PrivateKey: secretFile(t, "not a key")}, connector.Env{}); nhi.ErrorCode(err) != nhi.CodeInvalid {
		t.Errorf("garbage key: %v, want CodeInvalid", err)
	}
}

func TestWrongKeyIsUnauthorized(t *testing.T) {
	t.Parallel()
	sim, url := serve(t, org(t), oktasim.Options{})
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKCS8PrivateKey(key)
	pemKey := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	c, err := okta.New(okta.Config{Name: "o", OrgURL: url, ClientID: sim.ClientID(), PrivateKey: secretFile(t, string(pemKey))}, connector.Env{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Discover(t.Context(), "", connectortest.NewRecorder())
	if nhi.ErrorCode(err) != nhi.CodeUnauthorized || strings.Contains(err.Error(), "BEGIN") {
		t.Errorf("Discover with a wrong key = %v, want CodeUnauthorized", err)
	}
}

func TestAPIErrorsMap(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		fault oktasim.Fault
		want  nhi.Code
	}{
		{"forbidden", oktasim.Fault{Path: "/api/v1/api-tokens", Status: 403}, nhi.CodeForbidden},
		{"server down", oktasim.Fault{Path: "/api/v1/users", Status: 503}, nhi.CodeUnavailable},
		{"rate limited for good", oktasim.Fault{Path: "/api/v1/apps", Status: 429, Code: "E0000047"}, nhi.CodeRateLimited},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sim, url := serve(t, org(t), oktasim.Options{})
			sim.InjectFault(tt.fault)
			c := newSSWS(t, url, oktasim.DefaultAPIToken, connector.Env{})
			okta.SetFastRetries(c)
			_, err := c.Discover(t.Context(), "", connectortest.NewRecorder())
			if nhi.ErrorCode(err) != tt.want || len(nhi.ErrorMessage(err)) < 20 {
				t.Errorf("Discover = %v (code %s, message %q), want %s", err, nhi.ErrorCode(err), nhi.ErrorMessage(err), tt.want)
			}
		})
	}
}
