package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/nhiscope/nhi"
)

// newTestSlack returns a Slack notifier to url with the test clock and sleeps.
func newTestSlack(t *testing.T, url string, sl *sleeps) *Slack {
	t.Helper()
	client := &http.Client{Transport: &http.Transport{}} // see newTestWebhook
	t.Cleanup(client.CloseIdleConnections)
	s, err := NewSlack(SlackConfig{URL: url, HTTP: HTTPOptions{Now: fixedNow, Sleep: sl.sleep, Client: client}})
	if err != nil {
		t.Fatalf("NewSlack: %v", err)
	}
	return s
}

func TestSlackMessageGolden(t *testing.T) {
	t.Parallel()
	rc, srv := serve(t)
	if err := newTestSlack(t, srv.URL+"/services/T0/B0/xyz", &sleeps{}).Notify(context.Background(), sampleMessage()); err != nil {
		t.Fatalf("Notify: %v", err)
	}
	reqs := rc.requests()
	if len(reqs) != 1 || reqs[0].path != "/services/T0/B0/xyz" || reqs[0].header.Get("Content-Type") != "application/json" {
		t.Fatalf("receiver got %+v, want one JSON POST to the webhook path", reqs)
	}
	if reqs[0].header.Get(SignatureHeader) != "" {
		t.Error("a Slack post carries a signature header")
	}
	golden(t, "slack_message.json", reqs[0].body)
}

// legit matches the markup nhi itself writes: dates and the justify link.
var legit = regexp.MustCompile(`<!date\^\d+\^\{date_short_pretty\} \{time\}\|[^<>|]+>|<https://nhi\.example\.com/[^<>|\s]*\|justify it here>`)

func TestSlackNeutralisesHostileText(t *testing.T) {
	t.Parallel()
	const evil = "<!channel> *urgent* `x` ~y~ & <https://evil.example|click> \u202eevil.example\x1b[31m"
	fields := map[string]func(*Message){
		"identity name": func(m *Message) { m.IdentityName = evil },
		"app name":      func(m *Message) { m.AppName = evil },
		"reason":        func(m *Message) { m.Reason = evil },
		"policy":        func(m *Message) { m.Policy = evil },
		"owner":         func(m *Message) { m.OwnerEmail = evil },
		"tenant":        func(m *Message) { m.Tenant = evil },
		"command":       func(m *Message) { m.JustifyCommand = evil },
		"justify URL":   func(m *Message) { m.JustifyURL = "https://nhi.example.com/j?a=1&b=<x>|y" },
	}
	for name, edit := range fields {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			m := sampleMessage()
			edit(&m)
			var p slackPayload
			if err := json.Unmarshal(mustMarshal(t, slackMessage(m)), &p); err != nil {
				t.Fatal(err)
			}
			texts := []string{p.Text}
			for _, b := range p.Blocks {
				for _, tx := range append(append([]slackText{}, b.Fields...), b.Elements...) {
					texts = append(texts, tx.Text)
				}
				if b.Text != nil {
					texts = append(texts, b.Text.Text)
				}
			}
			for _, tx := range texts {
				rest := legit.ReplaceAllString(tx, "")
				if strings.ContainsAny(rest, "<>\u202e\x1b") {
					t.Errorf("text keeps markup or control characters: %q", tx)
				}
				if strings.Count(tx, "`")%2 != 0 {
					t.Errorf("text has an unbalanced code span: %q", tx)
				}
			}
			if all := strings.Join(texts, "\n"); name != "justify URL" && !strings.Contains(all, "&lt;!channel&gt;") {
				t.Errorf("hostile text was dropped instead of escaped:\n%s", all)
			}
		})
	}
}

// mustMarshal encodes v as JSON.
func mustMarshal(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSlackAnswers(t *testing.T) {
	t.Parallel()
	s := time.Second
	tests := []struct {
		name     string
		replies  []reply
		want     nhi.Code
		mention  string
		attempts int
		waits    []time.Duration
	}{
		{"ok", []reply{{status: 200, body: "ok"}}, "", "", 1, nil},
		{"200 without ok", []reply{{status: 200, body: "<html>portal</html>"}}, nhi.CodeUnavailable, "without", 1, nil},
		{"invalid_payload", []reply{{status: 400, body: "invalid_payload"}}, nhi.CodeInvalid, "invalid_payload (400)", 1, nil},
		{"invalid_blocks", []reply{{status: 400, body: "invalid_blocks"}}, nhi.CodeInvalid, "invalid_blocks", 1, nil},
		{"action_prohibited", []reply{{status: 403, body: "action_prohibited"}}, nhi.CodeForbidden, "action_prohibited", 1, nil},
		{"invalid_token", []reply{{status: 403, body: "invalid_token"}}, nhi.CodeForbidden, "create a new webhook", 1, nil},
		{"no_service", []reply{{status: 404, body: "no_service"}}, nhi.CodeNotFound, "removed or disabled", 1, nil},
		{"channel_not_found", []reply{{status: 404, body: "channel_not_found"}}, nhi.CodeNotFound, "channel_not_found", 1, nil},
		{"channel_is_archived", []reply{{status: 410, body: "channel_is_archived\n"}}, nhi.CodeNotFound, "channel_is_archived (410)", 1, nil},
		{"unknown word judged by status", []reply{{status: 404, body: "brand_new_error"}}, nhi.CodeNotFound, "brand_new_error (404)", 1, nil},
		{"free text not quoted", []reply{{status: 400, body: "<script>alert(1)</script>"}}, nhi.CodeInvalid, "answered 400", 1, nil},
		{"huge body not quoted", []reply{{status: 400, body: strings.Repeat("a", 1<<20)}}, nhi.CodeInvalid, "answered 400", 1, nil},
		{"rate limited then ok", []reply{{status: 429, body: "rate_limited", retryAfter: "1"}, {status: 200, body: "ok"}}, "", "", 2,
			[]time.Duration{s}},
		{"rate limited throughout", []reply{{status: 429, body: "rate_limited", retryAfter: "1"}}, nhi.CodeRateLimited, "throttling", 4,
			[]time.Duration{s, s, 2 * s}},
		{"rollup_error", []reply{{status: 500, body: "rollup_error"}}, nhi.CodeUnavailable, "rollup_error (500)", 4,
			[]time.Duration{s / 2, s, 2 * s}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rc, srv := serve(t, tt.replies...)
			sl := &sleeps{}
			err := newTestSlack(t, srv.URL+"/services/T0/B0/secretpath", sl).Notify(context.Background(), sampleMessage())
			if got := nhi.ErrorCode(err); got != tt.want {
				t.Fatalf("Notify = %v (code %q), want code %q", err, got, tt.want)
			}
			if err != nil {
				msg := err.Error()
				if !strings.Contains(msg, tt.mention) || strings.Contains(msg, "secretpath") || len(msg) > 200 ||
					strings.Contains(msg, "script") {
					t.Errorf("error %q: want it to mention %q, quote no body and no path", msg, tt.mention)
				}
			}
			if n := len(rc.requests()); n != tt.attempts {
				t.Errorf("Slack got %d requests, want %d", n, tt.attempts)
			}
			if diff := cmp.Diff(tt.waits, sl.got()); diff != "" {
				t.Errorf("waits mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEscapeCodeClip(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, got, want string
	}{
		{"escape", escape("a & <b> c"), "a &amp; &lt;b&gt; c"},
		{"escape nothing", escape("plain *text*"), "plain *text*"},
		{"code", code("a`b<c"), "`a\u02cbb&lt;c`"},
		{"code empty", code(""), "—"},
		{"clip short", clip("short", 10), "short"},
		{"clip keeps runes whole", clip("ééééé", 6), "é…"},
		{"clip keeps entities whole", clip("ab&amp;cd", 8), "ab…"},
		{"clip after an entity", clip("a&lt;bcdefgh", 10), "a&lt;bc…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
}

func TestNewSlackAndPrinting(t *testing.T) {
	t.Parallel()
	if _, err := NewSlack(SlackConfig{URL: "http://hooks.slack.com/services/T/B/secretpath"}); nhi.ErrorCode(err) != nhi.CodeInvalid ||
		strings.Contains(err.Error(), "secretpath") {
		t.Errorf("NewSlack over plain http = %v, want CodeInvalid without the path", err)
	}
	s, err := NewSlack(SlackConfig{URL: "https://hooks.slack.com/services/T/B/secretpath"})
	if err != nil {
		t.Fatal(err)
	}
	if out := fmt.Sprintf("%v %+v %#v", s, s, s); strings.Contains(out, "secretpath") || !strings.Contains(out, "hooks.slack.com") {
		t.Errorf("printing the notifier shows %q", out)
	}
	err = s.Notify(context.Background(), Message{Platform: nhi.PlatformSlack})
	if nhi.ErrorCode(err) != nhi.CodeInvalid {
		t.Errorf("Notify(invalid message) = %v, want CodeInvalid", err)
	}
}

func TestSleep(t *testing.T) {
	t.Parallel()
	if err := sleep(context.Background(), 0); err != nil {
		t.Errorf("sleep(0) = %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("sleep on a canceled context = %v, want context.Canceled", err)
	}
}
