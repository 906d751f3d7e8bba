package remediate_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/remediate"
	"github.com/nhiscope/nhi/store"
	"github.com/nhiscope/nhi/store/sqlite"
)

const tenant = "C01"

func openStore(t testing.TB) store.Store {
	t.Helper()
	st, _ := openStoreAt(t)
	return st
}

// openStoreAt opens a new SQLite store and returns it with its file's path.
func openStoreAt(t testing.TB) (store.Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "nhi.db")
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, path
}

// grants returns n grant identities of app "app-1" owned by u0..u(n-1).
func grants(n int) []nhi.Identity {
	out := make([]nhi.Identity, n)
	for i := range out {
		owner := fmt.Sprintf("u%d", i)
		ext := owner + "/app-1"
		out[i] = nhi.Identity{ID: nhi.NewIdentityID(nhi.PlatformGoogleWorkspace, tenant, nhi.KindOAuthGrant, ext),
			Platform: nhi.PlatformGoogleWorkspace, Tenant: tenant, Kind: nhi.KindOAuthGrant, ExternalID: ext,
			Name: "Acme Sync", AppID: "app-1", OwnerID: owner}
	}
	return out
}

func ids(idents []nhi.Identity) []string {
	out := make([]string, len(idents))
	for i, id := range idents {
		out[i] = id.ID
	}
	return out
}

// fixture is a store, a scripted platform holding the grants, and an executor acting on it.
type fixture struct {
	st   store.Store
	p    *platform
	x    *remediate.Executor
	ids  []nhi.Identity
	now  time.Time
	scan string
	path string
}

func newFixture(t *testing.T, n int) *fixture {
	t.Helper()
	st, path := openStoreAt(t)
	idents := grants(n)
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	sc, err := st.BeginScan(context.Background(), nhi.Scan{Connector: "google", Platform: nhi.PlatformGoogleWorkspace, Tenant: tenant})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.PutIdentities(context.Background(), sc.ID, now, idents); err != nil {
		t.Fatal(err)
	}
	p := newPlatform(st, ids(idents)...)
	x := &remediate.Executor{Store: st, Actor: "alice", Now: func() time.Time { return now },
		Targets: remediate.Targets{{Platform: nhi.PlatformGoogleWorkspace, Tenant: tenant}: p},
		Sleep:   func(context.Context, time.Duration) error { return nil }}
	return &fixture{st: st, p: p, x: x, ids: idents, now: now, scan: sc.ID, path: path}
}

// plan stores an enforce-mode plan revoking every grant, approved unless approval.
func (f *fixture) plan(t *testing.T, approval bool) nhi.Plan {
	t.Helper()
	var acts []nhi.Action
	for _, id := range f.ids {
		acts = append(acts, remediate.ActionFor(id))
	}
	p := remediate.NewPlan("revoke all", nhi.Reason{Kind: nhi.ReasonPerson, Person: "alice"}, nhi.ModeEnforce, approval, "alice", acts)
	p, err := f.x.Create(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func (f *fixture) verifyChain(t *testing.T) []nhi.AuditEntry {
	t.Helper()
	entries, err := f.st.ListAudit(context.Background(), store.AuditFilter{Limit: store.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	var prev nhi.AuditEntry
	for _, e := range entries {
		if err := nhi.CheckLink(prev, e); err != nil {
			t.Fatalf("audit chain: %v", err)
		}
		prev = e
	}
	return entries
}

func kinds(entries []nhi.AuditEntry) map[nhi.AuditKind]int {
	out := map[nhi.AuditKind]int{}
	for _, e := range entries {
		out[e.Kind]++
	}
	return out
}

func TestDryRunChangesNothing(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 3)
	p := f.plan(t, true)
	rep, err := f.x.Apply(context.Background(), p.ID, remediate.ApplyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.DryRun || rep.Pending != 3 || len(rep.Preview) != 3 {
		t.Errorf("dry run report = %+v, want 3 previewed actions", rep)
	}
	if n := f.p.callCount(); n != 0 {
		t.Errorf("a dry run made %d calls to the platform", n)
	}
	got, _ := f.st.Plan(context.Background(), p.ID)
	if got.State != nhi.PlanProposed {
		t.Errorf("plan state after a dry run = %s, want proposed", got.State)
	}
	if k := kinds(f.verifyChain(t)); k[nhi.AuditDryRun] != 1 || k[nhi.AuditPlanCreated] != 1 {
		t.Errorf("audit kinds = %v", k)
	}
}

func TestApproveExecuteVerifyAndRerunIsNoOp(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 5)
	p := f.plan(t, true)
	ctx := context.Background()
	if _, err := f.x.Apply(ctx, p.ID, remediate.ApplyOptions{Execute: true}); nhi.ErrorCode(err) != nhi.CodeConflict {
		t.Fatalf("executing an unapproved plan: err = %v, want conflict", err)
	}
	if _, err := f.x.Approve(ctx, p.ID, "bob"); err != nil {
		t.Fatal(err)
	}
	rep, err := f.x.Apply(ctx, p.ID, remediate.ApplyOptions{Execute: true})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Done != 5 || rep.Failed != 0 || rep.Plan.State != nhi.PlanDone {
		t.Fatalf("report = done %d failed %d state %s, want 5, 0, done", rep.Done, rep.Failed, rep.Plan.State)
	}
	for _, id := range f.ids {
		if f.p.has(id.ID) {
			t.Errorf("grant %s still present after the plan ran", id.ID)
		}
	}
	if len(f.p.unannounced) > 0 {
		t.Errorf("changes made without an action.started entry first: %v", f.p.unannounced)
	}
	stored, _ := f.st.Plan(ctx, p.ID)
	for _, a := range stored.Actions {
		if a.State != nhi.ActionDone || a.VerifiedAt.IsZero() || a.Call == "" {
			t.Errorf("stored action %s = %+v, want done, verified, with its call", a.ID, a)
		}
	}
	calls := f.p.callCount()
	rep, err = f.x.Apply(ctx, p.ID, remediate.ApplyOptions{Execute: true})
	if err != nil || rep.Done+rep.Failed != 0 || f.p.callCount() != calls {
		t.Errorf("rerun of a done plan: err %v, report %+v, %d new calls; want a no-op", err, rep, f.p.callCount()-calls)
	}
	k := kinds(f.verifyChain(t))
	want := map[nhi.AuditKind]int{nhi.AuditPlanCreated: 1, nhi.AuditPlanApproved: 1, nhi.AuditPlanStarted: 1,
		nhi.AuditActionStarted: 5, nhi.AuditActionFinished: 5, nhi.AuditPlanFinished: 1}
	if diff := cmp.Diff(want, k); diff != "" {
		t.Errorf("audit entries by kind (-want +got):\n%s", diff)
	}
}

func TestSilentlyIgnoredRevokeIsAFailure(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 2)
	f.p.ignore = true
	p := f.plan(t, false)
	rep, err := f.x.Apply(context.Background(), p.ID, remediate.ApplyOptions{Execute: true})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Done != 0 || rep.Failed != 2 || rep.Plan.State != nhi.PlanFailed {
		t.Fatalf("report = done %d failed %d state %s; want 0, 2, failed", rep.Done, rep.Failed, rep.Plan.State)
	}
	for _, a := range rep.Plan.Actions {
		if a.State != nhi.ActionFailed || a.Error == "" || !a.VerifiedAt.IsZero() {
			t.Errorf("action %s = state %s error %q verified %v; want failed, not verified", a.ID, a.State, a.Error, a.VerifiedAt)
		}
	}
	if f.p.reads != 2*remediate.DefaultVerifyAttempts {
		t.Errorf("verification read the platform %d times, want %d", f.p.reads, 2*remediate.DefaultVerifyAttempts)
	}
}

func TestPlatformErrorMidPlanLeavesPartialAndRerunFinishes(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 6)
	f.x.Concurrency = 1
	f.p.failing[f.ids[2].ID] = nhi.Errorf(nhi.CodeUnavailable, "backend error")
	p := f.plan(t, false)
	ctx := context.Background()
	rep, err := f.x.Apply(ctx, p.ID, remediate.ApplyOptions{Execute: true})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Done != 5 || rep.Failed != 1 || rep.Plan.State != nhi.PlanPartial {
		t.Fatalf("first run = done %d failed %d state %s; want 5, 1, partial", rep.Done, rep.Failed, rep.Plan.State)
	}
	stored, _ := f.st.Plan(ctx, p.ID)
	if a := stored.Actions[2]; a.State != nhi.ActionFailed || a.Error != "backend error" {
		t.Errorf("failed action stored as %s %q", a.State, a.Error)
	}
	delete(f.p.failing, f.ids[2].ID)
	calls := f.p.callCount()
	rep, err = f.x.Apply(ctx, p.ID, remediate.ApplyOptions{Execute: true})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Done != 1 || rep.Plan.State != nhi.PlanDone || f.p.callCount()-calls != 1 {
		t.Errorf("rerun = done %d state %s calls %d; want only the failed action run", rep.Done, rep.Plan.State, f.p.callCount()-calls)
	}
	f.verifyChain(t)
}

func TestRepeatedFailuresStopTheRun(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 12)
	f.x.Concurrency = 1
	for _, id := range f.ids {
		f.p.failing[id.ID] = nhi.Errorf(nhi.CodeRateLimited, "quota exceeded")
	}
	p := f.plan(t, false)
	rep, err := f.x.Apply(context.Background(), p.ID, remediate.ApplyOptions{Execute: true})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Failed != remediate.DefaultMaxConsecutiveFailures || rep.Pending != 12-rep.Failed || rep.Stopped == "" {
		t.Errorf("report = failed %d pending %d stopped %q; want a stop after %d failures",
			rep.Failed, rep.Pending, rep.Stopped, remediate.DefaultMaxConsecutiveFailures)
	}
	if rep.Plan.State != nhi.PlanFailed {
		t.Errorf("state = %s, want failed", rep.Plan.State)
	}
}

func TestGuards(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 1)
	ctx := context.Background()
	self := remediate.ActionFor(f.ids[0])
	self.AppID = "nhi-client"
	other := remediate.ActionFor(f.ids[0])
	other.Tenant = "C99"
	unsupported := remediate.ActionFor(f.ids[0])
	unsupported.Type = nhi.ActionReduceScope
	notify := remediate.ActionFor(f.ids[0])
	notify.Type = nhi.ActionNotifyOwner
	p, err := f.x.Create(ctx, remediate.NewPlan("guards", nhi.Reason{Kind: nhi.ReasonPerson}, nhi.ModeEnforce, false, "alice",
		[]nhi.Action{self, other, unsupported, notify}))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := f.x.Apply(ctx, p.ID, remediate.ApplyOptions{Execute: true})
	if err != nil {
		t.Fatal(err)
	}
	if f.p.callCount() != 0 {
		t.Fatalf("guarded actions made %d calls", f.p.callCount())
	}
	// nhi's own client and an action the platform cannot do are refused for good; a
	// tenant or channel that is not configured yet fails, so a rerun retries it.
	want := []nhi.ActionState{nhi.ActionSkipped, nhi.ActionFailed, nhi.ActionSkipped, nhi.ActionFailed}
	for i, a := range rep.Plan.Actions {
		if a.State != want[i] || a.Error == "" {
			t.Errorf("action %s (%s) = %s %q, want %s with a reason", a.ID, a.Type, a.State, a.Error, want[i])
		}
	}
	if rep.Plan.State != nhi.PlanFailed {
		t.Errorf("a plan of which nothing was done is %s, want failed", rep.Plan.State)
	}
}

func TestChangedActionsAfterApprovalAreRefused(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 2)
	ctx := context.Background()
	p := f.plan(t, true)
	if _, err := f.x.Approve(ctx, p.ID, "bob"); err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", f.path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`UPDATE plan_actions SET app_id = 'nhi-client' WHERE plan_id = ? AND id = '1'`, p.ID); err != nil {
		t.Fatal(err)
	}
	_, err = f.x.Apply(ctx, p.ID, remediate.ApplyOptions{Execute: true})
	if nhi.ErrorCode(err) != nhi.CodeConflict || f.p.callCount() != 0 {
		t.Errorf("a plan changed after approval: err %v, %d calls; want a conflict and no call", err, f.p.callCount())
	}
}

func TestResumeTakesOverOnlyAnInterruptedRun(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 2)
	ctx := context.Background()
	p := f.plan(t, false)
	if _, err := f.x.Apply(ctx, p.ID, remediate.ApplyOptions{Execute: true, Resume: true}); nhi.ErrorCode(err) != nhi.CodeConflict {
		t.Errorf("resume of a plan that is not running: err %v, want conflict", err)
	}
	if _, err := f.st.TransitionPlan(ctx, store.Transition{PlanID: p.ID, From: []nhi.PlanState{nhi.PlanApproved}, To: nhi.PlanRunning, By: "crashed"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.x.Apply(ctx, p.ID, remediate.ApplyOptions{Execute: true, Force: true}); nhi.ErrorCode(err) != nhi.CodeConflict {
		t.Errorf("--force on a running plan: err %v, want conflict (only --resume takes it over)", err)
	}
	rep, err := f.x.Apply(ctx, p.ID, remediate.ApplyOptions{Execute: true, Resume: true})
	if err != nil || rep.Plan.State != nhi.PlanDone || rep.Done != 2 {
		t.Errorf("resume: err %v, state %s, done %d", err, rep.Plan.State, rep.Done)
	}
}

func TestDryRunPlansCannotBeApproved(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 1)
	ctx := context.Background()
	dry, err := f.x.Create(ctx, remediate.NewPlan("dry", nhi.Reason{Kind: nhi.ReasonPolicy, Policy: "p"}, nhi.ModeDryRun, false, "nhi",
		[]nhi.Action{remediate.ActionFor(f.ids[0])}))
	if err != nil {
		t.Fatal(err)
	}
	if dry.State != nhi.PlanProposed {
		t.Errorf("a dry-run plan needing no approval was created %s, want proposed", dry.State)
	}
	if _, err := f.x.Approve(ctx, dry.ID, "bob"); nhi.ErrorCode(err) != nhi.CodeInvalid {
		t.Errorf("approving a dry-run plan: err %v, want invalid", err)
	}
}

func TestRunRefusals(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 3)
	f.x.MaxActions = 2
	ctx := context.Background()
	p := f.plan(t, false)
	if _, err := f.x.Apply(ctx, p.ID, remediate.ApplyOptions{Execute: true}); nhi.ErrorCode(err) != nhi.CodeInvalid {
		t.Errorf("3 actions over a limit of 2: err = %v, want invalid", err)
	}
	if rep, err := f.x.Apply(ctx, p.ID, remediate.ApplyOptions{Execute: true, Force: true}); err != nil || rep.Done != 3 {
		t.Errorf("forced: err = %v, done = %d", err, rep.Done)
	}
	dry := remediate.NewPlan("dry", nhi.Reason{Kind: nhi.ReasonPolicy, Policy: "p"}, nhi.ModeDryRun, false, "nhi", []nhi.Action{remediate.ActionFor(f.ids[0])})
	dry, err := f.x.Create(ctx, dry)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.x.Apply(ctx, dry.ID, remediate.ApplyOptions{Execute: true}); nhi.ErrorCode(err) != nhi.CodeInvalid {
		t.Errorf("executing a dry_run plan: err = %v, want invalid", err)
	}
	if _, err := f.x.Apply(ctx, "pln_missing", remediate.ApplyOptions{}); nhi.ErrorCode(err) != nhi.CodeNotFound {
		t.Errorf("unknown plan: err = %v, want not found", err)
	}
	if _, err := f.x.Reject(ctx, dry.ID, "bob", "no"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.x.Apply(ctx, dry.ID, remediate.ApplyOptions{Execute: true}); err == nil {
		t.Error("a rejected plan ran")
	}
}

func TestNotifyOwner(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 1)
	ctx := context.Background()
	if err := f.st.PutPeople(ctx, f.scan, f.now, []nhi.Person{{Platform: nhi.PlatformGoogleWorkspace, Tenant: tenant,
		ExternalID: "u0", Email: "u0@example.com", Status: nhi.PersonActive}}); err != nil {
		t.Fatal(err)
	}
	n := &notifier{}
	f.x.Notifier = n
	a := remediate.Target(nhi.ActionNotifyOwner, f.ids[0])
	a.Message = "justify or rotate"
	p, err := f.x.Create(ctx, remediate.NewPlan("ask", nhi.Reason{Kind: nhi.ReasonPolicy, Policy: "p"}, nhi.ModeEnforce, false, "nhi", []nhi.Action{a}))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := f.x.Apply(ctx, p.ID, remediate.ApplyOptions{Execute: true})
	if err != nil || rep.Done != 1 {
		t.Fatalf("notify: err %v done %d", err, rep.Done)
	}
	if diff := cmp.Diff([]string{f.ids[0].ID + "->u0@example.com"}, n.sent); diff != "" {
		t.Errorf("sent (-want +got):\n%s", diff)
	}
	if f.p.has(f.ids[0].ID) == false {
		t.Error("a notification changed the tenant")
	}
	n.err = errors.New("webhook down")
	p2, _ := f.x.Create(ctx, remediate.NewPlan("ask", nhi.Reason{Kind: nhi.ReasonPolicy, Policy: "p"}, nhi.ModeEnforce, false, "nhi", []nhi.Action{a}))
	if rep, _ := f.x.Apply(ctx, p2.ID, remediate.ApplyOptions{Execute: true}); rep.Failed != 1 {
		t.Errorf("a failed notification was not a failure: %+v", rep)
	}
}
