package scan_test

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/connector/googleworkspace"
	"github.com/nhiscope/nhi/connector/googleworkspace/googleworkspacesim"
	"github.com/nhiscope/nhi/estate"
	"github.com/nhiscope/nhi/policy"
	"github.com/nhiscope/nhi/risk"
	"github.com/nhiscope/nhi/scan"
	"github.com/nhiscope/nhi/store"
	"github.com/nhiscope/nhi/store/sqlite"
)

func compilePolicies(t *testing.T, extra ...string) *policy.Set {
	t.Helper()
	files, err := policy.DefaultPack()
	if err != nil {
		t.Fatal(err)
	}
	for i, text := range extra {
		f, err := policy.Parse("extra"+string(rune('0'+i))+".yaml", []byte(text))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	cat, err := risk.DefaultCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	intel, err := risk.DefaultIntel()
	if err != nil {
		t.Fatal(err)
	}
	set, err := policy.Compile(policy.Options{Catalogue: cat, Intel: intel}, files...)
	if err != nil {
		t.Fatal(err)
	}
	return set
}

// policyTenant scans a simulated tenant with the built-in policies and returns the store
// and a function that scans it again with the given policies.
func policyTenant(t *testing.T) (store.Store, func(*policy.Set) nhi.Scan) {
	t.Helper()
	ctx := context.Background()
	est, err := estate.Generate(estate.Options{Seed: 3, People: 120})
	if err != nil {
		t.Fatal(err)
	}
	now := est.Options.Now
	sim, err := googleworkspacesim.New(est, googleworkspacesim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	key := filepath.Join(t.TempDir(), "key.json")
	if err := os.WriteFile(key, sim.ServiceAccountKey(srv.URL), 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "p.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	conn, err := googleworkspace.New(googleworkspace.Config{Name: "p", AdminEmail: est.FirstAdmin().Email,
		Credentials: connector.SecretRef("file:" + key), BaseURL: srv.URL + "/"}, connector.Env{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	engine := newEngine(t)
	return db, func(set *policy.Set) nhi.Scan {
		r := &scan.Runner{Store: db, Engine: engine, Policies: set, Now: func() time.Time { return now }}
		rec, err := r.Run(ctx, conn, scan.Options{Full: true})
		if err != nil || rec.Status != nhi.ScanSucceeded {
			t.Fatalf("scan: %v %v %v", err, rec.Status, rec.Errors)
		}
		return rec
	}
}

func plansOf(t *testing.T, db store.Store, policyName string, state nhi.PlanState) []nhi.Plan {
	t.Helper()
	page, err := db.ListPlans(context.Background(), store.PlanFilter{Policy: policyName, State: state, Limit: store.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	return page.Items
}

func TestScanProposesPlansOnceAndEnforceSupersedesDryRun(t *testing.T) {
	t.Parallel()
	db, rescan := policyTenant(t)
	ctx := context.Background()
	rec := rescan(compilePolicies(t))
	if rec.Counts.Plans == 0 || rec.Counts.Proposed == 0 {
		t.Fatalf("no plans proposed: %+v", rec.Counts)
	}
	// The offboarding plan holds exactly the grants of suspended owners.
	suspended, _, err := store.Walk(0, func(lim int, after string) (store.Page[nhi.Identity], error) {
		return db.ListIdentities(ctx, store.IdentityFilter{OwnerStatus: nhi.PersonSuspended, Kind: nhi.KindOAuthGrant, Limit: lim, After: after})
	}, func(nhi.Identity) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	off := plansOf(t, db, "nhi1.offboarded_owner_grant", "")
	if len(off) != 1 || off[0].Blast.Actions != suspended || off[0].Mode != nhi.ModeDryRun || off[0].State != nhi.PlanProposed {
		t.Fatalf("offboarding plans = %+v, want one dry-run plan of %d actions", off, suspended)
	}
	// Scanning again proposes nothing new: every change is already in an open plan.
	if again := rescan(compilePolicies(t)); again.Counts.Plans != 0 {
		t.Errorf("second scan proposed %d more plans", again.Counts.Plans)
	}
	// Another policy proposing the same changes adds no plan: open plans hold them.
	enforce := `policies:
  - name: team.offboarded
    description: enforce offboarding
    when: identity.kind == "oauth_grant" && owner.status == "suspended"
    then: [revoke_grant]
    mode: dry_run
`
	rescan(compilePolicies(t, enforce))
	team := plansOf(t, db, "team.offboarded", "")
	if len(team) != 0 {
		t.Errorf("a policy whose changes are all held by open plans proposed %d plans", len(team))
	}
}

func TestEnforceModeSupersedesItsDryRunPlan(t *testing.T) {
	t.Parallel()
	db, rescan := policyTenant(t)
	dry := `policies:
  - name: team.stale
    description: stale grants
    when: identity.kind == "oauth_grant" && identity.days_idle >= 30
    then: [revoke_grant]
`
	rescan(compilePolicies(t, dry))
	first := plansOf(t, db, "team.stale", nhi.PlanProposed)
	if len(first) != 1 || first[0].Mode != nhi.ModeDryRun {
		t.Fatalf("dry-run plans = %+v", first)
	}
	enforce := dry + "    mode: enforce\n    approval: required\n"
	rescan(compilePolicies(t, enforce))
	if got, _ := db.Plan(context.Background(), first[0].ID); got.State != nhi.PlanRejected {
		t.Errorf("the dry-run plan is %s after the policy moved to enforce, want rejected", got.State)
	}
	now := plansOf(t, db, "team.stale", nhi.PlanProposed)
	// The enforce plan holds at least the dry-run plan's changes, and also those that the
	// built-in dry-run policies had claimed first: a dry-run plan never shadows an
	// enforceable one.
	if len(now) != 1 || now[0].Mode != nhi.ModeEnforce || now[0].Blast.Actions < first[0].Blast.Actions {
		t.Fatalf("enforce plans = %+v, want one with at least %d actions", now, first[0].Blast.Actions)
	}
	full, err := db.Plan(context.Background(), now[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	dryFull, _ := db.Plan(context.Background(), first[0].ID)
	keys := map[string]bool{}
	for _, a := range full.Actions {
		keys[a.Key()] = true
	}
	for _, a := range dryFull.Actions {
		if !keys[a.Key()] {
			t.Errorf("the enforce plan lacks %s of the dry-run plan", a.Key())
		}
	}
}

func TestSuppressedRiskStopsThePolicyForThatIdentity(t *testing.T) {
	t.Parallel()
	db, rescan := policyTenant(t)
	ctx := context.Background()
	rescan(compilePolicies(t))
	off := plansOf(t, db, "nhi1.offboarded_owner_grant", nhi.PlanProposed)
	if len(off) != 1 {
		t.Fatalf("offboarding plans = %d", len(off))
	}
	full, err := db.Plan(ctx, off[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	accepted := full.Actions[0].IdentityID
	page, err := db.ListFindings(ctx, store.FindingFilter{SubjectID: accepted, Signal: "owner.suspended"})
	if err != nil || len(page.Items) != 1 {
		t.Fatalf("owner.suspended finding of %s: %v %v", accepted, page.Items, err)
	}
	if _, err := db.SuppressFinding(ctx, page.Items[0].ID, nhi.Suppression{Reason: "break-glass account", Author: "dana", At: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.TransitionPlan(ctx, store.Transition{PlanID: off[0].ID, From: []nhi.PlanState{nhi.PlanProposed}, To: nhi.PlanRejected, By: "dana"}); err != nil {
		t.Fatal(err)
	}
	rescan(compilePolicies(t))
	again := plansOf(t, db, "nhi1.offboarded_owner_grant", nhi.PlanProposed)
	if len(again) != 1 || again[0].Blast.Actions != off[0].Blast.Actions-1 {
		t.Fatalf("new offboarding plan = %+v, want the %d actions but the accepted one", again, off[0].Blast.Actions-1)
	}
	plan, _ := db.Plan(ctx, again[0].ID)
	for _, a := range plan.Actions {
		if a.IdentityID == accepted {
			t.Errorf("the policy proposed %s again although its NHI1 risk was accepted", accepted)
		}
	}
}
