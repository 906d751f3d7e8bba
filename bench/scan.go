package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"time"

	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/connector/googleworkspace"
	"github.com/nhiscope/nhi/scan"
	"github.com/nhiscope/nhi/store/sqlite"
)

// scanResult is what the scanning child prints.
type scanResult struct {
	Status     string  `json:"status"`
	People     int     `json:"people"`
	Identities int     `json:"identities"`
	Requests   int     `json:"requests"`
	Throttled  int     `json:"throttled"`
	WaitSec    float64 `json:"wait_sec"`
	WallSec    float64 `json:"wall_sec"`
}

// runScan makes one full scan of the simulator into a fresh SQLite database.
func runScan(ctx context.Context, url, key, admin string, concurrency int, cpuprofile string) error {
	stop, err := startProfile(cpuprofile)
	if err != nil {
		return err
	}
	defer stop()
	dir, err := os.MkdirTemp("", "nhi-bench-scan-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	db, err := sqlite.Open(ctx, filepath.Join(dir, "bench.db"))
	if err != nil {
		return err
	}
	defer db.Close()
	conn, err := googleworkspace.New(googleworkspace.Config{
		Name: "bench", AdminEmail: admin, Credentials: connector.SecretRef("file:" + key),
		BaseURL: url + "/", Concurrency: concurrency,
	}, connector.Env{})
	if err != nil {
		return err
	}
	st := new(scan.Stats)
	start := time.Now()
	rec, err := (&scan.Runner{Store: db}).Run(ctx, conn, scan.Options{Full: true, Stats: st})
	wall := time.Since(start)
	if err != nil {
		return err
	}
	return json.NewEncoder(os.Stdout).Encode(scanResult{
		Status: string(rec.Status), People: rec.Counts.People, Identities: rec.Counts.Identities,
		Requests: rec.Counts.Requests, Throttled: rec.Counts.Throttled,
		WaitSec: time.Duration(st.WaitNanos.Load()).Seconds(), WallSec: wall.Seconds(),
	})
}
