package slack

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	slackgo "github.com/slack-go/slack"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/connector/connectortest"
	"github.com/nhiscope/nhi/connector/slack/slacksim"
)

// TestSDKCallsAreReads checks that the methods called through slack-go reach Slack as
// the plain reads do: GET, the token never in the URL, empty parameters dropped, and
// slack-go's own parameters (include_locale) kept.
func TestSDKCallsAreReads(t *testing.T) {
	t.Parallel()
	r := newRig(t, slacksim.Options{}, "", connector.Env{})
	if _, err := r.c.Discover(t.Context(), "", connectortest.NewRecorder()); err != nil {
		t.Fatal(err)
	}
	seen := map[string]url.Values{}
	for _, q := range r.sim.Requests() {
		method := strings.TrimPrefix(q.Path, "/api/")
		if q.Method != http.MethodGet || strings.Contains(q.RawQuery, "token") || strings.Contains(q.RawQuery, r.sim.Token()) {
			t.Errorf("%s %s?%s", q.Method, q.Path, q.RawQuery)
		}
		if sdkReads[method] && seen[method] == nil {
			seen[method], _ = url.ParseQuery(q.RawQuery)
		}
	}
	first := r.e.Slack.Teams[0].ID // workspaces are scanned in order of ID
	for _, tm := range r.e.Slack.Teams {
		first = min(first, tm.ID)
	}
	want := map[string]url.Values{
		"auth.teams.list":          {"limit": {"1000"}},
		"users.list":               {"limit": {"200"}, "include_locale": {"false"}, "team_id": {first}},
		"admin.apps.approved.list": {"limit": {"1000"}, "enterprise_id": {r.e.Slack.EnterpriseID}},
	}
	for method, params := range want {
		if diff := cmp.Diff(params, seen[method]); diff != "" {
			t.Errorf("first %s query (-want +got):\n%s", method, diff)
		}
	}
	if seen["bots.info"].Get("bot") == "" {
		t.Errorf("bots.info query %v lacks the bot", seen["bots.info"])
	}
}

// fixedSlack serves one answer to every request and remembers the last request.
type fixedSlack struct {
	status int
	body   string
	header http.Header
	got    chan *http.Request
}

func (f *fixedSlack) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	select {
	case f.got <- r.Clone(context.Background()):
	default:
	}
	for k, v := range f.header {
		w.Header()[k] = v
	}
	w.WriteHeader(f.status)
	_, _ = w.Write([]byte(f.body))
}

// fixedConnector returns an organization connector whose Web API is f.
func fixedConnector(t *testing.T, f *fixedSlack) *Connector {
	t.Helper()
	ts := httptest.NewServer(f)
	t.Cleanup(ts.Close)
	path := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(path, []byte("xoxp-1-2-3-fixed"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := New(Config{Name: "s", EnterpriseID: "E0123ABCD", AppID: selfApp, Token: connector.SecretRef("file:" + path),
		APIURL: ts.URL + "/api/"}, connector.Env{})
	if err != nil {
		t.Fatal(err)
	}
	c.sleep = func(ctx context.Context, _ time.Duration) error { return ctx.Err() }
	return c
}

// TestSDKAnswers feeds answers to auth.teams.list, called through slack-go, and checks
// the request and the nhi code of each answer, as the plain calls map them.
func TestSDKAnswers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, body string
		status     int
		want       nhi.Code
		msg        string
		teams      []string
	}{
		{"pages", `{"ok":true,"teams":[{"id":"T2"},{"id":"T1"},{"id":"T2"}],"response_metadata":{"next_cursor":""}}`, 200, "", "", []string{"T1", "T2"}},
		{"missing scope", `{"ok":false,"error":"missing_scope","needed":"admin.teams:read"}`, 200, nhi.CodeForbidden, "admin.teams:read", nil},
		{"revoked", `{"ok":false,"error":"token_revoked"}`, 200, nhi.CodeUnauthorized, "token_revoked", nil},
		{"refused", `{"ok":false,"error":"invalid_cursor\u202e"}`, 200, nhi.CodeInvalid, "invalid_cursor", nil},
		{"no code", `{"ok":false}`, 200, nhi.CodeInvalid, "", nil},
		{"not json", `<html>`, 200, nhi.CodeUnavailable, "malformed", nil},
		{"wrong types", `{"ok":true,"teams":"T1"}`, 200, nhi.CodeUnavailable, "malformed", nil},
		{"server error", `{"ok":false,"error":"fatal_error"}`, 503, nhi.CodeUnavailable, "try again", nil},
		{"throttled", `{"ok":false,"error":"ratelimited"}`, 429, nhi.CodeRateLimited, "throttling", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := &fixedSlack{status: tt.status, body: tt.body, header: http.Header{"Retry-After": {"1"}}, got: make(chan *http.Request, 1)}
			c := fixedConnector(t, f)
			teams, err := c.workspaces(t.Context(), nil)
			err = c.mapError(err, "workspaces")
			if nhi.ErrorCode(err) != tt.want || (err != nil && !strings.Contains(nhi.ErrorMessage(err), tt.msg)) {
				t.Errorf("workspaces = %v, want code %q with %q", err, tt.want, tt.msg)
			}
			if strings.ContainsRune(nhi.ErrorMessage(err), '\u202e') {
				t.Errorf("message %q keeps a bidi override", nhi.ErrorMessage(err))
			}
			if diff := cmp.Diff(tt.teams, teams); diff != "" {
				t.Errorf("teams (-want +got):\n%s", diff)
			}
			r := <-f.got
			if r.Method != http.MethodGet || r.URL.Path != "/api/auth.teams.list" || r.URL.RawQuery != "limit=1000" ||
				r.Header.Get("Authorization") != "Bearer xoxp-1-2-3-fixed" {
				t.Errorf("request %s %s?%s, Authorization %q", r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Get("Authorization"))
			}
		})
	}
}

// TestSDKError maps slack-go's own errors, which the transport never lets it make today,
// as the plain calls map the same answers.
func TestSDKError(t *testing.T) {
	t.Parallel()
	c := &Connector{cfg: Config{EnterpriseID: "E0123ABCD"}.withDefaults()}
	tests := []struct {
		err  error
		want nhi.Code
	}{
		{slackgo.SlackErrorResponse{Err: "missing_scope", Needed: "users:read"}, nhi.CodeForbidden},
		{slackgo.SlackErrorResponse{Err: "invalid_auth"}, nhi.CodeUnauthorized},
		{&slackgo.RateLimitedError{RetryAfter: time.Second}, nhi.CodeRateLimited},
		{slackgo.StatusCodeError{Code: 502, Status: "502 Bad Gateway"}, nhi.CodeUnavailable},
		{&transportError{context.Canceled}, nhi.CodeCanceled},
		{&transportError{errors.New("dial tcp: refused")}, nhi.CodeUnavailable},
		{&json.UnmarshalTypeError{Value: "string"}, nhi.CodeUnavailable},
	}
	for _, tt := range tests {
		if got := nhi.ErrorCode(c.mapError(sdkError(tt.err, "users.list"), "users")); got != tt.want {
			t.Errorf("sdkError(%v) maps to %s, want %s", tt.err, got, tt.want)
		}
	}
	if err := sdkError(nil, "users.list"); err != nil {
		t.Errorf("sdkError(nil) = %v", err)
	}
	if se := asSlack(sdkError(slackgo.SlackErrorResponse{Err: "missing_scope", Needed: "users:read"}, "users.list")); se == nil ||
		se.Needed != "users:read" || se.Method != "users.list" {
		t.Errorf("missing_scope keeps %+v", se)
	}
	if _, err := c.sdkRequest(httptest.NewRequest(http.MethodPost, "https://evil.example/api/users.list", nil)); err == nil {
		t.Error("a request outside the Web API base was accepted")
	}
}
