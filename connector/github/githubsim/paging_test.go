package githubsim

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestPaging checks per_page, page and the Link header on a list.
func TestPaging(t *testing.T) {
	t.Parallel()
	h := newHarness(t, bigEstate(45), Options{})
	tok := h.token(orgMain)
	a := h.get("/orgs/acme/members?per_page=20", tok)
	want := `<http://example.com/orgs/acme/members?page=2&per_page=20>; rel="next", ` +
		`<http://example.com/orgs/acme/members?page=3&per_page=20>; rel="last"`
	if got := a.header.Get("Link"); got != want {
		t.Errorf("first page Link:\n got %s\nwant %s", got, want)
	}
	a = h.get("/orgs/acme/members?per_page=20&page=3", tok)
	var last []map[string]any
	a.json(t, &last)
	if len(last) != 8 || next(a.header) != "" || !strings.Contains(a.header.Get("Link"), `rel="first"`) {
		t.Errorf("last page: %d items, Link %q", len(last), a.header.Get("Link"))
	}
	all, pages := h.walk("/orgs/acme/members?per_page=7", tok)
	if len(all) != 48 || pages != 7 {
		t.Errorf("walk: %d members in %d pages, want 48 in 7", len(all), pages)
	}
	seen := map[string]bool{}
	for _, m := range all {
		seen[m["login"].(string)] = true
	}
	if len(seen) != 48 {
		t.Errorf("walk listed %d distinct members, want 48", len(seen))
	}
	for _, tc := range []struct {
		query string
		n     int
	}{{"", 30}, {"?per_page=500", 48}, {"?per_page=x", 30}, {"?page=99", 0}, {"?per_page=10&page=5", 8}} {
		var items []map[string]any
		h.get("/orgs/acme/members"+tc.query, tok).json(t, &items)
		if len(items) != tc.n {
			t.Errorf("members%s: %d items, want %d", tc.query, len(items), tc.n)
		}
	}
	small := newHarness(t, nil, Options{MaxPageSize: 2})
	var items []map[string]any
	a = small.get("/orgs/acme/members?per_page=50", small.s.OwnerToken())
	a.json(t, &items)
	if len(items) != 2 || next(a.header) == "" {
		t.Errorf("MaxPageSize 2: %d items, next %q", len(items), next(a.header))
	}
	if a := small.get("/orgs/acme/hooks", small.s.OwnerToken()); a.header.Get("Link") != "" {
		t.Errorf("a one-page list has Link %q", a.header.Get("Link"))
	}
}

// TestMembersRole checks the role filter.
func TestMembersRole(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil, Options{})
	tok := h.token(orgMain)
	logins := func(q string) []string {
		var items []struct{ Login string }
		h.get("/orgs/acme/members"+q, tok).json(t, &items)
		var out []string
		for _, i := range items {
			out = append(out, i.Login)
		}
		return out
	}
	if diff := cmp.Diff([]string{"ada"}, logins("?role=admin")); diff != "" {
		t.Errorf("admins (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"bob", "acme-ci"}, logins("?role=member")); diff != "" {
		t.Errorf("members (-want +got):\n%s", diff)
	}
	if a := h.get("/orgs/acme/members?role=owner", tok); a.status != 422 {
		t.Errorf("role=owner: %d, want 422", a.status)
	}
}

// TestWireShapes checks field names and types of each list against GitHub's.
func TestWireShapes(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil, Options{})
	tok, owner := h.token(orgMain), h.s.OwnerToken()
	var inst struct {
		Total         int              `json:"total_count"`
		Installations []map[string]any `json:"installations"`
	}
	h.get("/orgs/acme/installations", tok).json(t, &inst)
	if inst.Total != 2 || len(inst.Installations) != 2 {
		t.Fatalf("installations: %+v", inst)
	}
	codecov := inst.Installations[0]
	for k, want := range map[string]any{"id": float64(instCodecov), "client_id": "Iv1.codecov0001", "app_slug": "codecov",
		"repository_selection": "all", "suspended_at": nil, "suspended_by": nil, "created_at": days(600).Format(time.RFC3339)} {
		if got, ok := codecov[k]; !ok || fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("installation %s = %v, want %v", k, got, want)
		}
	}
	var pats []map[string]any
	h.get("/orgs/acme/personal-access-tokens?direction=asc", tok).json(t, &pats)
	if len(pats) != 2 || pats[0]["id"] != float64(patCy) || pats[0]["token_expired"] != true || pats[1]["token_expires_at"] != nil ||
		pats[0]["token_last_used_at"] != nil || pats[1]["token_name"] != "deploy <script>" {
		t.Errorf("tokens: %v", pats)
	}
	var creds []map[string]any
	h.get("/orgs/acme/credential-authorizations", owner).json(t, &creds)
	if len(creds) != 3 || creds[0]["authorized_credential_expires_at"] != nil || creds[1]["fingerprint"] == nil ||
		creds[1]["scopes"] != nil || creds[2]["application_name"] != "Travis CI" || creds[1]["credential_accessed_at"] != nil {
		t.Errorf("credentials: %v", creds)
	}
	var keys []map[string]any
	h.get("/repos/acme/api/keys", tok).json(t, &keys)
	if len(keys) != 1 || keys[0]["added_by"] != "cy" || keys[0]["last_used"] != nil || keys[0]["read_only"] != false {
		t.Errorf("keys: %v", keys)
	}
	var hooks []map[string]any
	h.get("/orgs/acme/hooks", tok).json(t, &hooks)
	cfg, _ := hooks[0]["config"].(map[string]any)
	if len(hooks) != 1 || cfg["secret"] != "********" || cfg["insecure_ssl"] != "0" || cfg["url"] != "https://hooks.slack.com/services/T0/B0/secret" {
		t.Errorf("hooks: %v", hooks)
	}
	var secrets struct {
		Total   int              `json:"total_count"`
		Secrets []map[string]any `json:"secrets"`
	}
	h.get("/orgs/acme/actions/secrets", tok).json(t, &secrets)
	if secrets.Total != 2 || secrets.Secrets[0]["visibility"] != "selected" || secrets.Secrets[0]["selected_repositories_url"] == nil {
		t.Errorf("org secrets: %+v", secrets)
	}
	secrets.Secrets = nil
	h.get("/repos/acme/api/actions/secrets", tok).json(t, &secrets)
	if secrets.Total != 1 || secrets.Secrets[0]["name"] != "DEPLOY_KEY" || secrets.Secrets[0]["visibility"] != nil {
		t.Errorf("repo secrets: %+v", secrets)
	}
}

// TestFilters checks the token list's filters and the selected-repositories
// installation's reach.
func TestFilters(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil, Options{})
	tok := h.token(orgMain)
	ids := func(q string) []float64 {
		var items []map[string]any
		a := h.get("/orgs/acme/personal-access-tokens"+q, tok)
		if a.status != http.StatusOK {
			t.Fatalf("%s: %d %s", q, a.status, a.body)
		}
		a.json(t, &items)
		var out []float64
		for _, i := range items {
			out = append(out, i["id"].(float64))
		}
		return out
	}
	for _, tc := range []struct {
		q    string
		want []float64
	}{
		{"", []float64{patBob, patCy}},
		{"?direction=asc", []float64{patCy, patBob}},
		{"?owner[]=BOB", []float64{patBob}},
		{"?token_id[]=15002", []float64{patCy}},
		{"?token_id[]=15002&token_id[]=15001", []float64{patBob, patCy}},
		{"?last_used_before=" + days(1).Format(time.RFC3339), []float64{patBob}},
		{"?last_used_after=" + days(1).Format(time.RFC3339), nil},
		{"?repository=api", []float64{patBob, patCy}},
		{"?repository=web", []float64{patBob}},
		{"?permission=administration", []float64{patCy}},
		{"?permission=members&repository=api", []float64{patBob}},
	} {
		if diff := cmp.Diff(tc.want, ids(tc.q)); diff != "" {
			t.Errorf("tokens%s (-want +got):\n%s", tc.q, diff)
		}
	}
	for _, q := range []string{"?token_id[]=x", "?direction=up", "?last_used_before=yesterday", "?sort=name", "?repository=tools"} {
		if a := h.get("/orgs/acme/personal-access-tokens"+q, tok); a.status != 422 {
			t.Errorf("tokens%s: %d, want 422", q, a.status)
		}
	}
	var repos []map[string]any
	h.get("/orgs/acme/personal-access-tokens/5002/repositories", tok).json(t, &repos)
	if len(repos) != 1 || repos[0]["full_name"] != "acme/api" {
		t.Errorf("token repositories: %v", repos)
	}
	var creds []map[string]any
	h.get("/orgs/acme/credential-authorizations?login=Bob", h.s.OwnerToken()).json(t, &creds)
	if len(creds) != 2 {
		t.Errorf("credentials of bob: %d, want 2", len(creds))
	}
}

// TestRepos checks the repository list: its type filter, and the reach of an
// installation of selected repositories.
func TestRepos(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil, Options{})
	names := func(org, q, cred string) []string {
		var items []struct{ Name string }
		h.get("/orgs/"+org+"/repos"+q, cred).json(t, &items)
		var out []string
		for _, i := range items {
			out = append(out, i.Name)
		}
		return out
	}
	owner := h.s.OwnerToken()
	for _, tc := range []struct {
		q    string
		want []string
	}{{"", []string{"api", "web", "infra"}}, {"?type=private", []string{"api", "infra"}}, {"?type=public", []string{"web"}}, {"?type=forks", nil}} {
		if diff := cmp.Diff(tc.want, names(orgMain, tc.q, owner)); diff != "" {
			t.Errorf("repos%s (-want +got):\n%s", tc.q, diff)
		}
	}
	if a := h.get("/orgs/acme/repos?type=mine", owner); a.status != 422 {
		t.Errorf("type=mine: %d, want 422", a.status)
	}
	// nhi's installation reaches every repository; narrow it to see the selection rule
	// through the estate's selected-repositories installation's data instead.
	h.s.w.mu.Lock()
	own := h.s.w.ownInstall(1)
	own.in.All, own.in.Repos = false, []int32{3}
	h.s.w.mu.Unlock()
	labs := h.token(orgLabs)
	if diff := cmp.Diff([]string{"tools"}, names(orgLabs, "", labs)); diff != "" {
		t.Errorf("selected repositories (-want +got):\n%s", diff)
	}
	if a := h.get("/repos/acme-labs/sandbox/keys", labs); a.status != 404 {
		t.Errorf("keys of an unselected repository: %d, want 404", a.status)
	}
	if a := h.get("/repos/acme-labs/tools/keys", labs); a.status != 200 {
		t.Errorf("keys of a selected repository: %d, want 200", a.status)
	}
}
