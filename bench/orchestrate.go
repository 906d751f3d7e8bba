package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"text/tabwriter"
)

// scenario is one measured configuration.
type scenario struct {
	Name   string
	People int
	// Quota is the simulator's per-API quota in requests per minute; 0 = unthrottled.
	Quota int
}

// scenarios are the standard measurements, smallest first.
func scenarios() []scenario {
	return []scenario{
		{Name: "1k", People: 1_000},
		{Name: "10k", People: 10_000},
		{Name: "100k", People: 100_000},
		{Name: "throttled-1k", People: 1_000, Quota: 3_000},
	}
}

// outcome is one scenario's figures.
type outcome struct {
	scenario
	scan     scanResult
	sim      simReport
	grants   int
	rssMB    float64
	floorSec float64
}

// orchestrate runs the scenarios, each in fresh child processes, and prints the table.
func orchestrate(ctx context.Context, only string, seed int64) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	var outs []outcome
	for _, sc := range scenarios() {
		if only != "" && sc.Name != only {
			continue
		}
		fmt.Fprintf(os.Stderr, "running %s ...\n", sc.Name)
		o, err := runScenario(ctx, self, sc, seed)
		if err != nil {
			return fmt.Errorf("scenario %s: %w", sc.Name, err)
		}
		outs = append(outs, o)
	}
	if len(outs) == 0 {
		return fmt.Errorf("no scenario named %q", only)
	}
	printTable(os.Stdout, outs)
	return nil
}

// runScenario starts the simulator child, runs the scanning child against it, and collects
// both sides' figures.
func runScenario(ctx context.Context, self string, sc scenario, seed int64) (outcome, error) {
	o := outcome{scenario: sc}
	sim := exec.CommandContext(ctx, self, "-role", "sim", "-seed", fmt.Sprint(seed),
		"-people", fmt.Sprint(sc.People), "-quota", fmt.Sprint(sc.Quota))
	sim.Stderr = os.Stderr
	stdin, err := sim.StdinPipe()
	if err != nil {
		return o, err
	}
	stdout, err := sim.StdoutPipe()
	if err != nil {
		return o, err
	}
	if err := sim.Start(); err != nil {
		return o, err
	}
	defer sim.Wait()
	defer stdin.Close()
	lines := json.NewDecoder(bufio.NewReader(stdout))
	var ready simReady
	if err := lines.Decode(&ready); err != nil {
		return o, fmt.Errorf("simulator did not start: %w", err)
	}
	o.grants = ready.Grants
	scanCmd := exec.CommandContext(ctx, self, "-role", "scan", "-url", ready.URL, "-key", ready.Key, "-admin", ready.Admin)
	scanCmd.Stderr = os.Stderr
	out, err := scanCmd.Output()
	if err != nil {
		return o, fmt.Errorf("scan: %w", err)
	}
	if err := json.Unmarshal(out, &o.scan); err != nil {
		return o, fmt.Errorf("scan output: %w", err)
	}
	if ru, ok := scanCmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		o.rssMB = float64(ru.Maxrss) / 1024 // Linux reports kilobytes
	}
	stdin.Close()
	if err := lines.Decode(&o.sim); err != nil && !errors.Is(err, io.EOF) {
		return o, fmt.Errorf("simulator report: %w", err)
	}
	if sc.Quota > 0 {
		o.floorSec = floor(o.sim, sc.Quota)
	}
	return o, nil
}

// floor is the least time the quota allows for the successful requests the scan needed:
// each API's quota is separate, so the busiest API sets it. The simulator's bucket starts
// full with one second's worth of requests, which the floor credits.
func floor(r simReport, quotaPerMinute int) float64 {
	perSec := float64(quotaPerMinute) / 60
	best := 0.0
	for api, n := range r.OK {
		if api == "token" {
			continue
		}
		if f := (float64(n) - perSec) / perSec; f > best {
			best = f
		}
	}
	return best
}

func printTable(w io.Writer, outs []outcome) {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "scenario\tpeople\tidentities\texpected\trequests\tthrottled\tdup pages\twall s\tidentities/s\tpeak RSS MB\tfloor s\twall/floor\t")
	for _, o := range outs {
		ratio, fl := "-", "-"
		if o.floorSec > 0 {
			fl = strconv.FormatFloat(o.floorSec, 'f', 1, 64)
			ratio = strconv.FormatFloat(o.scan.WallSec/o.floorSec, 'f', 3, 64)
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%.2f\t%.0f\t%.0f\t%s\t%s\t\n",
			o.Name, o.People, o.scan.Identities, o.grants, o.scan.Requests, o.scan.Throttled,
			o.sim.Duplicates, o.scan.WallSec, float64(o.scan.Identities)/o.scan.WallSec, o.rssMB, fl, ratio)
	}
	tw.Flush()
}
