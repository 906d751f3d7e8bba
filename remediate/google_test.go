package remediate_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/connector/googleworkspace"
	"github.com/nhiscope/nhi/connector/googleworkspace/googleworkspacesim"
	"github.com/nhiscope/nhi/estate"
	"github.com/nhiscope/nhi/remediate"
	"github.com/nhiscope/nhi/scan"
	"github.com/nhiscope/nhi/store"
)

// tenantWorld is a simulated Google Workspace tenant scanned into a store, with an
// executor whose only target is the real connector.
type tenantWorld struct {
	est  *estate.Estate
	sim  *googleworkspacesim.Server
	st   store.Store
	conn *googleworkspace.Connector
	x    *remediate.Executor
	rec  nhi.Scan
}

func newTenantWorld(tb testing.TB, people int) *tenantWorld {
	tb.Helper()
	est, err := estate.Generate(estate.Options{Seed: 11, People: people})
	if err != nil {
		tb.Fatal(err)
	}
	sim, err := googleworkspacesim.New(est, googleworkspacesim.Options{Now: time.Now})
	if err != nil {
		tb.Fatal(err)
	}
	srv := httptest.NewServer(sim)
	tb.Cleanup(srv.Close)
	key := filepath.Join(tb.TempDir(), "key.json")
	if err := os.WriteFile(key, sim.ServiceAccountKey(srv.URL), 0o600); err != nil {
		tb.Fatal(err)
	}
	conn, err := googleworkspace.New(googleworkspace.Config{Name: "google", AdminEmail: est.FirstAdmin().Email,
		Credentials: connector.SecretRef("file:" + key), BaseURL: srv.URL + "/", Concurrency: 8}, connector.Env{})
	if err != nil {
		tb.Fatal(err)
	}
	st := openStore(tb)
	rec, err := (&scan.Runner{Store: st}).Run(context.Background(), conn, scan.Options{Full: true})
	if err != nil {
		tb.Fatal(err)
	}
	x := &remediate.Executor{Store: st, Actor: "alice",
		Targets: remediate.Targets{{Platform: rec.Platform, Tenant: rec.Tenant}: conn},
		Sleep:   func(context.Context, time.Duration) error { return nil }}
	return &tenantWorld{est: est, sim: sim, st: st, conn: conn, x: x, rec: rec}
}

// topApp returns the app most people hold.
func (w *tenantWorld) topApp(tb testing.TB) nhi.App {
	tb.Helper()
	page, err := w.st.ListApps(context.Background(), store.AppFilter{Sort: store.AppsByUsers, Limit: 1})
	if err != nil || len(page.Items) == 0 {
		tb.Fatalf("top app: %v", err)
	}
	return page.Items[0]
}

// containApp builds, approves and executes the kill switch for one app.
func (w *tenantWorld) containApp(tb testing.TB, appID string) remediate.Report {
	tb.Helper()
	ctx := context.Background()
	p, err := remediate.Contain(ctx, w.st, w.x.Targets, remediate.ContainTarget{AppID: appID}, "alice")
	if err != nil {
		tb.Fatal(err)
	}
	if p, err = w.x.Create(ctx, p); err != nil {
		tb.Fatal(err)
	}
	if _, err := w.x.Approve(ctx, p.ID, "bob"); err != nil {
		tb.Fatal(err)
	}
	rep, err := w.x.Apply(ctx, p.ID, remediate.ApplyOptions{Execute: true, Force: true})
	if err != nil {
		tb.Fatal(err)
	}
	return rep
}

func TestKillSwitchAgainstTheSimulator(t *testing.T) {
	t.Parallel()
	w := newTenantWorld(t, 300)
	app := w.topApp(t)
	// A grant given after the scan: only the app-wide sweep can find it.
	late, lateID := "", ""
	for _, p := range w.est.People {
		if p.Status == estate.Active && !w.sim.HasGrant(p.Email, app.ExternalID) {
			late, lateID = p.Email, p.GoogleID
			break
		}
	}
	if err := w.sim.AddGrant(late, app.ExternalID, []string{"openid"}, time.Now()); err != nil {
		t.Fatal(err)
	}
	rep := w.containApp(t, app.ExternalID)
	if rep.Failed != 0 || rep.Plan.State != nhi.PlanDone {
		t.Fatalf("kill switch: failed %d, state %s", rep.Failed, rep.Plan.State)
	}
	if rep.Done != app.Identities+1 {
		t.Errorf("done %d actions, want one per grant (%d) and the sweep", rep.Done, app.Identities)
	}
	if left := w.sim.Holders(app.ExternalID); len(left) != 0 {
		t.Errorf("the simulator still shows %d grants to %s: %v", len(left), app.ExternalID, left)
	}
	if rep.Contained <= 0 {
		t.Errorf("time to contain not measured: %v", rep.Contained)
	}
	entries, err := w.st.ListAudit(context.Background(), store.AuditFilter{Limit: store.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	var prev nhi.AuditEntry
	sweptLate := false
	for _, e := range entries {
		if err := nhi.CheckLink(prev, e); err != nil {
			t.Fatal(err)
		}
		prev = e
		var d struct {
			Touched []string `json:"touched"`
		}
		if e.Kind == nhi.AuditActionFinished && json.Unmarshal(e.Detail, &d) == nil {
			sweptLate = sweptLate || slices.Contains(d.Touched, lateID)
		}
	}
	if !sweptLate {
		t.Errorf("no audit entry names user %s, whose grant only the sweep found and deleted", lateID)
	}
	before := len(w.sim.Requests())
	again, err := w.x.Apply(context.Background(), rep.Plan.ID, remediate.ApplyOptions{Execute: true, Force: true})
	if err != nil || again.Done+again.Failed != 0 || len(w.sim.Requests()) != before {
		t.Errorf("rerun: err %v, done %d, %d requests; want a no-op", err, again.Done, len(w.sim.Requests())-before)
	}
}

func TestRevokeIgnoredByThePlatformIsNotVerified(t *testing.T) {
	t.Parallel()
	w := newTenantWorld(t, 50)
	ctx := context.Background()
	page, err := w.st.ListIdentities(ctx, store.IdentityFilter{Kind: nhi.KindOAuthGrant, Limit: 1})
	if err != nil || len(page.Items) == 0 {
		t.Fatalf("no grant to revoke: %v", err)
	}
	id := page.Items[0]
	w.sim.InjectFault(googleworkspacesim.Fault{Method: "DELETE", Ignore: true})
	p, err := remediate.Revoke(ctx, w.st, id.ID, "alice", "test")
	if err != nil {
		t.Fatal(err)
	}
	if p, err = w.x.Create(ctx, p); err != nil {
		t.Fatal(err)
	}
	rep, err := w.x.Apply(ctx, p.ID, remediate.ApplyOptions{Execute: true})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Failed != 1 || rep.Plan.State != nhi.PlanFailed || rep.Plan.Actions[0].VerifiedAt != (time.Time{}) {
		t.Fatalf("ignored revoke: failed %d, state %s; want a failure, not verified", rep.Failed, rep.Plan.State)
	}
	if !w.sim.HasGrant(id.OwnerID, id.AppID) {
		t.Fatal("the simulator lost the grant although it ignored the delete")
	}
	w.sim.ClearFaults()
	rep, err = w.x.Apply(ctx, p.ID, remediate.ApplyOptions{Execute: true})
	if err != nil || rep.Done != 1 || rep.Plan.State != nhi.PlanDone || w.sim.HasGrant(id.OwnerID, id.AppID) {
		t.Errorf("rerun once the platform behaves: err %v, done %d, state %s", err, rep.Done, rep.Plan.State)
	}
}

func TestPlatformErrorMidKillSwitchThenRerun(t *testing.T) {
	t.Parallel()
	w := newTenantWorld(t, 200)
	app := w.topApp(t)
	// Every delete after the third fails with 403 forbidden (not retried): the plan must
	// end partial with the first deletes done, and finish once the platform recovers.
	w.sim.InjectFault(googleworkspacesim.Fault{Method: "DELETE", Status: 403, Reason: "forbidden", After: 3})
	w.x.Concurrency = 1
	rep := w.containApp(t, app.ExternalID)
	if rep.Plan.State != nhi.PlanPartial || rep.Done < 3 || rep.Failed == 0 {
		t.Fatalf("first run: state %s, done %d, failed %d; want partial", rep.Plan.State, rep.Done, rep.Failed)
	}
	if rep.Stopped == "" {
		t.Error("repeated failures did not stop the run")
	}
	w.sim.ClearFaults()
	rep, err := w.x.Apply(context.Background(), rep.Plan.ID, remediate.ApplyOptions{Execute: true, Force: true})
	if err != nil || rep.Plan.State != nhi.PlanDone {
		t.Fatalf("rerun: err %v, state %s (failed %d)", err, rep.Plan.State, rep.Failed)
	}
	if left := w.sim.Holders(app.ExternalID); len(left) != 0 {
		t.Errorf("%d grants left after the rerun", len(left))
	}
}

// BenchmarkKillSwitch measures the vendor kill switch end to end against the simulator:
// build the plan from the inventory, approve it, revoke and verify every grant of the
// most-held app of a 10,000-person estate and sweep the tenant for grants given since the
// scan. It reports the grants contained and the seconds to contain them.
func BenchmarkKillSwitch(b *testing.B) {
	for range b.N {
		b.StopTimer()
		w := newTenantWorld(b, 10000)
		app := w.topApp(b)
		w.x.Logger = nil
		b.StartTimer()
		start := time.Now()
		rep := w.containApp(b, app.ExternalID)
		elapsed := time.Since(start)
		b.StopTimer()
		if rep.Failed != 0 || len(w.sim.Holders(app.ExternalID)) != 0 {
			b.Fatalf("kill switch failed: %d failures", rep.Failed)
		}
		b.ReportMetric(float64(app.Identities), "grants")
		b.ReportMetric(elapsed.Seconds(), "s-to-contain")
	}
}

func TestThrottledRevocationStillFinishes(t *testing.T) {
	t.Parallel()
	w := newTenantWorld(t, 40)
	ctx := context.Background()
	page, err := w.st.ListIdentities(ctx, store.IdentityFilter{Kind: nhi.KindOAuthGrant, Limit: 1})
	if err != nil || len(page.Items) == 0 {
		t.Fatalf("no grant to revoke: %v", err)
	}
	id := page.Items[0]
	// Google's throttling answer, 403 rateLimitExceeded with no retry hint, twice: the
	// connector backs off and retries, and the revocation is done and verified.
	w.sim.InjectFault(googleworkspacesim.Fault{Method: "DELETE", Status: 403, Reason: "rateLimitExceeded", Times: 2})
	p, err := remediate.Revoke(ctx, w.st, id.ID, "alice", "test")
	if err != nil {
		t.Fatal(err)
	}
	if p, err = w.x.Create(ctx, p); err != nil {
		t.Fatal(err)
	}
	rep, err := w.x.Apply(ctx, p.ID, remediate.ApplyOptions{Execute: true})
	if err != nil || rep.Failed != 0 || rep.Plan.State != nhi.PlanDone {
		t.Fatalf("throttled revoke: err %v, failed %d, state %s", err, rep.Failed, rep.Plan.State)
	}
	if w.sim.HasGrant(id.OwnerID, id.AppID) {
		t.Error("the grant survived")
	}
	if st := w.sim.Stats(); st.Faults != 2 {
		t.Errorf("the simulator answered %d faults, want the 2 injected throttling answers", st.Faults)
	}
}
