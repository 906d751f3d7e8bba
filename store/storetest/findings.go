package storetest

import (
	"cmp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
)

// testFindings checks store.Findings, which every backend implements.
func testFindings(t *testing.T, s suite) {
	for name, fn := range map[string]func(*testing.T, suite){
		"RoundTrip":         testFindingRoundTrip,
		"PutInvalid":        testPutFindingsInvalid,
		"Lifecycle":         testFindingLifecycle,
		"Resolve":           testResolveFindings,
		"Suppress":          testSuppress,
		"SuppressLapses":    testSuppressionLapses,
		"SuppressResolved":  testSuppressResolved,
		"SuppressErrors":    testSuppressErrors,
		"List":              testListFindings,
		"ListInvalid":       testListFindingsInvalid,
		"Paging":            testFindingPaging,
		"Canceled":          testFindingsCanceled,
		"DuplicatesInBatch": testFindingDuplicates,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			fn(t, s)
		})
	}
}

// findings opens a new store and returns it with its store.Findings, failing t if the
// backend does not implement it.
func (s suite) findings(t *testing.T) (store.Store, store.Findings) {
	t.Helper()
	st := s.store(t)
	fs, ok := st.(store.Findings)
	if !ok {
		t.Fatalf("%T does not implement store.Findings", st)
	}
	return st, fs
}

// finding returns a finding of signal about identity subject in gws/C01, changed by opts.
func finding(signal string, sev nhi.Severity, subject string, opts ...func(*nhi.Finding)) nhi.Finding {
	f := nhi.Finding{Signal: signal, Title: "title of " + signal, Severity: sev, Points: 10 * sev.Rank(),
		OWASP: []string{"NHI5:2025"}, SubjectKind: nhi.SubjectIdentity, SubjectID: subject,
		Platform: gws, Tenant: "C01", Evidence: []string{signal + " holds for " + subject}}
	for _, o := range opts {
		o(&f)
	}
	return f
}

// storedFinding returns f as the store gives it back when open, first seen at first and
// last seen at last.
func storedFinding(f nhi.Finding, first, last time.Time) nhi.Finding {
	f.ID = nhi.NewFindingID(f.Signal, f.SubjectKind, f.SubjectID)
	f.Status, f.FirstSeen, f.LastSeen, f.ResolvedAt, f.Suppression = nhi.FindingOpen, first, last, time.Time{}, nil
	return f
}

// findingID returns the ID of f.
func findingID(f nhi.Finding) string {
	return nhi.NewFindingID(f.Signal, f.SubjectKind, f.SubjectID)
}

// putFindings upserts findings as produced by evaluation eval at seen.
func putFindings(t *testing.T, fs store.Findings, eval string, seen time.Time, findings ...nhi.Finding) {
	t.Helper()
	if err := fs.PutFindings(t.Context(), eval, seen, findings); err != nil {
		t.Fatalf("PutFindings: %v", err)
	}
}

// getFinding returns finding id, failing t on error.
func getFinding(t *testing.T, fs store.Findings, id string) nhi.Finding {
	t.Helper()
	f, err := fs.Finding(t.Context(), id)
	if err != nil {
		t.Fatalf("Finding(%s): %v", id, err)
	}
	return f
}

// listAllFindings returns every finding matching f, following the cursors page by page,
// and checks that no page is longer than f.Limit.
func listAllFindings(t *testing.T, fs store.Findings, f store.FindingFilter) []nhi.Finding {
	t.Helper()
	var all []nhi.Finding
	for range 1000 {
		page, err := fs.ListFindings(t.Context(), f)
		if err != nil {
			t.Fatalf("ListFindings(%+v): %v", f, err)
		}
		if f.Limit > 0 && len(page.Items) > f.Limit {
			t.Fatalf("ListFindings(limit %d) returned %d items", f.Limit, len(page.Items))
		}
		all = append(all, page.Items...)
		if page.Next == "" {
			return all
		}
		f.After = page.Next
	}
	t.Fatal("ListFindings: paging does not end")
	return nil
}

// bySeverity returns findings in list order: most severe first, then by ID.
func bySeverity(findings []nhi.Finding) []nhi.Finding {
	out := slices.Clone(findings)
	slices.SortFunc(out, func(a, b nhi.Finding) int {
		return cmp.Or(cmp.Compare(b.Severity.Rank(), a.Severity.Rank()), strings.Compare(a.ID, b.ID))
	})
	return out
}

// findingTimes returns every time of f, its suppression's included.
func findingTimes(f nhi.Finding) []time.Time {
	out := []time.Time{f.FirstSeen, f.LastSeen, f.ResolvedAt}
	if f.Suppression != nil {
		out = append(out, f.Suppression.At, f.Suppression.Until)
	}
	return out
}

// testFindingRoundTrip checks Finding and ListFindings against what PutFindings put, and
// that the store ignores the status and times of the input.
func testFindingRoundTrip(t *testing.T, s suite) {
	st, fs := s.findings(t)
	eval := begin(t, st, gws, "C01")
	seen := at(time.Hour)
	full := finding("app.known_malicious", nhi.SeverityCritical, nhi.AppKey(gws, "C01", "client-1"),
		func(f *nhi.Finding) {
			f.Title, f.Points, f.SubjectKind = hostile, 95, nhi.SubjectApp
			f.OWASP = []string{"NHI3:2025", "NHI5:2025", `NHI%_\`}
			f.AppID, f.OwnerID = "client-1.apps.googleusercontent.com", "u1"
			f.Evidence = []string{hostile, "", "client ID matches the pack's entry 日本語"}
			f.Status, f.FirstSeen, f.LastSeen = nhi.FindingResolved, at(-day), at(day)
			f.ResolvedAt = at(-time.Hour)
			f.Suppression = &nhi.Suppression{Reason: "ignored", Author: "x", At: at(0)}
		})
	minimal := nhi.Finding{Signal: "usage.stale", Severity: nhi.SeverityInfo, SubjectKind: nhi.SubjectIdentity,
		SubjectID: "gws_minimal", Platform: gh, Tenant: "acme"}
	minimal.ID = findingID(minimal)
	putFindings(t, fs, eval, seen, full, minimal)
	want := []nhi.Finding{storedFinding(full, seen, seen), storedFinding(minimal, seen, seen)}
	for _, w := range want {
		got := getFinding(t, fs, w.ID)
		if d := diff(w, got); d != "" {
			t.Errorf("Finding(%s) (-want +got):\n%s", w.Signal, d)
		}
		checkUTC(t, "Finding "+w.Signal, findingTimes(got)...)
	}
	if d := diff(bySeverity(want), listAllFindings(t, fs, store.FindingFilter{})); d != "" {
		t.Errorf("ListFindings (-want +got):\n%s", d)
	}
	_, err := fs.Finding(t.Context(), "fnd_nosuchfinding")
	wantCode(t, "Finding of an unknown ID", err, nhi.CodeNotFound)
}

// testFindingDuplicates checks that a batch that holds a finding twice is accepted, and
// the later one wins.
func testFindingDuplicates(t *testing.T, s suite) {
	st, fs := s.findings(t)
	eval := begin(t, st, gws, "C01")
	first := finding("usage.stale", nhi.SeverityLow, "id1", func(f *nhi.Finding) { f.Title = "first" })
	second := finding("usage.stale", nhi.SeverityHigh, "id1", func(f *nhi.Finding) { f.Title = "second" })
	putFindings(t, fs, eval, at(0), first, second)
	want := []nhi.Finding{storedFinding(second, at(0), at(0))}
	if d := diff(want, listAllFindings(t, fs, store.FindingFilter{})); d != "" {
		t.Errorf("ListFindings after a duplicate (-want +got):\n%s", d)
	}
}
