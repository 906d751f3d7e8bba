package salesforce_test

import (
	"errors"
	"log/slog"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/connector/connectortest"
	"github.com/nhiscope/nhi/connector/salesforce"
	"github.com/nhiscope/nhi/connector/salesforce/salesforcesim"
	"github.com/nhiscope/nhi/estate"
)

// clock is a settable clock shared by a simulator and a connector.
type clock struct{ unix atomic.Int64 }

// now returns the clock's time.
func (c *clock) now() time.Time { return time.Unix(0, c.unix.Load()).UTC() }

// set sets the clock.
func (c *clock) set(t time.Time) { c.unix.Store(t.UnixNano()) }

// poll runs Events and returns what it delivered, failing t on an error.
func poll(t *testing.T, c *salesforce.Connector, since nhi.Cursor) ([]nhi.Event, nhi.Cursor) {
	t.Helper()
	var out []nhi.Event
	cur, err := c.Events(t.Context(), since, func(ev nhi.Event) error {
		out = append(out, ev)
		return nil
	})
	if err != nil {
		t.Fatalf("Events = %v (code %s)", err, nhi.ErrorCode(err))
	}
	return out, cur
}

// eventIDs returns the IDs of evs in order.
func eventIDs(evs []nhi.Event) []string {
	out := make([]string, len(evs))
	for i, ev := range evs {
		out[i] = ev.ID
	}
	return out
}

// visibleAPIEvents counts the API events of the estate whose hourly file exists at now.
func visibleAPIEvents(sf *estate.Salesforce, now time.Time) int {
	n := 0
	oldest := now.Add(-30 * 24 * time.Hour).Truncate(time.Hour)
	for _, ev := range sf.APIEvents {
		h := ev.Time.UTC().Truncate(time.Hour)
		if !h.Before(oldest) && !h.Add(2*time.Hour).After(now) {
			n++
		}
	}
	return n
}

// TestEventsNoLossNoRepeat checks that a first poll delivers the last 30 days in time
// order (sign-ins, API calls, the seeded attack's exports and deleted export jobs), and
// that later polls deliver exactly what appeared since, including files published late.
func TestEventsNoLossNoRepeat(t *testing.T) {
	t.Parallel()
	e := generate(t, 7)
	sf := e.Salesforce
	var clk clock
	t0 := e.Options.Now
	clk.set(t0)
	v := newEnv(t, e, salesforcesim.Options{Now: clk.now}, connectortest.Setup{})
	c := v.connector(t, nil)
	first, cur := poll(t, c, "")
	kinds := map[nhi.EventKind]int{}
	var exportIPs []string
	for _, ev := range first {
		kinds[ev.Kind]++
		if ev.Kind == nhi.EventExport {
			exportIPs = append(exportIPs, ev.SourceIP)
		}
		if ev.Tenant != sf.OrgID || ev.Platform != nhi.PlatformSalesforce || ev.Actor == "" {
			t.Fatalf("event lacks tenant, platform or actor: %+v", ev)
		}
	}
	api := kinds[nhi.EventAPICall] + kinds[nhi.EventExport] + kinds[nhi.EventExportDeleted]
	if kinds[nhi.EventSignIn] != len(sf.Logins) || api != visibleAPIEvents(sf, t0) {
		t.Errorf("first poll: %d sign-ins, %d API events; want %d and %d", kinds[nhi.EventSignIn], api,
			len(sf.Logins), visibleAPIEvents(sf, t0))
	}
	if sf.Attack != nil && (!slices.Contains(exportIPs, sf.Attack.ExportIP) || kinds[nhi.EventExportDeleted] == 0) {
		t.Errorf("the attack's exports from %s and deleted jobs were not delivered: %v", sf.Attack.ExportIP, kinds)
	}
	if !slices.IsSortedFunc(first, func(a, b nhi.Event) int { return a.Time.Compare(b.Time) }) {
		t.Error("events are not oldest first")
	}
	if err := v.sim.AddLogin(estate.SFLogin{User: 0, Time: t0.Add(10 * time.Minute), LoginType: "Remote Access 2.0",
		Application: sf.Apps[0].Name, SourceIP: "192.0.2.1", Status: "Success"}); err != nil {
		t.Fatal(err)
	}
	if err := v.sim.AddAPIEvent(estate.SFAPIEvent{RequestID: "added-request-1", Time: t0.Add(20 * time.Minute),
		EventType: "RestApi", User: 0, App: 0, APIFamily: "REST", Method: "GET", Resource: "/query", Entity: "Account",
		ClientIP: "192.0.2.1", ClientName: "curl/8.0", StatusCode: 200, Rows: 3}); err != nil {
		t.Fatal(err)
	}
	clk.set(t0.Add(3 * time.Hour))
	second, cur := poll(t, c, cur)
	wantNew := len(sf.APIEvents) - visibleAPIEvents(sf, t0) + 2
	if len(second) != wantNew {
		t.Errorf("second poll delivered %d events, want %d (the late files and the two added)", len(second), wantNew)
	}
	for _, id := range eventIDs(second) {
		if slices.Contains(eventIDs(first), id) {
			t.Errorf("event %s delivered twice", id)
		}
	}
	added := second[slices.IndexFunc(second, func(ev nhi.Event) bool { return ev.ID == "added-request-1" })]
	want := nhi.Event{ID: "added-request-1", Platform: nhi.PlatformSalesforce, Tenant: sf.OrgID,
		Time: t0.Add(20 * time.Minute), Kind: nhi.EventAPICall, Activity: "RestApi", Actor: sf.Users[0].ID,
		AppID: sf.Apps[0].ID, Target: "Account", Result: "success", SourceIP: "192.0.2.1", UserAgent: "curl/8.0",
		Details: map[string]string{"api_family": "REST", "entity": "Account", "rows": "3", "method": "GET",
			"uri": "/services/data/v62.0/query", "status_code": "200"}}
	if diff := cmp.Diff(want, added); diff != "" {
		t.Errorf("added API event (-want +got):\n%s", diff)
	}
	if third, _ := poll(t, c, cur); len(third) != 0 {
		t.Errorf("a poll with nothing new delivered %d events, first %+v", len(third), third[0])
	}
}

// TestEventsResumeAfterError checks that when fn fails, the cursor returned marks the
// last event fn accepted: resuming delivers the rest, nothing twice, nothing lost.
func TestEventsResumeAfterError(t *testing.T) {
	t.Parallel()
	e := generate(t, 7)
	all, _ := poll(t, newEnv(t, e, salesforcesim.Options{}, connectortest.Setup{}).connector(t, nil), "")
	for _, stop := range []int{0, 1, 150, len(all) - 1} {
		v := newEnv(t, e, salesforcesim.Options{}, connectortest.Setup{})
		c := v.connector(t, nil)
		var got []nhi.Event
		boom := errors.New("the detector is full")
		cur, err := c.Events(t.Context(), "", func(ev nhi.Event) error {
			if len(got) == stop {
				return boom
			}
			got = append(got, ev)
			return nil
		})
		if !errors.Is(err, boom) {
			t.Fatalf("stop %d: Events = %v, want fn's error", stop, err)
		}
		rest, _ := poll(t, c, cur)
		if diff := cmp.Diff(eventIDs(all), eventIDs(append(got, rest...))); diff != "" {
			t.Errorf("stop %d: delivered before and after the error differ from one poll (-want +got):\n%s", stop, diff)
		}
	}
}

// TestEventsWithoutEventLogFiles checks that without View Event Log Files sign-ins are
// still delivered, and a warning says once that API events are unavailable.
func TestEventsWithoutEventLogFiles(t *testing.T) {
	t.Parallel()
	e := generate(t, 7)
	v := newEnv(t, e, salesforcesim.Options{}, connectortest.Setup{})
	if err := v.sim.SetUserPermissions(v.cfg.Username, true, true, false); err != nil {
		t.Fatal(err)
	}
	var logs strings.Builder
	c := v.connector(t, &connector.Env{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	evs, cur := poll(t, c, "")
	poll(t, c, cur)
	for _, ev := range evs {
		if ev.Kind != nhi.EventSignIn {
			t.Fatalf("delivered %s event %s without View Event Log Files", ev.Kind, ev.ID)
		}
	}
	if len(evs) != len(e.Salesforce.Logins) {
		t.Errorf("delivered %d sign-ins, want %d", len(evs), len(e.Salesforce.Logins))
	}
	if n := strings.Count(logs.String(), "View Event Log Files"); n != 1 {
		t.Errorf("warning logged %d times, want once:\n%s", n, logs.String())
	}
}

// TestEventsBadCursor checks that a cursor of another kind is refused with CodeInvalid.
func TestEventsBadCursor(t *testing.T) {
	t.Parallel()
	c := newEnv(t, generate(t, 7), salesforcesim.Options{}, connectortest.Setup{}).connector(t, nil)
	for _, cur := range []nhi.Cursor{"salesforce1:2026-01-01T00:00:00Z", "salesforce-events1:!!", "entra1:abc"} {
		if _, err := c.Events(t.Context(), cur, func(nhi.Event) error { return nil }); nhi.ErrorCode(err) != nhi.CodeInvalid {
			t.Errorf("Events(%q) = %v, want CodeInvalid", cur, err)
		}
	}
}

// TestEventsFileCap checks that polls reading a few files each deliver, over as many polls
// as it takes, exactly what one poll reading all of them does.
func TestEventsFileCap(t *testing.T) {
	t.Parallel()
	e := generate(t, 7)
	all, _ := poll(t, newEnv(t, e, salesforcesim.Options{}, connectortest.Setup{}).connector(t, nil), "")
	c := newEnv(t, e, salesforcesim.Options{}, connectortest.Setup{}).connector(t, nil)
	salesforce.SetMaxFiles(c, 40)
	var got []nhi.Event
	var cur nhi.Cursor
	for polls := 0; ; polls++ {
		evs, next := poll(t, c, cur)
		if len(evs) == 0 {
			if polls < 3 {
				t.Errorf("capped polls ended after %d polls; the cap never bit", polls)
			}
			break
		}
		got, cur = append(got, evs...), next
	}
	want, have := eventIDs(all), eventIDs(got)
	slices.Sort(want)
	slices.Sort(have)
	if diff := cmp.Diff(want, have); diff != "" {
		t.Errorf("capped polls differ from one full poll (-want +got):\n%s", diff)
	}
}
