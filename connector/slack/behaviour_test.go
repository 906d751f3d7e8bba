package slack

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/connector/connectortest"
	"github.com/nhiscope/nhi/connector/slack/slacksim"
	"github.com/nhiscope/nhi/estate"
)

// TestEventsCursor reads the audit log in two runs around an uninstall: the first
// delivers every entry oldest first, the second only the new ones, and a failing fn keeps
// the cursor at the last entry it accepted.
func TestEventsCursor(t *testing.T) {
	t.Parallel()
	r := newRig(t, slacksim.Options{MaxPageSize: 5}, "", connector.Env{})
	var got []nhi.Event
	cur, err := r.c.Events(t.Context(), "", func(e nhi.Event) error { got = append(got, e); return nil })
	if err != nil {
		t.Fatal(err)
	}
	hookLogs := 0
	for _, l := range r.e.Slack.Logs {
		if l.ServiceID != "" {
			hookLogs++
		}
	}
	if want := len(r.e.Slack.Audits) + hookLogs + len(r.e.Slack.Requests); len(got) != want {
		t.Fatalf("%d events, want %d audit entries, %d webhook log entries and %d requests", len(got),
			len(r.e.Slack.Audits), hookLogs, len(r.e.Slack.Requests))
	}
	requested := slices.IndexFunc(got, func(e nhi.Event) bool { return e.Activity == "app_requested" })
	if requested < 0 || got[requested].Details["scopes"] == "" || got[requested].Actor == "" {
		t.Errorf("no app request event with scopes and requester: %+v", got)
	}
	if !slices.IsSortedFunc(got, func(a, b nhi.Event) int { return a.Time.Compare(b.Time) }) {
		t.Error("events not oldest first")
	}
	kinds := map[nhi.EventKind]int{}
	for _, e := range got {
		kinds[e.Kind]++
		if e.Kind == nhi.EventPermissionAdded && e.Details["new_scope"] == "" {
			t.Errorf("scope expansion %s lacks new_scope: %v", e.ID, e.Details)
		}
	}
	for _, k := range []nhi.EventKind{nhi.EventAppAdded, nhi.EventPermissionAdded, nhi.EventAPICall, nhi.EventGrantRemoved} {
		if kinds[k] == 0 {
			t.Errorf("no %s event; kinds %v", k, kinds)
		}
	}
	again, err := r.c.Events(t.Context(), cur, func(e nhi.Event) error { t.Errorf("event %s delivered twice", e.ID); return nil })
	if err != nil || again != cur {
		t.Fatalf("rerun = %q, %v; want the same cursor", again, err)
	}
	app := uninstallActions(r.e)[0]
	if _, err := r.c.Remediate(t.Context(), app); err != nil {
		t.Fatal(err)
	}
	var fresh []string
	stop := errors.New("stop")
	mid, err := r.c.Events(t.Context(), cur, func(e nhi.Event) error {
		fresh = append(fresh, e.Activity)
		if len(fresh) == 2 {
			return stop
		}
		return nil
	})
	rejected := fresh[len(fresh)-1]
	slices.Sort(fresh) // both entries fall in one second, where the order is by ID
	if !errors.Is(err, stop) || !cmp.Equal(fresh, []string{"app_restricted", "app_uninstalled"}) {
		t.Fatalf("events after the uninstall = %v, %v", fresh, err)
	}
	var redelivered []string
	if _, err := r.c.Events(t.Context(), mid, func(e nhi.Event) error { redelivered = append(redelivered, e.Activity); return nil }); err != nil {
		t.Fatal(err)
	}
	if !cmp.Equal(redelivered, []string{rejected}) {
		t.Errorf("after a rejected event the next run delivers %v, want only %s", redelivered, rejected)
	}
	if _, err := r.c.Events(t.Context(), "junk", nil); nhi.ErrorCode(err) != nhi.CodeInvalid {
		t.Errorf("bad cursor: %v", err)
	}
}

// TestWorkspaceTokenDegrades scans with a workspace token: people, the apps and webhooks
// of the workspace's integration log and its bots are found without admin.apps.* or the
// Audit Logs API, remediation says what it needs, and events come from the integration
// log.
func TestWorkspaceTokenDegrades(t *testing.T) {
	t.Parallel()
	r := newRig(t, slacksim.Options{Workspace: true}, "", connector.Env{})
	rec := connectortest.NewRecorder()
	if _, err := r.c.Discover(t.Context(), "", rec); err != nil {
		t.Fatal(err)
	}
	if f := rec.Failures(); len(f) > 0 {
		t.Errorf("failures: %v", f[0].Err)
	}
	s := r.e.Slack
	want := map[string]bool{}
	for i, a := range s.Apps {
		if slices.Contains(s.TeamsOf(i), 0) {
			want[a.ID] = true
		}
	}
	for _, w := range s.Webhooks {
		if w.Team == 0 {
			want[w.ServiceID] = true
		}
	}
	got := map[string]bool{}
	for _, id := range rec.Identities() {
		if id.Kind == nhi.KindIntegration && id.Attributes["sensitive_scopes"] != "" {
			t.Errorf("app %s claims Slack's sensitivity without admin.apps", id.ExternalID)
		}
		if id.Kind != nhi.KindBot {
			got[id.ExternalID] = true
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("apps and webhooks of the workspace (-want +got):\n%s", diff)
	}
	if len(r.c.Unavailable()) == 0 {
		t.Error("Unavailable() is empty for a workspace token")
	}
	if _, err := r.c.Remediate(t.Context(), nhi.Action{Type: nhi.ActionUninstallApp, Platform: nhi.PlatformSlack,
		Kind: nhi.KindIntegration, ExternalID: "A0123"}); nhi.ErrorCode(err) != nhi.CodeForbidden {
		t.Errorf("Remediate with a workspace token = %v, want forbidden", err)
	}
	var events []nhi.Event
	if _, err := r.c.Events(t.Context(), "", func(e nhi.Event) error { events = append(events, e); return nil }); err != nil {
		t.Fatalf("Events with a workspace token: %v", err)
	}
	var want0 int
	for _, l := range s.Logs {
		if l.Team == 0 {
			want0++
		}
	}
	if len(events) != want0 {
		t.Errorf("%d events from the workspace's integration log, want %d", len(events), want0)
	}
	for _, e := range events {
		if !strings.HasPrefix(e.Activity, "integration_") || e.Details["team"] != s.Teams[0].ID {
			t.Errorf("event %+v is not from the workspace's integration log", e)
		}
	}
}

// TestDiscoveryAttributes checks the facts an app and a webhook carry: installer status,
// install placement, sensitive and legacy scopes, channel and never a hook URL.
func TestDiscoveryAttributes(t *testing.T) {
	t.Parallel()
	r := newRig(t, slacksim.Options{}, "", connector.Env{})
	rec := connectortest.NewRecorder()
	if _, err := r.c.Discover(t.Context(), "", rec); err != nil {
		t.Fatal(err)
	}
	s := r.e.Slack
	byID := map[string]nhi.Identity{}
	for _, id := range rec.Identities() {
		byID[id.ExternalID] = id
		if strings.Contains(strings.Join(mapValues(id.Attributes), " "), "hooks.slack.com") {
			t.Errorf("identity %s carries a webhook URL", id.ExternalID)
		}
	}
	var departed, legacy, org int
	for _, a := range s.Apps {
		if a.Status != estate.SlackApproved {
			continue
		}
		attrs := byID[a.ID].Attributes
		if s.Users[a.InstalledBy].Deleted != (attrs["owner_status"] == "departed") {
			t.Errorf("app %s owner_status %q, installer deleted %v", a.Name, attrs["owner_status"], s.Users[a.InstalledBy].Deleted)
		}
		if a.OrgWide != (attrs["install"] == "org") {
			t.Errorf("app %s install %q, org-wide %v", a.Name, attrs["install"], a.OrgWide)
		}
		if attrs["owner_status"] == "departed" {
			departed++
		}
		if attrs["legacy_scopes"] != "" {
			legacy++
		}
		if attrs["install"] == "org" {
			org++
		}
		for _, sc := range a.Scopes {
			if sc.Sensitive != strings.Contains(","+attrs["sensitive_scopes"]+",", ","+sc.Name+",") {
				t.Errorf("app %s scope %s sensitivity lost: %q", a.Name, sc.Name, attrs["sensitive_scopes"])
			}
		}
	}
	if departed == 0 || legacy == 0 || org == 0 {
		t.Errorf("departed %d, legacy %d, org-wide %d apps; want some of each", departed, legacy, org)
	}
	w := s.Webhooks[0]
	if got := byID[w.ServiceID]; got.Attributes["channel"] != w.Channel || got.Kind != nhi.KindWebhook {
		t.Errorf("webhook %s = %+v", w.ServiceID, got)
	}
}

func mapValues(m map[string]string) []string {
	var out []string
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

func TestErrorMapping(t *testing.T) {
	t.Parallel()
	r := newRig(t, slacksim.Options{Scopes: []string{slacksim.ScopeUsersRead, slacksim.ScopeAdmin}}, "", connector.Env{})
	rec := connectortest.NewRecorder()
	if _, err := r.c.Discover(t.Context(), "", rec); err != nil {
		t.Fatal(err)
	}
	var apps error
	for _, f := range rec.Failures() {
		if f.Resource == "apps" {
			apps = f.Err
		}
	}
	if nhi.ErrorCode(apps) != nhi.CodeForbidden || !strings.Contains(nhi.ErrorMessage(apps), "admin.apps:read") {
		t.Errorf("apps without admin.apps:read = %v, want forbidden naming the scope", apps)
	}
	if rec.IsComplete(scopeApps) {
		t.Error("apps scope completed despite the failure")
	}
	tests := []struct {
		err  error
		want nhi.Code
	}{
		{&slackError{Status: 200, Code: "invalid_auth"}, nhi.CodeUnauthorized},
		{&slackError{Status: 429, Code: "ratelimited"}, nhi.CodeRateLimited},
		{&slackError{Status: 200, Code: "not_allowed_token_type"}, nhi.CodeForbidden},
		{&slackError{Status: 503, Code: "Service Unavailable"}, nhi.CodeUnavailable},
		{&slackError{Status: 200, Code: "app_not_found"}, nhi.CodeNotFound},
		{&slackError{Status: 200, Code: "invalid_cursor"}, nhi.CodeInvalid},
		{errors.New("dial tcp: refused"), nhi.CodeUnavailable},
	}
	for _, tt := range tests {
		if got := nhi.ErrorCode(r.c.mapError(tt.err, "users")); got != tt.want {
			t.Errorf("mapError(%v) = %s, want %s", tt.err, got, tt.want)
		}
	}
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	good := Config{Name: "s", EnterpriseID: "E0123ABCD", AppID: "A0123ABCD", Token: "env:SLACK_TOKEN"}
	if errs := good.Validate(); len(errs) != 0 {
		t.Fatalf("good config: %v", errs)
	}
	bad := Config{TeamID: "T01", EnterpriseID: "E01", AppID: "x", Token: "xoxp-literal", APIURL: "http://slack.example.com/api/"}
	errs := bad.Validate()
	if len(errs) != 5 {
		t.Errorf("%d problems, want 5 (name, IDs, app, token, URL): %v", len(errs), errs)
	}
	for _, err := range errs {
		if strings.Contains(err.Error(), "xoxp-literal") {
			t.Errorf("problem %q reveals the literal token", err)
		}
	}
}

// TestThrottleGivesUp checks that a method throttled without end is waited out as
// Retry-After says, a bounded number of times, then fails with CodeRateLimited, reporting
// every throttled answer and wait.
func TestThrottleGivesUp(t *testing.T) {
	t.Parallel()
	r := newRig(t, slacksim.Options{}, "", connector.Env{})
	r.sim.InjectFault(slacksim.Fault{Method: "auth.teams.list", Status: 429, RetryAfter: 7e9})
	var waits []time.Duration
	r.c.sleep = func(ctx context.Context, d time.Duration) error { waits = append(waits, d); return ctx.Err() }
	rec := connectortest.NewRecorder()
	_, err := r.c.Discover(t.Context(), "", rec)
	if nhi.ErrorCode(err) != nhi.CodeRateLimited {
		t.Fatalf("Discover = %v, want rate limited", err)
	}
	if len(waits) != maxThrottled || waits[0] != 7*time.Second {
		t.Errorf("waited %d times (first %v), want %d times 7s", len(waits), waits[0], maxThrottled)
	}
	if n := rec.Count(connector.ProgressThrottled); n != maxThrottled+1 {
		t.Errorf("%d throttled progress events, want %d", n, maxThrottled+1)
	}
}

// TestServerErrorsRetried checks that a server error is retried and a transient one
// leaves no trace in the scan.
func TestServerErrorsRetried(t *testing.T) {
	t.Parallel()
	r := newRig(t, slacksim.Options{}, "", connector.Env{})
	r.sim.InjectFault(slacksim.Fault{Method: "admin.apps.approved.list", Status: 503, Times: maxFailures})
	r.c.sleep = func(ctx context.Context, _ time.Duration) error { return ctx.Err() }
	rec := connectortest.NewRecorder()
	if _, err := r.c.Discover(t.Context(), "", rec); err != nil || len(rec.Failures()) != 0 {
		t.Fatalf("Discover = %v, failures %v", err, rec.Failures())
	}
	if !rec.IsComplete(scopeApps) {
		t.Error("apps not completed after transient errors")
	}
}

// TestNewReadsEnvToken checks the token: env:NAME reference, and that an unset variable
// is a configuration error naming the variable, not the token.
func TestNewReadsEnvToken(t *testing.T) {
	t.Setenv("NHI_TEST_SLACK_TOKEN", "xoxp-1-2-3-envtoken")
	cfg := Config{Name: "s", EnterpriseID: "E0123ABCD", AppID: "A0123ABCD", Token: "env:NHI_TEST_SLACK_TOKEN"}
	c, err := New(cfg, connector.Env{})
	if err != nil || c.token != "xoxp-1-2-3-envtoken" || c.Info().Tenant != "E0123ABCD" || c.Info().Platform != nhi.PlatformSlack {
		t.Fatalf("New = %+v, %v", c, err)
	}
	cfg.Token = "env:NHI_TEST_SLACK_TOKEN_UNSET"
	if _, err := New(cfg, connector.Env{}); nhi.ErrorCode(err) != nhi.CodeInvalid || !strings.Contains(err.Error(), "NHI_TEST_SLACK_TOKEN_UNSET") {
		t.Errorf("New with an unset variable = %v", err)
	}
	cfg.Token = "xoxp-literal"
	if _, err := New(cfg, connector.Env{}); nhi.ErrorCode(err) != nhi.CodeInvalid || strings.Contains(err.Error(), "xoxp-literal") {
		t.Errorf("New with a literal token = %v", err)
	}
}
