package salesforce

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nhiscope/nhi"
)

// TestScanCursor checks that scan cursors round-trip and others are refused.
func TestScanCursor(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 1, 12, 30, 5, 0, time.UTC)
	got, err := parseScanCursor(scanCursor(at.Add(400 * time.Millisecond)))
	if err != nil || !got.Equal(at) {
		t.Errorf("round trip = %v, %v; want %v", got, err, at)
	}
	for _, bad := range []nhi.Cursor{"", "salesforce1:", "salesforce1:yesterday", "entra1:2026-11-01T00:00:00Z",
		"salesforce1:2026-11-01T00:00:00+02:00", "salesforce1:0001-01-01T00:00:00Z"} {
		if _, err := parseScanCursor(bad); nhi.ErrorCode(err) != nhi.CodeInvalid {
			t.Errorf("parseScanCursor(%q) = %v, want CodeInvalid", bad, err)
		}
	}
}

// TestEventsCursor checks the events cursor's round trip and its bookkeeping.
func TestEventsCursor(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)
	c := startCursor(t0)
	c.deliveredLogin("0Ya1", t0.Add(1500*time.Millisecond))
	c.deliveredLogin("0Ya2", t0.Add(1700*time.Millisecond))
	if !c.seenLogin("0Ya1") || !c.seenLogin("0Ya2") {
		t.Error("logins of the same second forgotten")
	}
	c.deliveredLogin("0Ya3", t0.Add(3*time.Second))
	if c.seenLogin("0Ya1") || !c.seenLogin("0Ya3") || !c.Login.Equal(t0.Add(3*time.Second)) {
		t.Errorf("after a later second: %+v", c)
	}
	c.deliveredRow("0AT1", "req1")
	c.deliveredFile("0AT2", t0.Add(-5*time.Hour))
	c.deliveredFile("0AT3", t0.Add(-time.Hour))
	c.advance(t0.Add(-3 * time.Hour))
	got, err := parseEventsCursor(nhi.Cursor(c.String()))
	if err != nil {
		t.Fatal(err)
	}
	want := eventsCursor{Login: t0.Add(3 * time.Second), LoginIDs: []string{"0Ya3"}, FilesFrom: t0.Add(-3 * time.Hour),
		Done: map[string]int64{"0AT3": t0.Add(-time.Hour).Unix()}, Partial: map[string][]string{"0AT1": {"req1"}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	for _, bad := range []nhi.Cursor{"salesforce-events1:e30", "salesforce-events1:!!", "salesforce1:x",
		nhi.Cursor(eventsCursor{Login: t0}.String())} {
		if _, err := parseEventsCursor(bad); nhi.ErrorCode(err) != nhi.CodeInvalid {
			t.Errorf("parseEventsCursor(%q) = %v, want CodeInvalid", bad, err)
		}
	}
}
