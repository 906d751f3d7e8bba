package main

import (
	"strings"
	"testing"

	"github.com/nhiscope/nhi"
)

const connectorsYAML = `connectors:
  - name: g
    platform: google_workspace
    admin_email: a@example.com
    credentials: env:K
`

func TestNotificationChannelsParse(t *testing.T) {
	t.Parallel()
	text := connectorsYAML + `notifications:
  - name: owners
    type: webhook
    url: https://hooks.example.com/nhi
    secret: env:NHI_WEBHOOK_SECRET
  - name: sec
    type: slack
    url: file:/etc/nhi/slack-url
policies:
  - /etc/nhi/policies
`
	cfg, err := parseConfig("nhi.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Notifications) != 2 || cfg.Notifications[0].Secret != "env:NHI_WEBHOOK_SECRET" ||
		cfg.Notifications[1].URLRef != "file:/etc/nhi/slack-url" || len(cfg.Policies) != 1 {
		t.Errorf("cfg = %+v", cfg)
	}
}

func TestNotificationChannelProblemsHaveLines(t *testing.T) {
	t.Parallel()
	text := connectorsYAML + `notifications:
  - name: owners
    type: webhook
    url: http://hooks.example.com/nhi
    secret: s3cr3t-literal
  - name: sec
    type: slack
    url: https://hooks.slack.com/services/T/B/X
    secret: env:X
  - name: Bad Name
    type: email
    colour: red
`
	_, err := parseConfig("nhi.yaml", []byte(text))
	if nhi.ErrorCode(err) != nhi.CodeInvalid {
		t.Fatalf("err = %v, want invalid", err)
	}
	msg := nhi.ErrorMessage(err)
	for _, want := range []string{
		"nhi.yaml:9: notifications[0].url:",
		"nhi.yaml:10: notifications[0].secret: secret reference must be env:NAME or file:PATH",
		"nhi.yaml:13: notifications[1].url: secret reference",
		"nhi.yaml:14: notifications[1].secret: a Slack incoming webhook has no signing secret",
		"nhi.yaml:15: notifications[2].name:",
		"nhi.yaml:16: notifications[2].type: \"email\"",
		"nhi.yaml:17: notifications[2].colour: unknown key",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q:\n%s", want, msg)
		}
	}
	for _, secret := range []string{"s3cr3t-literal", "hooks.slack.com/services/T/B/X"} {
		if strings.Contains(msg, secret) {
			t.Errorf("the message repeats a secret %q:\n%s", secret, msg)
		}
	}
}
