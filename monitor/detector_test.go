package monitor

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/risk"
)

// t0 is the start of every test's history.
var t0 = time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)

// sf makes a Salesforce event of the Drift integration's token.
func sf(id string, at time.Time, kind nhi.EventKind, ip, ua string, details ...string) nhi.Event {
	ev := nhi.Event{ID: id, Platform: nhi.PlatformSalesforce, Tenant: "00Dexample", Time: at, Kind: kind,
		Activity: string(kind), Actor: "005drift", AppID: "0H4drift", SourceIP: ip, UserAgent: ua, Details: map[string]string{}}
	for i := 0; i+1 < len(details); i += 2 {
		ev.Details[details[i]] = details[i+1]
	}
	return ev
}

// baseline returns days of the integration's ordinary use: perDay queries a day of
// Contact and Lead from its usual network and client.
func baseline(days, perDay int) []nhi.Event {
	var out []nhi.Event
	for d := range days {
		for i := range perDay {
			at := t0.Add(time.Duration(d)*24*time.Hour + time.Duration(i)*time.Minute)
			obj := []string{"Contact", "Lead"}[i%2]
			out = append(out, sf(fmt.Sprintf("b%d-%d", d, i), at, nhi.EventAPICall, fmt.Sprintf("198.51.100.%d", 10+i%5),
				"Drift-Integration/2.1", "entity", obj))
		}
	}
	return out
}

// day returns n ordinary queries on day d of the history.
func day(d, n int) []nhi.Event {
	var out []nhi.Event
	for i := range n {
		out = append(out, sf(fmt.Sprintf("d%d-%d", d, i), t0.Add(time.Duration(d)*24*time.Hour+time.Duration(i)*time.Second),
			nhi.EventAPICall, "198.51.100.10", "Drift-Integration/2.1", "entity", "Contact"))
	}
	return out
}

// run observes evs and returns the detections by signal.
func run(d *Detector, evs []nhi.Event) map[string][]Detection {
	out := map[string][]Detection{}
	for _, ev := range evs {
		for _, det := range d.Observe(ev) {
			out[det.Signal] = append(out[det.Signal], det)
		}
	}
	return out
}

// TestDriftPattern replays the shape of the 2025 Drift token abuse after a month of
// ordinary use: recon from one cloud network with a scripting client, a bulk export from
// another, the export job deleted seconds later.
func TestDriftPattern(t *testing.T) {
	t.Parallel()
	nets, err := risk.ParseNetworks(strings.NewReader("cidr,asn,org,kind\n203.0.113.0/24,64500,Example Cloud,hosting\n192.0.2.0/24,64501,Other Cloud,hosting\n"))
	if err != nil {
		t.Fatal(err)
	}
	d := NewDetector(Config{Networks: nets})
	if got := run(d, baseline(30, 20)); len(got) != 0 {
		t.Fatalf("ordinary use raised %v", keys(got))
	}
	at := t0.Add(31 * 24 * time.Hour)
	var attack []nhi.Event
	for i, obj := range []string{"User", "Account", "Opportunity", "Case"} {
		attack = append(attack, sf(fmt.Sprintf("r%d", i), at.Add(time.Duration(i)*time.Minute), nhi.EventAPICall,
			"203.0.113.7", "python-requests/2.32.4", "entity", obj))
	}
	exportAt := at.Add(3 * time.Hour)
	attack = append(attack,
		sf("x1", exportAt, nhi.EventExport, "192.0.2.9", "python-requests/2.32.4", "entity", "Account", "uri", "/services/data/v62.0/jobs/query/750AAA"),
		sf("x2", exportAt.Add(40*time.Second), nhi.EventExport, "192.0.2.9", "python-requests/2.32.4", "entity", "Account",
			"uri", "/services/data/v62.0/jobs/query/750AAA/results"),
		sf("x3", exportAt.Add(55*time.Second), nhi.EventExportDeleted, "192.0.2.9", "python-requests/2.32.4",
			"uri", "/services/data/v62.0/jobs/query/750AAA"))
	got := run(d, attack)
	want := map[string]int{"behavior.new_network": 2, "behavior.new_client": 1, "behavior.recon_then_export": 1,
		"behavior.export_deleted": 1}
	for sig, n := range want {
		if len(got[sig]) != n {
			t.Errorf("%s: %d detections, want %d", sig, len(got[sig]), n)
		}
	}
	if len(got) != len(want) {
		t.Errorf("signals = %v, want exactly %v", keys(got), want)
	}
	if r := got["behavior.recon_then_export"]; len(r) == 1 {
		if r[0].Confidence < 0.9 || !slices.Equal(r[0].Events, []string{"r0", "r1", "r2", "r3", "x1"}) ||
			r[0].Severity != nhi.SeverityCritical {
			t.Errorf("recon_then_export = %+v, want confidence 0.9, the four queries and the export", r[0])
		}
	}
	if n := got["behavior.new_network"]; len(n) > 0 && (n[0].Confidence < 0.8 || !strings.Contains(strings.Join(n[0].Evidence, " "), "AS64500")) {
		t.Errorf("new_network from a hosting range = %+v, want high confidence naming the AS", n[0])
	}
	if e := got["behavior.export_deleted"]; len(e) == 1 && !slices.Equal(e[0].Events, []string{"x1", "x3"}) {
		t.Errorf("export_deleted evidence = %q, want the export and the deletion", e[0].Events)
	}
}

// TestNoFalseAlarms checks patterns that must stay silent.
func TestNoFalseAlarms(t *testing.T) {
	t.Parallel()
	later := t0.Add(31 * 24 * time.Hour)
	tests := []struct {
		name string
		evs  []nhi.Event
	}{
		{"new network while learning", []nhi.Event{sf("a", t0, nhi.EventAPICall, "198.51.100.1", "X/1", "entity", "Lead"),
			sf("b", t0.Add(time.Hour), nhi.EventAPICall, "203.0.113.7", "Y/1", "entity", "Lead")}},
		{"export without recon", append(baseline(30, 20),
			sf("x", later, nhi.EventExport, "198.51.100.10", "Drift-Integration/2.1", "entity", "Contact", "uri", "/jobs/query/750B"))},
		{"export deleted an hour later", append(baseline(30, 20),
			sf("x", later, nhi.EventExport, "198.51.100.10", "Drift-Integration/2.1", "entity", "Contact", "uri", "/jobs/query/750C"),
			sf("y", later.Add(time.Hour), nhi.EventExportDeleted, "198.51.100.10", "Drift-Integration/2.1", "uri", "/jobs/query/750C"))},
		{"a busy day below the least count of a spike", append(baseline(30, 20), day(30, 60)...)},
		{"no actor, no app", []nhi.Event{{ID: "z", Time: t0, SourceIP: "203.0.113.7"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := run(NewDetector(Config{}), tt.evs); len(got) != 0 {
				t.Errorf("raised %v", keys(got))
			}
		})
	}
}

// TestVolumeSpike checks the robust baseline: a day far above the median (by MADs) is a
// spike once; the same count against a noisy baseline is not.
func TestVolumeSpike(t *testing.T) {
	t.Parallel()
	d := NewDetector(Config{})
	evs := day(30, 400)
	got := run(d, append(baseline(30, 20), evs...))
	if len(got["behavior.volume_spike"]) != 1 {
		t.Fatalf("volume_spike detections = %d, want 1 (signals %v)", len(got["behavior.volume_spike"]), keys(got))
	}
	if ev := got["behavior.volume_spike"][0].Evidence[0]; !strings.Contains(ev, "median is 20") {
		t.Errorf("evidence %q, want the baseline's median", ev)
	}
	// A baseline swinging between 20 and 400 a day makes 400 ordinary.
	var noisy []nhi.Event
	for dd := range 30 {
		noisy = append(noisy, day(dd, []int{400, 20}[dd%2])...)
	}
	if got := run(NewDetector(Config{}), append(noisy, evs...)); len(got["behavior.volume_spike"]) != 0 {
		t.Error("a count within a noisy baseline's spread was a spike")
	}
}

// TestDormantAndOwner checks the wake-up after a long silence (seeded from the
// inventory) and use after the owner left.
func TestDormantAndOwner(t *testing.T) {
	t.Parallel()
	owners := func(_ nhi.Platform, _ string, actor string) (nhi.PersonStatus, bool) {
		if actor == "005drift" {
			return nhi.PersonDeparted, true
		}
		return "", false
	}
	d := NewDetector(Config{Owners: owners})
	s := Subject{Platform: nhi.PlatformSalesforce, Tenant: "00Dexample", AppID: "0H4drift", Actor: "005drift"}
	d.Seed(s, t0.Add(-200*24*time.Hour))
	got := run(d, []nhi.Event{sf("w1", t0, nhi.EventSignIn, "198.51.100.1", ""), sf("w2", t0.Add(time.Hour), nhi.EventSignIn, "198.51.100.1", "")})
	if len(got["behavior.dormant_wakeup"]) != 1 || !strings.Contains(got["behavior.dormant_wakeup"][0].Evidence[0], "200 days") {
		t.Errorf("dormant_wakeup = %+v, want one after 200 days", got["behavior.dormant_wakeup"])
	}
	if len(got["behavior.owner_gone"]) != 1 {
		t.Errorf("owner_gone = %d detections, want 1 a day", len(got["behavior.owner_gone"]))
	}
}

// TestClientFamily checks user-agent families.
func TestClientFamily(t *testing.T) {
	t.Parallel()
	for ua, want := range map[string]string{
		"python-requests/2.32.4":           "python-requests",
		"Salesforce-Multi-Org-Fetcher/1.0": "Salesforce-Multi-Org-Fetcher",
		"Python/3.11 aiohttp/3.12.15":      "Python",
		"Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36":           "browser:Chrome",
		"Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36 Edg/124.0": "browser:Edge",
		"": "", "Unknown": "",
	} {
		if got := clientFamily(ua); got != want {
			t.Errorf("clientFamily(%q) = %q, want %q", ua, got, want)
		}
	}
}

// keys returns the signals of a detection map, sorted.
func keys(m map[string][]Detection) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// TestSnapshotRestore checks that a detector restored from a snapshot of its baselines
// judges the attack as the one that learned them does: a restart does not start the
// learning over.
func TestSnapshotRestore(t *testing.T) {
	t.Parallel()
	d := NewDetector(Config{})
	run(d, baseline(30, 20))
	b, err := d.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	again := NewDetector(Config{})
	if err := again.Restore(b); err != nil {
		t.Fatal(err)
	}
	at := t0.Add(31 * 24 * time.Hour)
	attack := []nhi.Event{
		sf("r1", at, nhi.EventAPICall, "203.0.113.7", "python-requests/2.32.4", "entity", "User"),
		sf("r2", at.Add(time.Minute), nhi.EventAPICall, "203.0.113.7", "python-requests/2.32.4", "entity", "Account"),
		sf("r3", at.Add(2*time.Minute), nhi.EventAPICall, "203.0.113.7", "python-requests/2.32.4", "entity", "Case"),
		sf("x1", at.Add(time.Hour), nhi.EventExport, "192.0.2.9", "python-requests/2.32.4", "entity", "Case", "uri", "/jobs/query/750Z"),
	}
	want, got := keys(run(d, attack)), keys(run(again, attack))
	if !slices.Equal(want, got) || len(got) < 3 {
		t.Errorf("restored detector raised %v, the original %v", got, want)
	}
	if err := NewDetector(Config{}).Restore([]byte("not gzip")); err == nil {
		t.Error("Restore of garbage succeeded")
	}
}

// TestFloodIsBounded feeds 100,000 events from as many addresses to one subject and
// checks that what the detector keeps stays bounded.
func TestFloodIsBounded(t *testing.T) {
	t.Parallel()
	d := NewDetector(Config{})
	for i := range 100_000 {
		ip := fmt.Sprintf("10.%d.%d.1", i/256%256, i%256)
		kind := nhi.EventAPICall
		if i%10 == 0 {
			kind = nhi.EventExport
		}
		d.Observe(sf(fmt.Sprintf("e%d", i), t0.Add(time.Duration(i)*time.Second), kind, ip,
			fmt.Sprintf("client-%d/1.0", i), "entity", fmt.Sprintf("Obj%d", i%50), "uri", fmt.Sprintf("/jobs/query/%d", i)))
	}
	st := d.subjects[Subject{Platform: nhi.PlatformSalesforce, Tenant: "00Dexample", AppID: "0H4drift", Actor: "005drift"}]
	if len(st.networks) > maxNetworks || len(st.clients) > maxClients || len(st.recent) > maxRecent ||
		len(st.days) > maxDays || len(st.exports) > maxExports+24*3600/10+1 {
		t.Errorf("state grew: %d networks, %d clients, %d recent, %d days, %d exports",
			len(st.networks), len(st.clients), len(st.recent), len(st.days), len(st.exports))
	}
}

// TestRepeatedEventsAreJudgedOnce checks that an event read again (after a crash, before
// the position was saved) neither counts twice nor raises its detections again, also
// across a snapshot.
func TestRepeatedEventsAreJudgedOnce(t *testing.T) {
	t.Parallel()
	d := NewDetector(Config{})
	evs := append(baseline(30, 20),
		sf("x", t0.Add(31*24*time.Hour), nhi.EventExport, "198.51.100.10", "Drift-Integration/2.1", "uri", "/jobs/query/750R"),
		sf("y", t0.Add(31*24*time.Hour+10*time.Second), nhi.EventExportDeleted, "198.51.100.10", "Drift-Integration/2.1", "uri", "/jobs/query/750R"))
	first := run(d, evs)
	if len(first["behavior.export_deleted"]) != 1 {
		t.Fatalf("first read: %v", keys(first))
	}
	b, err := d.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	again := NewDetector(Config{})
	if err := again.Restore(b); err != nil {
		t.Fatal(err)
	}
	if got := run(again, evs[len(evs)-50:]); len(got) != 0 {
		t.Errorf("events read again raised %v", keys(got))
	}
	st := again.subjects[Subject{Platform: nhi.PlatformSalesforce, Tenant: "00Dexample", AppID: "0H4drift", Actor: "005drift"}]
	if st.events != len(evs) {
		t.Errorf("%d events counted, want %d (each once)", st.events, len(evs))
	}
}
