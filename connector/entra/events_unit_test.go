package entra

import (
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nhiscope/nhi"
)

// TestEventCursorRoundTrip checks that a cursor reads back as written, and that a
// version 1 cursor reads as the events at its time.
func TestEventCursorRoundTrip(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 2, 3, 4, 5, 123456700, time.UTC)
	for _, c := range []eventCursor{{Floor: at, Seen: []seenEvent{}},
		{Floor: at, Seen: []seenEvent{{at, "Directory_a"}, {at.Add(time.Minute), "Directory_b"}}}} {
		got, err := parseEventCursor(nhi.Cursor(c.String()))
		if err != nil {
			t.Fatalf("parseEventCursor(%q) = %v", c.String(), err)
		}
		if diff := cmp.Diff(c, got); diff != "" {
			t.Errorf("round trip (-want +got):\n%s", diff)
		}
	}
	v1 := "entraev1:" + base64.RawURLEncoding.EncodeToString([]byte(`{"at":"2026-11-02T03:04:05.1234567Z","ids":["Directory_a"]}`))
	got, err := parseEventCursor(nhi.Cursor(v1))
	want := eventCursor{Floor: at, Seen: []seenEvent{{at, "Directory_a"}}}
	if err != nil || !cmp.Equal(want, got) {
		t.Errorf("parseEventCursor(v1) = %+v, %v; want %+v", got, err, want)
	}
	for _, bad := range []string{
		`{"floor":"2026-11-02T03:04:05Z","seen":[{"at":"2026-11-02T03:04:04Z","id":"a"}]}`, // below the floor
		`{"floor":"2026-11-02T03:04:05Z","seen":[{"at":"2026-11-02T03:05:00Z","id":"a"},{"at":"2026-11-02T03:04:06Z","id":"b"}]}`,
		`{"floor":"2026-11-02T03:04:05Z","seen":[{"at":"2026-11-02T03:04:05Z"}]}`,
		`{"floor":"2026-11-02T03:04:05Z"}`,
		`{"floor":"1970-01-01T00:00:00Z","seen":[]}`,
	} {
		if _, err := parseEventCursor(nhi.Cursor("entraev2:" + base64.RawURLEncoding.EncodeToString([]byte(bad)))); nhi.ErrorCode(err) != nhi.CodeInvalid {
			t.Errorf("parseEventCursor(%s) = %v, want CodeInvalid", bad, err)
		}
	}
}

// TestEventCursorAdvance checks the window a cursor keeps: events up to EventLateness
// before the newest are remembered, older ones fall below the floor, and an event
// handled late goes into its place in time.
func TestEventCursorAdvance(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 11, 2, 3, 0, 0, 0, time.UTC)
	c := eventCursor{Floor: t0.Add(-time.Hour)}
	c = c.advance(t0, "a")
	c = c.advance(t0.Add(10*time.Minute), "b")
	c = c.advance(t0.Add(5*time.Minute), "late")
	want := eventCursor{Floor: t0.Add(10*time.Minute - EventLateness),
		Seen: []seenEvent{{t0, "a"}, {t0.Add(5 * time.Minute), "late"}, {t0.Add(10 * time.Minute), "b"}}}
	if diff := cmp.Diff(want, c); diff != "" {
		t.Fatalf("cursor (-want +got):\n%s", diff)
	}
	c = c.advance(t0.Add(EventLateness+2*time.Minute), "c")
	want = eventCursor{Floor: t0.Add(2 * time.Minute),
		Seen: []seenEvent{{t0.Add(5 * time.Minute), "late"}, {t0.Add(10 * time.Minute), "b"}, {t0.Add(EventLateness + 2*time.Minute), "c"}}}
	if diff := cmp.Diff(want, c); diff != "" {
		t.Fatalf("cursor after the window moved (-want +got):\n%s", diff)
	}
	// A burst larger than maxSeen within the window raises the floor to keep the bound.
	for i := range maxSeen + 5 {
		c = c.advance(t0.Add(time.Hour+time.Duration(i)*time.Millisecond), fmt.Sprintf("burst-%d", i))
	}
	if len(c.Seen) != maxSeen || !c.Floor.Equal(c.Seen[0].At) {
		t.Errorf("after a burst: %d remembered, floor %v, oldest %v; want %d and the floor at the oldest",
			len(c.Seen), c.Floor, c.Seen[0].At, maxSeen)
	}
	if _, err := parseEventCursor(nhi.Cursor(c.String())); err != nil {
		t.Errorf("the cursor after a burst does not read back: %v", err)
	}
}

// FuzzParseEventCursor checks that any cursor either fails with CodeInvalid or reads
// back to itself.
func FuzzParseEventCursor(f *testing.F) {
	f.Add(eventCursor{Floor: time.Unix(1e9, 0).UTC(), Seen: []seenEvent{{time.Unix(1e9, 0).UTC(), "x"}}}.String())
	f.Add("entraev1:e30")
	f.Add("entraev2:e30")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := parseEventCursor(nhi.Cursor(s))
		if err != nil {
			if nhi.ErrorCode(err) != nhi.CodeInvalid {
				t.Fatalf("parseEventCursor(%q) = %v, want CodeInvalid", s, err)
			}
			return
		}
		if again, err := parseEventCursor(nhi.Cursor(c.String())); err != nil || !cmp.Equal(c, again) {
			t.Fatalf("cursor %q does not read back: %+v, %v", s, again, err)
		}
	})
}

// TestEventKind checks the kinds of the activities the brief names, and the fallbacks.
func TestEventKind(t *testing.T) {
	t.Parallel()
	tests := map[string]nhi.EventKind{
		"Consent to application":                                   nhi.EventConsentGranted,
		"Add delegated permission grant":                           nhi.EventGrantAdded,
		"Remove delegated permission grant":                        nhi.EventGrantRemoved,
		"Add app role assignment to service principal":             nhi.EventPermissionAdded,
		"Add service principal credentials":                        nhi.EventCredentialAdded,
		"Update application – Certificates and secrets management": nhi.EventCredentialAdded,
		"Remove service principal credentials":                     nhi.EventCredentialRemoved,
		"Add owner to application":                                 nhi.EventOwnerChanged,
		"Add owner to service principal":                           nhi.EventOwnerChanged,
		"Add service principal":                                    nhi.EventAppAdded,
		"Update service principal":                                 nhi.EventAppChanged,
		"Update application":                                       nhi.EventAppChanged,
		"Add app role assignment grant to user":                    nhi.EventOther,
	}
	for activity, want := range tests {
		if got := eventKind(activity); got != want {
			t.Errorf("eventKind(%q) = %q, want %q", activity, got, want)
		}
	}
}

// TestToEvent checks the conversion of an event: actor, target, cleaned and capped
// details, and the refusal of events without an ID or time.
func TestToEvent(t *testing.T) {
	t.Parallel()
	c := &Connector{cfg: Config{TenantID: "t1"}}
	a := directoryAudit{ID: "Directory_1", Category: auditCategory, Result: "success",
		ActivityDisplayName: "Consent to application", ActivityDateTime: "2026-11-02T03:04:05.1234567Z",
		InitiatedBy: auditInitiator{App: &auditApp{AppID: "app-1"}},
		TargetResources: []auditTarget{{ID: "sp-1", DisplayName: "Evil\x1b[31m app",
			ModifiedProperties: []auditModified{{DisplayName: "ConsentAction.Permissions", NewValue: `"User.Read"`}}}},
		AdditionalDetails: []auditDetail{{Key: "AppId", Value: "client-1"}, {Key: "Big", Value: strings.Repeat("x", 5000)}}}
	got, ok := c.toEvent(&a)
	if !ok {
		t.Fatal("toEvent refused a valid event")
	}
	want := nhi.Event{ID: "Directory_1", Platform: nhi.PlatformEntra, Tenant: "t1",
		Time: time.Date(2026, 11, 2, 3, 4, 5, 123456700, time.UTC), Kind: nhi.EventConsentGranted,
		Activity: "Consent to application", Actor: "app-1", AppID: "client-1", TargetID: "sp-1", Target: "Evil[31m app",
		Result: "success", Details: map[string]string{"AppId": "client-1", "ConsentAction.Permissions": "User.Read",
			"Big": got.Details["Big"]}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("toEvent (-want +got):\n%s", diff)
	}
	if n := len(got.Details["Big"]); n == 0 || n > maxDetailValue {
		t.Errorf("a detail of 5000 bytes became %d, want at most %d", n, maxDetailValue)
	}
	for _, bad := range []directoryAudit{{ActivityDateTime: a.ActivityDateTime}, {ID: "x", ActivityDateTime: "yesterday"}} {
		if _, ok := c.toEvent(&bad); ok {
			t.Errorf("toEvent(%+v) accepted an event without an ID or time", bad)
		}
	}
}
