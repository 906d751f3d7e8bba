package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nhiscope/nhi"
)

func TestFindingsCommands(t *testing.T) {
	t.Parallel()
	db := demoDB(t, 60, 4)
	list := func(args ...string) []nhi.Finding {
		t.Helper()
		return listJSON[nhi.Finding](t, append([]string{"findings", "list", "--db", db}, args...)...)
	}
	all := list()
	high := list("--severity", "high")
	if len(all) == 0 || len(high) == 0 || len(high) >= len(all) {
		t.Fatalf("%d findings, %d high or worse", len(all), len(high))
	}
	for _, f := range high {
		if f.Severity.Rank() < nhi.SeverityHigh.Rank() {
			t.Errorf("--severity high returned %s %s", f.Severity, f.ID)
		}
	}
	for _, f := range list("--owasp", "nhi1") {
		if !strings.HasPrefix(strings.Join(f.OWASP, ","), "NHI1:") && !strings.Contains(strings.Join(f.OWASP, ","), ",NHI1:") {
			t.Errorf("--owasp nhi1 returned %v", f.OWASP)
		}
	}
	for _, f := range list("--signal", "usage.stale") {
		if f.Signal != "usage.stale" {
			t.Errorf("--signal returned %s", f.Signal)
		}
	}
	target := high[0]
	code, out, _ := runCLI(t, "findings", "show", target.ID, "--db", db)
	if code != exitOK || !strings.Contains(out, target.Signal) || !strings.Contains(out, "Evidence:") {
		t.Errorf("findings show: exit %d\n%s", code, out)
	}
	if code, _, errOut := runCLI(t, "findings", "suppress", target.ID, "--db", db); code != exitUsage || !strings.Contains(errOut, "--reason") {
		t.Errorf("suppress without a reason: exit %d %q", code, errOut)
	}
	code, out, errOut := runCLI(t, "findings", "suppress", target.ID, "--db", db, "--reason", "vendor approved", "--author", "sec-team", "--until", "30d")
	if code != exitOK || !strings.Contains(out, "suppressed") {
		t.Fatalf("suppress: exit %d %s %s", code, out, errOut)
	}
	sup := list("--status", "suppressed")
	if len(sup) != 1 || sup[0].ID != target.ID || sup[0].Suppression == nil || sup[0].Suppression.Author != "sec-team" {
		t.Errorf("suppressed findings = %+v", sup)
	}
	if code, _, _ := runCLI(t, "findings", "suppress", target.ID, "--db", db, "--lift"); code != exitOK || len(list("--status", "suppressed")) != 0 {
		t.Errorf("lift: exit %d", code)
	}
	if code, _, _ := runCLI(t, "findings", "show", "fnd_nope", "--db", db); code != exitNotFound {
		t.Errorf("show unknown: exit %d", code)
	}
	// apps show prints the app's score breakdown.
	code, out, _ = runCLI(t, "apps", "list", "--db", db, "--sort", "risk", "--output", "csv", "--limit", "1")
	rows := strings.Split(strings.TrimSpace(out), "\n")
	if code != exitOK || len(rows) != 2 {
		t.Fatalf("apps list csv: %q", out)
	}
	appID := strings.Split(rows[1], ",")[1]
	code, out, errOut = runCLI(t, "apps", "show", appID, "--db", db)
	if code != exitOK || !strings.Contains(out, "Risk score") || !strings.Contains(out, "Permissions (") {
		t.Errorf("apps show: exit %d %s\n%s", code, errOut, out)
	}
}

func TestScanFailOn(t *testing.T) {
	t.Parallel()
	_, cfg := simTenant(t, "")
	if code, _, errOut := runCLI(t, "scan", "--config", cfg, "--fail-on", "critical"); code != exitFindings || !strings.Contains(errOut, "open finding(s) at or above critical") {
		t.Errorf("--fail-on critical: exit %d %q", code, errOut)
	}
	if code, _, errOut := runCLI(t, "scan", "--config", cfg, "--fail-on", "severe"); code != exitUsage {
		t.Errorf("--fail-on severe: exit %d %q", code, errOut)
	}
}

func TestIntelUpdate(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := demoDB(t, 20, 42)
	code, out, _ := runCLI(t, "intel", "show", "--db", db)
	if code != exitOK || !strings.Contains(out, "threat intelligence pack version") {
		t.Fatalf("intel show: exit %d %s", code, out)
	}
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("version: x\n"), 0o600)
	if code, _, _ := runCLI(t, "intel", "update", "--db", db, "--file", bad); code != exitUsage {
		t.Errorf("a bad pack: exit %d", code)
	}
	if _, err := os.Stat(intelFile(db)); err == nil {
		t.Error("a bad pack was installed")
	}
	pack := filepath.Join(dir, "pack.yaml")
	text := "version: 999\ngenerated: " + time.Now().UTC().Format("2006-01-02") + "\nincidents:\n" +
		"  - id: test-incident\n    vendor: Test Vendor\n    kind: malicious\n    title: A test incident\n" +
		"    date: 2026-11-30\n    sources: [https://example.com/advisory]\n    apps:\n" +
		"      - {platform: google_workspace, app_id: 123456789012-abcdefghijklmnopqrstuvwxyz012345.apps.googleusercontent.com, app: Test App}\n"
	os.WriteFile(pack, []byte(text), 0o600)
	code, out, errOut := runCLI(t, "intel", "update", "--db", db, "--file", pack)
	if code != exitOK || !strings.Contains(out, "version 999") {
		t.Fatalf("intel update: exit %d %s %s", code, out, errOut)
	}
	if code, _, errOut := runCLI(t, "intel", "update", "--db", db, "--file", pack); code != exitUsage || !strings.Contains(errOut, "not newer") {
		t.Errorf("same version again: exit %d %q", code, errOut)
	}
}

// TestIntelNetworks runs the demo, which installs its company's networks dataset, finds
// the apps whose tokens were used from Tor exits, then replaces the dataset: a malformed
// one is refused with its line and changes nothing, a good one is installed.
func TestIntelNetworks(t *testing.T) {
	t.Parallel()
	db := demoDB(t, 400, 11)
	found := listJSON[nhi.Finding](t, "findings", "list", "--db", db, "--signal", "app.tor_usage")
	if len(found) == 0 {
		t.Fatal("the demo found no app used from Tor exits")
	}
	for _, f := range found {
		if f.SubjectKind != nhi.SubjectApp || len(f.Evidence) < 2 || !strings.Contains(f.Evidence[1], "a Tor exit") {
			t.Errorf("finding %+v", f)
		}
	}
	code, out, _ := runCLI(t, "intel", "show", "--db", db)
	if code != exitOK || !strings.Contains(out, "ranges (Tor exit 1, hosting 3, access 3)") {
		t.Fatalf("intel show: exit %d %s", code, out)
	}
	before, err := os.ReadFile(networksFile(db))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(bad, []byte("cidr,asn,org,kind\n10.0.0.0/8,xx,X,isp\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := runCLI(t, "intel", "networks", "--db", db, "--file", bad); code != exitUsage || !strings.Contains(errOut, "line 2") {
		t.Errorf("a bad dataset: exit %d %q", code, errOut)
	}
	if code, _, _ := runCLI(t, "intel", "networks", "--db", db); code != exitUsage {
		t.Errorf("no --file: exit %d", code)
	}
	if after, _ := os.ReadFile(networksFile(db)); !bytes.Equal(after, before) {
		t.Error("a refused dataset changed the installed one")
	}
	good := filepath.Join(dir, "good.csv")
	if err := os.WriteFile(good, []byte("cidr,asn,org,kind\n185.220.100.0/22,AS64511,Relays,tor\n2001:db8::/32,64500,Cloud,hosting\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, out, errOut := runCLI(t, "intel", "networks", "--db", db, "--file", good); code != exitOK || !strings.Contains(out, "2 ranges (Tor exit 1, hosting 1, access 0)") {
		t.Errorf("install: exit %d %s %s", code, out, errOut)
	}
	if code, out, _ := runCLI(t, "intel", "show", "--db", db); code != exitOK || !strings.Contains(out, "2 ranges") {
		t.Errorf("intel show after install: exit %d %s", code, out)
	}
	// A dataset damaged after its install: intel show still shows the pack and says what
	// is wrong; a scan's engine refuses it.
	if err := os.WriteFile(networksFile(db), []byte("cidr,asn,org,kind\nnope\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, _ = runCLI(t, "intel", "show", "--db", db)
	if code != exitOK || !strings.Contains(out, "line 2") || !strings.Contains(out, "threat intelligence pack version") {
		t.Errorf("intel show with a damaged dataset: exit %d %s", code, out)
	}
	if code, _, errOut := runCLI(t, "apps", "show", found[0].AppID, "--db", db); code != exitUsage || !strings.Contains(errOut, "nhi intel networks --file") {
		t.Errorf("apps show with a damaged dataset: exit %d %s", code, errOut)
	}
}
