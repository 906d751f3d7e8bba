package scan_test

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/connector/googleworkspace"
	"github.com/nhiscope/nhi/connector/googleworkspace/googleworkspacesim"
	"github.com/nhiscope/nhi/connector/okta"
	"github.com/nhiscope/nhi/connector/okta/oktasim"
	"github.com/nhiscope/nhi/connector/salesforce"
	"github.com/nhiscope/nhi/connector/salesforce/salesforcesim"
	"github.com/nhiscope/nhi/connector/slack"
	"github.com/nhiscope/nhi/connector/slack/slacksim"
	"github.com/nhiscope/nhi/estate"
	"github.com/nhiscope/nhi/scan"
	"github.com/nhiscope/nhi/store/sqlite"
)

// platformCase is one platform measured by measurePlatform: how to serve it and connect
// to it, and where its labels are.
type platformCase struct {
	platform nhi.Platform
	// connect starts the platform's simulator over est and returns the connector to it.
	connect func(t *testing.T, est *estate.Estate, dir string, env connector.Env) connector.Connector
	labels  func(est *estate.Estate) []estate.Label
}

// TestDetectionQualityPlatforms scans the simulated company's Google Workspace (its
// directory) and then its Slack, Salesforce and Okta tenants, each into the inventory
// the directory is in, and measures every label each platform's estate seeds. A label's
// subject is the identity's external ID; an app's findings count for its integrations.
func TestDetectionQualityPlatforms(t *testing.T) {
	t.Parallel()
	for _, pc := range []platformCase{slackCase(), salesforceCase(), oktaCase()} {
		t.Run(string(pc.platform), func(t *testing.T) {
			t.Parallel()
			runQuality(t, string(pc.platform), func(t *testing.T, people int) map[string]quality {
				return measurePlatform(t, people, pc)
			}, func(string) float64 { return 0.95 })
		})
	}
}

func slackCase() platformCase {
	return platformCase{platform: nhi.PlatformSlack, labels: func(e *estate.Estate) []estate.Label { return e.Slack.Labels },
		connect: func(t *testing.T, est *estate.Estate, dir string, env connector.Env) connector.Connector {
			sim, err := slacksim.New(est, slacksim.Options{})
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(sim)
			t.Cleanup(srv.Close)
			tok := filepath.Join(dir, "slack")
			writeFile(t, tok, []byte(sim.Token()))
			c, err := slack.New(slack.Config{Name: "sl", EnterpriseID: sim.EnterpriseID(), AppID: "A0NHIQUAL1",
				Token: connector.SecretRef("file:" + tok), APIURL: sim.APIURL(srv.URL), AuditURL: sim.AuditURL(srv.URL)}, env)
			if err != nil {
				t.Fatal(err)
			}
			return c
		}}
}

func salesforceCase() platformCase {
	return platformCase{platform: nhi.PlatformSalesforce, labels: func(e *estate.Estate) []estate.Label { return e.Salesforce.Labels },
		connect: func(t *testing.T, est *estate.Estate, dir string, env connector.Env) connector.Connector {
			sim, err := salesforcesim.New(est, salesforcesim.Options{})
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(sim)
			t.Cleanup(srv.Close)
			consumer, key, user := sim.Client()
			pemFile := filepath.Join(dir, "sf.pem")
			writeFile(t, pemFile, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}))
			c, err := salesforce.New(salesforce.Config{Name: "sf", LoginURL: srv.URL, ConsumerKey: consumer, Username: user,
				PrivateKey: connector.SecretRef("file:" + pemFile)}, env)
			if err != nil {
				t.Fatal(err)
			}
			return c
		}}
}

func oktaCase() platformCase {
	return platformCase{platform: nhi.PlatformOkta, labels: func(e *estate.Estate) []estate.Label { return e.Okta.Labels },
		connect: func(t *testing.T, est *estate.Estate, dir string, env connector.Env) connector.Connector {
			sim, err := oktasim.New(est, oktasim.Options{})
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(sim)
			t.Cleanup(srv.Close)
			tok := filepath.Join(dir, "okta")
			writeFile(t, tok, []byte(oktasim.DefaultAPIToken))
			c, err := okta.New(okta.Config{Name: "ok", OrgURL: sim.OrgURL(srv.URL), Token: connector.SecretRef("file:" + tok)}, env)
			if err != nil {
				t.Fatal(err)
			}
			return c
		}}
}

// writeFile writes b to path, failing t on error.
func writeFile(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// measurePlatform scans the directory, then the platform, and compares the platform's
// findings with its labels.
func measurePlatform(t *testing.T, people int, pc platformCase) map[string]quality {
	t.Helper()
	ctx := context.Background()
	est, err := estate.Generate(estate.Options{Seed: 11, People: people})
	if err != nil {
		t.Fatal(err)
	}
	now := est.Options.Now
	env := connector.Env{Now: func() time.Time { return now }}
	dir := t.TempDir()
	db, err := sqlite.Open(ctx, filepath.Join(dir, "q.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	r := &scan.Runner{Store: db, Engine: newEngine(t), Now: func() time.Time { return now }}
	gsim, err := googleworkspacesim.New(est, googleworkspacesim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	gsrv := httptest.NewServer(gsim)
	defer gsrv.Close()
	key := filepath.Join(dir, "key.json")
	writeFile(t, key, gsim.ServiceAccountKey(gsrv.URL))
	gconn, err := googleworkspace.New(googleworkspace.Config{Name: "g", AdminEmail: est.FirstAdmin().Email,
		Credentials: connector.SecretRef("file:" + key), BaseURL: gsrv.URL + "/"}, env)
	if err != nil {
		t.Fatal(err)
	}
	if pc.platform != nhi.PlatformOkta { // Okta is a directory of its own
		if _, err := r.Run(ctx, gconn, scan.Options{Full: true}); err != nil {
			t.Fatal(err)
		}
	}
	if rec, err := r.Run(ctx, pc.connect(t, est, dir, env), scan.Options{Full: true}); err != nil ||
		(rec.Status != nhi.ScanSucceeded && rec.Status != nhi.ScanPartial) {
		t.Fatalf("scan: %v %s %v", err, rec.Status, rec.Errors)
	}
	// The simulators' own users and apps (nhi's integration user in Salesforce) are not
	// the company's: the estate labels nothing of them.
	var ids []nhi.Identity
	for _, id := range allIdentities(t, db) {
		if id.Platform == pc.platform && !strings.HasPrefix(id.Name, "nhi") {
			ids = append(ids, id)
		}
	}
	present, byID, byApp := map[string]bool{}, map[string]nhi.Identity{}, map[string][]string{}
	for _, id := range ids {
		present[id.ExternalID], byID[id.ID] = true, id
		byApp[id.AppID] = append(byApp[id.AppID], id.ExternalID)
	}
	found := map[string]map[string]bool{}
	for _, f := range allFindings(t, db) {
		if f.Platform != pc.platform {
			continue
		}
		if found[f.Signal] == nil {
			found[f.Signal] = map[string]bool{}
		}
		if f.SubjectKind == nhi.SubjectIdentity {
			if id, ok := byID[f.SubjectID]; ok {
				found[f.Signal][id.ExternalID] = true
			}
			continue
		}
		for _, s := range byApp[f.AppID] {
			found[f.Signal][s] = true
		}
	}
	signals := githubLabelSignals()
	truth := groundTruth(pc.labels(est), present)
	out := map[string]quality{}
	for risk := range truth {
		detected := map[string]bool{}
		for _, s := range signals[risk] {
			for subj := range found[s] {
				detected[subj] = true
			}
		}
		out[risk] = confusion(t, risk, detected, truth[risk])
	}
	return out
}
