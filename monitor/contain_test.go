package monitor_test

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/connector/salesforce"
	"github.com/nhiscope/nhi/connector/salesforce/salesforcesim"
	"github.com/nhiscope/nhi/estate"
	"github.com/nhiscope/nhi/monitor"
	"github.com/nhiscope/nhi/policy"
	"github.com/nhiscope/nhi/remediate"
	"github.com/nhiscope/nhi/risk"
	"github.com/nhiscope/nhi/scan"
	"github.com/nhiscope/nhi/store"
	"github.com/nhiscope/nhi/store/sqlite"
)

// enforceContainment is the built-in containment policy switched to enforce, without
// approval: what an organization that wants stolen vendor tokens contained at once sets.
const enforceContainment = `policies:
  - name: contain.stolen_token
    description: Revoke every token of an app whose token recon-ed then bulk-exported.
    owasp: [NHI3:2025]
    when: >-
      findings.exists(f, f.signal in ["behavior.recon_then_export", "behavior.export_deleted"])
    then: [revoke_app_grants]
    mode: enforce
    approval: none
    severity: critical
`

// clock is a settable clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

// containRig is a Salesforce org with its attack not yet visible, nhi serve's pipeline
// over it, and the time the attack's log files appear.
type containRig struct {
	sim     *salesforcesim.Server
	svc     *monitor.Service
	clk     *clock
	db      store.Store
	attack  *estate.SFAttack
	driftID string
	reveal  time.Time
}

// newContainRig scans the org with the clock two hours before the attack, so that its
// event log files are not published yet, and wires the service with enforce-mode
// containment and the given event poll interval.
func newContainRig(t testing.TB, poll time.Duration) *containRig {
	est, err := estate.Generate(estate.Options{Seed: 11, People: 500})
	if err != nil {
		t.Fatal(err)
	}
	a := est.Salesforce.Attack
	clk := &clock{t: a.Start.Add(-2 * time.Hour)}
	sim, err := salesforcesim.New(est, salesforcesim.Options{Now: clk.now})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	consumer, key, user := sim.Client()
	dir := t.TempDir()
	pemFile := filepath.Join(dir, "sf.pem")
	if err := os.WriteFile(pemFile, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}), 0o600); err != nil {
		t.Fatal(err)
	}
	conn, err := salesforce.New(salesforce.Config{Name: "sf", LoginURL: srv.URL, ConsumerKey: consumer, Username: user,
		PrivateKey: connector.SecretRef("file:" + pemFile)}, connector.Env{Now: clk.now})
	if err != nil {
		t.Fatal(err)
	}
	db, err := sqlite.Open(context.Background(), filepath.Join(dir, "nhi.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	cat, _ := risk.DefaultCatalogue()
	file, err := policy.Parse("contain.yaml", []byte(enforceContainment))
	if err != nil {
		t.Fatal(err)
	}
	set, err := policy.Compile(policy.Options{Catalogue: cat}, file)
	if err != nil {
		t.Fatal(err)
	}
	// The org's ID is the tenant (the connector learns it at sign-in, as nhi serve's
	// executor learns it from the latest scan).
	x := &remediate.Executor{Store: db, Now: clk.now,
		Targets: remediate.Targets{{Platform: nhi.PlatformSalesforce, Tenant: est.Salesforce.OrgID}: conn}}
	c := &monitor.Containment{Store: db, Policies: set, Executor: x, Now: clk.now}
	rig := &containRig{sim: sim, clk: clk, db: db, attack: a, driftID: est.Salesforce.Apps[a.App].ID}
	rig.svc = &monitor.Service{Store: db, Scanner: &scan.Runner{Store: db, Now: clk.now}, Connectors: []connector.Connector{conn},
		Schedule: monitor.Schedule{Full: 24 * time.Hour, Scan: 24 * time.Hour, Events: poll, Jitter: 0.01}, Now: clk.now,
		Grace: 5 * time.Second,
		OnFindings: func(ctx context.Context, fs []nhi.Finding) {
			reps, err := c.Respond(ctx, fs)
			if err != nil {
				t.Errorf("containment: %v", err)
			}
			for _, rep := range reps {
				t.Logf("containment plan %s: %s, %d actions", rep.Plan.ID, rep.Plan.State, len(rep.Plan.Actions))
				for _, a := range rep.Plan.Actions {
					t.Logf("  %s %s %s %s", a.Type, a.State, a.ExternalID, a.Error)
				}
			}
		}}
	// The attack's files are published an hour after the hour of its last event.
	rig.reveal = a.End.Truncate(time.Hour).Add(2*time.Hour + time.Minute)
	return rig
}

// run starts the service, reveals the attack once the baseline is in, and returns how
// long after the reveal every token of the attacked app was verified revoked.
func (r *containRig) run(t testing.TB) time.Duration {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.svc.Run(ctx) }()
	defer func() { cancel(); <-done }()
	wait := func(what string, cond func() bool) {
		for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
			if cond() {
				return
			}
		}
		t.Fatalf("timed out waiting for %s", what)
	}
	wait("the first scan and the baseline", func() bool {
		cur, _ := r.db.Cursor(context.Background(), "sf"+monitor.EventsCursorSuffix)
		return r.svc.Ready() && cur != ""
	})
	if n := r.sim.TokenCount(r.driftID, ""); n == 0 {
		t.Fatal("the attacked app has no tokens before the attack is visible")
	}
	start := time.Now()
	r.clk.set(r.reveal)
	wait("containment", func() bool { return r.sim.TokenCount(r.driftID, "") == 0 })
	took := time.Since(start)
	// The plan's run is audited and verified before the tokens count as gone.
	wait("the plan's verification", func() bool {
		plans, err := r.db.ListPlans(context.Background(), store.PlanFilter{})
		return err == nil && len(plans.Items) > 0 && plans.Items[0].State == nhi.PlanDone
	})
	return took
}

// TestContainment checks automatic containment end to end: nhi serve's poll reads the
// attack's events once Salesforce publishes them, the detector raises recon then export,
// the enforce-mode policy plans revoking every token of the Drift app, the executor
// revokes and verifies them, and the audit trail records it.
func TestContainment(t *testing.T) {
	t.Parallel()
	r := newContainRig(t, 100*time.Millisecond)
	took := r.run(t)
	t.Logf("contained %s after the attack became visible (poll every 100ms)", took)
	entries, err := r.db.ListAudit(context.Background(), store.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[nhi.AuditKind]int{}
	for _, e := range entries {
		kinds[e.Kind]++
		if e.Actor != monitor.ContainActor && e.Kind == nhi.AuditPlanCreated {
			t.Errorf("plan created by %q, want %q", e.Actor, monitor.ContainActor)
		}
	}
	if kinds[nhi.AuditPlanCreated] == 0 || kinds[nhi.AuditActionStarted] == 0 || kinds[nhi.AuditActionFinished] == 0 {
		t.Errorf("audit kinds %v: want the plan, and each action before and after", kinds)
	}
}

// BenchmarkContainment measures the time from the attack's events becoming visible at the
// simulated Salesforce to every token of the attacked app verified revoked, polling
// every 2 s (the figure for push would drop the polling interval).
func BenchmarkContainment(b *testing.B) {
	const poll = 2 * time.Second
	var total time.Duration
	for range b.N {
		r := newContainRig(b, poll)
		total += r.run(b)
	}
	b.ReportMetric(total.Seconds()/float64(b.N), "s/containment")
	b.ReportMetric(poll.Seconds(), "s-poll-interval")
}
