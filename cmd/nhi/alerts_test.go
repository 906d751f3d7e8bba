package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/nhiscope/nhi"
)

// TestParseAlerts checks the alerts list: every problem reported with its line, and a
// good list accepted.
func TestParseAlerts(t *testing.T) {
	t.Parallel()
	bad := `connectors:
  - name: google-prod
    platform: google_workspace
    admin_email: scanner@example.com
    credentials: env:NHI_GOOGLE_KEY
alerts:
  - name: soc
    type: pager
  - name: mail
    type: email
    address: smtp.example.com
    from: not-an-address
  - name: siem
    type: syslog
    network: carrier-pigeon
    address: siem.example.com:514
  - name: hook
    type: webhook
    url: https://soc.example.com/nhi
    secret: plain-text-secret
    min_severity: apocalyptic
    colour: red
`
	_, err := parseConfig("nhi.yaml", []byte(bad))
	msg := nhi.ErrorMessage(err)
	for _, want := range []string{
		`nhi.yaml:7: alerts[0]: type "pager": want webhook, slack, email or syslog`,
		`nhi.yaml:9: alerts[1]: notify: email: address "smtp.example.com": want host:port; from "not-an-address" is not an email address; no recipient`,
		`nhi.yaml:13: alerts[2]: notify: syslog network "carrier-pigeon"`,
		`nhi.yaml:17: alerts[3].min_severity:`,
		`nhi.yaml:17: alerts[3]: secret: secret reference must be env:NAME or file:PATH`,
		`nhi.yaml:22: alerts[3].colour: unknown key`,
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "plain-text-secret") {
		t.Errorf("the message repeats a literal secret:\n%s", msg)
	}
	good := `connectors:
  - name: google-prod
    platform: google_workspace
    admin_email: scanner@example.com
    credentials: env:NHI_GOOGLE_KEY
alerts:
  - name: soc
    type: webhook
    url: https://soc.example.com/nhi
    secret: env:NHI_ALERT_SECRET
  - name: team
    type: slack
    url: env:NHI_SLACK_URL
    min_severity: critical
    signals: behavior., app.known_malicious
  - name: mail
    type: email
    address: smtp.example.com:587
    from: nhi@example.com
    to: sec@example.com, soc@example.com
    to_owner: "true"
  - name: siem
    type: syslog
    network: tcp
    address: siem.example.com:6514
`
	cfg, err := parseConfig("nhi.yaml", []byte(good))
	if err != nil {
		t.Fatalf("good alerts: %v", err)
	}
	if len(cfg.Alerts) != 4 || cfg.Alerts[1].MinSeverity != nhi.SeverityCritical ||
		strings.Join(cfg.Alerts[1].Signals, "|") != "behavior.|app.known_malicious" || cfg.Alerts[0].MinSeverity != nhi.SeverityHigh {
		t.Errorf("alerts = %+v", cfg.Alerts)
	}
}

// TestGitHubConfigModes checks the github entry's two sign-in modes: a GitHub App, or an
// organization owner's token alone; neither is an error naming both.
func TestGitHubConfigModes(t *testing.T) {
	t.Parallel()
	head := "connectors:\n  - name: gh\n    platform: github\n    organization: acme\n"
	for _, tt := range []struct {
		name, settings, want string
	}{
		{"app", "    app_id: 12\n    private_key: file:/k.pem\n", ""},
		{"token only", "    token: env:GH_TOKEN\n", ""},
		{"neither", "", "token"},
	} {
		_, err := parseConfig("nhi.yaml", []byte(head+tt.settings))
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.want != "" && (err == nil || !strings.Contains(nhi.ErrorMessage(err), tt.want)):
			t.Errorf("%s: %v, want an error naming %q", tt.name, err, tt.want)
		}
	}
}

// TestMigrate checks nhi migrate on a new SQLite file, and that a PostgreSQL URL's
// password never appears in an error.
func TestMigrate(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "m.db")
	code, out, errOut := runCLI(t, "migrate", "--db", path)
	if code != exitOK || !strings.Contains(out, "is up to date") {
		t.Errorf("migrate: exit %d %q %q", code, out, errOut)
	}
	code, out, errOut = runCLI(t, "migrate", "--db", "postgres://nhi:hunter2@127.0.0.1:1/nhi?connect_timeout=1")
	if code == exitOK || strings.Contains(out+errOut, "hunter2") {
		t.Errorf("migrate against nothing: exit %d, output %q %q (must fail without the password)", code, out, errOut)
	}
}
