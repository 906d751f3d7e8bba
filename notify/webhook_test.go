package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/nhiscope/nhi"
)

// newTestWebhook returns a webhook to url with the test secret, clock and sleeps.
func newTestWebhook(t *testing.T, url string, sl *sleeps) *Webhook {
	t.Helper()
	// A transport of its own: parallel tests' servers come and go, and a shared pool could
	// hand this test a kept-alive connection to a closed server that reused the port.
	client := &http.Client{Transport: &http.Transport{}}
	t.Cleanup(client.CloseIdleConnections)
	w, err := NewWebhook(WebhookConfig{URL: url, Secret: []byte(testSecret),
		HTTP: HTTPOptions{Now: fixedNow, Sleep: sl.sleep, Client: client}})
	if err != nil {
		t.Fatalf("NewWebhook: %v", err)
	}
	return w
}

func TestWebhookDelivers(t *testing.T) {
	t.Parallel()
	deadline := t0.Add(7 * 24 * time.Hour)
	full := sampleMessage()
	hostile := Message{Platform: nhi.PlatformGoogleWorkspace, AppID: "evil-app", AppName: "<b>Evil</b>\u202e\x07 App",
		Reason: "line one\nline two\x1b[2J"}
	tests := []struct {
		name string
		m    Message
		want Notice
	}{
		{"every field", full, Notice{Version: 1, Type: "nhi.owner_notice", ID: full.DeliveryID(), CreatedAt: t0,
			Summary: "nhi policy stale-grants proposes revoke grant for Acme CRM (google_workspace) by 2026-03-08T09:00:00Z",
			Policy:  "stale-grants", Action: nhi.ActionRevokeGrant, PlanID: "pln_abc", ActionID: "1",
			Platform: nhi.PlatformGoogleWorkspace, Tenant: "C0123",
			Identity: &NoticeIdentity{ID: "gws_abc", Name: "Acme CRM", Kind: nhi.KindOAuthGrant},
			App:      &NoticeApp{ID: "1234.apps.googleusercontent.com", Name: "Acme CRM"},
			Owner:    &NoticeOwner{Email: "alice@example.com"}, Reason: "Unused for 120 days with full Drive access.",
			Deadline: deadline, Justify: &NoticeJustify{URL: "https://nhi.example.com/justify/pln_abc/1", Command: "nhi justify gws_abc"}}},
		{"hostile app-wide notice", hostile, Notice{Version: 1, Type: "nhi.owner_notice", ID: hostile.DeliveryID(), CreatedAt: t0,
			Summary:  "nhi asks you to justify or rotate <b>Evil</b> App (google_workspace)",
			Platform: nhi.PlatformGoogleWorkspace, App: &NoticeApp{ID: "evil-app", Name: "<b>Evil</b> App"},
			Reason: "line one line two[2J"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rc, srv := serve(t)
			if err := newTestWebhook(t, srv.URL+"/hooks/nhi", &sleeps{}).Notify(context.Background(), tt.m); err != nil {
				t.Fatalf("Notify: %v", err)
			}
			reqs := rc.requests()
			if len(reqs) != 1 {
				t.Fatalf("receiver got %d requests, want 1", len(reqs))
			}
			r := reqs[0]
			if err := Verify([]byte(testSecret), r.header.Get(SignatureHeader), r.body, t0, 0); err != nil {
				t.Errorf("receiver cannot verify the delivery: %v", err)
			}
			if got := r.header.Get(DeliveryHeader); got != tt.m.DeliveryID() {
				t.Errorf("%s = %q, want %q", DeliveryHeader, got, tt.m.DeliveryID())
			}
			if got := r.header.Get("Content-Type"); got != "application/json" {
				t.Errorf("Content-Type = %q", got)
			}
			if strings.Contains(string(r.body), "<b>") {
				t.Errorf("body carries raw markup: %s", r.body)
			}
			var got Notice
			if err := json.Unmarshal(r.body, &got); err != nil {
				t.Fatalf("decode body: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("notice mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestWebhookBodyGolden(t *testing.T) {
	t.Parallel()
	body, err := json.Marshal(newNotice(sampleMessage(), t0))
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "webhook_notice.json", body)
}

func TestWebhookAnswers(t *testing.T) {
	t.Parallel()
	s := time.Second
	tests := []struct {
		name     string
		replies  []reply
		want     nhi.Code
		attempts int
		waits    []time.Duration
	}{
		{"200", []reply{{status: 200}}, "", 1, nil},
		{"204", []reply{{status: 204}}, "", 1, nil},
		{"500 twice then 200", []reply{{status: 500}, {status: 502}, {status: 200}}, "", 3, []time.Duration{s / 2, s}},
		{"503 until the retries are spent", []reply{{status: 503}}, nhi.CodeUnavailable, 4, []time.Duration{s / 2, s, 2 * s}},
		{"503 with Retry-After", []reply{{status: 503, retryAfter: "5"}, {status: 200}}, "", 2, []time.Duration{5 * s}},
		{"429 with Retry-After", []reply{{status: 429, retryAfter: "2"}, {status: 200}}, "", 2, []time.Duration{2 * s}},
		{"429 without Retry-After", []reply{{status: 429}, {status: 200}}, "", 2, []time.Duration{s / 2}},
		{"429 asking too long", []reply{{status: 429, retryAfter: "3600"}}, nhi.CodeRateLimited, 1, nil},
		{"429 until the waits are spent", []reply{{status: 429, retryAfter: "1"}}, nhi.CodeRateLimited, 4, []time.Duration{s, s, 2 * s}},
		{"400", []reply{{status: 400}}, nhi.CodeInvalid, 1, nil},
		{"401 signature refused", []reply{{status: 401}}, nhi.CodeUnauthorized, 1, nil},
		{"403", []reply{{status: 403}}, nhi.CodeForbidden, 1, nil},
		{"404", []reply{{status: 404}}, nhi.CodeNotFound, 1, nil},
		{"410", []reply{{status: 410}}, nhi.CodeNotFound, 1, nil},
		{"413", []reply{{status: 413}}, nhi.CodeInvalid, 1, nil},
		{"302 not followed", []reply{{status: 302, location: "/elsewhere"}}, nhi.CodeInvalid, 1, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rc, srv := serve(t, tt.replies...)
			sl := &sleeps{}
			m := sampleMessage()
			err := newTestWebhook(t, srv.URL, sl).Notify(context.Background(), m)
			if got := nhi.ErrorCode(err); got != tt.want {
				t.Fatalf("Notify = %v (code %q), want code %q", err, got, tt.want)
			}
			reqs := rc.requests()
			if len(reqs) != tt.attempts {
				t.Errorf("receiver got %d requests, want %d", len(reqs), tt.attempts)
			}
			if diff := cmp.Diff(tt.waits, sl.got()); diff != "" {
				t.Errorf("waits mismatch (-want +got):\n%s", diff)
			}
			for i, r := range reqs {
				if r.path != "/" || string(r.body) != string(reqs[0].body) || r.header.Get(DeliveryHeader) != m.DeliveryID() {
					t.Errorf("attempt %d: path %q, same body %v, delivery %q", i, r.path, string(r.body) == string(reqs[0].body),
						r.header.Get(DeliveryHeader))
				}
			}
		})
	}
}

func TestWebhookRetrySignsAfresh(t *testing.T) {
	t.Parallel()
	rc, srv := serve(t, reply{status: 500}, reply{status: 200})
	var ticks atomic.Int64
	clock := func() time.Time { return t0.Add(time.Duration(ticks.Add(1)) * time.Minute) }
	w, err := NewWebhook(WebhookConfig{URL: srv.URL, Secret: []byte(testSecret),
		HTTP: HTTPOptions{Now: clock, Sleep: (&sleeps{}).sleep}})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Notify(context.Background(), sampleMessage()); err != nil {
		t.Fatalf("Notify: %v", err)
	}
	reqs := rc.requests()
	if len(reqs) != 2 {
		t.Fatalf("receiver got %d requests, want 2", len(reqs))
	}
	first, second := reqs[0].header.Get(SignatureHeader), reqs[1].header.Get(SignatureHeader)
	if first == second {
		t.Errorf("both attempts carry signature %q; the retry must be signed at its own time", first)
	}
	// The second attempt was signed at a later tick; a receiver at that time accepts it
	// with a tolerance too tight for the first.
	at := t0.Add(time.Duration(ticks.Load()) * time.Minute)
	if err := Verify([]byte(testSecret), second, reqs[1].body, at, 90*time.Second); err != nil {
		t.Errorf("retry signature: %v", err)
	}
	if err := Verify([]byte(testSecret), first, reqs[0].body, at, 90*time.Second); err == nil {
		t.Error("the first attempt's signature passed a receiver minutes later")
	}
}

func TestNewWebhookConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		c    WebhookConfig
		want []string
	}{
		{"valid https", WebhookConfig{URL: "https://hooks.example.com/nhi", Secret: []byte(testSecret)}, nil},
		{"short secret", WebhookConfig{URL: "https://hooks.example.com/nhi", Secret: []byte("short")},
			[]string{fmt.Sprintf("at least %d bytes", MinSecretLen)}},
		{"plain http to a remote host and no secret", WebhookConfig{URL: "http://hooks.example.com/nhi"},
			[]string{"must use https", "secret must be"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w, err := NewWebhook(tt.c)
			if tt.want == nil {
				if err != nil || w == nil {
					t.Fatalf("NewWebhook = %v, %v", w, err)
				}
				return
			}
			if nhi.ErrorCode(err) != nhi.CodeInvalid {
				t.Fatalf("NewWebhook error = %v, want CodeInvalid", err)
			}
			for _, s := range tt.want {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not mention %q", err, s)
				}
			}
		})
	}
}

func TestWebhookRefusesInvalidMessage(t *testing.T) {
	t.Parallel()
	rc, srv := serve(t)
	err := newTestWebhook(t, srv.URL, &sleeps{}).Notify(context.Background(), Message{Platform: "x"})
	if nhi.ErrorCode(err) != nhi.CodeInvalid {
		t.Fatalf("Notify = %v, want CodeInvalid", err)
	}
	if n := len(rc.requests()); n != 0 {
		t.Errorf("an invalid message reached the receiver (%d requests)", n)
	}
}

func TestWebhookDoesNotPrintSecret(t *testing.T) {
	t.Parallel()
	secret := []byte("super-secret-signing-key-1234")
	w, err := NewWebhook(WebhookConfig{URL: "https://hooks.example.com/path-token", Secret: secret})
	if err != nil {
		t.Fatal(err)
	}
	secret[0] = 'X' // the notifier keeps its own copy
	out := fmt.Sprintf("%v %+v %#v %s", w, w, w, w)
	for _, leak := range []string{"super-secret", "path-token", "uper-secret"} {
		if strings.Contains(out, leak) {
			t.Errorf("printing the webhook shows %q: %s", leak, out)
		}
	}
	if string(w.secret[:5]) != "super" {
		t.Errorf("the webhook's secret changed with the caller's slice")
	}
}
