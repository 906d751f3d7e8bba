package monitor_test

import (
	"crypto/x509"
	"encoding/pem"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/connector/salesforce"
	"github.com/nhiscope/nhi/connector/salesforce/salesforcesim"
	"github.com/nhiscope/nhi/estate"
	"github.com/nhiscope/nhi/monitor"
)

// TestBehaviourQuality reads a simulated Salesforce org's login and API events through the
// real connector and runs them through the detector. The org's events are labelled: the
// seeded attack (stolen Drift token: recon from one cloud network with a scripting
// client, bulk exports from another, export jobs deleted seconds later) is malicious;
// the rest is benign (vendors' steady traffic, people's sign-ins from offices and homes,
// a nightly bulk sync whose jobs stay). Precision is the share of detections whose
// evidence includes attack events; recall the share of the attack's expected signals
// (new network, recon then export, export deleted) raised. Both must reach 0.95.
func TestBehaviourQuality(t *testing.T) {
	t.Parallel()
	sizes := []int{500, 5000}
	if testing.Short() {
		sizes = sizes[:1]
	}
	for _, people := range sizes {
		est, err := estate.Generate(estate.Options{Seed: 11, People: people})
		if err != nil {
			t.Fatal(err)
		}
		evs := salesforceEvents(t, est)
		attack := map[string]bool{}
		for _, id := range est.Salesforce.Attack.Requests {
			attack[id] = true
		}
		a := est.Salesforce.Attack
		for _, ev := range evs {
			if ev.SourceIP == a.ReconIP || ev.SourceIP == a.ExportIP {
				attack[ev.ID] = true
			}
		}
		d := monitor.NewDetector(monitor.Config{})
		tp, fp := 0, 0
		raised := map[string]bool{}
		for _, ev := range evs {
			for _, det := range d.Observe(ev) {
				if slices.ContainsFunc(det.Events, func(id string) bool { return attack[id] }) {
					tp++
					raised[det.Signal] = true
					continue
				}
				fp++
				t.Logf("%d people: false alarm %s on %s/%s: %v", people, det.Signal, det.Subject.AppID, det.Subject.Actor, det.Evidence)
			}
		}
		expected := []string{"behavior.new_network", "behavior.recon_then_export", "behavior.export_deleted"}
		found := 0
		for _, s := range expected {
			if raised[s] {
				found++
			} else {
				t.Logf("%d people: the attack raised no %s", people, s)
			}
		}
		precision := float64(tp) / float64(max(tp+fp, 1))
		recall := float64(found) / float64(len(expected))
		t.Logf("%d people: %d events, %d attack events; %d detections on the attack, %d false alarms: precision %.3f recall %.3f",
			people, len(evs), len(attack), tp, fp, precision, recall)
		if precision < 0.95 || recall < 0.95 {
			t.Errorf("%d people: precision %.3f recall %.3f, want >= 0.95 both", people, precision, recall)
		}
	}
}

// salesforceEvents serves est's Salesforce org and reads every event of its 30 days
// through the connector, oldest first.
func salesforceEvents(t *testing.T, est *estate.Estate) []nhi.Event {
	t.Helper()
	now := est.Options.Now
	sim, err := salesforcesim.New(est, salesforcesim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	consumer, key, user := sim.Client()
	pemFile := filepath.Join(t.TempDir(), "sf.pem")
	if err := os.WriteFile(pemFile, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := salesforce.New(salesforce.Config{Name: "sf", LoginURL: srv.URL, ConsumerKey: consumer, Username: user,
		PrivateKey: connector.SecretRef("file:" + pemFile)}, connector.Env{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	var evs []nhi.Event
	cur := nhi.Cursor("")
	for range 100 {
		n := len(evs)
		next, err := c.Events(t.Context(), cur, func(ev nhi.Event) error { evs = append(evs, ev); return nil })
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) == n || next == cur {
			break
		}
		cur = next
	}
	sort.SliceStable(evs, func(i, j int) bool { return evs[i].Time.Before(evs[j].Time) })
	return evs
}
