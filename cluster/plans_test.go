package cluster_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/cluster"
	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/remediate"
	"github.com/nhiscope/nhi/store/postgres"
)

// refuser is a platform that refuses every change, counting the calls that reach it.
type refuser struct{ calls atomic.Int32 }

func (*refuser) Supports(nhi.ActionType, nhi.Kind) bool { return true }
func (*refuser) Self() []string                         { return nil }
func (r *refuser) Remediate(context.Context, nhi.Action) (connector.Outcome, error) {
	r.calls.Add(1)
	return connector.Outcome{}, nhi.Errorf(nhi.CodeForbidden, "the admin role lacks this privilege")
}
func (*refuser) Verify(context.Context, nhi.Action) (connector.Verification, error) {
	return connector.Verification{}, nil
}

// TestDistributedPlanStopsAfterFailures queues a 60-action plan on two instances whose
// platform refuses every change: the run stops after MaxConsecutiveFailures (5) failures;
// actions already under way then (at most one per action worker: 2 x Workers an instance)
// still finish and are recorded before the run ends, the others are never tried and stay
// pending, and the plan ends failed.
func TestDistributedPlanStopsAfterFailures(t *testing.T) {
	t.Parallel()
	dsn := pg.DSN(t)
	db, err := postgres.Open(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	ctx := context.Background()
	const tenant, actions = "C0stop", 60
	sc, err := db.BeginScan(ctx, nhi.Scan{Connector: "google", Platform: nhi.PlatformGoogleWorkspace, Tenant: tenant})
	if err != nil {
		t.Fatal(err)
	}
	var idents []nhi.Identity
	for i := range actions {
		ext := fmt.Sprintf("u%d/app-1", i)
		idents = append(idents, nhi.Identity{ID: nhi.NewIdentityID(nhi.PlatformGoogleWorkspace, tenant, nhi.KindOAuthGrant, ext),
			Platform: nhi.PlatformGoogleWorkspace, Tenant: tenant, Kind: nhi.KindOAuthGrant, ExternalID: ext,
			Name: "Acme Sync", AppID: "app-1", OwnerID: fmt.Sprintf("u%d", i)})
	}
	if err := db.PutIdentities(ctx, sc.ID, time.Now(), idents); err != nil {
		t.Fatal(err)
	}
	plat := &refuser{}
	executor := func(context.Context, string) (*remediate.Executor, error) {
		return &remediate.Executor{Store: db, Actor: "alice", Sleep: func(context.Context, time.Duration) error { return nil },
			Targets: remediate.Targets{{Platform: nhi.PlatformGoogleWorkspace, Tenant: tenant}: plat}}, nil
	}
	x, _ := executor(ctx, "alice")
	var acts []nhi.Action
	for _, id := range idents {
		acts = append(acts, remediate.ActionFor(id))
	}
	p, err := x.Create(ctx, remediate.NewPlan("revoke all", nhi.Reason{Kind: nhi.ReasonPerson, Person: "alice"},
		nhi.ModeEnforce, false, "alice", acts))
	if err != nil {
		t.Fatal(err)
	}
	a, _ := nodeWith(t, dsn, "a", db, &scanner{runs: map[string]int{}}, executor)
	nodeWith(t, dsn, "b", db, &scanner{runs: map[string]int{}}, executor)
	if _, err := a.QueuePlan(ctx, p.ID, "alice", false); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the plan to end", func() bool {
		got, err := db.Plan(ctx, p.ID)
		return err == nil && got.State != nhi.PlanApproved && got.State != nhi.PlanRunning
	})
	got, _ := db.Plan(ctx, p.ID)
	failed, pending := 0, 0
	for _, a := range got.Actions {
		switch a.State {
		case nhi.ActionFailed:
			failed++
		case nhi.ActionPending:
			pending++
		}
	}
	t.Logf("%d actions failed, %d stayed pending, %d platform calls", failed, pending, plat.calls.Load())
	inFlight := 2 * 2 * cluster.DefaultWorkers // two instances' action workers
	if got.State != nhi.PlanFailed || failed < 5 || failed > 5+inFlight || failed+pending != actions || int(plat.calls.Load()) != failed {
		t.Errorf("plan %s: %d failed, %d pending, %d calls; want it failed after 5 failures, the rest pending and untried",
			got.State, failed, pending, plat.calls.Load())
	}
}
