package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/nhiscope/nhi/connector/googleworkspace/googleworkspacesim"
	"github.com/nhiscope/nhi/estate"
)

// simReady is the first line the simulator child prints: where it serves and how to sign in.
type simReady struct {
	URL   string `json:"url"`
	Key   string `json:"key"`
	Admin string `json:"admin"`
	// Grants is the number of live grants of people still in the directory: the identities
	// a full scan must find (Google revokes a deleted user's grants with the account).
	Grants int `json:"grants"`
}

// simReport is the last line it prints, once its standard input closes: what it served.
type simReport struct {
	// OK counts successful requests per API ("directory", "reports", "token").
	OK        map[string]int `json:"ok"`
	Throttled int            `json:"throttled"`
	// Duplicates counts successful GETs of a URL already served successfully.
	Duplicates int `json:"duplicates"`
	Mutations  int `json:"mutations"`
}

// serveSim generates an estate, serves it on loopback and reports on exit.
func serveSim(ctx context.Context, seed int64, people, quota int, cpuprofile string) error {
	est, err := estate.Generate(estate.Options{Seed: seed, People: people})
	if err != nil {
		return err
	}
	sim, err := googleworkspacesim.New(est, googleworkspacesim.Options{QuotaPerMinute: quota, Now: time.Now})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: sim, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()
	url := "http://" + ln.Addr().String()
	dir, err := os.MkdirTemp("", "nhi-bench-sim-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	keyPath := filepath.Join(dir, "key.json")
	if err := os.WriteFile(keyPath, sim.ServiceAccountKey(url), 0o600); err != nil {
		return err
	}
	stop, err := startProfile(cpuprofile)
	if err != nil {
		return err
	}
	defer stop()
	enc := json.NewEncoder(os.Stdout)
	if err := enc.Encode(simReady{URL: url, Key: keyPath, Admin: est.FirstAdmin().Email, Grants: visibleGrants(est)}); err != nil {
		return err
	}
	// Serve until the orchestrator closes our standard input (or we are interrupted).
	done := make(chan struct{})
	go func() { bufio.NewReader(os.Stdin).ReadString('\n'); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
	}
	return enc.Encode(report(sim.Requests()))
}

// report summarises the request log.
func report(reqs []googleworkspacesim.Request) simReport {
	r := simReport{OK: map[string]int{}}
	seen := map[string]bool{}
	for _, q := range reqs {
		if q.Throttled {
			r.Throttled++
			continue
		}
		if q.Method != http.MethodGet && q.Path != "/token" {
			r.Mutations++
		}
		if q.Status >= 300 {
			continue
		}
		r.OK[apiOf(q.Path)]++
		if q.Method == http.MethodGet {
			u := q.Path + "?" + q.RawQuery
			if seen[u] {
				r.Duplicates++
			}
			seen[u] = true
		}
	}
	return r
}

func apiOf(path string) string {
	switch {
	case strings.HasPrefix(path, "/admin/directory/"):
		return "directory"
	case strings.HasPrefix(path, "/admin/reports/"):
		return "reports"
	case path == "/token":
		return "token"
	}
	return fmt.Sprintf("other:%s", path)
}

// visibleGrants counts the live grants of people who are not deleted.
func visibleGrants(est *estate.Estate) int {
	n := 0
	for _, g := range est.Grants {
		if est.People[g.Person].Status != estate.Departed {
			n++
		}
	}
	return n
}
