package main

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/connector/salesforce"
	"github.com/nhiscope/nhi/connector/salesforce/salesforcesim"
	"github.com/nhiscope/nhi/estate"
	"github.com/nhiscope/nhi/monitor"
	"github.com/nhiscope/nhi/notify"
	"github.com/nhiscope/nhi/policy"
	"github.com/nhiscope/nhi/remediate"
	"github.com/nhiscope/nhi/risk"
	"github.com/nhiscope/nhi/scan"
	"github.com/nhiscope/nhi/store"
)

// demoContainPolicy is the built-in nhi3.contain_stolen_token policy switched to enforce
// without approval, which the attack replay runs with.
const demoContainPolicy = `policies:
  - name: demo.contain_stolen_token
    description: Revoke every token of an app whose token recon-ed then bulk-exported (the replay's enforce-mode copy of nhi3.contain_stolen_token).
    owasp: [NHI3:2025]
    when: >-
      findings.exists(f, f.signal in ["behavior.recon_then_export", "behavior.export_deleted"])
    then: [revoke_app_grants]
    mode: enforce
    approval: none
    severity: critical
`

// replayClock is the simulated Salesforce's clock, moved by the replay.
type replayClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *replayClock) now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *replayClock) set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

// replayAttack replays the estate's Salesforce attack live: nhi serve's pipeline watches
// the org with its clock two hours before the attack, learns the integrations' usual
// traffic, then the attack's event log files are published and the replay prints the
// detections, the alerts and the containment as they happen. It uses a database of its
// own in dir, so the demo's inventory is not touched.
func (a *app) replayAttack(ctx context.Context, est *estate.Estate, dir string) error {
	w := a.stdout
	at := est.Salesforce.Attack
	if at == nil {
		return nhi.Errorf(nhi.CodeInvalid, "the simulated company has no attack to replay")
	}
	app := est.Salesforce.Apps[at.App]
	clk := &replayClock{t: at.Start.Add(-2 * time.Hour)}
	sim, err := salesforcesim.New(est, salesforcesim.Options{Now: clk.now})
	if err != nil {
		return fmt.Errorf("attack replay: %w", err)
	}
	srv := httptest.NewServer(sim)
	defer srv.Close()
	consumer, key, user := sim.Client()
	pemFile := filepath.Join(dir, "attack-salesforce.pem")
	if err := os.WriteFile(pemFile, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}), 0o600); err != nil {
		return err
	}
	conn, err := salesforce.New(salesforce.Config{Name: "salesforce-replay", LoginURL: srv.URL, ConsumerKey: consumer,
		Username: user, PrivateKey: connector.SecretRef("file:" + pemFile)}, connector.Env{Now: clk.now, Logger: a.logger()})
	if err != nil {
		return err
	}
	db, err := a.openStore(ctx, filepath.Join(dir, "attack-replay.db"), false)
	if err != nil {
		return err
	}
	defer db.Close()
	set, err := replayPolicies()
	if err != nil {
		return err
	}
	start := time.Now()
	stamp := func() string { return fmt.Sprintf("[+%5.2fs]", time.Since(start).Seconds()) }
	x := &remediate.Executor{Store: db, Now: clk.now, Logger: a.logger(),
		Targets: remediate.Targets{{Platform: nhi.PlatformSalesforce, Tenant: est.Salesforce.OrgID}: conn}}
	contain := &monitor.Containment{Store: db, Policies: set, Executor: x, Now: clk.now, Logger: a.logger()}
	var mu sync.Mutex
	// Alerts go through the same router nhi serve uses, to the terminal: one per finding.
	alerts := &monitor.Router{Routes: []monitor.Route{{Name: "terminal", MinSeverity: nhi.SeverityLow,
		Sink: terminalAlerts(func(a notify.Alert) {
			fmt.Fprintf(w, "%s alert      %s %s on %s (%s)\n", stamp(), strings.ToUpper(string(a.Finding.Severity)),
				nhi.CleanText(a.Finding.Title), nhi.CleanText(a.Finding.SubjectID), a.Finding.ID)
		})}}}
	svc := &monitor.Service{Store: db, Scanner: &scan.Runner{Store: db, Now: clk.now, Logger: a.logger()},
		Connectors: []connector.Connector{conn}, Now: clk.now, Logger: a.logger(), Grace: 5 * time.Second,
		Schedule: monitor.Schedule{Full: 24 * time.Hour, Scan: 24 * time.Hour, Events: 250 * time.Millisecond, Jitter: 0.01},
		OnFindings: func(ctx context.Context, fs []nhi.Finding) {
			mu.Lock()
			defer mu.Unlock()
			for _, f := range fs {
				fmt.Fprintf(w, "%s detection  %-8s %s: %s\n", stamp(), strings.ToUpper(string(f.Severity)), f.Signal, nhi.CleanText(f.Evidence[0]))
			}
			alerts.Send(ctx, fs)
			reps, err := contain.Respond(ctx, fs)
			for _, rep := range reps {
				fmt.Fprintf(w, "%s contained  plan %s %s: %d action(s) %s, verified on Salesforce; audit entries before and after each change\n",
					stamp(), rep.Plan.ID, nhi.CleanText(rep.Plan.Title), len(rep.Plan.Actions), rep.Plan.State)
			}
			if err != nil {
				fmt.Fprintf(w, "%s containment error: %s\n", stamp(), nhi.ErrorMessage(err))
			}
		}}
	fmt.Fprintf(w, "\nAttack replay: a stolen %s token on Salesforce (%s to %s), as in the 2025 Salesloft Drift breach.\n",
		nhi.CleanText(app.Name), at.Start.UTC().Format(time.DateTime), at.End.UTC().Format(time.DateTime))
	fmt.Fprintf(w, "Containment policy (enforce, no approval): revoke every token of the app on recon-then-export or a deleted export job.\n\n")
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- svc.Run(runCtx) }()
	defer func() { cancel(); <-done }()
	if err := pollUntil(ctx, 60*time.Second, func() bool {
		cur, _ := db.Cursor(ctx, "salesforce-replay"+monitor.EventsCursorSuffix)
		return svc.Ready() && cur != ""
	}); err != nil {
		return fmt.Errorf("attack replay: the baseline did not come in: %w", err)
	}
	// The service's goroutine prints detections under mu from here on.
	mu.Lock()
	fmt.Fprintf(w, "%s baseline   scanned the org and read 30 days of login and API events: %d tokens of %s held\n",
		stamp(), sim.TokenCount(app.ID, ""), nhi.CleanText(app.Name))
	reveal := time.Now()
	clk.set(at.End.Truncate(time.Hour).Add(2*time.Hour + time.Minute))
	fmt.Fprintf(w, "%s attack     Salesforce publishes the event log files of the attack: recon from %s, exports from %s\n",
		stamp(), at.ReconIP, at.ExportIP)
	mu.Unlock()
	if err := pollUntil(ctx, 60*time.Second, func() bool { return sim.TokenCount(app.ID, "") == 0 }); err != nil {
		return fmt.Errorf("attack replay: not contained: %w", err)
	}
	mu.Lock()
	fmt.Fprintf(w, "%s done       every %s token revoked %.2fs after the attack became visible (events polled every 250ms)\n\n",
		stamp(), nhi.CleanText(app.Name), time.Since(reveal).Seconds())
	entries, err := db.ListAudit(ctx, store.AuditFilter{})
	if err == nil {
		fmt.Fprintf(w, "Audit trail of the replay: %d hash-chained entries (the plan, and each change before and after).\n", len(entries))
	}
	mu.Unlock()
	return nil
}

// terminalAlerts is an alert sink that hands each alert to print.
type terminalAlerts func(notify.Alert)

// Alert prints a.
func (t terminalAlerts) Alert(_ context.Context, a notify.Alert) error {
	t(a)
	return nil
}

// replayPolicies compiles the replay's containment policy.
func replayPolicies() (*policy.Set, error) {
	cat, err := risk.DefaultCatalogue()
	if err != nil {
		return nil, err
	}
	f, err := policy.Parse("replay-containment.yaml", []byte(demoContainPolicy))
	if err != nil {
		return nil, err
	}
	return policy.Compile(policy.Options{Catalogue: cat}, f)
}

// pollUntil polls cond until it holds, ctx ends or limit passes.
func pollUntil(ctx context.Context, limit time.Duration, cond func() bool) error {
	deadline := time.Now().Add(limit)
	for !cond() {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("gave up after %s", limit)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return nil
}
