package storetest

import (
	"testing"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
)

// testPutFindingsInvalid checks that PutFindings refuses bad findings and unknown
// evaluations, and writes nothing of a batch it refuses.
func testPutFindingsInvalid(t *testing.T, s suite) {
	st, fs := s.findings(t)
	eval := begin(t, st, gws, "C01")
	ok := finding("usage.stale", nhi.SeverityLow, "id-ok")
	with := func(f func(*nhi.Finding)) nhi.Finding { return finding("owner.departed", nhi.SeverityHigh, "id-2", f) }
	tests := []struct {
		name string
		eval string
		f    nhi.Finding
		want nhi.Code
	}{
		{"no signal", eval, with(func(f *nhi.Finding) { f.Signal = "" }), nhi.CodeInvalid},
		{"no subject ID", eval, with(func(f *nhi.Finding) { f.SubjectID = "" }), nhi.CodeInvalid},
		{"no subject kind", eval, with(func(f *nhi.Finding) { f.SubjectKind = "" }), nhi.CodeInvalid},
		{"unknown subject kind", eval, with(func(f *nhi.Finding) { f.SubjectKind = "vendor" }), nhi.CodeInvalid},
		{"no platform", eval, with(func(f *nhi.Finding) { f.Platform = "" }), nhi.CodeInvalid},
		{"no tenant", eval, with(func(f *nhi.Finding) { f.Tenant = "" }), nhi.CodeInvalid},
		{"no severity", eval, with(func(f *nhi.Finding) { f.Severity = "" }), nhi.CodeInvalid},
		{"unknown severity", eval, with(func(f *nhi.Finding) { f.Severity = "severe" }), nhi.CodeInvalid},
		{"foreign ID", eval, with(func(f *nhi.Finding) { f.ID = findingID(ok) }), nhi.CodeInvalid},
		{"unknown evaluation", "no-such-scan", with(func(*nhi.Finding) {}), nhi.CodeNotFound},
	}
	for _, tc := range tests {
		err := fs.PutFindings(t.Context(), tc.eval, at(0), []nhi.Finding{ok, tc.f})
		wantCode(t, "PutFindings "+tc.name, err, tc.want)
	}
	all := listAllFindings(t, fs, store.FindingFilter{Status: nhi.FindingOpen})
	if len(all) != 0 {
		t.Errorf("refused batches left findings behind: %+v", all)
	}
	if err := fs.PutFindings(t.Context(), eval, at(0), nil); err != nil {
		t.Errorf("PutFindings of no findings: %v", err)
	}
}

// testFindingLifecycle walks one finding through evaluations that produce, change, drop
// and produce it again, checking the stored record after every step.
func testFindingLifecycle(t *testing.T, s suite) {
	st, fs := s.findings(t)
	base := finding("usage.stale", nhi.SeverityMedium, "gws_id1")
	other := finding("usage.stale", nhi.SeverityMedium, "gws_id2")
	changed := func(f *nhi.Finding) {
		f.Title, f.Severity, f.Points = "changed", nhi.SeverityHigh, 77
		f.OWASP, f.Evidence, f.AppID, f.OwnerID = []string{"NHI1:2025"}, []string{"new evidence"}, "app", "u1"
	}
	want := storedFinding(base, at(0), at(0))
	steps := []struct {
		name     string
		seen     time.Time
		put      func(*nhi.Finding) // what the evaluation produces; nil means it does not produce it
		resolve  bool               // the evaluation completes the tenant
		resolved int                // how many ResolveFindings resolves
		want     func(*nhi.Finding) // how the stored record changes
	}{
		{"first seen", at(0), func(*nhi.Finding) {}, true, 0, func(*nhi.Finding) {}},
		{"seen again keeps first seen", at(time.Hour), changed, true, 0, func(w *nhi.Finding) {
			changed(w)
			w.LastSeen = at(time.Hour)
		}},
		{"an unfinished evaluation resolves nothing", at(2 * time.Hour), nil, false, 0, func(*nhi.Finding) {}},
		{"not produced is resolved", at(3 * time.Hour), nil, true, 1, func(w *nhi.Finding) {
			w.Status, w.ResolvedAt = nhi.FindingResolved, at(3*time.Hour)
		}},
		{"still not produced stays resolved", at(4 * time.Hour), nil, true, 0, func(*nhi.Finding) {}},
		{"produced again reopens", at(5 * time.Hour), func(*nhi.Finding) {}, true, 0, func(w *nhi.Finding) {
			*w = storedFinding(base, at(0), at(5*time.Hour))
		}},
		{"an older evaluation does not move last seen back", at(time.Hour), func(*nhi.Finding) {}, false, 0,
			func(*nhi.Finding) {}},
	}
	for _, step := range steps {
		eval := begin(t, st, gws, "C01")
		produced := []nhi.Finding{other}
		if step.put != nil {
			f := base
			step.put(&f)
			produced = append(produced, f)
		}
		putFindings(t, fs, eval, step.seen, produced...)
		if step.resolve {
			r := store.ResolveFindings{EvalID: eval, Platform: gws, Tenant: "C01", At: step.seen}
			if n, err := fs.ResolveFindings(t.Context(), r); err != nil || n != step.resolved {
				t.Fatalf("%s: ResolveFindings = %d, %v; want %d", step.name, n, err, step.resolved)
			}
		}
		step.want(&want)
		if d := diff(want, getFinding(t, fs, want.ID)); d != "" {
			t.Errorf("%s: Finding (-want +got):\n%s", step.name, d)
		}
	}
}
