package storetest

import (
	"cmp"
	"context"
	"slices"
	"testing"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
)

// testCounts checks that Counts counts present identities per platform and kind.
func testCounts(t *testing.T, s suite) {
	st := s.store(t)
	seedInventory(t, st)
	got, err := st.Counts(t.Context())
	if err != nil {
		t.Fatalf("Counts: %v", err)
	}
	want := []store.KindCount{
		{Platform: gh, Kind: nhi.KindAPIKey, Count: 1},
		{Platform: gws, Kind: nhi.KindAPIKey, Count: 1},
		{Platform: gws, Kind: nhi.KindOAuthGrant, Count: 5},
		{Platform: gws, Kind: nhi.KindServiceAccount, Count: 1},
	}
	// The contract leaves the order of Counts open.
	slices.SortFunc(got, func(a, b store.KindCount) int {
		return cmp.Or(cmp.Compare(a.Platform, b.Platform), cmp.Compare(a.Kind, b.Kind))
	})
	if d := diff(want, got); d != "" {
		t.Errorf("Counts (-want +got):\n%s", d)
	}
	empty := s.store(t)
	if got, err := empty.Counts(t.Context()); err != nil || len(got) != 0 {
		t.Errorf("Counts of an empty store = %v, %v; want none", got, err)
	}
}

// testCursors checks that connector cursors round-trip and stay apart.
func testCursors(t *testing.T, s suite) {
	st := s.store(t)
	steps := []struct {
		save  map[string]nhi.Cursor
		wantA nhi.Cursor
		wantB nhi.Cursor
	}{
		{nil, "", ""},
		{map[string]nhi.Cursor{"google-prod": "page=2&t=" + hostile}, "page=2&t=" + hostile, ""},
		{map[string]nhi.Cursor{"google-dev": "x"}, "page=2&t=" + hostile, "x"},
		{map[string]nhi.Cursor{"google-prod": "page=3"}, "page=3", "x"},
		{map[string]nhi.Cursor{"google-dev": ""}, "page=3", ""},
	}
	for i, step := range steps {
		for name, c := range step.save {
			if err := st.SaveCursor(t.Context(), name, c); err != nil {
				t.Fatalf("step %d: SaveCursor: %v", i, err)
			}
		}
		a, errA := st.Cursor(t.Context(), "google-prod")
		b, errB := st.Cursor(t.Context(), "google-dev")
		if a != step.wantA || b != step.wantB || errA != nil || errB != nil {
			t.Errorf("step %d: cursors = %q, %q (%v, %v); want %q, %q", i, a, b, errA, errB, step.wantA, step.wantB)
		}
	}
	wantCode(t, "SaveCursor without a name", st.SaveCursor(t.Context(), "", "x"), nhi.CodeInvalid)
}

// testCanceled checks that every method fails with a cancelled context.
func testCanceled(t *testing.T, s suite) {
	st := s.store(t)
	ids := seedInventory(t, st)
	scan := begin(t, st, gws, "C01")
	id := stored(ids["c1/g1"], at(0)).ID
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	calls := map[string]func() error{
		"BeginScan": func() error { _, err := st.BeginScan(ctx, nhi.Scan{Connector: "c"}); return err },
		"FinishScan": func() error {
			return st.FinishScan(ctx, nhi.Scan{ID: scan, Status: nhi.ScanSucceeded})
		},
		"Scan":      func() error { _, err := st.Scan(ctx, scan); return err },
		"ListScans": func() error { _, err := st.ListScans(ctx, store.ScanFilter{}); return err },
		"PutPeople": func() error {
			return st.PutPeople(ctx, scan, at(0), []nhi.Person{person(gws, "C01", "u1", "a@example.com", nhi.PersonActive)})
		},
		"PutApps": func() error {
			return st.PutApps(ctx, scan, at(0), []nhi.App{{Platform: gws, Tenant: "C01", ExternalID: "a"}})
		},
		"PutIdentities": func() error { return st.PutIdentities(ctx, scan, at(0), []nhi.Identity{ids["c1/g1"]}) },
		"MarkGone": func() error {
			_, err := st.MarkGone(ctx, store.MarkGone{ScanID: scan, Platform: gws, Tenant: "C01", Scopes: []string{"user:u1"}})
			return err
		},
		"Identity":       func() error { _, err := st.Identity(ctx, id); return err },
		"ListIdentities": func() error { _, err := st.ListIdentities(ctx, store.IdentityFilter{}); return err },
		"Person":         func() error { _, err := st.Person(ctx, gws, "C01", "u1"); return err },
		"ListPeople":     func() error { _, err := st.ListPeople(ctx, store.PersonFilter{}); return err },
		"App":            func() error { _, err := st.App(ctx, gws, "C01", "app1"); return err },
		"ListApps":       func() error { _, err := st.ListApps(ctx, store.AppFilter{}); return err },
		"Counts":         func() error { _, err := st.Counts(ctx); return err },
		"Cursor":         func() error { _, err := st.Cursor(ctx, "google-prod"); return err },
		"SaveCursor":     func() error { return st.SaveCursor(ctx, "google-prod", "x") },
	}
	for name, call := range calls {
		wantCode(t, name+" with a cancelled context", call(), nhi.CodeCanceled)
	}
	got, err := st.Identity(t.Context(), id)
	if err != nil || !got.LastSeen.Equal(at(0)) || !got.GoneAt.IsZero() {
		t.Errorf("Identity after cancelled calls = %+v, %v; want it unchanged", got, err)
	}
}

// testClose checks that Close succeeds and that the store refuses work afterwards.
func testClose(t *testing.T, s suite) {
	st := s.open(t)
	scan := begin(t, st, gws, "C01")
	putIDs(t, st, scan, at(time.Hour), ident(gws, "C01", nhi.KindAPIKey, "k"))
	if err := st.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if _, err := st.Counts(t.Context()); err == nil {
		t.Error("Counts after Close succeeded")
	}
}
