package githubsim

import (
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestFaults checks error faults: prefix match, method, Times, After, RetryAfter.
func TestFaults(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil, Options{})
	owner := h.s.OwnerToken()
	h.s.InjectFault(Fault{Method: "GET", Path: "/orgs/acme/hooks", Status: 503, Times: 2, After: 1})
	h.s.InjectFault(Fault{Path: "/orgs/acme/members", Status: 429, RetryAfter: 3, Times: 1})
	var got []int
	for range 4 {
		got = append(got, h.get("/orgs/acme/hooks/9001", owner).status)
	}
	if diff := cmp.Diff([]int{200, 503, 503, 200}, got); diff != "" {
		t.Errorf("hook statuses (-want +got):\n%s", diff)
	}
	a := h.get("/orgs/acme/members", owner)
	if a.status != 429 || a.header.Get("retry-after") != "3" || a.message() == "" {
		t.Errorf("429 fault: %d %v %s", a.status, a.header, a.body)
	}
	if a := h.get("/orgs/acme/members", owner); a.status != 200 {
		t.Errorf("after the fault's Times: %d", a.status)
	}
	h.s.InjectFault(Fault{Method: "DELETE"})
	if a := h.get("/orgs/acme", owner); a.status != 200 {
		t.Errorf("GET under a DELETE fault: %d", a.status)
	}
	if a := h.do(http.MethodDelete, "/orgs/acme/credential-authorizations/7001", owner, nil); a.status != 500 || a.message() != "Server Error" {
		t.Errorf("DELETE under fault: %d %s", a.status, a.body)
	}
	if !h.s.HasCredential(orgMain, credPAT) {
		t.Error("a failed DELETE changed state")
	}
	h.s.ClearFaults()
	if a := h.do(http.MethodDelete, "/orgs/acme/credential-authorizations/7001", owner, nil); a.status != 204 {
		t.Errorf("after ClearFaults: %d", a.status)
	}
}

// TestIgnoreFault checks that an Ignore fault answers success and changes nothing,
// after authentication and the target's lookup, for each kind of change.
func TestIgnoreFault(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil, Options{})
	tok, owner := h.token(orgMain), h.s.OwnerToken()
	own, _ := h.s.InstallationID(orgMain)
	h.s.InjectFault(Fault{Ignore: true})
	n := len(h.s.Audits(orgMain))
	for _, tc := range []struct {
		method, path, cred string
		body               any
		status             int
	}{
		{"DELETE", "/repos/acme/api/keys/8001", tok, nil, 204},
		{"DELETE", "/repos/acme/api/keys/1", tok, nil, 404},
		{"DELETE", "/repos/acme/api/keys/8001", "", nil, 401},
		{"POST", "/orgs/acme/personal-access-tokens/5001", tok, map[string]any{"action": "revoke"}, 204},
		{"POST", "/orgs/acme/personal-access-tokens", tok, map[string]any{"action": "revoke", "pat_ids": []int{patCy}}, 202},
		{"POST", "/orgs/acme/personal-access-token-requests/6001", tok, map[string]any{"action": "deny"}, 204},
		{"DELETE", "/orgs/acme/credential-authorizations/7001", owner, nil, 204},
		{"PATCH", "/orgs/acme/hooks/9001", tok, map[string]any{"active": false}, 200},
		{"PUT", "/app/installations/" + itoa(own) + "/suspended", h.jwt(), nil, 204},
	} {
		a := h.do(tc.method, tc.path, tc.cred, tc.body)
		if a.status != tc.status {
			t.Errorf("%s %s: %d %s, want %d", tc.method, tc.path, a.status, a.body, tc.status)
		}
		if tc.method == "PATCH" {
			var got map[string]any
			a.json(t, &got)
			if got["active"] != false {
				t.Errorf("ignored PATCH answered %v, want the hook as asked", got)
			}
		}
	}
	susp, _ := h.s.InstallationSuspended(orgMain, own)
	active, _ := h.s.HookActive(orgMain, hookSlack)
	if !h.s.HasDeployKey(orgMain, "api", keyAPI) || !h.s.HasToken(orgMain, patBob) || !h.s.HasToken(orgMain, patCy) ||
		!h.s.HasRequest(orgMain, reqBob) || !h.s.HasCredential(orgMain, credPAT) || !active || susp {
		t.Error("an ignored change changed state")
	}
	if len(h.s.Audits(orgMain)) != n {
		t.Error("an ignored change was audited")
	}
	if a := h.get("/repos/acme/api/keys/8001", tok); a.status != 200 {
		t.Errorf("GET under an Ignore fault: %d", a.status)
	}
}

// TestRequestLog checks the log's entries and the credential kinds it names.
func TestRequestLog(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil, Options{MaxRequestLog: 4})
	tok := h.token(orgMain)
	h.s.ResetRequests()
	h.get("/orgs/acme/members?per_page=1", tok)
	h.get("/orgs/acme/audit-log", h.s.OwnerToken())
	h.get("/app", h.jwt())
	h.get("/orgs/acme", "")
	want := []Request{
		{Method: "GET", Path: "/orgs/acme/members", Query: "per_page=1", Status: 200, Token: "installation"},
		{Method: "GET", Path: "/orgs/acme/audit-log", Status: 200, Token: "owner-pat"},
		{Method: "GET", Path: "/app", Status: 200, Token: "app-jwt"},
		{Method: "GET", Path: "/orgs/acme", Status: 401},
	}
	if diff := cmp.Diff(want, h.s.Requests()); diff != "" {
		t.Errorf("log (-want +got):\n%s", diff)
	}
	h.get("/orgs/acme", "")
	if got := h.s.Requests(); len(got) != 3 {
		t.Errorf("log capped at 4 holds %d after a fifth request, want 3 (the older half dropped)", len(got))
	}
	for _, tc := range []struct {
		r    Request
		want bool
	}{
		{Request{Method: "GET", Path: "/orgs/acme/hooks"}, false},
		{Request{Method: "POST", Path: "/graphql"}, false},
		{Request{Method: "POST", Path: "/app/installations/1/access_tokens"}, false},
		{Request{Method: "PATCH", Path: "/orgs/acme/hooks/1"}, true},
		{Request{Method: "DELETE", Path: "/repos/a/b/keys/1"}, true},
	} {
		if got := tc.r.Mutation(); got != tc.want {
			t.Errorf("%+v.Mutation() = %v, want %v", tc.r, got, tc.want)
		}
	}
}
