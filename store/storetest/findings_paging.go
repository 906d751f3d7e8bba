package storetest

import (
	"context"
	"fmt"
	"testing"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
)

// testFindingPaging checks that pages of 1, 2, 7 and all findings give the same list as one
// big page, in severity order, with and without a filter.
func testFindingPaging(t *testing.T, s suite) {
	st, fs := s.findings(t)
	sevs := nhi.Severities()
	var want []nhi.Finding
	for i := range 31 {
		f := finding(fmt.Sprintf("signal.%d", i%4), sevs[(i*3)%len(sevs)], fmt.Sprintf("id-%02d", i),
			func(f *nhi.Finding) { f.Tenant = fmt.Sprintf("C%02d", i%3) })
		want = append(want, f)
	}
	eval := begin(t, st, gws, "C00")
	putFindings(t, fs, eval, at(0), want...)
	for i, f := range want {
		want[i] = storedFinding(f, at(0), at(0))
	}
	want = bySeverity(want)
	big, err := fs.ListFindings(t.Context(), store.FindingFilter{Limit: store.MaxLimit})
	if err != nil {
		t.Fatalf("ListFindings: %v", err)
	}
	if d := diff(want, big.Items); d != "" || big.Next != "" {
		t.Errorf("one big page: next %q, items (-want +got):\n%s", big.Next, d)
	}
	for _, limit := range []int{1, 2, 7, len(want), len(want) + 1, 0} {
		if d := diff(want, listAllFindings(t, fs, store.FindingFilter{Limit: limit})); d != "" {
			t.Errorf("pages of %d (-want +got):\n%s", limit, d)
		}
	}
	exact, err := fs.ListFindings(t.Context(), store.FindingFilter{Limit: len(want)})
	if err != nil || len(exact.Items) != len(want) || exact.Next != "" {
		t.Errorf("a page that holds exactly all = %d items, next %q, %v; want %d and no next",
			len(exact.Items), exact.Next, err, len(want))
	}
	f := store.FindingFilter{Tenant: "C01", MinSeverity: nhi.SeverityLow, Limit: store.MaxLimit}
	bigF, err := fs.ListFindings(t.Context(), f)
	if err != nil || len(bigF.Items) < 3 {
		t.Fatalf("ListFindings(%+v) = %d items, %v; want several", f, len(bigF.Items), err)
	}
	for _, limit := range []int{1, 2} {
		f.Limit = limit
		if d := diff(bigF.Items, listAllFindings(t, fs, f)); d != "" {
			t.Errorf("filtered pages of %d (-want +got):\n%s", limit, d)
		}
	}
}

// testFindingsCanceled checks that every method of store.Findings fails with a cancelled
// context and changes nothing.
func testFindingsCanceled(t *testing.T, s suite) {
	st, fs := s.findings(t)
	eval := begin(t, st, gws, "C01")
	f := finding("usage.stale", nhi.SeverityLow, "gws_id1")
	putFindings(t, fs, eval, at(0), f)
	want := storedFinding(f, at(0), at(0))
	later := begin(t, st, gws, "C01")
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	calls := map[string]func() error{
		"PutFindings": func() error { return fs.PutFindings(ctx, later, at(day), []nhi.Finding{f}) },
		"ResolveFindings": func() error {
			_, err := fs.ResolveFindings(ctx, store.ResolveFindings{EvalID: later, Platform: gws, Tenant: "C01"})
			return err
		},
		"Finding":      func() error { _, err := fs.Finding(ctx, want.ID); return err },
		"ListFindings": func() error { _, err := fs.ListFindings(ctx, store.FindingFilter{}); return err },
		"SuppressFinding": func() error {
			_, err := fs.SuppressFinding(ctx, want.ID, nhi.Suppression{Reason: "r", Author: "a"})
			return err
		},
		"SuppressFinding lifting": func() error { _, err := fs.SuppressFinding(ctx, want.ID, nhi.Suppression{}); return err },
	}
	for name, call := range calls {
		wantCode(t, name+" with a cancelled context", call(), nhi.CodeCanceled)
	}
	if d := diff(want, getFinding(t, fs, want.ID)); d != "" {
		t.Errorf("Finding after cancelled calls (-want +got):\n%s", d)
	}
}
