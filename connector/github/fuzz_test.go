package github

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	gh "github.com/google/go-github/v89/github"

	"github.com/nhiscope/nhi"
)

// FuzzCursor checks that parseCursor never panics and accepts only what String gives.
func FuzzCursor(f *testing.F) {
	f.Add("github1:1723459200")
	f.Add("github1:-1")
	f.Add("github1:")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := parseCursor(nhi.Cursor(s))
		if err == nil && c.String() != s {
			t.Errorf("parseCursor(%q) accepted a cursor that prints as %q", s, c.String())
		}
	})
}

// FuzzEventCursor checks that parseEventCursor never panics and round-trips what it accepts.
func FuzzEventCursor(f *testing.F) {
	f.Add(eventCursor{"acme": {Floor: mustTime("2025-08-12T10:00:00Z"), Seen: []seenEvent{{At: mustTime("2025-08-12T10:00:00.5Z"), ID: "x"}}}}.String())
	f.Add("githubev1:e30")
	f.Add("githubev1:eyJvcmdzIjp7fX0")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := parseEventCursor(nhi.Cursor(s))
		if err != nil {
			if nhi.ErrorCode(err) != nhi.CodeInvalid {
				t.Errorf("parseEventCursor(%q) = %v, want CodeInvalid", s, err)
			}
			return
		}
		again, err := parseEventCursor(nhi.Cursor(c.String()))
		if err != nil || again.String() != c.String() {
			t.Errorf("accepted cursor does not round-trip: %v", err)
		}
	})
}

// FuzzAnswers decodes hostile answers as the connector does and converts them: nothing
// panics, and every name and attribute is clean text with no webhook path kept.
func FuzzAnswers(f *testing.F) {
	f.Add(`{"total_count":1,"installations":[{"id":1,"client_id":"Iv1","app_slug":"x\u202e","permissions":{"contents":"write"},"events":["push"],"created_at":"2024-05-01T12:00:00Z","suspended_at":null}]}`)
	f.Add(`[{"login":"hubot","credential_id":3,"credential_type":"personal access token","token_last_eight":"yXXXXXXo","scopes":["repo"],"authorized_credential_expires_at":null}]`)
	f.Add(`{"data":{"organization":{"samlIdentityProvider":{"externalIdentities":{"pageInfo":{"hasNextPage":false,"endCursor":null},"nodes":[{"samlIdentity":{"nameId":"a@b"},"user":{"login":"a"}}]}}}}}`)
	f.Add(`[{"@timestamp":1723459200000,"_document_id":"a1","action":"hook.create","actor":"octo","config":{"url":"https://h.example/secret"},"hook_id":5}]`)
	f.Add(`[{"id":1,"config":{"url":"https://u:p@h.example/secretpath"},"events":["push"],"active":true}]`)
	f.Fuzz(func(t *testing.T, body string) {
		var insts orgInstallations
		if json.Unmarshal([]byte(body), &insts) == nil {
			for _, in := range insts.Installations {
				id, app := installationIdentity("acme", in, false)
				checkClean(t, id)
				if app.Name != nhi.CleanText(app.Name) {
					t.Errorf("app name %q not clean", app.Name)
				}
			}
		}
		var creds []credentialAuthorization
		if json.Unmarshal([]byte(body), &creds) == nil {
			for _, ca := range creds {
				if id, _, ok := credentialIdentity("acme", ca); ok {
					checkClean(t, id)
				}
			}
		}
		var saml samlAnswer
		_ = json.Unmarshal([]byte(body), &saml)
		var hooks []*gh.Hook
		if json.Unmarshal([]byte(body), &hooks) == nil {
			for _, h := range hooks {
				if h == nil {
					continue
				}
				id := hookIdentity("acme", h)
				checkClean(t, id)
				host := id.Attributes["destination_host"]
				if strings.ContainsAny(host, "/?#@") || host != "" && id.Name != id.Attributes["destination_scheme"]+"://"+host {
					t.Errorf("webhook keeps more than its host: %+v", id)
				}
			}
		}
		var entries []*gh.AuditEntry
		if json.Unmarshal([]byte(body), &entries) == nil {
			for _, e := range entries {
				if ev, ok := toEvent("acme", e); ok {
					for k, v := range ev.Details {
						if v != nhi.CleanText(v) || strings.Contains(k, "url") {
							t.Errorf("detail %s=%q", k, v)
						}
					}
				}
			}
		}
	})
}

// checkClean fails t when an identity's name or attributes are not clean text.
func checkClean(t *testing.T, id nhi.Identity) {
	t.Helper()
	if id.Name == "" || id.Name != nhi.CleanText(id.Name) {
		t.Errorf("identity %s: name %q not clean", id.ExternalID, id.Name)
	}
	for k, v := range id.Attributes {
		if v != nhi.CleanText(v) {
			t.Errorf("identity %s: attribute %s=%q not clean", id.ExternalID, k, v)
		}
	}
}

// mustTime parses an RFC 3339 time.
func mustTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}
