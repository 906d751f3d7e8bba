package monitor_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/connector/okta"
	"github.com/nhiscope/nhi/connector/okta/oktasim"
	"github.com/nhiscope/nhi/estate"
	"github.com/nhiscope/nhi/monitor"
	"github.com/nhiscope/nhi/policy"
	"github.com/nhiscope/nhi/remediate"
	"github.com/nhiscope/nhi/risk"
	"github.com/nhiscope/nhi/scan"
	"github.com/nhiscope/nhi/store"
	"github.com/nhiscope/nhi/store/sqlite"
)

// pushPolicy is the built-in policy the push rig switches to enforce without approval.
const pushPolicy = "nhi3.contain_service_app_from_tor_or_hosting"

// tokenGrantAS is the System Log event of an access token a custom authorization server
// issued: a service app's client credentials at work.
const tokenGrantAS = "app.oauth2.as.token.grant.access_token"

// hookAuthorization is the Authorization value of the rig's event hook (a test value).
const hookAuthorization = "Bearer push-rig-hook-value"

// pushNetworks is the rig's networks dataset: documentation ranges standing for the
// company's egress and a Tor exit range.
const pushNetworks = `cidr,asn,org,kind
192.0.2.0/24,64497,Example Corp egress,isp
203.0.113.0/24,64496,Example Tor exits,tor
`

// pushRig is a simulated Okta org whose event hook posts to nhi serve's Okta receiver,
// with the pipeline behind it and the built-in containment policy for service apps in
// enforce mode without approval.
type pushRig struct {
	sim     *oktasim.Server
	svc     *monitor.Service
	db      store.Store
	clk     *clock
	appID   string
	orgURL  string
	hookURL string
	hookID  string
}

// newPushRig builds the rig; the service's event poll runs once at start and not again
// for an hour, so that only the push path can bring the attack in.
func newPushRig(t testing.TB) *pushRig {
	est, err := estate.Generate(estate.Options{Seed: 11, People: 300})
	if err != nil {
		t.Fatal(err)
	}
	clk := &clock{t: est.Options.Now}
	sim, err := oktasim.New(est, oktasim.Options{Now: clk.now})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	tokenFile := filepath.Join(dir, "okta-token")
	if err := os.WriteFile(tokenFile, []byte(oktasim.DefaultAPIToken), 0o600); err != nil {
		t.Fatal(err)
	}
	conn, err := okta.New(okta.Config{Name: "okta", OrgURL: sim.OrgURL(srv.URL), Token: connector.SecretRef("file:" + tokenFile)},
		connector.Env{Now: clk.now})
	if err != nil {
		t.Fatal(err)
	}
	db, err := sqlite.Open(context.Background(), filepath.Join(dir, "nhi.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	nets, err := risk.ParseNetworks(strings.NewReader(pushNetworks))
	if err != nil {
		t.Fatal(err)
	}
	x := &remediate.Executor{Store: db, Now: clk.now,
		Targets: remediate.Targets{{Platform: nhi.PlatformOkta, Tenant: conn.Info().Tenant}: conn}}
	c := &monitor.Containment{Store: db, Policies: enforcedPack(t, pushPolicy), Executor: x, Now: clk.now}
	r := &pushRig{sim: sim, db: db, clk: clk, appID: attackedApp(t, est), orgURL: sim.OrgURL(srv.URL)}
	r.svc = &monitor.Service{Store: db, Scanner: &scan.Runner{Store: db, Now: clk.now}, Connectors: []connector.Connector{conn},
		Schedule: monitor.Schedule{Full: 24 * time.Hour, Scan: 24 * time.Hour, Events: time.Hour, Jitter: 0.01},
		Detect:   monitor.Config{Networks: nets}, Now: clk.now, Grace: 5 * time.Second,
		OnFindings: func(ctx context.Context, fs []nhi.Finding) {
			if _, err := c.Respond(ctx, fs); err != nil {
				t.Errorf("containment: %v", err)
			}
		}}
	rc := &monitor.Receiver{Source: "okta", Verify: monitor.OktaVerifier(hookAuthorization),
		Handshake: monitor.OktaHandshake(hookAuthorization),
		Decode:    func(_ http.Header, b []byte) ([]nhi.Event, error) { return monitor.DecodeOkta(b) },
		Deliver:   func(ctx context.Context, evs []nhi.Event) error { return r.svc.Ingest(ctx, "okta", evs) }}
	hooks := httptest.NewServer(rc)
	t.Cleanup(hooks.Close)
	r.hookURL = hooks.URL + "/hooks/okta"
	return r
}

// enforcedPack compiles the built-in pack with the policy named name switched to enforce
// without approval; the others keep their dry_run defaults.
func enforcedPack(t testing.TB, name string) *policy.Set {
	files, err := policy.DefaultPack()
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range files {
		for i := range f.Policies {
			if f.Policies[i].Name == name {
				f.Policies[i].Mode, f.Policies[i].Approval, found = policy.ModeEnforce, policy.ApprovalNone, true
			}
		}
	}
	if !found {
		t.Fatalf("the built-in pack has no policy %s", name)
	}
	cat, _ := risk.DefaultCatalogue()
	set, err := policy.Compile(policy.Options{Catalogue: cat}, files...)
	if err != nil {
		t.Fatal(err)
	}
	return set
}

// attackedApp returns the first active service app of the org holding okta.* scopes.
func attackedApp(t testing.TB, est *estate.Estate) string {
	for _, g := range est.Okta.Grants {
		if a := est.Okta.Apps[g.App]; a.Service() && a.Status == estate.OktaAppActive {
			return a.ID
		}
	}
	t.Fatal("the estate has no active service app with scopes")
	return ""
}

// waitFor polls cond every 2 ms for up to a minute.
func waitFor(t testing.TB, what string, cond func() bool) {
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(2 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

// baselineEvents is how many access tokens the app gets from its own network before the
// attack: over ten days, past the detector's default learning (20 events, 7 days).
const baselineEvents = 30

// learn starts the service, registers and verifies the event hook, and pushes the app's
// baseline: its tokens minted from its own network every eight hours for ten days. It
// returns a function that stops the service.
func (r *pushRig) learn(t testing.TB) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.svc.Run(ctx) }()
	stop = sync.OnceFunc(func() { cancel(); <-done })
	t.Cleanup(stop) // a failed wait stops the service too
	waitFor(t, "the first scan and event poll", func() bool {
		cur, _ := r.db.Cursor(context.Background(), "okta"+monitor.EventsCursorSuffix)
		return r.svc.Ready() && cur != ""
	})
	id, err := r.sim.AddEventHook(oktasim.EventHook{Name: "nhi", URI: r.hookURL, Authorization: hookAuthorization,
		Events: []string{tokenGrantAS}, OrgURL: r.orgURL})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.sim.VerifyEventHook(context.Background(), id); err != nil {
		t.Fatal(err)
	}
	r.hookID = id
	start := r.clk.now().Add(-10 * 24 * time.Hour)
	for i := range baselineEvents {
		_, err := r.sim.AppendEvent(oktasim.LogEvent{EventType: tokenGrantAS, Published: start.Add(time.Duration(i) * 8 * time.Hour),
			ActorID: r.appID, TargetID: r.appID, IP: fmt.Sprintf("192.0.2.%d", 10+i%4), Scope: "okta.users.read"})
		if err != nil {
			t.Fatal(err)
		}
	}
	if st := r.settle(t); st.Events != baselineEvents || st.Failed != 0 {
		t.Fatalf("baseline deliveries %+v, want %d events delivered", st, baselineEvents)
	}
	if s, _ := r.sim.AppStatus(r.appID); s != "ACTIVE" {
		t.Fatalf("the app is %s after its own baseline", s)
	}
	return stop
}

// settle waits until the hook has delivered every event and returns its stats. The
// receiver answers a delivery once its events are judged and contained, so nothing of a
// delivered event is still running then.
func (r *pushRig) settle(t testing.TB) oktasim.HookStats {
	waitFor(t, "the hook's deliveries", func() bool {
		st, _ := r.sim.HookStats(r.hookID)
		return st.Pending == 0
	})
	st, _ := r.sim.HookStats(r.hookID)
	return st
}

// attack makes the attacker's token grant visible from a Tor exit and returns how long
// after it the app was deactivated, and the plan verified done.
func (r *pushRig) attack(t testing.TB) (deactivated, verified time.Duration) {
	start := time.Now()
	if _, err := r.sim.AppendEvent(oktasim.LogEvent{EventType: tokenGrantAS, ActorID: r.appID, TargetID: r.appID,
		IP: "203.0.113.66", Scope: "okta.users.read"}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the app's deactivation", func() bool { s, _ := r.sim.AppStatus(r.appID); return s == "INACTIVE" })
	deactivated = time.Since(start)
	waitFor(t, "the plan's verification", func() bool { return r.donePlan() != nil })
	return deactivated, time.Since(start)
}

// donePlan returns the plan of the rig's policy once done, or nil.
func (r *pushRig) donePlan() *nhi.Plan {
	plans, err := r.db.ListPlans(context.Background(), store.PlanFilter{})
	if err != nil {
		return nil
	}
	for _, p := range plans.Items {
		if p.State == nhi.PlanDone && p.Mode == nhi.ModeEnforce {
			full, err := r.db.Plan(context.Background(), p.ID) // the list leaves actions out
			if err != nil {
				return nil
			}
			return &full
		}
	}
	return nil
}

// TestContainmentPush checks automatic containment through Okta's event hook end to end:
// the hook verified against nhi serve's Okta receiver, the service app's baseline
// learned from pushed events, then its token minted from a Tor exit made visible; the
// detector raises a high new_network, the built-in policy (enforce, no approval)
// deactivates the app and revokes its scopes, verified, and audited before and after.
func TestContainmentPush(t *testing.T) {
	t.Parallel()
	r := newPushRig(t)
	stop := r.learn(t)
	defer stop()
	// A first use from an access network the dataset does not place at a hosting
	// provider or Tor is a medium lead: the policy leaves the app alone.
	if _, err := r.sim.AppendEvent(oktasim.LogEvent{EventType: tokenGrantAS, ActorID: r.appID, TargetID: r.appID,
		IP: "100.64.7.9"}); err != nil {
		t.Fatal(err)
	}
	if st := r.settle(t); st.Events != baselineEvents+1 {
		t.Fatalf("hook stats %+v after the lead", st)
	}
	if s, _ := r.sim.AppStatus(r.appID); s != "ACTIVE" || r.donePlan() != nil {
		t.Fatalf("a medium new_network contained the app (status %s)", s)
	}
	if ev := newNetworkEvidence(t, r.db); !strings.Contains(ev, "100.64.7.9") || !strings.Contains(ev, "confidence 50%") {
		t.Errorf("the lead's new_network evidence = %q, want the address at 50%% confidence", ev)
	}
	scopes := r.sim.AppScopes(r.appID)
	deactivated, verified := r.attack(t)
	t.Logf("app deactivated %s, plan verified %s after the attack became visible (push)", deactivated, verified)
	if left := r.sim.AppScopes(r.appID); len(left) != 0 || len(scopes) == 0 {
		t.Errorf("scopes before %v, after %v: want all revoked", scopes, left)
	}
	plan := r.donePlan()
	var types []nhi.ActionType
	for _, a := range plan.Actions {
		types = append(types, a.Type)
		if a.State != nhi.ActionDone {
			t.Errorf("action %s is %s (%s)", a.Type, a.State, a.Error)
		}
	}
	if !slices.Equal(types, []nhi.ActionType{nhi.ActionDisableIdentity, nhi.ActionReduceScope}) {
		t.Errorf("plan actions %v, want disable_identity then reduce_scope", types)
	}
	if ev := newNetworkEvidence(t, r.db); !strings.Contains(ev, "203.0.113.66") || !strings.Contains(ev, "Tor exit") ||
		!strings.Contains(ev, "confidence 80%") {
		t.Errorf("new_network evidence = %q, want the Tor exit at 80%% confidence", ev)
	}
	entries, err := r.db.ListAudit(context.Background(), store.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[nhi.AuditKind]int{}
	for _, e := range entries {
		kinds[e.Kind]++
	}
	if kinds[nhi.AuditPlanCreated] == 0 || kinds[nhi.AuditActionStarted] < 2 || kinds[nhi.AuditActionFinished] < 2 {
		t.Errorf("audit kinds %v: want the plan, and each action before and after", kinds)
	}
}

// newNetworkEvidence returns the evidence of the open behavior.new_network finding.
func newNetworkEvidence(t *testing.T, db store.Store) string {
	t.Helper()
	fs, err := db.ListFindings(context.Background(), store.FindingFilter{Status: nhi.FindingOpen, Signal: "behavior.new_network"})
	if err != nil || len(fs.Items) != 1 {
		t.Fatalf("new_network findings: %d, %v; want one", len(fs.Items), err)
	}
	return strings.Join(fs.Items[0].Evidence, "; ")
}

// BenchmarkContainmentPush measures the time from the attacker's token grant becoming
// visible in the simulated Okta System Log to the containment plan verified done: the
// event hook's delivery, detection, the policy, deactivation, scope revocation and
// their verification. No polling interval is involved.
func BenchmarkContainmentPush(b *testing.B) {
	var total, toDeactivate time.Duration
	for range b.N {
		r := newPushRig(b)
		stop := r.learn(b)
		d, v := r.attack(b)
		stop()
		total += v
		toDeactivate += d
	}
	b.ReportMetric(total.Seconds()/float64(b.N), "s/containment")
	b.ReportMetric(toDeactivate.Seconds()/float64(b.N), "s-to-deactivation")
}
