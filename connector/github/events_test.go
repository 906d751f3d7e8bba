package github

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nhiscope/nhi"
)

// readEvents runs Events from since, which must succeed, and returns the events.
func readEvents(t *testing.T, s *simulated, since nhi.Cursor) ([]nhi.Event, nhi.Cursor) {
	t.Helper()
	var got []nhi.Event
	cur, err := s.c.Events(t.Context(), since, func(ev nhi.Event) error {
		got = append(got, ev)
		return nil
	})
	if err != nil {
		t.Fatalf("Events = %v (code %s)", err, nhi.ErrorCode(err))
	}
	return got, cur
}

// ids returns the IDs of events.
func ids(evs []nhi.Event) []string {
	out := make([]string, len(evs))
	for i, ev := range evs {
		out[i] = ev.ID
	}
	return out
}

// wantAudits returns the IDs of the audit events of org Events must deliver, oldest first.
func wantAudits(s *simulated, org string, from time.Time) []string {
	var out []string
	for _, a := range s.sim.Audits(org) {
		if _, ok := eventKinds[a.Action]; ok && !a.Time.Before(from) {
			out = append(out, a.ID)
		}
	}
	return out
}

func TestEventsDeliverEachOnce(t *testing.T) {
	t.Parallel()
	e := generate(t, 7)
	s := startSim(t, e, simSetup{Setup: connectortestSetup(1)})
	org := s.orgs[0]
	first, cur := readEvents(t, s, "")
	want := wantAudits(s, org, e.Options.Now.Add(-EventWindow))
	if len(want) == 0 {
		t.Fatal("the estate's audit log holds no event of interest")
	}
	if diff := cmp.Diff(want, ids(first)); diff != "" {
		t.Errorf("first read (-want +got):\n%s", diff)
	}
	if !slices.IsSortedFunc(first, func(a, b nhi.Event) int { return a.Time.Compare(b.Time) }) {
		t.Error("events are not oldest first")
	}
	for _, ev := range first {
		if ev.Tenant != org || ev.Platform != nhi.PlatformGitHub || ev.Kind == "" || ev.Activity == "" || ev.Time.IsZero() {
			t.Errorf("event lacks fields: %+v", ev)
		}
	}
	again, cur := readEvents(t, s, cur)
	if len(again) != 0 {
		t.Errorf("a second read delivered %d events again: %v", len(again), ids(again))
	}
	// Two keys added in one millisecond, and a hook listed late (its time before the
	// newest event handled): each is delivered once.
	newest := first[len(first)-1].Time
	repo := e.GitHub.Repos[slices.IndexFunc(e.GitHub.Repos, func(r estateRepo) bool { return r.Org == 0 })].Name
	adder := e.GitHub.Users[e.GitHub.Members[0].User].Login
	at := newest.Add(time.Minute)
	for _, title := range []string{"ci one", "ci two"} {
		if _, err := s.sim.AddDeployKey(org, repo, title, true, adder, at); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.sim.AddHook(org, "https://late.example/hook?secret=x", []string{"push"}, adder, newest.Add(-5*time.Minute)); err != nil {
		t.Fatal(err)
	}
	third, _ := readEvents(t, s, cur)
	var acts []string
	for _, ev := range third {
		acts = append(acts, ev.Activity)
		if strings.Contains(strings.Join(mapsValues(ev.Details), " "), "secret=x") {
			t.Errorf("event %s keeps the hook URL's query: %v", ev.ID, ev.Details)
		}
	}
	if diff := cmp.Diff([]string{"hook.create", "public_key.create", "public_key.create"}, acts); diff != "" {
		t.Errorf("events after the changes (-want +got):\n%s", diff)
	}
}

func TestEventsStopOnCallbackError(t *testing.T) {
	t.Parallel()
	e := generate(t, 7)
	s := startSim(t, e, simSetup{})
	all, _ := readEvents(t, s, "")
	if len(all) < 3 {
		t.Fatalf("only %d events", len(all))
	}
	stop := errors.New("store full")
	var got []nhi.Event
	cur, err := s.c.Events(t.Context(), "", func(ev nhi.Event) error {
		if len(got) == 2 {
			return stop
		}
		got = append(got, ev)
		return nil
	})
	if !errors.Is(err, stop) || cur == "" {
		t.Fatalf("Events = %q, %v; want a cursor and the callback's error", cur, err)
	}
	rest, _ := readEvents(t, s, cur)
	if diff := cmp.Diff(ids(all), ids(append(got, rest...))); diff != "" {
		t.Errorf("events before and after the stop (-want +got):\n%s", diff)
	}
}

func TestEventsRefusals(t *testing.T) {
	t.Parallel()
	e := generate(t, 7)
	s := startSim(t, e, simSetup{noOwner: true})
	fn := func(nhi.Event) error { return nil }
	if _, err := s.c.Events(t.Context(), "", fn); nhi.ErrorCode(err) != nhi.CodeForbidden ||
		!strings.Contains(nhi.ErrorMessage(err), "read:audit_log") {
		t.Errorf("Events without the owner token = %v, want CodeForbidden naming read:audit_log", err)
	}
	s = startSim(t, e, simSetup{})
	if cur, err := s.c.Events(t.Context(), "github1:5", fn); nhi.ErrorCode(err) != nhi.CodeInvalid || cur != "github1:5" {
		t.Errorf("Events from a scan cursor = %q, %v; want it back with CodeInvalid", cur, err)
	}
}
