package storetest

import (
	"testing"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
)

// testResolveFindings checks that ResolveFindings resolves exactly the open and suppressed
// findings of its platform and tenant that its evaluation did not produce, counts them,
// and leaves earlier resolutions alone.
func testResolveFindings(t *testing.T, s suite) {
	st, fs := s.findings(t)
	in := func(p nhi.Platform, tenant string) func(*nhi.Finding) {
		return func(f *nhi.Finding) { f.Platform, f.Tenant = p, tenant }
	}
	f := map[string]nhi.Finding{
		"f1": finding("usage.stale", nhi.SeverityLow, "id1"),
		"f2": finding("usage.stale", nhi.SeverityLow, "id2"),
		"f3": finding("usage.stale", nhi.SeverityLow, "id3", in(gws, "C02")),
		"f4": finding("usage.stale", nhi.SeverityLow, "id4", in(gh, "C01")),
		"f5": finding("usage.stale", nhi.SeverityLow, "id5"),
		"f6": finding("usage.stale", nhi.SeverityLow, "id6"),
		// f7 is a behavioural finding: about past events, which no later scan repeats.
		"f7": finding("behavior.recon_then_export", nhi.SeverityCritical, "id1"),
	}
	putFindings(t, fs, begin(t, st, gws, "C01"), at(0), f["f1"], f["f2"], f["f5"], f["f6"], f["f7"])
	putFindings(t, fs, begin(t, st, gws, "C02"), at(0), f["f3"])
	putFindings(t, fs, begin(t, st, gh, "C01"), at(0), f["f4"])
	resolve := func(eval string, when time.Time, want int) {
		t.Helper()
		r := store.ResolveFindings{EvalID: eval, Platform: gws, Tenant: "C01", At: when}
		if n, err := fs.ResolveFindings(t.Context(), r); err != nil || n != want {
			t.Errorf("ResolveFindings(%+v) = %d, %v; want %d", r, n, err, want)
		}
	}
	e4 := begin(t, st, gws, "C01")
	putFindings(t, fs, e4, at(time.Hour), f["f1"], f["f2"], f["f6"])
	resolve(e4, at(time.Hour), 1) // f5
	sup := nhi.Suppression{Reason: "accepted", Author: "sec@example.com", At: at(time.Hour)}
	if _, err := fs.SuppressFinding(t.Context(), findingID(f["f6"]), sup); err != nil {
		t.Fatalf("SuppressFinding: %v", err)
	}
	e5 := begin(t, st, gws, "C01")
	putFindings(t, fs, e5, at(2*time.Hour), f["f1"])
	resolve(e5, at(2*time.Hour), 2)                       // f2 and the suppressed f6
	resolve(e5, at(3*time.Hour), 0)                       // nothing left to resolve
	resolve(begin(t, st, gws, "C01"), at(4*time.Hour), 1) // f1, by an evaluation that produced nothing

	want := map[string]nhi.Finding{
		"f1": resolved(storedFinding(f["f1"], at(0), at(2*time.Hour)), at(4*time.Hour)),
		"f2": resolved(storedFinding(f["f2"], at(0), at(time.Hour)), at(2*time.Hour)),
		"f3": storedFinding(f["f3"], at(0), at(0)),
		"f4": storedFinding(f["f4"], at(0), at(0)),
		"f5": resolved(storedFinding(f["f5"], at(0), at(0)), at(time.Hour)),
		"f6": resolved(storedFinding(f["f6"], at(0), at(time.Hour)), at(2*time.Hour)),
		"f7": storedFinding(f["f7"], at(0), at(0)),
	}
	for name, w := range want {
		if d := diff(w, getFinding(t, fs, w.ID)); d != "" {
			t.Errorf("%s: Finding (-want +got):\n%s", name, d)
		}
	}
	tests := []struct {
		name string
		r    store.ResolveFindings
		want nhi.Code
	}{
		{"no evaluation", store.ResolveFindings{Platform: gws, Tenant: "C01"}, nhi.CodeInvalid},
		{"no platform", store.ResolveFindings{EvalID: e5, Tenant: "C01"}, nhi.CodeInvalid},
		{"no tenant", store.ResolveFindings{EvalID: e5, Platform: gws}, nhi.CodeInvalid},
		{"unknown evaluation", store.ResolveFindings{EvalID: "no-such-scan", Platform: gws, Tenant: "C02"}, nhi.CodeNotFound},
	}
	for _, tc := range tests {
		n, err := fs.ResolveFindings(t.Context(), tc.r)
		wantCode(t, "ResolveFindings "+tc.name, err, tc.want)
		if n != 0 {
			t.Errorf("ResolveFindings %s = %d, want 0", tc.name, n)
		}
	}
	if got := getFinding(t, fs, findingID(f["f3"])); got.Status != nhi.FindingOpen {
		t.Errorf("f3 after refused resolutions: status %q, want open", got.Status)
	}
}

// resolved returns f resolved at when.
func resolved(f nhi.Finding, when time.Time) nhi.Finding {
	f.Status, f.ResolvedAt, f.Suppression = nhi.FindingResolved, when, nil
	return f
}
