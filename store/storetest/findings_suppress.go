package storetest

import (
	"testing"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
)

// A suppression's Until must be in the future of the backend's clock, which the suite
// takes to be the real time: the suppression tests place their times around time.Now.

// wallNow returns the real time at millisecond precision.
func wallNow() time.Time {
	return time.Now().UTC().Truncate(time.Millisecond)
}

// suppressed returns f suppressed with s.
func suppressed(f nhi.Finding, s nhi.Suppression) nhi.Finding {
	f.Status, f.Suppression = nhi.FindingSuppressed, &s
	return f
}

// suppress suppresses finding id with s and checks that the finding returned is want and
// is what Finding returns.
func suppress(t *testing.T, fs store.Findings, step, id string, s nhi.Suppression, want nhi.Finding) {
	t.Helper()
	got, err := fs.SuppressFinding(t.Context(), id, s)
	if err != nil {
		t.Fatalf("%s: SuppressFinding: %v", step, err)
	}
	if d := diff(want, got); d != "" {
		t.Errorf("%s: SuppressFinding returned (-want +got):\n%s", step, d)
	}
	if d := diff(want, getFinding(t, fs, id)); d != "" {
		t.Errorf("%s: Finding after SuppressFinding (-want +got):\n%s", step, d)
	}
}

// testSuppress walks a finding through suppressions, evaluations and lifts.
func testSuppress(t *testing.T, s suite) {
	st, fs := s.findings(t)
	now := wallNow()
	f := finding("credential.long_lived", nhi.SeverityHigh, "gws_key1")
	id := findingID(f)
	putFindings(t, fs, begin(t, st, gws, "C01"), now.Add(-time.Hour), f)
	open := storedFinding(f, now.Add(-time.Hour), now.Add(-time.Hour))

	s1 := nhi.Suppression{Reason: hostile, Author: "alice@example.com", At: now.Add(-time.Minute), Until: now.Add(30 * day)}
	suppress(t, fs, "suppress", id, s1, suppressed(open, s1))

	eval := begin(t, st, gws, "C01")
	putFindings(t, fs, eval, now, f)
	if n, err := fs.ResolveFindings(t.Context(), store.ResolveFindings{EvalID: eval, Platform: gws, Tenant: "C01"}); err != nil || n != 0 {
		t.Errorf("ResolveFindings of an evaluation that produced it = %d, %v; want 0", n, err)
	}
	open.LastSeen = now
	if d := diff(suppressed(open, s1), getFinding(t, fs, id)); d != "" {
		t.Errorf("produced again while suppressed (-want +got):\n%s", d)
	}

	s2 := nhi.Suppression{Reason: "vendor contract", Author: "bob@example.com", At: now}
	suppress(t, fs, "suppress again replaces", id, s2, suppressed(open, s2))
	putFindings(t, fs, begin(t, st, gws, "C01"), now.Add(3650*day), f)
	open.LastSeen = now.Add(3650 * day)
	if d := diff(suppressed(open, s2), getFinding(t, fs, id)); d != "" {
		t.Errorf("a suppression without Until never lapses (-want +got):\n%s", d)
	}

	suppress(t, fs, "lift", id, nhi.Suppression{}, open)
	suppress(t, fs, "lift an open finding", id, nhi.Suppression{}, open)
	suppress(t, fs, "lift naming who lifts", id, nhi.Suppression{Author: "carol@example.com"}, open)

	before := wallNow()
	got, err := fs.SuppressFinding(t.Context(), id, nhi.Suppression{Reason: "r", Author: "a"})
	after := wallNow().Add(time.Millisecond)
	if err != nil || got.Suppression == nil || got.Suppression.At.Before(before) || got.Suppression.At.After(after) {
		t.Errorf("SuppressFinding without At = %+v, %v; want At stamped between %v and %v", got.Suppression, err, before, after)
	}
}

// testSuppressionLapses checks that a suppression lapses at the first evaluation at or
// after its Until: the finding opens again without its suppression.
func testSuppressionLapses(t *testing.T, s suite) {
	st, fs := s.findings(t)
	now := wallNow()
	until := now.Add(time.Hour)
	f := finding("usage.stale", nhi.SeverityMedium, "gws_id1")
	id := findingID(f)
	putFindings(t, fs, begin(t, st, gws, "C01"), now, f)
	sup := nhi.Suppression{Reason: "migration pending", Author: "alice@example.com", At: now, Until: until}
	suppress(t, fs, "suppress", id, sup, suppressed(storedFinding(f, now, now), sup))

	steps := []struct {
		name string
		seen time.Time
		want nhi.Finding
	}{
		{"before Until stays suppressed", until.Add(-time.Millisecond),
			suppressed(storedFinding(f, now, until.Add(-time.Millisecond)), sup)},
		{"at Until lapses", until, storedFinding(f, now, until)},
		{"after the lapse stays open", until.Add(day), storedFinding(f, now, until.Add(day))},
	}
	for _, step := range steps {
		putFindings(t, fs, begin(t, st, gws, "C01"), step.seen, f)
		if d := diff(step.want, getFinding(t, fs, id)); d != "" {
			t.Errorf("%s: Finding (-want +got):\n%s", step.name, d)
		}
	}
	if got := listAllFindings(t, fs, store.FindingFilter{Status: nhi.FindingSuppressed}); len(got) != 0 {
		t.Errorf("suppressed findings after the lapse: %+v, want none", got)
	}
}

// testSuppressResolved checks that a resolved finding loses its suppression, cannot be
// suppressed, and opens when produced again.
func testSuppressResolved(t *testing.T, s suite) {
	st, fs := s.findings(t)
	now := wallNow()
	f := finding("owner.departed", nhi.SeverityHigh, "gws_id1")
	id := findingID(f)
	putFindings(t, fs, begin(t, st, gws, "C01"), now, f)
	sup := nhi.Suppression{Reason: "r", Author: "a", At: now, Until: now.Add(day)}
	suppress(t, fs, "suppress", id, sup, suppressed(storedFinding(f, now, now), sup))
	eval := begin(t, st, gws, "C01")
	r := store.ResolveFindings{EvalID: eval, Platform: gws, Tenant: "C01", At: now.Add(time.Minute)}
	if n, err := fs.ResolveFindings(t.Context(), r); err != nil || n != 1 {
		t.Fatalf("ResolveFindings = %d, %v; want 1", n, err)
	}
	want := resolved(storedFinding(f, now, now), now.Add(time.Minute))
	if d := diff(want, getFinding(t, fs, id)); d != "" {
		t.Errorf("resolved while suppressed (-want +got):\n%s", d)
	}
	_, err := fs.SuppressFinding(t.Context(), id, sup)
	wantCode(t, "SuppressFinding of a resolved finding", err, nhi.CodeConflict)
	suppress(t, fs, "lift a resolved finding", id, nhi.Suppression{}, want)
	putFindings(t, fs, begin(t, st, gws, "C01"), now.Add(time.Hour), f)
	if d := diff(storedFinding(f, now, now.Add(time.Hour)), getFinding(t, fs, id)); d != "" {
		t.Errorf("produced again after resolution (-want +got):\n%s", d)
	}
}

// testSuppressErrors checks that SuppressFinding refuses bad suppressions and unknown
// findings, and changes nothing when it does.
func testSuppressErrors(t *testing.T, s suite) {
	st, fs := s.findings(t)
	now := wallNow()
	f := finding("usage.stale", nhi.SeverityLow, "gws_id1")
	putFindings(t, fs, begin(t, st, gws, "C01"), now, f)
	good := nhi.Suppression{Reason: "accepted", Author: "alice@example.com", At: now, Until: now.Add(day)}
	with := func(m func(*nhi.Suppression)) nhi.Suppression { s := good; m(&s); return s }
	tests := []struct {
		name string
		id   string
		s    nhi.Suppression
		want nhi.Code
	}{
		{"no reason", findingID(f), with(func(s *nhi.Suppression) { s.Reason = "" }), nhi.CodeInvalid},
		{"blank reason", findingID(f), with(func(s *nhi.Suppression) { s.Reason = " \t\n" }), nhi.CodeInvalid},
		{"no author", findingID(f), with(func(s *nhi.Suppression) { s.Author = "" }), nhi.CodeInvalid},
		{"blank author", findingID(f), with(func(s *nhi.Suppression) { s.Author = "  " }), nhi.CodeInvalid},
		{"until in the past", findingID(f), with(func(s *nhi.Suppression) { s.Until = now.Add(-time.Minute) }), nhi.CodeInvalid},
		{"until long past", findingID(f), with(func(s *nhi.Suppression) { s.Until = at(-400 * day) }), nhi.CodeInvalid},
		{"unknown finding", "fnd_nosuchfinding", good, nhi.CodeNotFound},
		{"lift of an unknown finding", "fnd_nosuchfinding", nhi.Suppression{}, nhi.CodeNotFound},
	}
	for _, tc := range tests {
		got, err := fs.SuppressFinding(t.Context(), tc.id, tc.s)
		wantCode(t, "SuppressFinding "+tc.name, err, tc.want)
		if got.ID != "" {
			t.Errorf("SuppressFinding %s returned a finding: %+v", tc.name, got)
		}
	}
	if d := diff(storedFinding(f, now, now), getFinding(t, fs, findingID(f))); d != "" {
		t.Errorf("refused suppressions changed the finding (-want +got):\n%s", d)
	}
}
