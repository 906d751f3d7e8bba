package main

import (
	"context"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/nhiscope/nhi/monitor"
	"github.com/nhiscope/nhi/store/sqlite"
)

// TestMain lets a test run this test binary as nhi itself (NHI_TEST_MAIN=1), so that a
// test can kill a real nhi process with SIGKILL.
func TestMain(m *testing.M) {
	if os.Getenv("NHI_TEST_MAIN") == "1" {
		os.Exit(run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	code := m.Run()
	pg.Stop()
	os.Exit(code)
}

// nhiProcess starts this test binary as `nhi args...`.
func nhiProcess(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "NHI_TEST_MAIN=1")
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd
}

// TestServeSurvivesSIGKILL kills nhi serve with SIGKILL while it ingests audit events,
// adds events, starts it again, and checks that every event was taken: nhi events, which
// reads from the same saved position, finds nothing left.
func TestServeSurvivesSIGKILL(t *testing.T) {
	t.Parallel()
	sim, est, cfg := entraTenant(t)
	c, _ := loadConfig(cfg)
	args := []string{"serve", "--config", cfg, "--listen", "127.0.0.1:0", "--events-every", "20ms", "--scan-every", "1h"}
	m := est.Microsoft
	consent := func(scope string) {
		client := m.ServicePrincipals[len(m.ServicePrincipals)-1].ObjectID
		if _, err := sim.AddGrant(client, m.ServicePrincipals[0].ObjectID, "", []string{scope}, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	cursor := func() string {
		db, err := sqlite.Open(context.Background(), c.Database)
		if err != nil {
			return ""
		}
		defer db.Close()
		cur, _ := db.Cursor(context.Background(), "ms"+monitor.EventsCursorSuffix)
		return string(cur)
	}
	proc := nhiProcess(t, args...)
	deadline := time.Now().Add(30 * time.Second)
	for cursor() == "" && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if cursor() == "" {
		proc.Process.Kill()
		t.Fatal("serve saved no event position")
	}
	// New events arrive while it polls; it dies mid-stream.
	for _, s := range []string{"Mail.Read", "Files.Read", "Calendars.Read"} {
		consent(s)
		time.Sleep(15 * time.Millisecond)
	}
	if err := proc.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = proc.Wait()
	consent("Contacts.Read")
	proc = nhiProcess(t, args...)
	before := cursor()
	for time.Now().Before(deadline.Add(30*time.Second)) && cursor() == before {
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
	proc.Process.Kill()
	_ = proc.Wait()
	code, out, errOut := runCLI(t, "events", "--config", cfg, "--output", "json")
	if code != exitOK || strings.TrimSpace(out) != "" {
		t.Errorf("after the restart nhi events found events serve had not taken: exit %d\n%s\n%s", code, out, errOut)
	}
}
