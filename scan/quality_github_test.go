package scan_test

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/connector/github"
	"github.com/nhiscope/nhi/connector/github/githubsim"
	"github.com/nhiscope/nhi/connector/googleworkspace"
	"github.com/nhiscope/nhi/connector/googleworkspace/googleworkspacesim"
	"github.com/nhiscope/nhi/estate"
	"github.com/nhiscope/nhi/scan"
	"github.com/nhiscope/nhi/store"
	"github.com/nhiscope/nhi/store/sqlite"
)

// githubLabelSignals maps each risk the estate labels on GitHub to the signals that
// detect it.
func githubLabelSignals() map[string][]string {
	m := labelSignals()
	m["credential.no_expiry"] = []string{"credential.no_expiry"}
	return m
}

// TestDetectionQualityGitHub scans the simulated company's Google Workspace (its
// directory) and then its GitHub organizations into one inventory, as nhi scan does, and
// measures each GitHub label's precision and recall. Owners' status on GitHub comes from
// the directory through the SAML identities' emails: a departed engineer still in an
// organization is one whose company account is gone.
func TestDetectionQualityGitHub(t *testing.T) {
	t.Parallel()
	runQuality(t, "github", measureGitHub, func(string) float64 { return 0.95 })
}

func measureGitHub(t *testing.T, people int) map[string]quality {
	t.Helper()
	ctx := context.Background()
	est, err := estate.Generate(estate.Options{Seed: 11, People: people})
	if err != nil {
		t.Fatal(err)
	}
	now := est.Options.Now
	clock := connector.Env{Now: func() time.Time { return now }}
	dir := t.TempDir()
	db, err := sqlite.Open(ctx, filepath.Join(dir, "q.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	r := &scan.Runner{Store: db, Engine: newEngine(t), Now: func() time.Time { return now }}
	// The directory first.
	gsim, err := googleworkspacesim.New(est, googleworkspacesim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	gsrv := httptest.NewServer(gsim)
	defer gsrv.Close()
	key := filepath.Join(dir, "key.json")
	if err := os.WriteFile(key, gsim.ServiceAccountKey(gsrv.URL), 0o600); err != nil {
		t.Fatal(err)
	}
	gconn, err := googleworkspace.New(googleworkspace.Config{Name: "g", AdminEmail: est.FirstAdmin().Email,
		Credentials: connector.SecretRef("file:" + key), BaseURL: gsrv.URL + "/"}, clock)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Run(ctx, gconn, scan.Options{Full: true}); err != nil {
		t.Fatal(err)
	}
	// Then each organization, one connector each.
	sim, err := githubsim.New(est, githubsim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim)
	defer srv.Close()
	appID, clientID, pk := sim.App()
	pemFile, tokFile := filepath.Join(dir, "app.pem"), filepath.Join(dir, "owner")
	if err := os.WriteFile(pemFile, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(pk)}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(tokFile, []byte(sim.OwnerToken()), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, org := range est.GitHub.Orgs {
		conn, err := github.New(github.Config{Name: "gh-" + org.Login, Organizations: []string{org.Login}, AppID: appID,
			ClientID: clientID, PrivateKey: connector.SecretRef("file:" + pemFile), Token: connector.SecretRef("file:" + tokFile),
			APIURL: srv.URL + "/"}, clock)
		if err != nil {
			t.Fatal(err)
		}
		if rec, err := r.Run(ctx, conn, scan.Options{Full: true}); err != nil || rec.Status != nhi.ScanSucceeded {
			t.Fatalf("scan of %s: %v %s %v", org.Login, err, rec.Status, rec.Errors)
		}
	}
	// nhi's own installation is the simulator's, not the company's: the estate labels
	// nothing of it.
	var ids []nhi.Identity
	for _, id := range allIdentities(t, db) {
		if id.Platform == nhi.PlatformGitHub && id.AppID != clientID {
			ids = append(ids, id)
		}
	}
	return githubConfusion(t, db, est, ids)
}

// githubConfusion compares the GitHub findings with the labels. A label's subject is
// "<organization>/<external ID>"; an app finding counts for every installation of the
// app in its organization.
func githubConfusion(t *testing.T, db *sqlite.DB, est *estate.Estate, ids []nhi.Identity) map[string]quality {
	subject := func(id nhi.Identity) string { return id.Tenant + "/" + id.ExternalID }
	present := map[string]bool{}
	byID := map[string]nhi.Identity{}
	installs := map[[2]string][]string{} // (tenant, app ID) -> installation subjects
	for _, id := range ids {
		present[subject(id)], byID[id.ID] = true, id
		if id.Kind == nhi.KindIntegration {
			k := [2]string{id.Tenant, id.AppID}
			installs[k] = append(installs[k], subject(id))
		}
	}
	found := map[string]map[string]bool{}
	for _, f := range allFindings(t, db) {
		if f.Platform != nhi.PlatformGitHub {
			continue
		}
		if found[f.Signal] == nil {
			found[f.Signal] = map[string]bool{}
		}
		if f.SubjectKind == nhi.SubjectIdentity {
			if id, ok := byID[f.SubjectID]; ok {
				found[f.Signal][subject(id)] = true
			}
			continue
		}
		for _, s := range installs[[2]string{f.Tenant, f.AppID}] {
			found[f.Signal][s] = true
		}
	}
	truth := groundTruth(est.GitHub.Labels, present)
	out := map[string]quality{}
	for risk, signals := range githubLabelSignals() {
		detected := map[string]bool{}
		for _, s := range signals {
			for subj := range found[s] {
				detected[subj] = true
			}
		}
		out[risk] = confusion(t, risk, detected, truth[risk])
	}
	return out
}

// allFindings lists every finding.
func allFindings(t *testing.T, db store.Store) []nhi.Finding {
	t.Helper()
	var out []nhi.Finding
	f := store.FindingFilter{}
	_, _, err := store.Walk(0, func(lim int, after string) (store.Page[nhi.Finding], error) {
		f.Limit, f.After = lim, after
		return db.ListFindings(context.Background(), f)
	}, func(x nhi.Finding) error { out = append(out, x); return nil })
	if err != nil {
		t.Fatal(err)
	}
	return out
}
