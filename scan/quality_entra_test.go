package scan_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
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
	sizes := []int{500, 5000}
	if testing.Short() || raceEnabled {
		sizes = sizes[:1]
	}
	for _, people := range sizes {
		t.Run(fmt.Sprint(people), func(t *testing.T) {
			t.Parallel()
			got := measureEntra(t, people)
			names := make([]string, 0, len(got))
			for k := range got {
				names = append(names, k)
			}
			sort.Strings(names)
			for _, name := range names {
				q := got[name]
				t.Logf("entra %-26s tp %6d fp %5d fn %5d precision %.3f recall %.3f", name, q.tp, q.fp, q.fn, q.precision(), q.recall())
				if q.tp+q.fn == 0 {
					continue
				}
				if q.precision() < 0.95 || q.recall() < 0.95 {
					t.Errorf("entra %s: precision %.3f recall %.3f, want >= 0.95", name, q.precision(), q.recall())
				}
			}
		})
	}
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
	truth := map[string]map[string]bool{}
	for _, l := range est.Microsoft.Labels {
		if !present[l.Subject] {
			continue
		}
		if truth[l.Risk] == nil {
			truth[l.Risk] = map[string]bool{}
		}
		truth[l.Risk][l.Subject] = true
	}
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
		q := quality{}
		for subj := range detected {
			if truth[risk][subj] {
				q.tp++
			} else {
				q.fp++
				t.Logf("entra %s: false positive %s", risk, subj)
			}
		}
		for subj := range truth[risk] {
			if !detected[subj] {
				q.fn++
				t.Logf("entra %s: false negative %s", risk, subj)
			}
		}
		out[risk] = q
	}
	return out
}
