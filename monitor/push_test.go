package monitor

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nhiscope/nhi"
)

// delivery posts body with headers to rc and returns the status and body.
func delivery(rc *Receiver, method, body string, headers map[string]string) (int, string) {
	r := httptest.NewRequest(method, "/hooks/x", strings.NewReader(body))
	for k, v := range headers {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	rc.ServeHTTP(w, r)
	return w.Code, w.Body.String()
}

// sink collects delivered events.
type sink struct {
	evs  []nhi.Event
	fail bool
}

func (s *sink) deliver(_ context.Context, evs []nhi.Event) error {
	if s.fail {
		return errors.New("store down")
	}
	s.evs = append(s.evs, evs...)
	return nil
}

// TestGitHubReceiver checks signature verification, replays, decoding and a failed
// hand-over letting GitHub's retry through.
func TestGitHubReceiver(t *testing.T) {
	t.Parallel()
	secret := []byte("hook-secret")
	s := &sink{}
	m := NewMetrics()
	rc := &Receiver{Source: "github", Verify: GitHubVerifier(secret), Decode: DecodeGitHub(time.Now), Deliver: s.deliver, Metrics: m}
	body := `{"action":"created","organization":{"login":"acme"},"sender":{"login":"Mallory"},"key":{"id":77,"title":"<b>ci</b>"}}`
	signed := map[string]string{"X-Hub-Signature-256": "sha256=" + hmacHex(secret, []byte(body)), "X-GitHub-Delivery": "d-1",
		"X-GitHub-Event": "deploy_key"}
	if code, _ := delivery(rc, "POST", body, signed); code != http.StatusNoContent {
		t.Fatalf("signed delivery: %d", code)
	}
	if len(s.evs) != 1 || s.evs[0].Kind != nhi.EventCredentialAdded || s.evs[0].Actor != "mallory" || s.evs[0].Tenant != "acme" ||
		s.evs[0].TargetID != "77" || s.evs[0].ID != "d-1" {
		t.Errorf("events = %+v", s.evs)
	}
	if code, _ := delivery(rc, "POST", body, signed); code != http.StatusConflict {
		t.Errorf("replayed delivery: %d, want 409", code)
	}
	bad := map[string]map[string]string{
		"no signature":    {"X-GitHub-Delivery": "d-2", "X-GitHub-Event": "deploy_key"},
		"wrong signature": {"X-Hub-Signature-256": "sha256=" + hmacHex([]byte("other"), []byte(body)), "X-GitHub-Delivery": "d-3"},
		"no delivery ID":  {"X-Hub-Signature-256": "sha256=" + hmacHex(secret, []byte(body))},
	}
	for name, h := range bad {
		if code, _ := delivery(rc, "POST", body, h); code != http.StatusUnauthorized {
			t.Errorf("%s: %d, want 401", name, code)
		}
	}
	if code, _ := delivery(rc, "GET", "", nil); code != http.StatusMethodNotAllowed {
		t.Errorf("GET: %d, want 405", code)
	}
	s.fail = true
	signed["X-GitHub-Delivery"] = "d-4"
	if code, _ := delivery(rc, "POST", body, signed); code != http.StatusServiceUnavailable {
		t.Errorf("failed hand-over: %d, want 503", code)
	}
	s.fail = false
	if code, _ := delivery(rc, "POST", body, signed); code != http.StatusNoContent {
		t.Errorf("retry after a failed hand-over: %d, want 204", code)
	}
	other := `{"action":"opened","organization":{"login":"acme"}}`
	h := map[string]string{"X-Hub-Signature-256": "sha256=" + hmacHex(secret, []byte(other)), "X-GitHub-Delivery": "d-5", "X-GitHub-Event": "issues"}
	if code, _ := delivery(rc, "POST", other, h); code != http.StatusNoContent || len(s.evs) != 2 {
		t.Errorf("delivery of no interest: %d, %d events; want 204 and nothing new", code, len(s.evs))
	}
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	for _, want := range []string{`nhi_push_deliveries_total{outcome="accepted",source="github"} 3`,
		`nhi_push_deliveries_total{outcome="rejected",source="github"} 5`} {
		if !strings.Contains(rec.Body.String(), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

// TestSlackReceiver checks Slack's signing, its timestamp window, url_verification and
// decoding.
func TestSlackReceiver(t *testing.T) {
	t.Parallel()
	secret := []byte("slack-signing")
	now := time.Unix(1_800_000_000, 0)
	s := &sink{}
	rc := &Receiver{Source: "slack", Verify: SlackVerifier(secret, func() time.Time { return now }),
		Decode: func(_ http.Header, b []byte) ([]nhi.Event, error) { return DecodeSlack(b) }, Deliver: s.deliver,
		Handshake: SlackHandshake}
	sign := func(body string, ts int64) map[string]string {
		t := strconv.FormatInt(ts, 10)
		return map[string]string{"X-Slack-Request-Timestamp": t, "X-Slack-Signature": "v0=" + hmacHex(secret, []byte("v0:"+t+":"), []byte(body))}
	}
	challenge := `{"type":"url_verification","challenge":"abc123"}`
	if code, body := delivery(rc, "POST", challenge, sign(challenge, now.Unix())); code != 200 || body != "abc123" {
		t.Errorf("url_verification = %d %q", code, body)
	}
	ev := `{"type":"event_callback","team_id":"T1","event_id":"Ev1","event_time":1800000000,"event":{"type":"user_change","user":{"id":"U9","deleted":true}}}`
	if code, _ := delivery(rc, "POST", ev, sign(ev, now.Unix()-60)); code != http.StatusNoContent {
		t.Errorf("signed event: %d", code)
	}
	if len(s.evs) != 1 || s.evs[0].Kind != nhi.EventOwnerChanged || s.evs[0].TargetID != "U9" {
		t.Errorf("events = %+v", s.evs)
	}
	if code, _ := delivery(rc, "POST", ev, sign(ev, now.Unix()-600)); code != http.StatusUnauthorized {
		t.Errorf("stale timestamp: %d, want 401", code)
	}
	if code, _ := delivery(rc, "POST", ev, sign(ev, now.Unix()-60)); code != http.StatusConflict {
		t.Errorf("replay within the window: %d, want 409", code)
	}
}

// TestOktaReceiver checks the one-time verification, the Authorization secret and
// decoding of System Log events.
func TestOktaReceiver(t *testing.T) {
	t.Parallel()
	s := &sink{}
	const auth = "Bearer hook-token"
	rc := &Receiver{Source: "okta", Verify: OktaVerifier(auth), Handshake: OktaHandshake(auth),
		Decode: func(_ http.Header, b []byte) ([]nhi.Event, error) { return DecodeOkta(b) }, Deliver: s.deliver}
	if code, body := delivery(rc, "GET", "", map[string]string{"X-Okta-Verification-Challenge": "xyz", "Authorization": auth}); code != 200 ||
		!strings.Contains(body, `"verification":"xyz"`) {
		t.Errorf("verification = %d %q", code, body)
	}
	if code, _ := delivery(rc, "GET", "", map[string]string{"X-Okta-Verification-Challenge": "xyz"}); code != http.StatusUnauthorized {
		t.Errorf("verification without Authorization: %d, want 401", code)
	}
	body := `{"eventId":"e1","source":"https://example.okta.com/api/v1/eventHooks/who1","data":{"events":[` +
		`{"uuid":"u1","published":"2026-11-30T10:00:00Z","eventType":"system.api_token.create","actor":{"id":"00u1"},` +
		`"client":{"ipAddress":"203.0.113.7","userAgent":{"rawUserAgent":"curl/8.0"}},"outcome":{"result":"SUCCESS"},"target":[{"id":"00T1","type":"Token","displayName":"ci"}]},` +
		`{"uuid":"u2","published":"2026-11-30T10:00:01Z","eventType":"user.session.start","actor":{"id":"00u2"}}]}}`
	if code, _ := delivery(rc, "POST", body, map[string]string{"Authorization": auth}); code != http.StatusNoContent {
		t.Fatalf("delivery: %d", code)
	}
	if len(s.evs) != 1 || s.evs[0].Kind != nhi.EventCredentialAdded || s.evs[0].Tenant != "example.okta.com" ||
		s.evs[0].SourceIP != "203.0.113.7" || s.evs[0].UserAgent != "curl/8.0" || s.evs[0].Result != "success" {
		t.Errorf("events = %+v", s.evs)
	}
	if code, _ := delivery(rc, "POST", body, map[string]string{"Authorization": "Bearer other"}); code != http.StatusUnauthorized {
		t.Errorf("wrong Authorization: %d, want 401", code)
	}
	if code, _ := delivery(rc, "POST", body, map[string]string{"Authorization": auth}); code != http.StatusConflict {
		t.Errorf("replay: %d, want 409", code)
	}
}

// FuzzDecoders checks that no delivery makes a decoder panic.
func FuzzDecoders(f *testing.F) {
	f.Add(`{"action":"created","organization":{"login":"acme"}}`)
	f.Add(`{"type":"event_callback","event":{"type":"tokens_revoked"}}`)
	f.Add(`{"data":{"events":[{"uuid":"u","eventType":"system.api_token.revoke"}]}}`)
	f.Fuzz(func(t *testing.T, body string) {
		h := http.Header{"X-Github-Event": {"deploy_key"}}
		_, _ = DecodeGitHub(time.Now)(h, []byte(body))
		_, _ = DecodeSlack([]byte(body))
		_, _ = DecodeOkta([]byte(body))
	})
}
