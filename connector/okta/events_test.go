package okta_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/connector/okta/oktasim"
)

// collect runs Events from since and returns the events and the cursor.
func collect(t *testing.T, c interface {
	Events(context.Context, nhi.Cursor, func(nhi.Event) error) (nhi.Cursor, error)
}, since nhi.Cursor) ([]nhi.Event, nhi.Cursor) {
	t.Helper()
	var out []nhi.Event
	cur, err := c.Events(t.Context(), since, func(ev nhi.Event) error {
		out = append(out, ev)
		return nil
	})
	if err != nil {
		t.Fatalf("Events(%q) = %v", since, err)
	}
	return out, cur
}

func TestEvents(t *testing.T) {
	t.Parallel()
	e := org(t)
	sim, url := serve(t, e, oktasim.Options{MaxPageSize: 7})
	now := e.Options.Now
	c := newSSWS(t, url, oktasim.DefaultAPIToken, connector.Env{Now: func() time.Time { return now }})
	got, cur := collect(t, c, "")
	var want []string
	for _, ev := range sim.Events() {
		want = append(want, ev.UUID)
	}
	var ids []string
	kinds := map[nhi.EventKind]int{}
	for _, ev := range got {
		ids = append(ids, ev.ID)
		kinds[ev.Kind]++
		if ev.Platform != nhi.PlatformOkta || ev.Tenant != "127.0.0.1" || ev.Activity == "" || ev.Time.IsZero() {
			t.Errorf("event lacks fields: %+v", ev)
		}
	}
	if diff := cmp.Diff(want, ids); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	if kinds[nhi.EventConsentGranted] == 0 || kinds[nhi.EventSignIn] == 0 {
		t.Errorf("kinds = %v, want consents and sign-ins", kinds)
	}

	// A change shows up once, after the cursor.
	tok, err := sim.AddToken(e.Okta.Users[0].ID, "added")
	if err != nil {
		t.Fatal(err)
	}
	more, cur2 := collect(t, c, cur)
	if len(more) != 1 || more[0].Kind != nhi.EventCredentialAdded || more[0].TargetID != tok {
		t.Fatalf("after adding a token: %+v", more)
	}
	if again, _ := collect(t, c, cur2); len(again) != 0 {
		t.Errorf("events delivered twice: %+v", again)
	}
}

func TestEventsStopAtFnError(t *testing.T) {
	t.Parallel()
	e := org(t)
	_, url := serve(t, e, oktasim.Options{})
	now := e.Options.Now
	c := newSSWS(t, url, oktasim.DefaultAPIToken, connector.Env{Now: func() time.Time { return now }})
	all, _ := collect(t, c, "")
	stop := errors.New("full")
	var first []nhi.Event
	cur, err := c.Events(t.Context(), "", func(ev nhi.Event) error {
		if len(first) == 3 {
			return stop
		}
		first = append(first, ev)
		return nil
	})
	if !errors.Is(err, stop) {
		t.Fatalf("Events = %v, want the fn's error", err)
	}
	rest, _ := collect(t, c, cur)
	if diff := cmp.Diff(all, append(first, rest...)); diff != "" {
		t.Errorf("resumed events differ from one read (-one +resumed):\n%s", diff)
	}
	if _, err := c.Events(t.Context(), "garbage", func(nhi.Event) error { return nil }); nhi.ErrorCode(err) != nhi.CodeInvalid {
		t.Errorf("bad cursor: %v, want CodeInvalid", err)
	}
}
