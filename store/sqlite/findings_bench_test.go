package sqlite_test

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
	"github.com/nhiscope/nhi/store/sqlite"
)

// Run the findings benchmarks over 1,000,000 findings with:
//
//	go test ./store/sqlite -run '^$' -bench 'PutFindings/insert' -benchtime 1000x
//	go test ./store/sqlite -run '^$' -bench 'ListFindings|ResolveFindings'

// benchSignal is a signal of the benchmark's findings, with its severity.
type benchSignal struct {
	id  string
	sev nhi.Severity
}

// benchSignals returns the signals of the benchmark's findings.
func benchSignals() []benchSignal {
	return []benchSignal{
		{"permission.critical", nhi.SeverityCritical}, {"owner.departed", nhi.SeverityHigh},
		{"usage.stale", nhi.SeverityMedium}, {"credential.long_lived", nhi.SeverityMedium},
		{"grant.tenant_wide", nhi.SeverityHigh}, {"identity.no_owner", nhi.SeverityLow},
		{"app.unverified_publisher", nhi.SeverityLow}, {"permission.high", nhi.SeverityInfo},
	}
}

// benchFinding returns the i-th finding of a large tenant: about two signals per grant of
// the grants of bench_test.go's grant.
func benchFinding(i int) nhi.Finding {
	g := grant(i / 2)
	signals := benchSignals()
	s := signals[(i*7)%len(signals)]
	subject := nhi.NewIdentityID(g.Platform, g.Tenant, g.Kind, g.ExternalID)
	return nhi.Finding{Signal: s.id, Title: "Title of " + s.id, Severity: s.sev, Points: 10 * s.sev.Rank(),
		OWASP: []string{fmt.Sprintf("NHI%d:2025", 1+i%10)}, SubjectKind: nhi.SubjectIdentity,
		SubjectID: subject, Platform: g.Platform, Tenant: g.Tenant, AppID: g.AppID, OwnerID: g.OwnerID,
		Evidence: []string{"scope https://www.googleapis.com/auth/drive.readonly is high", "last used 2026-01-01"}}
}

// BenchmarkPutFindings writes batches of 1,000 findings: new ones (insert), and the same
// ones again, in the same order, as the next evaluation of the tenant does (update). It
// reports findings per second.
func BenchmarkPutFindings(b *testing.B) {
	const batch = 1000
	for _, mode := range []string{"insert", "update"} {
		b.Run(mode, func(b *testing.B) {
			batches := make([][]nhi.Finding, b.N)
			for i := range batches {
				batches[i] = make([]nhi.Finding, batch)
				for j := range batch {
					batches[i][j] = benchFinding(i*batch + j)
				}
			}
			st := open(b, filepath.Join(b.TempDir(), "nhi.db"))
			b.Cleanup(func() { _ = st.Close() })
			put := func(eval string) {
				for _, fs := range batches {
					if err := st.PutFindings(b.Context(), eval, time.Now(), fs); err != nil {
						b.Fatal(err)
					}
				}
			}
			if mode == "update" {
				put(begin(b, st))
			}
			eval := begin(b, st)
			b.ResetTimer()
			put(eval)
			b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "findings/s")
		})
	}
}

// seedFindings fills a new store with n findings, produced by one evaluation, and returns
// the store.
func seedFindings(b *testing.B, n int) *sqlite.DB {
	b.Helper()
	st := open(b, filepath.Join(b.TempDir(), "nhi.db"))
	b.Cleanup(func() { _ = st.Close() })
	eval := begin(b, st)
	batch := make([]nhi.Finding, 0, 1000)
	for i := range n {
		batch = append(batch, benchFinding(i))
		if len(batch) == cap(batch) || i == n-1 {
			if err := st.PutFindings(b.Context(), eval, time.Now(), batch); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	return st
}

// BenchmarkListFindings lists pages of 100 findings out of 1,000,000 (100,000 in short
// mode), first pages and a page deep into the list.
func BenchmarkListFindings(b *testing.B) {
	n := 1_000_000
	if testing.Short() {
		n = 100_000
	}
	st := seedFindings(b, n)
	deep, err := st.ListFindings(b.Context(), store.FindingFilter{Limit: n / 2})
	if err != nil || deep.Next == "" {
		b.Fatalf("ListFindings(half) = next %q, %v", deep.Next, err)
	}
	filters := map[string]store.FindingFilter{
		"first page":   {},
		"deep page":    {After: deep.Next},
		"critical":     {MinSeverity: nhi.SeverityCritical},
		"tenant":       {Platform: nhi.PlatformGoogleWorkspace, Tenant: "C01"},
		"signal":       {Signal: "owner.departed"},
		"owasp prefix": {OWASP: "NHI5"},
		"app":          {AppID: "client-7"},
		"owner":        {Owner: "user-42"},
		"subject":      {SubjectID: benchFinding(1234).SubjectID},
		"resolved":     {Status: nhi.FindingResolved},
	}
	for name, f := range filters {
		f.Limit = 100
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if _, err := st.ListFindings(b.Context(), f); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkResolveFindings resolves 100,000 findings that an evaluation did not produce.
func BenchmarkResolveFindings(b *testing.B) {
	const n = 100_000
	for b.Loop() {
		b.StopTimer()
		st := seedFindings(b, n)
		eval := begin(b, st)
		b.StartTimer()
		r := store.ResolveFindings{EvalID: eval, Platform: nhi.PlatformGoogleWorkspace, Tenant: "C01"}
		if got, err := st.ResolveFindings(b.Context(), r); err != nil || got != n {
			b.Fatalf("ResolveFindings = %d, %v; want %d", got, err, n)
		}
	}
}
