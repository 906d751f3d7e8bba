package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector/googleworkspace/googleworkspacesim"
	"github.com/nhiscope/nhi/internal/pgtest"
)

// pg is the PostgreSQL server of the tests that need one, started by the first.
var pg pgtest.Lazy

// instance is one nhi serve process of a cluster test.
type instance struct {
	cmd *exec.Cmd
	out *syncBuffer
}

// syncBuffer is a bytes.Buffer safe for a process's writes and the test's reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startInstances starts n nhi serve processes named n0, n1, ... on cfg.
func startInstances(t *testing.T, cfg string, n int) map[string]*instance {
	t.Helper()
	out := map[string]*instance{}
	for i := range n {
		id := fmt.Sprintf("n%d", i)
		in := &instance{out: &syncBuffer{}}
		in.cmd = exec.Command(os.Args[0], "serve", "--config", cfg, "--listen", "127.0.0.1:0", "--console=false",
			"--instance", id, "--rescue-after", "10s", "--scan-parts", "3", "--full-every", "1h", "--scan-every", "1h", "--events-every", "1h",
			"--grace", "1s", "--log-level", "info")
		in.cmd.Env = append(os.Environ(), "NHI_TEST_MAIN=1")
		in.cmd.Stdout, in.cmd.Stderr = in.out, in.out
		if err := in.cmd.Start(); err != nil {
			t.Fatal(err)
		}
		out[id] = in
	}
	t.Cleanup(func() {
		for id, in := range out {
			_ = in.cmd.Process.Kill()
			_ = in.cmd.Wait()
			if t.Failed() {
				t.Logf("--- %s ---\n%s", id, tail(in.out.String(), 3000))
			}
		}
	})
	return out
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// runningJob waits for a job of kind to be running and returns the instance running it.
func runningJob(t *testing.T, conn *pgx.Conn, kind string) string {
	t.Helper()
	var who string
	waitUntil(t, "a running "+kind+" job", 60*time.Second, func() bool {
		err := conn.QueryRow(context.Background(), `SELECT attempted_by[array_length(attempted_by, 1)] FROM river_job
			WHERE kind = $1 AND state = 'running' LIMIT 1`, kind).Scan(&who)
		return err == nil && who != ""
	})
	return who
}

func waitUntil(t *testing.T, what string, d time.Duration, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", d, what)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// kill kills instance id with SIGKILL.
func kill(t *testing.T, ins map[string]*instance, id string) {
	t.Helper()
	in := ins[id]
	if err := in.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = in.cmd.Wait()
	t.Logf("killed %s", id)
}

// TestClusterSurvivesSIGKILL runs three nhi serve processes on one PostgreSQL database
// and a simulated Google Workspace tenant, its full scans split in three parts, kills the
// one running the first scan with SIGKILL mid-scan and then the one running a kill-switch plan mid-plan, and checks
// that the scan completes on another instance with the same inventory a single scan
// finds, that every grant of the plan was revoked with exactly one call each (the
// simulator's request log), and that the audit chain is whole.
func TestClusterSurvivesSIGKILL(t *testing.T) {
	t.Parallel()
	db := pg.URL(t)
	// Every answer after 10 ms: a scan and a plan take seconds.
	sim, _, cfg := googleTenant(t, tenantSpec{seed: 7, people: 300, latency: 10 * time.Millisecond, db: db})
	ins := startInstances(t, cfg, 3)
	conn, err := pgx.Connect(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())

	// Mid-scan: the instance running the first scan dies once the scan has made calls.
	scanner := runningJob(t, conn, "nhi.scan")
	waitUntil(t, "the scan's first calls", 30*time.Second, func() bool { return len(sim.Requests()) > 40 })
	kill(t, ins, scanner)
	killedScan := time.Now()
	var scans []nhi.Scan
	waitUntil(t, "a scan to succeed on another instance", 90*time.Second, func() bool {
		code, out, _ := runCLI(t, "scans", "--db", db, "--output", "json")
		scans = nil
		return code == exitOK && jsonInto(out, &scans) && slicesAny(scans, func(s nhi.Scan) bool { return s.Status == nhi.ScanSucceeded })
	})
	scanTook := time.Since(killedScan)
	if !slicesAny(scans, func(s nhi.Scan) bool {
		return s.Status == nhi.ScanFailed && strings.Contains(strings.Join(s.Errors, " "), "interrupted")
	}) {
		t.Errorf("the interrupted scan is not recorded as interrupted: %+v", scans)
	}
	ref := filepath.Join(t.TempDir(), "ref.db")
	if code, _, errOut := runCLI(t, "scan", "--config", cfg, "--db", ref); code != exitOK {
		t.Fatalf("reference scan: exit %d %s", code, errOut)
	}
	want := len(listJSON[nhi.Identity](t, "inventory", "list", "--db", ref, "--limit", "0"))
	got := len(listJSON[nhi.Identity](t, "inventory", "list", "--db", db, "--limit", "0"))
	if got != want || want == 0 {
		t.Errorf("the cluster's inventory holds %d identities after the interrupted scan, a single scan finds %d", got, want)
	}

	// Mid-plan: the kill switch of the most-held app, queued for the cluster.
	apps := listJSON[nhi.App](t, "apps", "list", "--db", db, "--sort", "users")
	app := apps[0]
	if code, _, errOut := runCLI(t, "contain", "--app", app.ExternalID, "--config", cfg, "--by", "alice"); code != exitOK {
		t.Fatalf("contain: %s", errOut)
	}
	plans := listJSON[nhi.Plan](t, "plan", "list", "--config", cfg, "--state", "proposed")
	var id string
	for _, p := range plans {
		if p.Reason.Kind == nhi.ReasonPerson {
			id = p.ID
		}
	}
	if code, _, errOut := runCLI(t, "plan", "approve", id, "--config", cfg, "--by", "bob"); code != exitOK {
		t.Fatalf("approve: %s", errOut)
	}
	sim.ResetRequests()
	if code, out, errOut := runCLI(t, "apply", id, "--config", cfg, "--execute", "--force", "--queue", "--by", "bob"); code != exitOK || !strings.Contains(out, "queued") {
		t.Fatalf("apply --queue: exit %d %s %s", code, out, errOut)
	}
	runner := runningJob(t, conn, "nhi.plan")
	waitUntil(t, "the plan's first revocations", 30*time.Second, func() bool { return deletes(sim) >= 5 })
	kill(t, ins, runner)
	killedPlan := time.Now()
	var plan nhi.Plan
	waitUntil(t, "the plan to finish on another instance", 90*time.Second, func() bool {
		code, out, _ := runCLI(t, "plan", "show", id, "--config", cfg, "--output", "json")
		return code == exitOK && jsonInto(out, &plan) && plan.State == nhi.PlanDone
	})
	planTook := time.Since(killedPlan)
	perPath := map[string]int{}
	for _, r := range sim.Requests() {
		// A request whose client died while the simulator waited (499) never reached
		// the tenant; any other DELETE did, and a second one would answer 404.
		if r.Method == "DELETE" && r.Status != 499 {
			perPath[r.Path]++
			if r.Status != 204 {
				t.Errorf("DELETE %s answered %d", r.Path, r.Status)
			}
		}
	}
	for p, n := range perPath {
		if n != 1 {
			t.Errorf("%s was called %d times, want once", p, n)
		}
	}
	grants := 0 // the plan's other action sweeps the app's grants given since the scan
	for _, a := range plan.Actions {
		if a.IdentityID != "" {
			grants++
		}
	}
	if len(perPath) != grants || grants == 0 || len(sim.Holders(app.ExternalID)) != 0 {
		t.Errorf("%d grants revoked for %d revoke actions, %d grants left; want one call each and none left",
			len(perPath), grants, len(sim.Holders(app.ExternalID)))
	}
	var actionJobs, rerun, instances int
	if err := conn.QueryRow(context.Background(), `SELECT count(*), count(*) FILTER (WHERE attempt > 1),
		count(DISTINCT attempted_by[1]) FROM river_job WHERE kind = 'nhi.action'`).Scan(&actionJobs, &rerun, &instances); err != nil {
		t.Fatal(err)
	}
	if actionJobs != len(plan.Actions) {
		t.Errorf("%d action jobs for %d actions, want one each", actionJobs, len(plan.Actions))
	}
	t.Logf("%d action jobs on %d instances, %d of them run again after the kill", actionJobs, instances, rerun)
	if code, out, errOut := runCLI(t, "audit", "verify", "--config", cfg); code != exitOK {
		t.Errorf("audit verify: exit %d %s %s", code, out, errOut)
	}
	t.Logf("scan killed on %s, succeeded elsewhere %.1f s later; plan of %d actions killed on %s, done elsewhere %.1f s later "+
		"(--rescue-after 10s; River's rescuer looks every 30 s)", scanner, scanTook.Seconds(), len(plan.Actions), runner, planTook.Seconds())
}

// deletes counts the DELETE requests the simulator answered.
func deletes(sim *googleworkspacesim.Server) int {
	n := 0
	for _, r := range sim.Requests() {
		if r.Method == "DELETE" {
			n++
		}
	}
	return n
}

// jsonInto decodes s into v and reports whether it could.
func jsonInto(s string, v any) bool { return json.Unmarshal([]byte(s), v) == nil }

// slicesAny reports whether any element of s satisfies f.
func slicesAny[T any](s []T, f func(T) bool) bool { return slices.ContainsFunc(s, f) }
