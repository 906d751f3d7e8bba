package main

import (
	"strings"
	"testing"

	"github.com/nhiscope/nhi"
)

func TestParseConfigAcceptsAGoodFile(t *testing.T) {
	t.Parallel()
	text := `database: /tmp/nhi.db
connectors:
  - name: google-prod
    platform: google_workspace
    customer: my_customer
    admin_email: scanner@example.com
    credentials: env:NHI_GOOGLE_KEY
    concurrency: 4
`
	cfg, err := parseConfig("nhi.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Database != "/tmp/nhi.db" || len(cfg.Connectors) != 1 || cfg.Connectors[0].Name != "google-prod" {
		t.Errorf("cfg = %+v", cfg)
	}
	g := googleConfig(cfg.Connectors[0], "c", &problems{})
	if g.Concurrency != 4 || g.AdminEmail != "scanner@example.com" || g.Credentials != "env:NHI_GOOGLE_KEY" {
		t.Errorf("google config = %+v", g)
	}
}

func TestParseConfigReportsEveryProblemWithItsLine(t *testing.T) {
	t.Parallel()
	text := `databse: x
connectors:
  - name: Google Prod
    platform: google_workspace
    admin_email: scanner@example.com
    credentials: hunter2
    concurrency: many
    colour: blue
  - name: dup
    platform: myspace
  - name: dup
    platform: google_workspace
`
	_, err := parseConfig("nhi.yaml", []byte(text))
	if nhi.ErrorCode(err) != nhi.CodeInvalid {
		t.Fatalf("err = %v, want invalid", err)
	}
	msg := nhi.ErrorMessage(err)
	for _, want := range []string{
		"nhi.yaml:1: databse: unknown key",
		"nhi.yaml:3: connectors[0].name: \"Google Prod\"",
		"nhi.yaml:6: connectors[0].credentials: secret reference must be env:NAME or file:PATH",
		"nhi.yaml:7: connectors[0].concurrency:",
		"nhi.yaml:8: connectors[0].colour: unknown setting",
		"nhi.yaml:9: connectors[1].platform: \"myspace\"",
		"nhi.yaml:11: connectors[2].name: \"dup\" is already the name of the connector on line 9",
		"nhi.yaml:11: connectors[2].credentials: required",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "hunter2") {
		t.Errorf("the message repeats a literal secret:\n%s", msg)
	}
}

func TestParseConfigRejectsMalformedFiles(t *testing.T) {
	t.Parallel()
	for name, text := range map[string]string{
		"empty":          "",
		"not a mapping":  "- a\n- b\n",
		"no connectors":  "database: x\n",
		"bad yaml":       "connectors: [\n",
		"connectors map": "connectors: {a: b}\n",
		"item not map":   "connectors:\n  - just-a-string\n",
	} {
		if _, err := parseConfig("f.yaml", []byte(text)); nhi.ErrorCode(err) != nhi.CodeInvalid {
			t.Errorf("%s: err = %v, want invalid", name, err)
		}
	}
}

func FuzzParseConfig(f *testing.F) {
	f.Add("connectors:\n  - name: a\n    platform: google_workspace\n    credentials: env:X\n")
	f.Add("connectors: [{name: b, platform: x}]\n")
	f.Add("database: &a [*a]\n")
	f.Fuzz(func(t *testing.T, text string) {
		cfg, err := parseConfig("f.yaml", []byte(text))
		if err == nil && cfg == nil {
			t.Fatal("nil config without an error")
		}
		if err != nil && nhi.ErrorCode(err) != nhi.CodeInvalid {
			t.Fatalf("error code %s for %q", nhi.ErrorCode(err), text)
		}
	})
}

func TestParseConfigNamesDuplicateKeysAndSyntaxLines(t *testing.T) {
	t.Parallel()
	text := "connectors:\n  - name: a\n    name: b\n    platform: google_workspace\n    credentials: env:X\n    admin_email: x@example.com\n"
	_, err := parseConfig("nhi.yaml", []byte(text))
	if msg := nhi.ErrorMessage(err); !strings.Contains(msg, "nhi.yaml:3: connectors[0].name: duplicate key (first on line 2)") {
		t.Errorf("duplicate key not reported:\n%s", msg)
	}
	_, err = parseConfig("nhi.yaml", []byte("connectors:\n  - name: a\n   platform: [\n"))
	if msg := nhi.ErrorMessage(err); !strings.Contains(msg, "not valid YAML: line ") {
		t.Errorf("syntax error without its line: %q", msg)
	}
}
