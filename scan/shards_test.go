package scan_test

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/connector/googleworkspace"
	"github.com/nhiscope/nhi/connector/googleworkspace/googleworkspacesim"
	"github.com/nhiscope/nhi/estate"
	"github.com/nhiscope/nhi/scan"
	"github.com/nhiscope/nhi/store"
)

// shardTenant serves a simulated tenant and returns a connector to it and the clock.
func shardTenant(t *testing.T) (*googleworkspacesim.Server, *googleworkspace.Connector, func() time.Time) {
	t.Helper()
	est, err := estate.Generate(estate.Options{Seed: 9, People: 150})
	if err != nil {
		t.Fatal(err)
	}
	now := func() time.Time { return est.Options.Now }
	sim, err := googleworkspacesim.New(est, googleworkspacesim.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	key := filepath.Join(t.TempDir(), "key.json")
	if err := os.WriteFile(key, sim.ServiceAccountKey(srv.URL), 0o600); err != nil {
		t.Fatal(err)
	}
	conn, err := googleworkspace.New(googleworkspace.Config{Name: "g", AdminEmail: est.FirstAdmin().Email,
		Credentials: connector.SecretRef("file:" + key), BaseURL: srv.URL + "/"}, connector.Env{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	return sim, conn, now
}

// runParts runs every part of a split scan at once and finishes it.
func runParts(t *testing.T, r *scan.Runner, c connector.Sharder, of int) nhi.Scan {
	t.Helper()
	ctx := context.Background()
	rec, err := r.BeginShards(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range of {
		if i == of-1 {
			// Before the last part: the scan cannot be finished yet.
			if _, done, err := r.FinishShards(ctx, rec, of); done || err != nil {
				t.Fatalf("finished with a part missing: done %v, err %v", done, err)
			}
		}
		wg.Go(func() {
			if err := r.RunShard(ctx, c, rec, i, of); err != nil {
				t.Error(err)
			}
		})
		if i == of-2 {
			wg.Wait()
		}
	}
	wg.Wait()
	rec, done, err := r.FinishShards(ctx, rec, of)
	if !done {
		t.Fatalf("not finished after every part: %v", err)
	}
	if err != nil && rec.Status == nhi.ScanSucceeded {
		t.Fatalf("succeeded with an error: %v", err)
	}
	return rec
}

// snapshot is what a scan leaves in the store, for comparing a whole scan with a split one.
func snapshot(t *testing.T, db store.Store) (map[string]nhi.Identity, int) {
	t.Helper()
	ids := map[string]nhi.Identity{}
	for _, id := range allIdentities(t, db) {
		id.FirstSeen, id.LastSeen = time.Time{}, time.Time{}
		ids[id.ID] = id
	}
	people, err := db.ListPeople(context.Background(), store.PersonFilter{Limit: store.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	return ids, len(people.Items)
}

// TestSplitScanFindsWhatAWholeScanFinds scans one tenant whole into one store and in
// three parts into another, and finds the same identities, people and findings; then a
// grant revoked on the tenant is marked gone by the next split scan.
func TestSplitScanFindsWhatAWholeScanFinds(t *testing.T) {
	t.Parallel()
	sim, conn, now := shardTenant(t)
	engine := newEngine(t)
	whole, split := openStore(t), openStore(t)
	ctx := context.Background()
	rw := &scan.Runner{Store: whole, Engine: engine, Now: now}
	rs := &scan.Runner{Store: split, Engine: engine, Now: now}
	a, err := rw.Run(ctx, conn, scan.Options{Full: true})
	if err != nil || a.Status != nhi.ScanSucceeded {
		t.Fatalf("whole scan: %v %s", err, a.Status)
	}
	b := runParts(t, rs, conn, 3)
	if b.Status != nhi.ScanSucceeded {
		t.Fatalf("split scan: %s %v", b.Status, b.Errors)
	}
	wantIDs, wantPeople := snapshot(t, whole)
	gotIDs, gotPeople := snapshot(t, split)
	if diff := cmp.Diff(wantIDs, gotIDs); diff != "" || gotPeople != wantPeople || len(wantIDs) == 0 {
		t.Errorf("split scan differs from the whole one (people %d, want %d):\n%s", gotPeople, wantPeople, diff)
	}
	if a.Counts.Identities != b.Counts.Identities || a.Counts.People != b.Counts.People || a.Counts.Findings != b.Counts.Findings {
		t.Errorf("counts: whole %+v, split %+v", a.Counts, b.Counts)
	}
	// A grant revoked on the tenant is gone after the next split scan.
	var victim nhi.Identity
	for _, id := range gotIDs {
		if id.Kind == nhi.KindOAuthGrant {
			victim = id
			break
		}
	}
	if _, err := conn.Remediate(ctx, remediateAction(victim)); err != nil {
		t.Fatal(err)
	}
	_ = sim
	c := runParts(t, rs, conn, 3)
	if c.Status != nhi.ScanSucceeded || c.Counts.Gone != 1 {
		t.Errorf("second split scan: %s, %d gone, want 1", c.Status, c.Counts.Gone)
	}
	if after, _ := snapshot(t, split); len(after) != len(gotIDs)-1 {
		t.Errorf("%d identities present after the revocation, want %d", len(after), len(gotIDs)-1)
	}
}

// TestSplitScanWithAFailedPartHidesNothing checks that a part that cannot run makes the
// scan fail without marking anything gone.
func TestSplitScanWithAFailedPartHidesNothing(t *testing.T) {
	t.Parallel()
	sim, conn, now := shardTenant(t)
	db := openStore(t)
	r := &scan.Runner{Store: db, Now: now}
	if rec := runParts(t, r, conn, 2); rec.Status != nhi.ScanSucceeded {
		t.Fatalf("first split scan: %s %v", rec.Status, rec.Errors)
	}
	before := len(allIdentities(t, db))
	sim.InjectFault(googleworkspacesim.Fault{Path: "/users", Status: 403})
	rec := runParts(t, r, conn, 2)
	if rec.Status != nhi.ScanFailed || len(rec.Errors) == 0 {
		t.Errorf("split scan with failing parts: %s %v, want failed", rec.Status, rec.Errors)
	}
	if after := len(allIdentities(t, db)); after != before || before == 0 {
		t.Errorf("identities %d -> %d across a failed split scan", before, after)
	}
	if _, err := conn.DiscoverShard(context.Background(), 2, 2, nil); nhi.ErrorCode(err) != nhi.CodeInvalid {
		t.Errorf("part 2 of 2: %v, want invalid", err)
	}
}

// remediateAction is the revocation of grant id.
func remediateAction(id nhi.Identity) nhi.Action {
	return nhi.Action{Type: nhi.ActionRevokeGrant, Platform: id.Platform, Tenant: id.Tenant, IdentityID: id.ID,
		Kind: id.Kind, ExternalID: id.ExternalID, AppID: id.AppID, OwnerID: id.OwnerID}
}
