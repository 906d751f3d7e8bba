package cluster_test

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/cluster"
	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/connector/googleworkspace"
	"github.com/nhiscope/nhi/connector/googleworkspace/googleworkspacesim"
	"github.com/nhiscope/nhi/estate"
	"github.com/nhiscope/nhi/monitor"
	"github.com/nhiscope/nhi/remediate"
	"github.com/nhiscope/nhi/scan"
	"github.com/nhiscope/nhi/store"
	"github.com/nhiscope/nhi/store/postgres"
)

// googleTenant serves a simulated Google Workspace tenant of people people, each answer
// after latency, and returns a function that builds a connector to it (each instance has
// its own, with its own concurrency).
func googleTenant(tb testing.TB, people int, latency time.Duration) func() connector.Connector {
	tb.Helper()
	est, err := estate.Generate(estate.Options{Seed: 21, People: people})
	if err != nil {
		tb.Fatal(err)
	}
	now := func() time.Time { return est.Options.Now }
	sim, err := googleworkspacesim.New(est, googleworkspacesim.Options{Now: now, Latency: latency, MaxRequestLog: 1})
	if err != nil {
		tb.Fatal(err)
	}
	srv := httptest.NewServer(sim)
	tb.Cleanup(srv.Close)
	key := filepath.Join(tb.TempDir(), "key.json")
	if err := os.WriteFile(key, sim.ServiceAccountKey(srv.URL), 0o600); err != nil {
		tb.Fatal(err)
	}
	return func() connector.Connector {
		c, err := googleworkspace.New(googleworkspace.Config{Name: "g", AdminEmail: est.FirstAdmin().Email,
			Credentials: connector.SecretRef("file:" + key), BaseURL: srv.URL + "/"}, connector.Env{Now: now})
		if err != nil {
			tb.Fatal(err)
		}
		return c
	}
}

// scanNode starts an instance on dsn scanning conn, splitting full scans into parts.
func scanNode(tb testing.TB, dsn, id string, conn connector.Connector, parts, workers int) *cluster.Node {
	tb.Helper()
	db, err := postgres.Open(context.Background(), dsn)
	if err != nil {
		tb.Fatal(err)
	}
	svc := &monitor.Service{Store: db, Scanner: &scan.Runner{Store: db}, Connectors: []connector.Connector{conn},
		Schedule: monitor.Schedule{Full: time.Hour, Scan: time.Hour, Events: time.Hour}, Grace: time.Second}
	n, err := cluster.Open(context.Background(), cluster.Config{DSN: dsn, ID: id, Service: svc, Poll: 100 * time.Millisecond,
		Parts: parts, Workers: workers,
		Executor: func(context.Context, string) (*remediate.Executor, error) { return &remediate.Executor{Store: db}, nil }})
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = n.Run(ctx, time.Second) }()
	tb.Cleanup(func() { cancel(); <-done; n.Close(); _ = db.Close() })
	return n
}

// succeeded waits for a succeeded scan in dsn and returns it.
func succeeded(tb testing.TB, dsn string, within time.Duration) nhi.Scan {
	tb.Helper()
	db, err := postgres.Open(context.Background(), dsn)
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		scans, err := db.ListScans(context.Background(), store.ScanFilter{Connector: "g", Limit: 10})
		if err != nil {
			tb.Fatal(err)
		}
		for _, sc := range scans {
			if sc.Status == nhi.ScanSucceeded {
				return sc
			}
			if sc.Status == nhi.ScanFailed {
				tb.Fatalf("scan failed: %v", sc.Errors)
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	tb.Fatalf("no scan succeeded within %s", within)
	return nhi.Scan{}
}

// TestSplitScanAcrossInstances runs the first full scan of a Google Workspace tenant as
// three parts on three instances and finds what one whole scan finds.
func TestSplitScanAcrossInstances(t *testing.T) {
	t.Parallel()
	conn := googleTenant(t, 200, 0)
	whole := pg.DSN(t)
	scanNode(t, whole, "w", conn(), 0, 1)
	want := succeeded(t, whole, 60*time.Second)

	split := pg.DSN(t)
	for i := range 3 {
		scanNode(t, split, "s"+strconv.Itoa(i), conn(), 3, 3)
	}
	got := succeeded(t, split, 60*time.Second)
	conn2, err := pgx.Connect(t.Context(), split)
	if err != nil {
		t.Fatal(err)
	}
	defer conn2.Close(context.Background())
	var parts, instances int
	if err := conn2.QueryRow(t.Context(), `SELECT count(*), count(DISTINCT attempted_by[1]) FROM river_job
		WHERE kind = 'nhi.scan_part'`).Scan(&parts, &instances); err != nil {
		t.Fatal(err)
	}
	if parts != 3 {
		t.Errorf("%d parts queued, want 3", parts)
	}
	t.Logf("3 parts ran on %d instance(s)", instances)
	if got.Counts.Identities != want.Counts.Identities || got.Counts.People != want.Counts.People || want.Counts.Identities == 0 {
		t.Errorf("split scan found %d identities and %d people, a whole scan %d and %d",
			got.Counts.Identities, got.Counts.People, want.Counts.Identities, want.Counts.People)
	}
}

// BenchmarkScanInstances measures the first full scan of a simulated Google Workspace
// tenant (NHI_BENCH_PEOPLE people, default 10,000; every answer after 20 ms, as a
// remote API answers) into PostgreSQL by one instance scanning whole and by three
// instances sharing it in three parts (one part each at a time). Each instance has its
// own connector, listing 8 users' tokens at once, so the parts are what lets more calls
// be in flight; all instances run in this process.
func BenchmarkScanInstances(b *testing.B) {
	people := 10_000
	if v, err := strconv.Atoi(os.Getenv("NHI_BENCH_PEOPLE")); err == nil && v > 0 {
		people = v
	}
	conn := googleTenant(b, people, 20*time.Millisecond)
	for _, tc := range []struct {
		name             string
		instances, parts int
	}{{"1-instance", 1, 0}, {"3-instances", 3, 3}} {
		b.Run(tc.name, func(b *testing.B) {
			var total time.Duration
			var ids int
			for range b.N {
				dsn := pg.DSN(b)
				start := time.Now()
				for i := range tc.instances {
					scanNode(b, dsn, tc.name+strconv.Itoa(i), conn(), tc.parts, 1)
				}
				rec := succeeded(b, dsn, 30*time.Minute)
				total += time.Since(start)
				ids = rec.Counts.Identities
			}
			b.ReportMetric(total.Seconds()/float64(b.N), "s/scan")
			b.ReportMetric(float64(ids)*float64(b.N)/total.Seconds(), "identities/s")
			b.ReportMetric(float64(people), "people")
		})
	}
}
