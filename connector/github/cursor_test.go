package github

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nhiscope/nhi"
)

func TestCursorRoundTrip(t *testing.T) {
	t.Parallel()
	at := time.Date(2025, 8, 12, 10, 0, 0, 0, time.UTC)
	c, err := parseCursor(nhi.Cursor(cursor{At: at}.String()))
	if err != nil || !c.At.Equal(at) {
		t.Fatalf("parseCursor(String) = %v, %v; want %v", c, err, at)
	}
	for _, bad := range []string{"", "github1:", "github1:abc", "github1:-5", "github1:0", "github1:+5", "github1:05",
		"entra1:123", "github2:123", "github1:99999999999999999999"} {
		if _, err := parseCursor(nhi.Cursor(bad)); nhi.ErrorCode(err) != nhi.CodeInvalid {
			t.Errorf("parseCursor(%q) = %v, want CodeInvalid", bad, err)
		}
	}
}

func TestEventCursorRoundTrip(t *testing.T) {
	t.Parallel()
	at := time.Date(2025, 8, 12, 10, 0, 0, 123e6, time.UTC)
	c := eventCursor{
		"acme": {Floor: at.Add(-EventLateness), Seen: []seenEvent{{At: at, ID: "a"}, {At: at, ID: "b"}}},
		"labs": {Floor: at, Seen: []seenEvent{}},
	}
	got, err := parseEventCursor(nhi.Cursor(c.String()))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(c, got); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	for _, bad := range []string{"", "githubev1:", "githubev1:!!", "githubev1:e30", // {}
		"githubev2:e30", eventCursor{"ACME": {Floor: at, Seen: []seenEvent{}}}.String(),
		eventCursor{"acme": {Floor: at, Seen: []seenEvent{{At: at.Add(-time.Hour), ID: "x"}}}}.String(),
		eventCursor{"acme": {Floor: at, Seen: []seenEvent{{At: at, ID: "has space"}}}}.String(),
		eventCursor{"acme": {Floor: time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC), Seen: []seenEvent{}}}.String(),
	} {
		if _, err := parseEventCursor(nhi.Cursor(bad)); nhi.ErrorCode(err) != nhi.CodeInvalid {
			t.Errorf("parseEventCursor(%q) = %v, want CodeInvalid", bad, err)
		}
	}
}

func TestAdvance(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2025, 8, 12, 10, 0, 0, 0, time.UTC)
	st := orgEvents{Floor: t0.Add(-time.Hour)}
	st = st.advance(t0, "a")
	st = st.advance(t0, "b") // same millisecond: both remembered
	st = st.advance(t0.Add(-time.Minute), "late")
	if want := t0.Add(-EventLateness); !st.Floor.Equal(want) {
		t.Errorf("floor = %v, want %v", st.Floor, want)
	}
	want := []seenEvent{{At: t0.Add(-time.Minute), ID: "late"}, {At: t0, ID: "a"}, {At: t0, ID: "b"}}
	if diff := cmp.Diff(want, st.Seen); diff != "" {
		t.Errorf("seen (-want +got):\n%s", diff)
	}
	st = st.advance(t0.Add(time.Hour), "c") // the older events fall below the floor
	if diff := cmp.Diff([]seenEvent{{At: t0.Add(time.Hour), ID: "c"}}, st.Seen); diff != "" {
		t.Errorf("seen after an hour (-want +got):\n%s", diff)
	}
}
