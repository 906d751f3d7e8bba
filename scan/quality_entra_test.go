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
	"github.com/nhiscope/nhi/connector/entra"
	"github.com/nhiscope/nhi/connector/entra/entrasim"
	"github.com/nhiscope/nhi/estate"
	"github.com/nhiscope/nhi/scan"
	"github.com/nhiscope/nhi/store/sqlite"
)

// entraLabelSignals maps each risk the estate labels in the Microsoft tenant to the
// signals that detect it.
func entraLabelSignals() map[string][]string {
	m := labelSignals()
	m["credential.expiring_in_use"] = []string{"credential.expiring_in_use"}
	m["grant.tenant_wide"] = []string{"grant.tenant_wide"}
	m["identity.no_owner"] = []string{"identity.no_owner"}
	return m
}

// TestDetectionQualityEntra scans the simulated company's Microsoft tenant end to end and
// measures each labelled risk's precision and recall, as TestDetectionQuality does for
// Google.
func TestDetectionQualityEntra(t *testing.T) {
	t.Parallel()
	runQuality(t, "entra", measureEntra, func(string) float64 { return 0.95 })
}

func measureEntra(t *testing.T, people int) map[string]quality {
	t.Helper()
	ctx := context.Background()
	est, err := estate.Generate(estate.Options{Seed: 11, People: people})
	if err != nil {
		t.Fatal(err)
	}
	now := est.Options.Now
	sim, err := entrasim.New(est, entrasim.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim)
	defer srv.Close()
	clientID, secret := sim.ClientCredentials()
	path := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(path, []byte(secret), 0o600); err != nil {
		t.Fatal(err)
	}
	conn, err := entra.New(entra.Config{Name: "q", TenantID: sim.TenantID(), ClientID: clientID,
		ClientSecret: connector.SecretRef("file:" + path), GraphURL: sim.GraphURL(srv.URL), TokenURL: sim.TokenURL(srv.URL)},
		connector.Env{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "q.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	r := &scan.Runner{Store: db, Engine: newEngine(t), Now: func() time.Time { return now }}
	if rec, err := r.Run(ctx, conn, scan.Options{Full: true}); err != nil || rec.Status != nhi.ScanSucceeded {
		t.Fatalf("scan: %v %s %v", err, rec.Status, rec.Errors)
	}
	ids := allIdentities(t, db)
	present := presentSubjects(ids)
	found := findingSubjects(t, db, ids)
	// An application permission is labelled on its app: a service principal's findings
	// count for its app ID. So are an app's owners: the owner findings of its secrets
	// and certificates count for the app.
	appOf := map[string]string{}
	credApp := map[string]string{}
	for _, id := range ids {
		switch id.Kind {
		case nhi.KindServiceAccount:
			appOf[id.ExternalID] = id.AppID
		case nhi.KindAppCredential:
			credApp[id.ExternalID] = id.AppID
		}
	}
	ownerRisk := map[string]bool{"identity.no_owner": true, "owner.suspended": true, "owner.departed": true}
	truth := groundTruth(est.Microsoft.Labels, present)
	out := map[string]quality{}
	for risk, signals := range entraLabelSignals() {
		detected := map[string]bool{}
		for _, s := range signals {
			for subj := range found[s] {
				switch {
				case appOf[subj] != "":
					detected[appOf[subj]] = true
				case ownerRisk[risk] && credApp[subj] != "":
					detected[credApp[subj]] = true
				default:
					detected[subj] = true
				}
			}
		}
		out[risk] = confusion(t, risk, detected, truth[risk])
	}
	return out
}
