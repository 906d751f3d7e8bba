package remediate_test

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/connector/entra"
	"github.com/nhiscope/nhi/connector/entra/entrasim"
	"github.com/nhiscope/nhi/estate"
	"github.com/nhiscope/nhi/remediate"
	"github.com/nhiscope/nhi/scan"
	"github.com/nhiscope/nhi/store"
)

// TestEntraRevokeAndDisableThroughTheExecutor scans the simulated Microsoft tenant, then
// lets the executor revoke a tenant-wide consent and disable a vendor's service principal,
// each verified against the simulator's state.
func TestEntraRevokeAndDisableThroughTheExecutor(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	est, err := estate.Generate(estate.Options{Seed: 5, People: 120})
	if err != nil {
		t.Fatal(err)
	}
	sim, err := entrasim.New(est, entrasim.Options{Roles: append(entrasim.ReadRoles(), entrasim.RemediationRoles()...)})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	clientID, secret := sim.ClientCredentials()
	path := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(path, []byte(secret), 0o600); err != nil {
		t.Fatal(err)
	}
	conn, err := entra.New(entra.Config{Name: "entra", TenantID: sim.TenantID(), ClientID: clientID,
		ClientSecret: connector.SecretRef("file:" + path), GraphURL: sim.GraphURL(srv.URL), TokenURL: sim.TokenURL(srv.URL)},
		connector.Env{Now: func() time.Time { return est.Options.Now }})
	if err != nil {
		t.Fatal(err)
	}
	st := openStore(t)
	rec, err := (&scan.Runner{Store: st}).Run(ctx, conn, scan.Options{Full: true})
	if err != nil || rec.Status != nhi.ScanSucceeded {
		t.Fatalf("scan: %v %s", err, rec.Status)
	}
	x := &remediate.Executor{Store: st, Actor: "alice", Targets: remediate.Targets{{Platform: rec.Platform, Tenant: rec.Tenant}: conn},
		Sleep: func(context.Context, time.Duration) error { return nil }}
	var wide, sp nhi.Identity
	_, _, err = store.Walk(0, func(lim int, after string) (store.Page[nhi.Identity], error) {
		return st.ListIdentities(ctx, store.IdentityFilter{Platform: nhi.PlatformEntra, Limit: lim, After: after})
	}, func(id nhi.Identity) error {
		switch {
		case id.Kind == nhi.KindOAuthGrant && id.Attributes["consent_type"] == "AllPrincipals" && wide.ID == "":
			wide = id
		case id.Kind == nhi.KindServiceAccount && id.Attributes["own_app"] == "false" && sp.ID == "":
			sp = id
		}
		return nil
	})
	if err != nil || wide.ID == "" || sp.ID == "" {
		t.Fatalf("no tenant-wide grant or vendor service principal to act on (%v)", err)
	}
	for _, id := range []nhi.Identity{wide, sp} {
		p, err := remediate.Revoke(ctx, st, id.ID, "alice", "test")
		if err != nil {
			t.Fatal(err)
		}
		if p, err = x.Create(ctx, p); err != nil {
			t.Fatal(err)
		}
		rep, err := x.Apply(ctx, p.ID, remediate.ApplyOptions{Execute: true})
		if err != nil || rep.Plan.State != nhi.PlanDone {
			t.Fatalf("%s (%s): err %v, state %s, actions %+v", id.ID, id.Kind, err, rep.Plan.State, rep.Plan.Actions)
		}
	}
	if sim.HasGrant(wide.ExternalID) {
		t.Error("the tenant-wide grant is still there")
	}
	if enabled, ok := sim.ServicePrincipalEnabled(sp.ExternalID); !ok || enabled {
		t.Errorf("service principal %s: enabled %v, found %v; want disabled", sp.ExternalID, enabled, ok)
	}
}
