package scan_test

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/connector/googleworkspace"
	"github.com/nhiscope/nhi/connector/googleworkspace/googleworkspacesim"
	"github.com/nhiscope/nhi/estate"
	"github.com/nhiscope/nhi/scan"
	"github.com/nhiscope/nhi/store/sqlite"
)

// BenchmarkFullScan measures one full scan end to end in one process: the simulator over
// loopback, the real connector, the pipeline and SQLite. It reports identities per second.
// The two-process figures in docs/PERFORMANCE.md come from go run ./bench.
func BenchmarkFullScan(b *testing.B) {
	est, err := estate.Generate(estate.Options{Seed: 7, People: 2000})
	if err != nil {
		b.Fatal(err)
	}
	sim, err := googleworkspacesim.New(est, googleworkspacesim.Options{Now: time.Now})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(sim)
	defer srv.Close()
	key := filepath.Join(b.TempDir(), "key.json")
	if err := os.WriteFile(key, sim.ServiceAccountKey(srv.URL), 0o600); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	total := 0
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
		if err != nil {
			b.Fatal(err)
		}
		conn, err := googleworkspace.New(googleworkspace.Config{Name: "bench", AdminEmail: est.FirstAdmin().Email,
			Credentials: connector.SecretRef("file:" + key), BaseURL: srv.URL + "/"}, connector.Env{})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		rec, err := (&scan.Runner{Store: db}).Run(ctx, conn, scan.Options{Full: true})
		if err != nil {
			b.Fatalf("scan %d: %v", i, err)
		}
		total += rec.Counts.Identities
		b.StopTimer()
		db.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(total)/b.Elapsed().Seconds(), "identities/s")
}
