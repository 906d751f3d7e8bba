package salesforce

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
)

// validConfig returns a configuration that passes Validate.
func validConfig() Config {
	return Config{Name: "sf", ConsumerKey: "3MVG9abcdef", Username: "nhi@example.com", PrivateKey: "env:NHI_SF_KEY"}
}

// TestValidateReportsEveryProblem checks that Validate lists each problem of a bad
// configuration, and none of a good one.
func TestValidateReportsEveryProblem(t *testing.T) {
	t.Parallel()
	if errs := validConfig().Validate(); len(errs) != 0 {
		t.Fatalf("valid config: %v", errs)
	}
	bad := Config{ConsumerKey: "has space", Username: "nobody", PrivateKey: "-----BEGIN", LoginURL: "http://login.example.com",
		InstanceURL: "https://x.example.com/path", APIVersion: "v20.0", Concurrency: 99, APIReservePercent: 95}
	errs := bad.Validate()
	want := []string{"name is required", "consumer key", "username", "private key", "login URL", "instance URL",
		"API version", "concurrency", "API reserve"}
	if len(errs) != len(want) {
		t.Errorf("got %d errors, want %d: %v", len(errs), len(want), errs)
	}
	for i, w := range want {
		if i < len(errs) && (!strings.Contains(nhi.ErrorMessage(errs[i]), w) || nhi.ErrorCode(errs[i]) != nhi.CodeInvalid) {
			t.Errorf("error %d = %v, want CodeInvalid about %q", i, errs[i], w)
		}
	}
}

// TestDefaults checks the defaults of the zero fields.
func TestDefaults(t *testing.T) {
	t.Parallel()
	c := validConfig().withDefaults()
	if c.LoginURL != DefaultLoginURL || c.APIVersion != "v62.0" || c.Concurrency != DefaultConcurrency ||
		c.APIReservePercent != DefaultAPIReservePercent {
		t.Errorf("defaults = %+v", c)
	}
	c = Config{LoginURL: "https://test.salesforce.com/", InstanceURL: "http://127.0.0.1:8080/"}.withDefaults()
	if c.LoginURL != "https://test.salesforce.com" || c.InstanceURL != "http://127.0.0.1:8080" {
		t.Errorf("trailing slashes kept: %+v", c)
	}
}

// TestNewRefusesBadKeys checks that New names the key reference, never its content, when
// the key cannot be used.
func TestNewRefusesBadKeys(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "key.txt")
	if err := os.WriteFile(notPEM, []byte("s3cr3t-not-a-key"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, ref := range []connector.SecretRef{connector.SecretRef("file:" + notPEM), connector.SecretRef("file:" + filepath.Join(dir, "none"))} {
		cfg := validConfig()
		cfg.PrivateKey = ref
		_, err := New(cfg, connector.Env{})
		if nhi.ErrorCode(err) != nhi.CodeInvalid || strings.Contains(err.Error(), "s3cr3t") {
			t.Errorf("New with key %s = %v, want CodeInvalid without the key's content", ref, err)
		}
	}
	cfg := validConfig()
	cfg.PrivateKey = "-----BEGIN RSA PRIVATE KEY-----"
	if _, err := New(cfg, connector.Env{}); nhi.ErrorCode(err) != nhi.CodeInvalid || strings.Contains(err.Error(), "BEGIN") {
		t.Errorf("New with a literal key = %v, want CodeInvalid without the literal", err)
	}
}

// TestAudience checks the JWT audience of login URLs.
func TestAudience(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"https://login.salesforce.com": "https://login.salesforce.com",
		"https://test.salesforce.com": "https://test.salesforce.com", "https://acme.my.salesforce.com": "https://login.salesforce.com",
		"https://acme--uat.sandbox.my.salesforce.com": "https://test.salesforce.com", "http://127.0.0.1:8080": "http://127.0.0.1:8080"} {
		if got := audience(in); got != want {
			t.Errorf("audience(%q) = %q, want %q", in, got, want)
		}
	}
}
