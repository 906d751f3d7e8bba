package githubsim

import (
	"net/http"
	"slices"
	"testing"
)

// lastAction returns the action and actor of org's newest audit event.
func lastAction(h *harness, org string) (string, any) {
	a := h.s.Audits(org)
	if len(a) == 0 {
		return "", nil
	}
	e := a[len(a)-1]
	if e.Actor >= 0 {
		return e.Action, e.Actor
	}
	return e.Action, e.Fields["actor"]
}

// TestRevokeTokens checks single and bulk revocation of fine-grained token grants.
func TestRevokeTokens(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil, Options{})
	tok := h.token(orgMain)
	revoke := map[string]any{"action": "revoke"}
	for _, tc := range []struct {
		path   string
		body   any
		status int
	}{
		{"/orgs/acme/personal-access-tokens/5001", map[string]any{"action": "delete"}, 422},
		{"/orgs/acme/personal-access-tokens/5003", revoke, 404}, // acme-labs' grant
		{"/orgs/acme/personal-access-tokens/1", revoke, 404},
		{"/orgs/acme/personal-access-tokens/5001", revoke, 204},
		{"/orgs/acme/personal-access-tokens/5001", revoke, 404},
	} {
		if a := h.do(http.MethodPost, tc.path, tok, tc.body); a.status != tc.status {
			t.Errorf("POST %s %v: %d %s, want %d", tc.path, tc.body, a.status, a.body, tc.status)
		}
	}
	if h.s.HasToken(orgMain, patBob) || !h.s.HasToken(orgMain, patCy) {
		t.Error("HasToken after revoking 5001")
	}
	if action, actor := lastAction(h, orgMain); action != "personal_access_token.access_revoked" || actor != ownBot {
		t.Errorf("last event %s by %v", action, actor)
	}
	var left []map[string]any
	h.get("/orgs/acme/personal-access-tokens", tok).json(t, &left)
	if len(left) != 1 || left[0]["id"] != float64(patCy) {
		t.Errorf("tokens after revoke: %v", left)
	}
	if a := h.do(http.MethodPost, "/orgs/acme/personal-access-tokens", tok, map[string]any{"action": "revoke", "pat_ids": []int64{patCy, 1}}); a.status != 422 {
		t.Errorf("bulk with an unknown ID: %d", a.status)
	}
	if !h.s.HasToken(orgMain, patCy) {
		t.Error("a refused bulk revoke changed something")
	}
	if a := h.do(http.MethodPost, "/orgs/acme/personal-access-tokens", tok, map[string]any{"action": "revoke", "pat_ids": []int64{patCy}}); a.status != 202 {
		t.Errorf("bulk: %d %s", a.status, a.body)
	}
	if h.s.HasToken(orgMain, patCy) {
		t.Error("bulk revoke left the grant")
	}
}

// TestReviewRequests checks denying and approving pending requests.
func TestReviewRequests(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil, Options{})
	tok := h.token(orgMain)
	path := "/orgs/acme/personal-access-token-requests/6001"
	if a := h.do(http.MethodPost, path, tok, map[string]any{"action": "ignore"}); a.status != 422 {
		t.Errorf("bad action: %d", a.status)
	}
	if a := h.do(http.MethodPost, path, tok, map[string]any{"action": "deny", "reason": "too broad"}); a.status != 204 {
		t.Fatalf("deny: %d %s", a.status, a.body)
	}
	if h.s.HasRequest(orgMain, reqBob) {
		t.Error("HasRequest after deny")
	}
	if action, _ := lastAction(h, orgMain); action != "personal_access_token.request_denied" {
		t.Errorf("last event %s", action)
	}
	if a := h.do(http.MethodPost, path, tok, map[string]any{"action": "deny"}); a.status != 404 {
		t.Errorf("deny twice: %d", a.status)
	}

	h2 := newHarness(t, nil, Options{})
	tok = h2.token(orgMain)
	a := h2.do(http.MethodPost, "/orgs/acme/personal-access-token-requests", tok, map[string]any{"action": "approve", "pat_request_ids": []int64{reqBob}})
	if a.status != 202 || h2.s.HasRequest(orgMain, reqBob) {
		t.Fatalf("bulk approve: %d %s", a.status, a.body)
	}
	var grants []map[string]any
	h2.get("/orgs/acme/personal-access-tokens?token_id[]=16001", tok).json(t, &grants)
	if len(grants) != 1 || grants[0]["token_name"] != "wants admin" {
		t.Errorf("approved request's grant: %v", grants)
	}
	if action, _ := lastAction(h2, orgMain); action != "personal_access_token.access_granted" {
		t.Errorf("last event %s", action)
	}
}

// TestDeleteCredentialAndKey checks deleting a credential authorization and a deploy key.
func TestDeleteCredentialAndKey(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil, Options{})
	owner, tok := h.s.OwnerToken(), h.token(orgMain)
	if a := h.do(http.MethodDelete, "/orgs/acme/credential-authorizations/7002", tok, nil); a.status != 403 {
		t.Errorf("installation deletes a credential: %d", a.status)
	}
	if a := h.do(http.MethodDelete, "/orgs/acme-labs/credential-authorizations/7002", owner, nil); a.status != 404 {
		t.Errorf("credential of another org: %d", a.status)
	}
	if a := h.do(http.MethodDelete, "/orgs/acme/credential-authorizations/7002", owner, nil); a.status != 204 {
		t.Fatalf("delete credential: %d %s", a.status, a.body)
	}
	if h.s.HasCredential(orgMain, credSSH) || !h.s.HasCredential(orgMain, credPAT) {
		t.Error("HasCredential after delete")
	}
	audits := h.s.Audits(orgMain)
	last := audits[len(audits)-1]
	if last.Action != "org_credential_authorization.revoke" || last.Actor != userAda || last.User != userBob {
		t.Errorf("last event %+v", last)
	}
	var creds []map[string]any
	h.get("/orgs/acme/credential-authorizations", owner).json(t, &creds)
	if len(creds) != 2 {
		t.Errorf("%d credentials left, want 2", len(creds))
	}

	if a := h.do(http.MethodDelete, "/repos/acme/web/keys/8001", tok, nil); a.status != 404 {
		t.Errorf("key of another repo: %d", a.status)
	}
	if a := h.do(http.MethodDelete, "/repos/acme/api/keys/8001", tok, nil); a.status != 204 {
		t.Fatalf("delete key: %d %s", a.status, a.body)
	}
	if h.s.HasDeployKey(orgMain, "api", keyAPI) {
		t.Error("HasDeployKey after delete")
	}
	if a := h.get("/repos/acme/api/keys/8001", tok); a.status != 404 {
		t.Errorf("GET deleted key: %d", a.status)
	}
	if a := h.get("/repos/acme/web/keys/8002", tok); a.status != 200 {
		t.Errorf("GET other key: %d", a.status)
	}
	audits = h.s.Audits(orgMain)
	last = audits[len(audits)-1]
	if last.Action != "public_key.delete" || last.Fields["key_id"] != int64(keyAPI) || last.Fields["repo"] != "acme/api" ||
		last.Fields["fingerprint"] != fingerprintOf(fakeKey(1)) || last.Fields["actor"] != ownBot {
		t.Errorf("last event %+v", last)
	}
}

// TestPatchHook checks deactivating a hook and changing its events.
func TestPatchHook(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil, Options{})
	tok := h.token(orgMain)
	a := h.do(http.MethodPatch, "/orgs/acme/hooks/9001", tok, map[string]any{"active": false, "id": 1, "config": map[string]any{"url": "x"}})
	var got map[string]any
	a.json(t, &got)
	if a.status != 200 || got["active"] != false {
		t.Fatalf("PATCH: %d %s", a.status, a.body)
	}
	if active, ok := h.s.HookActive(orgMain, hookSlack); !ok || active {
		t.Errorf("HookActive = %v, %v", active, ok)
	}
	h.get("/orgs/acme/hooks/9001", tok).json(t, &got)
	if got["active"] != false || got["config"].(map[string]any)["url"] != "https://hooks.slack.com/services/T0/B0/secret" {
		t.Errorf("GET after PATCH: %v", got)
	}
	if action, _ := lastAction(h, orgMain); action != "hook.active_changed" {
		t.Errorf("last event %s", action)
	}
	n := len(h.s.Audits(orgMain))
	h.do(http.MethodPatch, "/orgs/acme/hooks/9001", tok, map[string]any{"active": false})
	if len(h.s.Audits(orgMain)) != n {
		t.Error("a PATCH that changed nothing was audited")
	}
	a = h.do(http.MethodPatch, "/orgs/acme/hooks/9001", tok, map[string]any{"events": []string{"push", "release"}})
	a.json(t, &got)
	if a.status != 200 || len(got["events"].([]any)) != 2 {
		t.Errorf("PATCH events: %d %s", a.status, a.body)
	}
	if action, _ := lastAction(h, orgMain); action != "hook.events_changed" {
		t.Errorf("last event %s", action)
	}
	for _, tc := range []struct {
		path string
		body any
		want int
	}{
		{"/orgs/acme/hooks/9002", map[string]any{"active": false}, 404},
		{"/orgs/acme/hooks/9001", map[string]any{"events": []string{}}, 422},
		{"/orgs/acme/hooks/9001", "not an object", 400},
	} {
		if a := h.do(http.MethodPatch, tc.path, tok, tc.body); a.status != tc.want {
			t.Errorf("PATCH %s %v: %d, want %d", tc.path, tc.body, a.status, tc.want)
		}
	}
}

// TestInstallationChanges checks suspending, unsuspending and deleting nhi's own
// installation with its JWT, and the refusal for other apps'.
func TestInstallationChanges(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil, Options{})
	tok := h.token(orgMain)
	own, _ := h.s.InstallationID(orgMain)
	base := "/app/installations/"
	if a := h.do(http.MethodPut, base+itoa(instCodecov)+"/suspended", h.jwt(), nil); a.status != 403 {
		t.Errorf("suspend another app's installation: %d", a.status)
	}
	if a := h.do(http.MethodPut, base+itoa(own)+"/suspended", tok, nil); a.status != 401 {
		t.Errorf("suspend with an installation token: %d", a.status)
	}
	if a := h.do(http.MethodPut, base+itoa(own)+"/suspended", h.jwt(), nil); a.status != 204 {
		t.Fatalf("suspend: %d %s", a.status, a.body)
	}
	if s, ok := h.s.InstallationSuspended(orgMain, own); !s || !ok {
		t.Errorf("InstallationSuspended = %v, %v", s, ok)
	}
	if a := h.get("/orgs/acme/members", tok); a.status != 403 || a.message() != "This installation has been suspended" {
		t.Errorf("suspended installation's token: %d %s", a.status, a.body)
	}
	if a := h.do(http.MethodPost, base+itoa(own)+"/access_tokens", h.jwt(), nil); a.status != 403 {
		t.Errorf("mint for a suspended installation: %d", a.status)
	}
	if action, actor := lastAction(h, orgMain); action != "integration_installation.suspend" || actor != ownBot {
		t.Errorf("last event %s by %v", action, actor)
	}
	if a := h.do(http.MethodDelete, base+itoa(own)+"/suspended", h.jwt(), nil); a.status != 204 {
		t.Fatalf("unsuspend: %d", a.status)
	}
	if a := h.get("/orgs/acme/members", tok); a.status != 200 {
		t.Errorf("unsuspended installation's token: %d", a.status)
	}
	if s, ok := h.s.InstallationSuspended(orgMain, instCodecov); s || !ok {
		t.Errorf("codecov suspended = %v, %v", s, ok)
	}
	if a := h.do(http.MethodDelete, base+itoa(own), h.jwt(), nil); a.status != 204 {
		t.Fatalf("uninstall: %d", a.status)
	}
	if _, ok := h.s.InstallationID(orgMain); ok {
		t.Error("InstallationID after uninstall")
	}
	if a := h.get("/orgs/acme/installation", h.jwt()); a.status != 404 {
		t.Errorf("GET /orgs/acme/installation after uninstall: %d", a.status)
	}
	if _, ok := h.s.InstallationSuspended(orgMain, own); ok {
		t.Error("InstallationSuspended found the deleted installation")
	}
	if a := h.get("/orgs/acme/members", tok); a.status != 401 {
		t.Errorf("uninstalled installation's token: %d", a.status)
	}
	var list struct {
		Installations []struct{ ID int64 } `json:"installations"`
	}
	h.get("/orgs/acme/installations", h.s.OwnerToken()).json(t, &list)
	if len(list.Installations) != 1 || list.Installations[0].ID != instCodecov {
		t.Errorf("installations after uninstall: %+v", list)
	}
	var actions []string
	for _, a := range h.s.Audits(orgMain) {
		actions = append(actions, a.Action)
	}
	if !slices.Contains(actions, "integration_installation.destroy") || !slices.Contains(actions, "integration_installation.unsuspend") {
		t.Errorf("audit actions %v", actions)
	}
}
