package slacksim

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nhiscope/nhi/estate"
)

// start serves a simulator of a fresh estate.
func start(t *testing.T, o Options) (*Server, *httptest.Server, *estate.Estate) {
	t.Helper()
	e, err := estate.Generate(estate.Options{Seed: 1, People: 40})
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(e, o)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return s, ts, e
}

// answer is a decoded answer with its status and headers.
type answer struct {
	status int
	header http.Header
	body   map[string]any
}

// get calls a Web API method (or an audit path starting with /audit) with the token.
func get(t *testing.T, ts *httptest.Server, token, method string, params url.Values) answer {
	t.Helper()
	path := "/api/" + method
	if strings.HasPrefix(method, "/") {
		path = method
	}
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, ts.URL+path+"?"+params.Encode(), nil)
	return do(t, req, token)
}

// post calls a Web API method with a form body.
func post(t *testing.T, ts *httptest.Server, token, method string, params url.Values) answer {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, ts.URL+"/api/"+method, strings.NewReader(params.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return do(t, req, token)
}

func do(t *testing.T, req *http.Request, token string) answer {
	t.Helper()
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatalf("%s: %v", req.URL.Path, err)
	}
	return answer{resp.StatusCode, resp.Header, body}
}

func TestUsersListPagesToEmptyCursor(t *testing.T) {
	t.Parallel()
	_, ts, e := start(t, Options{MaxPageSize: 7})
	teams := get(t, ts, DefaultToken, "auth.teams.list", nil).body["teams"].([]any)
	if len(teams) != 2 || teams[1].(map[string]any)["id"] != e.Slack.Teams[1].ID {
		t.Fatalf("auth.teams.list = %v", teams)
	}
	var ids []string
	cursor, pages := "", 0
	for {
		a := get(t, ts, DefaultToken, "users.list", url.Values{"limit": {"500"}, "cursor": {cursor}, "team_id": {e.Slack.Teams[1].ID}})
		if a.body["ok"] != true {
			t.Fatalf("users.list = %v", a.body)
		}
		for _, m := range a.body["members"].([]any) {
			ids = append(ids, m.(map[string]any)["id"].(string))
		}
		pages++
		cursor = a.body["response_metadata"].(map[string]any)["next_cursor"].(string)
		if cursor == "" {
			break
		}
	}
	var want []string
	for _, u := range e.Slack.Users {
		if u.Team == 1 {
			want = append(want, u.ID)
		}
	}
	if diff := cmp.Diff(want, ids); diff != "" {
		t.Errorf("users (-want +got):\n%s", diff)
	}
	if wantPages := (len(want) + 6) / 7; pages != wantPages {
		t.Errorf("%d pages, want %d", pages, wantPages)
	}
}

func TestErrors(t *testing.T) {
	t.Parallel()
	_, ts, _ := start(t, Options{Scopes: []string{ScopeUsersRead}})
	ws, wts, _ := start(t, Options{Workspace: true})
	tests := []struct {
		name       string
		ts         *httptest.Server
		token      string
		method     string
		params     url.Values
		status     int
		want       string
		wantNeeded string
	}{
		{"no token", ts, "", "users.list", nil, 200, "not_authed", ""},
		{"bad token", ts, "xoxp-wrong", "users.list", nil, 200, "invalid_auth", ""},
		{"missing scope", ts, DefaultToken, "admin.apps.approved.list", url.Values{"enterprise_id": {"E1"}}, 200, "missing_scope", ScopeAdminAppsRead},
		{"bad cursor", ts, DefaultToken, "users.list", url.Values{"cursor": {"bm9wZQ=="}, "team_id": {ws.w.s.Teams[0].ID}}, 200, "invalid_cursor", ""},
		{"org token without team", ts, DefaultToken, "users.list", nil, 200, "missing_argument", ""},
		{"unknown method", ts, DefaultToken, "chat.postMessage", nil, 200, "unknown_method", ""},
		{"unknown bot", ts, DefaultToken, "bots.info", url.Values{"bot": {"B0NOPE"}}, 200, "bot_not_found", ""},
		{"workspace token admin", wts, ws.Token(), "admin.apps.approved.list", url.Values{"enterprise_id": {ws.EnterpriseID()}}, 200, "not_allowed_token_type", ""},
		{"workspace token audit", wts, ws.Token(), "/audit/v1/logs", nil, 403, "feature_not_enabled", ""},
		{"audit bad token", wts, "xoxp-wrong", "/audit/v1/logs", nil, 401, "invalid_auth", ""},
	}
	for _, tt := range tests {
		a := get(t, tt.ts, tt.token, tt.method, tt.params)
		if a.status != tt.status || a.body["ok"] != false || a.body["error"] != tt.want {
			t.Errorf("%s: %d %v, want %d error %s", tt.name, a.status, a.body, tt.status, tt.want)
		}
		if tt.wantNeeded != "" && a.body["needed"] != tt.wantNeeded {
			t.Errorf("%s: needed %v, want %s", tt.name, a.body["needed"], tt.wantNeeded)
		}
	}
}

func TestThrottled(t *testing.T) {
	t.Parallel()
	s, ts, _ := start(t, Options{Quota: 20})
	var last answer
	for range 4 {
		last = get(t, ts, DefaultToken, "auth.teams.list", nil)
	}
	if last.status != http.StatusTooManyRequests || last.body["error"] != "ratelimited" || last.header.Get("Retry-After") == "" {
		t.Fatalf("fourth call under quota 20/min = %d %v (Retry-After %q), want 429 ratelimited",
			last.status, last.body, last.header.Get("Retry-After"))
	}
	if other := get(t, ts, DefaultToken, "bots.info", url.Values{"bot": {"B0NOPE"}}); other.status != 200 {
		t.Errorf("another method was throttled too: %d", other.status)
	}
	if st := s.Stats(); st.Throttled != 2 || st.Mutations != 0 {
		t.Errorf("stats %+v, want 2 throttled, no mutations", st)
	}
}

func TestAppsListsPartitionInstalls(t *testing.T) {
	t.Parallel()
	s, ts, e := start(t, Options{})
	seen := map[string]int{}
	ent := url.Values{"enterprise_id": {s.EnterpriseID()}}
	lists := []url.Values{ent}
	for _, team := range e.Slack.Teams {
		lists = append(lists, url.Values{"team_id": {team.ID}})
	}
	for _, p := range lists {
		a := get(t, ts, DefaultToken, "admin.apps.approved.list", p)
		for _, row := range a.body["approved_apps"].([]any) {
			seen[row.(map[string]any)["app"].(map[string]any)["id"].(string)]++
		}
	}
	for _, app := range e.Slack.Apps {
		want := 0
		switch {
		case app.Status != estate.SlackApproved:
		case app.OrgWide:
			want = 1
		default:
			want = len(app.Teams)
		}
		if seen[app.ID] != want {
			t.Errorf("app %s (%s, org-wide %v) listed %d times, want %d", app.ID, app.Status, app.OrgWide, seen[app.ID], want)
		}
	}
	r := get(t, ts, DefaultToken, "admin.apps.requests.list", ent)
	reqs := r.body["app_requests"].([]any)
	if len(reqs) != len(e.Slack.Requests) {
		t.Fatalf("%d requests, want %d", len(reqs), len(e.Slack.Requests))
	}
	scope := reqs[0].(map[string]any)["scopes"].([]any)[0].(map[string]any)
	if _, ok := scope["is_sensitive"].(bool); !ok {
		t.Errorf("request scope %v lacks is_sensitive", scope)
	}
}

func TestUninstallAndIgnoredChange(t *testing.T) {
	t.Parallel()
	s, ts, e := start(t, Options{})
	var org, ws estate.SlackApp
	for _, a := range e.Slack.Apps {
		if a.Status == estate.SlackApproved && a.OrgWide && org.ID == "" {
			org = a
		} else if a.Status == estate.SlackApproved && !a.OrgWide && ws.ID == "" {
			ws = a
		}
	}
	team := e.Slack.Teams[ws.Teams[0]].ID
	if a := post(t, ts, DefaultToken, "admin.apps.uninstall", url.Values{"app_id": {org.ID}, "team_ids": {team}}); a.body["error"] != "must_revoke_access" {
		t.Errorf("org-wide app uninstalled by team: %v", a.body)
	}
	s.InjectFault(Fault{Method: "admin.apps.uninstall", Ignore: true, Times: 1})
	if a := post(t, ts, DefaultToken, "admin.apps.uninstall", url.Values{"app_id": {org.ID}, "enterprise_id": {s.EnterpriseID()}}); a.body["ok"] != true || !s.Installed(org.ID) {
		t.Errorf("ignored uninstall = %v, installed %v; want ok and still installed", a.body, s.Installed(org.ID))
	}
	if a := post(t, ts, DefaultToken, "admin.apps.uninstall", url.Values{"app_id": {org.ID}, "enterprise_id": {s.EnterpriseID()}}); a.body["ok"] != true || s.Installed(org.ID) {
		t.Errorf("uninstall = %v, installed %v", a.body, s.Installed(org.ID))
	}
	if a := post(t, ts, DefaultToken, "admin.apps.uninstall", url.Values{"app_id": {org.ID}, "enterprise_id": {s.EnterpriseID()}}); a.body["error"] != "app_not_found" {
		t.Errorf("second uninstall = %v, want app_not_found", a.body)
	}
	if a := post(t, ts, DefaultToken, "admin.apps.restrict", url.Values{"app_id": {ws.ID}, "enterprise_id": {s.EnterpriseID()}}); a.body["ok"] != true || !s.Restricted(ws.ID) || s.Installed(ws.ID) {
		t.Errorf("restrict = %v; restricted %v, installed %v", a.body, s.Restricted(ws.ID), s.Installed(ws.ID))
	}
	logs := get(t, ts, DefaultToken, "team.integrationLogs", url.Values{"team_id": {e.Slack.Teams[0].ID}, "app_id": {org.ID}})
	if first := logs.body["logs"].([]any)[0].(map[string]any); first["change_type"] != "removed" {
		t.Errorf("newest log entry of the uninstalled app = %v, want removed", first)
	}
	acts := s.AuditActions()
	if got := acts[len(acts)-2:]; !cmp.Equal(got, []string{"app_uninstalled", "app_restricted"}) {
		t.Errorf("last audit actions %v", got)
	}
	if st := s.Stats(); st.Mutations != 5 {
		t.Errorf("%d mutations counted, want 5", st.Mutations)
	}
}

func TestOwnAppUninstallChecksSecret(t *testing.T) {
	t.Parallel()
	s, ts, e := start(t, Options{})
	var app estate.SlackApp
	for _, a := range e.Slack.Apps {
		if a.Internal && a.Status == estate.SlackApproved {
			app = a
		}
	}
	if a := post(t, ts, DefaultToken, "apps.uninstall", url.Values{"client_id": {app.ClientID}, "client_secret": {"nope"}}); a.body["error"] != "bad_client_secret" {
		t.Errorf("wrong secret: %v", a.body)
	}
	if a := post(t, ts, DefaultToken, "apps.uninstall", url.Values{"client_id": {app.ClientID}, "client_secret": {s.ClientSecret(app.ClientID)}}); a.body["ok"] != true || s.Installed(app.ID) {
		t.Errorf("apps.uninstall = %v, installed %v", a.body, s.Installed(app.ID))
	}
}

func TestAuditLogFiltersAndPages(t *testing.T) {
	t.Parallel()
	_, ts, e := start(t, Options{MaxPageSize: 3})
	var n int
	cursor := ""
	for {
		a := get(t, ts, DefaultToken, "/audit/v1/logs", url.Values{"action": {"app_installed,app_restricted"}, "cursor": {cursor}})
		for _, en := range a.body["entries"].([]any) {
			if act := en.(map[string]any)["action"]; act != "app_installed" && act != "app_restricted" {
				t.Errorf("filtered entry has action %v", act)
			}
			n++
		}
		if cursor = a.body["response_metadata"].(map[string]any)["next_cursor"].(string); cursor == "" {
			break
		}
	}
	want := 0
	for _, a := range e.Slack.Audits {
		if a.Action == "app_installed" || a.Action == "app_restricted" {
			want++
		}
	}
	if n != want || want == 0 {
		t.Errorf("%d entries, want %d (non-zero)", n, want)
	}
}

func TestFaultTimesAndValidation(t *testing.T) {
	t.Parallel()
	s, ts, _ := start(t, Options{})
	s.InjectFault(Fault{Method: "users.list", Status: 503, Times: 1, RetryAfter: 2e9})
	if a := get(t, ts, DefaultToken, "users.list", nil); a.status != 503 || a.header.Get("Retry-After") != "2" {
		t.Errorf("fault answer %d %q", a.status, a.header.Get("Retry-After"))
	}
	if a := get(t, ts, DefaultToken, "users.list", nil); a.status != 200 {
		t.Errorf("fault outlived Times: %d", a.status)
	}
	if _, err := New(nil, Options{}); err == nil {
		t.Error("New(nil) succeeded")
	}
	e, _ := estate.Generate(estate.Options{Seed: 1, People: 10})
	if _, err := New(e, Options{Quota: -1, Scopes: []string{"chat:write"}}); err == nil || !strings.Contains(err.Error(), "chat:write") {
		t.Errorf("bad options: %v", err)
	}
}

// TestTiers checks Slack's per-method tiers: apps.uninstall (Tier 1) allows one call a
// minute, users.list (Tier 2) a burst of two, each method on its own.
func TestTiers(t *testing.T) {
	t.Parallel()
	_, ts, e := start(t, Options{Tiers: true})
	p := url.Values{"client_id": {"1.2"}, "client_secret": {"x"}}
	if a := post(t, ts, DefaultToken, "apps.uninstall", p); a.status != 200 {
		t.Fatalf("first apps.uninstall throttled: %d", a.status)
	}
	a := post(t, ts, DefaultToken, "apps.uninstall", p)
	if a.status != 429 || a.header.Get("Retry-After") != "60" {
		t.Errorf("second apps.uninstall = %d, Retry-After %q; want 429 after 60s", a.status, a.header.Get("Retry-After"))
	}
	team := url.Values{"team_id": {e.Slack.Teams[0].ID}}
	for i, want := range []int{200, 200, 429} {
		if got := get(t, ts, DefaultToken, "users.list", team).status; got != want {
			t.Errorf("users.list call %d = %d, want %d", i+1, got, want)
		}
	}
}

// TestFaultMatchesMethodExactly checks that a fault on admin.apps.restrict leaves
// admin.apps.restricted.list alone, and that a path fault matches by prefix.
func TestFaultMatchesMethodExactly(t *testing.T) {
	t.Parallel()
	s, ts, _ := start(t, Options{})
	s.InjectFault(Fault{Method: "admin.apps.restrict"})
	s.InjectFault(Fault{Method: "/audit/v1/", Status: 503})
	if a := get(t, ts, DefaultToken, "admin.apps.restricted.list", url.Values{"enterprise_id": {s.EnterpriseID()}}); a.status != 200 {
		t.Errorf("restricted.list hit the restrict fault: %d %v", a.status, a.body)
	}
	if a := post(t, ts, DefaultToken, "admin.apps.restrict", nil); a.status != 500 {
		t.Errorf("restrict = %d, want the fault's 500", a.status)
	}
	if a := get(t, ts, DefaultToken, "/audit/v1/logs", nil); a.status != 503 {
		t.Errorf("audit logs = %d, want the fault's 503", a.status)
	}
}
