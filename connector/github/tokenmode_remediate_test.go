package github

import (
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
)

func TestTokenModeRemediation(t *testing.T) {
	t.Parallel()
	e := generate(t, 7)
	s := startSim(t, e, simSetup{tokenOnly: true})
	if got := s.c.Self(); len(got) != 0 {
		t.Errorf("Self() in token mode = %v, want none", got)
	}
	for _, k := range []targetKind{targetPAT, targetRequest} {
		a := actionOf(t, s, k)
		out, err := s.c.Remediate(t.Context(), a)
		if nhi.ErrorCode(err) != nhi.CodeForbidden || !strings.Contains(nhi.ErrorMessage(err), fineGrainedReason) || out.Changed != 0 {
			t.Errorf("Remediate(%s) in token mode = %+v, %v; want CodeForbidden naming %q", a.ExternalID, out, err, fineGrainedReason)
		}
		if _, err := s.c.Verify(t.Context(), a); nhi.ErrorCode(err) != nhi.CodeForbidden {
			t.Errorf("Verify(%s) in token mode = %v, want CodeForbidden", a.ExternalID, err)
		}
		if !exists(s.sim, e, a) {
			t.Errorf("%s is gone", a.ExternalID)
		}
	}
	if n := len(s.sim.Requests()); n != 0 {
		t.Errorf("the refusals made %d requests, want none", n)
	}
}

func TestTokenModeRemediatesWithTheToken(t *testing.T) {
	t.Parallel()
	e := generate(t, 7)
	s := startSim(t, e, simSetup{tokenOnly: true})
	actions := slices.DeleteFunc(remediationActions(t, e), func(a nhi.Action) bool { return fineGrained(a.ExternalID) })
	kinds := map[targetKind]bool{}
	for _, a := range actions {
		tg, _ := parseExternalID(a.Kind, a.ExternalID)
		kinds[tg.kind] = true
		if v, err := s.c.Verify(t.Context(), a); err != nil || v.Gone {
			t.Errorf("Verify(%s) before = %+v, %v; want still there", a.ExternalID, v, err)
		}
		if out, err := s.c.Remediate(t.Context(), a); err != nil || out.Changed != 1 || exists(s.sim, e, a) {
			t.Errorf("Remediate(%s) in token mode = %+v, %v; want it changed", a.ExternalID, out, err)
		}
		if v, err := s.c.Verify(t.Context(), a); err != nil || !v.Gone {
			t.Errorf("Verify(%s) after = %+v, %v; want gone", a.ExternalID, v, err)
		}
		if out, err := s.c.Remediate(t.Context(), a); err != nil || !out.AlreadyDone {
			t.Errorf("Remediate(%s) again = %+v, %v; want AlreadyDone", a.ExternalID, out, err)
		}
	}
	if !kinds[targetCred] || !kinds[targetKey] || !kinds[targetHook] {
		t.Errorf("actions cover %v, want credential authorizations, deploy keys and webhooks", kinds)
	}
	for _, r := range s.sim.Requests() {
		if r.Token != "owner-pat" {
			t.Errorf("request %s %s with %q, want the owner token", r.Method, r.Path, r.Token)
		}
	}
}

func TestOwnTokenAuthorizationRefused(t *testing.T) {
	t.Parallel()
	const token = "ghp_" + "0123456789abcdefghijklmnopqrstuvwxyz"
	var mu sync.Mutex
	var changes []string
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if r.Method != http.MethodGet {
			changes = append(changes, r.Method+" "+r.URL.Path)
			w.WriteHeader(http.StatusNoContent)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `[{"login":"owner","credential_id":77,"credential_type":"personal access token",`+
			`"token_last_eight":"`+token[len(token)-8:]+`","scopes":["admin:org"]},`+
			`{"login":"dev","credential_id":78,"credential_type":"personal access token","token_last_eight":"zzzzzzzz"}]`)
	}))
	t.Cleanup(hs.Close)
	for _, tokenOnly := range []bool{true, false} {
		cfg := Config{Name: "gh", Organizations: []string{"acme"}, Token: secretFile(t, token), APIURL: hs.URL}
		if !tokenOnly {
			cfg.AppID, cfg.PrivateKey = 42, keyFile(t, rsaKey(t))
		}
		c, err := New(cfg, connector.Env{HTTPClient: hs.Client()})
		if err != nil {
			t.Fatal(err)
		}
		a := nhi.Action{Type: nhi.ActionRevokeGrant, Platform: nhi.PlatformGitHub, Tenant: "acme", Kind: nhi.KindAPIKey,
			ExternalID: "cred/77"}
		if _, err := c.Remediate(t.Context(), a); nhi.ErrorCode(err) != nhi.CodeInvalid || !strings.Contains(nhi.ErrorMessage(err), "own owner token") {
			t.Errorf("token only %v: Remediate(own authorization) = %v, want CodeInvalid naming the owner token", tokenOnly, err)
		}
		if !slices.Contains(c.Self(), "cred/77") || slices.Contains(c.Self(), "cred/78") {
			t.Errorf("token only %v: Self() = %v, want cred/77 only of the authorizations", tokenOnly, c.Self())
		}
		if _, err := c.Remediate(t.Context(), a); nhi.ErrorCode(err) != nhi.CodeInvalid {
			t.Errorf("token only %v: second Remediate(own authorization) = %v, want CodeInvalid", tokenOnly, err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(changes) != 0 {
		t.Errorf("changes sent: %v, want none", changes)
	}
}
