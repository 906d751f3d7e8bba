// Command bench measures nhi's discovery pipeline end to end (simulator -> connector ->
// SQLite) at several scales and prints a table: people, identities, requests, wall time,
// identities per second, peak RSS of the scanning process, and, for throttled scenarios,
// the wall time against the floor the quota sets.
//
// Each scenario runs two child processes of this same binary: one serves the simulated
// tenant on loopback, the other scans it, so the scanner's peak RSS is its own.
//
//	go run ./bench                 # the standard scenarios
//	go run ./bench -only 10k       # one scenario
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	role := flag.String("role", "", "internal: sim or scan (set by the orchestrator)")
	only := flag.String("only", "", "run only the scenario with this name")
	seed := flag.Int64("seed", 7, "estate seed")
	people := flag.Int("people", 0, "internal: estate size")
	quota := flag.Int("quota", 0, "internal: simulator quota per minute")
	url := flag.String("url", "", "internal: simulator URL")
	key := flag.String("key", "", "internal: service-account key file")
	admin := flag.String("admin", "", "internal: admin to impersonate")
	concurrency := flag.Int("concurrency", 0, "internal: connector concurrency")
	cpuprofile := flag.String("cpuprofile", "", "internal: write the child's CPU profile here")
	flag.Parse()
	var err error
	switch *role {
	case "sim":
		err = serveSim(ctx, *seed, *people, *quota, *cpuprofile)
	case "scan":
		err = runScan(ctx, *url, *key, *admin, *concurrency, *cpuprofile)
	case "":
		err = orchestrate(ctx, *only, *seed)
	default:
		err = fmt.Errorf("unknown role %q", *role)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// startProfile starts a CPU profile into path, if path is set, and returns what stops it.
func startProfile(path string) (stop func(), err error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}
