package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/notify"
)

// scanTenant serves a simulated tenant, scans it and returns the simulator, the
// configuration and the app most people hold.
func scanTenant(t *testing.T) (sim interface {
	Holders(string) []string
}, cfg string, app nhi.App) {
	t.Helper()
	s, cfg := simTenant(t, "")
	if code, _, errOut := runCLI(t, "scan", "--config", cfg); code != exitOK {
		t.Fatalf("scan: exit %d %s", code, errOut)
	}
	apps := listJSON[nhi.App](t, "apps", "list", "--config", cfg, "--sort", "users")
	if len(apps) == 0 {
		t.Fatal("no apps")
	}
	return s, cfg, apps[0]
}

func TestContainApproveApplyAndVerifyTheAuditTrail(t *testing.T) {
	t.Parallel()
	sim, cfg, app := scanTenant(t)
	code, out, errOut := runCLI(t, "contain", "--app", app.ExternalID, "--config", cfg, "--by", "alice")
	if code != exitOK || !strings.Contains(out, "not yet (nhi plan approve") {
		t.Fatalf("contain: exit %d\n%s\n%s", code, out, errOut)
	}
	var plans []nhi.Plan
	for _, p := range listJSON[nhi.Plan](t, "plan", "list", "--config", cfg, "--state", "proposed") {
		if p.Reason.Kind == nhi.ReasonPerson {
			plans = append(plans, p)
		}
	}
	if len(plans) != 1 || plans[0].Blast.Identities != app.Identities {
		t.Fatalf("proposed plans = %+v, want one touching %d identities", plans, app.Identities)
	}
	id := plans[0].ID
	if code, _, errOut := runCLI(t, "apply", id, "--config", cfg, "--execute", "--force"); code != exitUsage && code != exitError {
		t.Errorf("executing an unapproved plan: exit %d (%s)", code, errOut)
	}
	code, out, _ = runCLI(t, "apply", id, "--config", cfg)
	if code != exitOK || !strings.Contains(out, "Dry run") || len(sim.Holders(app.ExternalID)) != app.Users {
		t.Errorf("dry run: exit %d, %d holders left of %d\n%s", code, len(sim.Holders(app.ExternalID)), app.Users, out)
	}
	if code, out, errOut := runCLI(t, "plan", "approve", id, "--config", cfg, "--by", "bob"); code != exitOK {
		t.Fatalf("approve: exit %d %s %s", code, out, errOut)
	}
	code, out, errOut = runCLI(t, "apply", id, "--config", cfg, "--execute", "--force", "--by", "bob")
	if code != exitOK || !strings.Contains(out, "is now done") {
		t.Fatalf("apply: exit %d\n%s\n%s", code, out, errOut)
	}
	if left := sim.Holders(app.ExternalID); len(left) != 0 {
		t.Errorf("%d grants left after the kill switch", len(left))
	}
	code, out, errOut = runCLI(t, "audit", "verify", "--config", cfg)
	if code != exitOK || !strings.Contains(out, "Audit trail verified") {
		t.Errorf("audit verify: exit %d %s %s", code, out, errOut)
	}
	code, out, _ = runCLI(t, "audit", "export", "--config", cfg, "--plan", id)
	kinds := map[nhi.AuditKind]int{}
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var e nhi.AuditEntry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("export line %q: %v", sc.Text(), err)
		}
		kinds[e.Kind]++
	}
	if code != exitOK || kinds[nhi.AuditActionStarted] != app.Identities+1 || kinds[nhi.AuditPlanApproved] != 1 {
		t.Errorf("export: exit %d, kinds %v", code, kinds)
	}
}

func TestRevokeIsADryRunUnlessExecuted(t *testing.T) {
	t.Parallel()
	sim, cfg, app := scanTenant(t)
	ids := listJSON[nhi.Identity](t, "inventory", "list", "--config", cfg, "--app", app.ExternalID)
	target := ids[0]
	code, out, _ := runCLI(t, "revoke", target.ID, "--config", cfg)
	if code != exitOK || !strings.Contains(out, "Dry run") || len(sim.Holders(app.ExternalID)) != app.Users {
		t.Fatalf("revoke dry run: exit %d\n%s", code, out)
	}
	code, out, errOut := runCLI(t, "revoke", target.ID, "--config", cfg, "--execute", "--reason", "test")
	if code != exitOK || len(sim.Holders(app.ExternalID)) != app.Users-1 {
		t.Fatalf("revoke: exit %d, holders %d of %d\n%s\n%s", code, len(sim.Holders(app.ExternalID)), app.Users, out, errOut)
	}
	if code, _, errOut := runCLI(t, "revoke", "gws_doesnotexist", "--config", cfg); code != exitNotFound {
		t.Errorf("unknown identity: exit %d (%s)", code, errOut)
	}
	c, _ := loadConfig(cfg)
	if code, _, _ := runCLI(t, "audit", "verify", "--db", filepath.Clean(c.Database)); code != exitOK {
		t.Errorf("audit verify after revoke: exit %d", code)
	}
}

func TestEnforcePolicyNotifiesOwnersThroughASignedWebhook(t *testing.T) {
	t.Setenv("NHI_TEST_WEBHOOK_SECRET", "0123456789abcdef0123")
	secret := []byte("0123456789abcdef0123")
	var mu sync.Mutex
	var notices []map[string]any
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if err := notify.Verify(secret, r.Header.Get(notify.SignatureHeader), body, time.Now(), 0); err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		var n map[string]any
		_ = json.Unmarshal(body, &n)
		mu.Lock()
		notices = append(notices, n)
		mu.Unlock()
	}))
	defer hook.Close()
	_, cfg := simTenant(t, "")
	dir := filepath.Dir(cfg)
	pol := filepath.Join(dir, "ask.yaml")
	if err := os.WriteFile(pol, []byte(`policies:
  - name: team.ask_suspended
    description: ask before revoking the grants of suspended people
    when: identity.kind == "oauth_grant" && owner.status == "suspended"
    then:
      - type: notify_owner
        message: Your grant to ${identity.name} will be revoked.
    mode: enforce
    approval: none
`), 0o600); err != nil {
		t.Fatal(err)
	}
	extra := fmt.Sprintf("notifications:\n  - name: hook\n    type: webhook\n    url: %s\n    secret: env:NHI_TEST_WEBHOOK_SECRET\npolicies:\n  - %s\n", hook.URL, pol)
	f, err := os.OpenFile(cfg, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(extra)
	f.Close()
	if code, _, errOut := runCLI(t, "scan", "--config", cfg); code != exitOK {
		t.Fatalf("scan: exit %d %s", code, errOut)
	}
	plans := listJSON[nhi.Plan](t, "plan", "list", "--config", cfg, "--policy", "team.ask_suspended")
	if len(plans) != 1 || plans[0].State != nhi.PlanApproved || plans[0].Mode != nhi.ModeEnforce {
		t.Fatalf("plans of the enforce policy = %+v, want one approved on creation", plans)
	}
	code, out, errOut := runCLI(t, "apply", plans[0].ID, "--config", cfg, "--execute")
	if code != exitOK {
		t.Fatalf("apply: exit %d\n%s\n%s", code, out, errOut)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(notices) != plans[0].Blast.Actions || len(notices) == 0 {
		t.Fatalf("the webhook verified %d notices, want %d", len(notices), plans[0].Blast.Actions)
	}
	if notices[0]["type"] != notify.NoticeType {
		t.Errorf("notice = %v", notices[0])
	}
}

// TestPolicyProposesPersonApprovesExecutorRevokes is the end-to-end path: a policy
// proposes, a person approves, the executor revokes, the simulator shows the grants gone,
// the audit chain verifies, and a rerun makes no request.
func TestPolicyProposesPersonApprovesExecutorRevokes(t *testing.T) {
	t.Parallel()
	sim, cfg := simTenant(t, "")
	pol := filepath.Join(filepath.Dir(cfg), "revoke.yaml")
	if err := os.WriteFile(pol, []byte(`policies:
  - name: team.revoke_suspended
    description: revoke the grants of suspended people
    when: identity.kind == "oauth_grant" && owner.status == "suspended"
    then: [revoke_grant]
    mode: enforce
`), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(cfg, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(f, "policies:\n  - %s\n", pol)
	f.Close()
	if code, _, errOut := runCLI(t, "scan", "--config", cfg); code != exitOK {
		t.Fatalf("scan: exit %d %s", code, errOut)
	}
	plans := listJSON[nhi.Plan](t, "plan", "list", "--config", cfg, "--policy", "team.revoke_suspended")
	if len(plans) != 1 || plans[0].State != nhi.PlanProposed || plans[0].Mode != nhi.ModeEnforce {
		t.Fatalf("plans = %+v, want one proposed enforce plan", plans)
	}
	id := plans[0].ID
	var full nhi.Plan
	code, out, _ := runCLI(t, "plan", "show", id, "--config", cfg, "--output", "json")
	if code != exitOK || json.Unmarshal([]byte(out), &full) != nil || len(full.Actions) == 0 {
		t.Fatalf("plan show: exit %d %s", code, out)
	}
	for _, a := range full.Actions {
		if !sim.HasGrant(a.OwnerID, a.AppID) {
			t.Fatalf("action %s targets a grant the simulator does not have", a.ID)
		}
	}
	if code, _, errOut := runCLI(t, "plan", "approve", id, "--config", cfg, "--by", "carol"); code != exitOK {
		t.Fatalf("approve: exit %d %s", code, errOut)
	}
	if code, out, errOut := runCLI(t, "apply", id, "--config", cfg, "--execute", "--by", "carol"); code != exitOK {
		t.Fatalf("apply: exit %d\n%s\n%s", code, out, errOut)
	}
	for _, a := range full.Actions {
		if sim.HasGrant(a.OwnerID, a.AppID) {
			t.Errorf("grant %s/%s survived the plan", a.OwnerID, a.AppID)
		}
	}
	if code, out, _ := runCLI(t, "audit", "verify", "--config", cfg); code != exitOK {
		t.Errorf("audit verify: exit %d %s", code, out)
	}
	before := len(sim.Requests())
	code, out, _ = runCLI(t, "apply", id, "--config", cfg, "--execute")
	if code != exitOK || !strings.Contains(out, "nothing left to run") || len(sim.Requests()) != before {
		t.Errorf("rerun: exit %d, %d requests\n%s", code, len(sim.Requests())-before, out)
	}
}
