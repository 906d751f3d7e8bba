package githubsim

import (
	"net/http"
	"testing"
	"time"
)

// TestAddDeployKeyAndHook checks the change methods: the new things show in reads and
// in the audit log.
func TestAddDeployKeyAndHook(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil, Options{})
	tok := h.token(orgMain)
	at := h.now().Add(-time.Hour)
	id, err := h.s.AddDeployKey(orgMain, "infra", "new key", false, "cy", at)
	if err != nil {
		t.Fatal(err)
	}
	var k map[string]any
	a := h.get("/repos/acme/infra/keys/"+itoa(id), tok)
	a.json(t, &k)
	if a.status != 200 || k["added_by"] != "cy" || k["read_only"] != false || k["created_at"] != at.Format(time.RFC3339) {
		t.Errorf("new key: %d %v", a.status, k)
	}
	if !h.s.HasDeployKey(orgMain, "INFRA", id) {
		t.Error("HasDeployKey of the new key")
	}
	hid, err := h.s.AddHook(orgLabs, "https://new.example/h", []string{"push"}, "bob", at)
	if err != nil {
		t.Fatal(err)
	}
	if active, ok := h.s.HookActive(orgLabs, hid); !active || !ok {
		t.Errorf("HookActive of the new hook = %v, %v", active, ok)
	}
	if _, ok := h.s.HookActive(orgMain, hid); ok {
		t.Error("the new hook shows in the other organization")
	}
	var audits []map[string]any
	h.get("/orgs/acme/audit-log?phrase=action:public_key.create", h.s.OwnerToken()).json(t, &audits)
	if len(audits) != 2 || audits[0]["key_id"] != float64(id) || audits[0]["actor"] != "cy" {
		t.Errorf("key audits: %v", audits)
	}
	labs := h.s.Audits(orgLabs)
	if last := labs[len(labs)-1]; last.Action != "hook.create" || last.Fields["hook_id"] != hid || last.Actor != userBob {
		t.Errorf("hook audit: %+v", last)
	}
	for _, tc := range []struct {
		name string
		err  error
	}{
		{"key in unknown repo", second(h.s.AddDeployKey(orgMain, "nope", "t", true, "ada", at))},
		{"key by unknown user", second(h.s.AddDeployKey(orgMain, "api", "t", true, "nobody", at))},
		{"key without title", second(h.s.AddDeployKey(orgMain, "api", "", true, "ada", at))},
		{"hook in unknown org", second(h.s.AddHook("nope", "https://x", []string{"push"}, "ada", at))},
		{"hook without events", second(h.s.AddHook(orgMain, "https://x", nil, "ada", at))},
	} {
		if tc.err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
	if h.s.Audits("nope") != nil || h.s.HasToken("nope", patBob) || h.s.HasRequest("nope", reqBob) || h.s.HasCredential("nope", credPAT) ||
		h.s.HasDeployKey("nope", "api", keyAPI) {
		t.Error("state of an unknown organization")
	}
	if _, ok := h.s.InstallationSuspended(orgLabs, instCodecov); ok {
		t.Error("codecov's installation found on acme-labs")
	}
	if h.get("/orgs/acme/installation", h.jwt()).status != http.StatusOK || h.get("/orgs/nope/installation", h.jwt()).status != 404 {
		t.Error("GET /orgs/{org}/installation")
	}
}

// second returns the error of a two-valued call.
func second[T any](_ T, err error) error { return err }
