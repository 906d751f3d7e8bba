package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/connector/googleworkspace/googleworkspacesim"
	"github.com/nhiscope/nhi/estate"
)

// demoDB runs the demo into a new database and returns its path.
func demoDB(t *testing.T, people, seed int) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "demo.db")
	if code, _, errOut := runCLI(t, "demo", "--people", fmt.Sprint(people), "--seed", fmt.Sprint(seed), "--db", db); code != exitOK {
		t.Fatalf("demo: exit %d: %s", code, errOut)
	}
	return db
}

// listJSON runs a list command with --output json and decodes its array.
func listJSON[T any](t *testing.T, args ...string) []T {
	t.Helper()
	code, out, errOut := runCLI(t, append(args, "--output", "json")...)
	var items []T
	if code != exitOK || json.Unmarshal([]byte(out), &items) != nil {
		t.Fatalf("%v: exit %d %s", args, code, errOut)
	}
	return items
}

// runCLI runs nhi with args and returns the exit code, stdout and stderr.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestDemoThenExploreTheDatabase(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "demo.db")
	code, out, errOut := runCLI(t, "demo", "--people", "40", "--seed", "3", "--db", db)
	if code != exitOK {
		t.Fatalf("demo exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	for _, want := range []string{
		"google-demo: succeeded", "Non-human identities by platform and kind:", "oauth_grant",
		"Most users:", "Most dangerous scopes:", "CRITICAL", "owner suspended (offboarding debt)",
		"Where to look next:", "inventory show --db " + db,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q:\n%s", want, out)
		}
	}
	// The commands the demo suggests work on the database it kept.
	code, out, errOut = runCLI(t, "apps", "list", "--db", db, "--sort", "risk", "--output", "json")
	var apps []map[string]any
	if code != exitOK || json.Unmarshal([]byte(out), &apps) != nil || len(apps) == 0 {
		t.Fatalf("apps list: exit %d, %d apps, stderr %s", code, len(apps), errOut)
	}
	if apps[0]["max_tier"] != "critical" {
		t.Errorf("riskiest app has max tier %v", apps[0]["max_tier"])
	}
	// Attacker-chosen app names reach the terminal as inert text.
	code, out, _ = runCLI(t, "apps", "list", "--db", db)
	if code != exitOK || !strings.Contains(out, "<img src=x onerror=alert(1)>PDF") {
		t.Errorf("apps list: exit %d, hostile app missing:\n%s", code, out)
	}
	if strings.ContainsAny(out, "\x1b\u202e\u0000") {
		t.Errorf("apps list printed control or bidi characters: %q", out)
	}
	code, out, _ = runCLI(t, "inventory", "list", "--db", db, "--output", "csv", "--limit", "0")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != exitOK || len(lines) < 40 || !strings.HasPrefix(lines[0], "id,platform,tenant,kind") {
		t.Fatalf("inventory csv: exit %d, %d lines, head %q", code, len(lines), lines[0])
	}
	id := strings.Split(lines[1], ",")[0]
	code, out, _ = runCLI(t, "inventory", "show", id, "--db", db)
	if code != exitOK || !strings.Contains(out, id) || !strings.Contains(out, "Permissions (") {
		t.Errorf("inventory show: exit %d\n%s", code, out)
	}
	code, _, errOut = runCLI(t, "inventory", "show", "gws_doesnotexist", "--db", db)
	if code != exitNotFound || !strings.Contains(errOut, "no identity") {
		t.Errorf("show unknown: exit %d, stderr %q", code, errOut)
	}
}

func TestReadCommandsRefuseAMissingDatabase(t *testing.T) {
	t.Parallel()
	missing := filepath.Join(t.TempDir(), "nope.db")
	code, _, errOut := runCLI(t, "inventory", "list", "--db", missing)
	if code != exitUsage || !strings.Contains(errOut, "no database at") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
	if _, err := os.Stat(missing); err == nil {
		t.Error("a read command created the database")
	}
}

func TestBadFlagsAreUsageErrors(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "x.db")
	for _, args := range [][]string{
		{"inventory", "list", "--db", db, "--kind", "robot"},
		{"inventory", "list", "--db", db, "--owner-status", "retired"},
		{"inventory", "list", "--db", db, "--last-used-before", "soon"},
		{"inventory", "list", "--db", db, "--output", "xml"},
		{"apps", "list", "--db", db, "--sort", "vibes"},
		{"demo", "--addr", "0.0.0.0:0"},
		{"demo", "--people", "3"},
		{"scan", "--nope"},
	} {
		if code, _, errOut := runCLI(t, args...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d (stderr %q)", args, code, exitUsage, errOut)
		}
	}
}

// simTenant serves a small simulated tenant and writes a configuration for it.
func simTenant(t *testing.T, adminEmail string) (*googleworkspacesim.Server, string) {
	t.Helper()
	dir := t.TempDir()
	sim, _, cfg := googleTenant(t, tenantSpec{seed: 5, people: 30, admin: adminEmail, db: filepath.Join(dir, "nhi.db")})
	return sim, cfg
}

// tenantSpec describes a simulated Google Workspace tenant and nhi's configuration for it.
type tenantSpec struct {
	seed      int64
	people    int
	latency   time.Duration
	admin, db string // the admin to impersonate (default the estate's first) and --db
}

// googleTenant serves the simulated tenant of spec and writes a configuration for it.
func googleTenant(t *testing.T, spec tenantSpec) (*googleworkspacesim.Server, *estate.Estate, string) {
	t.Helper()
	est, err := estate.Generate(estate.Options{Seed: spec.seed, People: spec.people})
	if err != nil {
		t.Fatal(err)
	}
	sim, err := googleworkspacesim.New(est, googleworkspacesim.Options{Now: time.Now, Latency: spec.latency})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	key := filepath.Join(dir, "key.json")
	if err := os.WriteFile(key, sim.ServiceAccountKey(srv.URL), 0o600); err != nil {
		t.Fatal(err)
	}
	if spec.admin == "" {
		spec.admin = est.FirstAdmin().Email
	}
	cfg := filepath.Join(dir, "nhi.yaml")
	text := fmt.Sprintf("database: %q\nconnectors:\n  - name: g\n    platform: google_workspace\n"+
		"    admin_email: %s\n    credentials: file:%s\n    base_url: %s/\n", spec.db, spec.admin, key, srv.URL)
	if err := os.WriteFile(cfg, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return sim, est, cfg
}

func TestScanExitCodes(t *testing.T) {
	t.Parallel()
	sim, cfg := simTenant(t, "")
	if code, out, errOut := runCLI(t, "config", "validate", "--config", cfg, "--check-secrets"); code != exitOK {
		t.Fatalf("validate: exit %d %s %s", code, out, errOut)
	}
	code, out, errOut := runCLI(t, "scan", "--config", cfg)
	if code != exitOK || !strings.Contains(out, "g: succeeded") {
		t.Fatalf("scan: exit %d\n%s\n%s", code, out, errOut)
	}
	// Every token list fails: the scan is partial, exit 3, and nothing is hidden.
	sim.InjectFault(googleworkspacesim.Fault{Path: "/tokens", Status: 500})
	before := identityCount(t, cfg)
	code, _, errOut = runCLI(t, "scan", "--config", cfg, "--full")
	if code != exitPartial || !strings.Contains(errOut, "g:") {
		t.Errorf("faulty scan: exit %d, stderr %q", code, errOut)
	}
	if after := identityCount(t, cfg); after != before || before == 0 {
		t.Errorf("identities %d -> %d across a partial scan", before, after)
	}
	c, _ := loadConfig(cfg)
	code, out, _ = runCLI(t, "scans", "--db", c.Database)
	if code != exitOK || !strings.Contains(out, "partial") || !strings.Contains(out, "succeeded") || !strings.Contains(out, "tokens") {
		t.Errorf("scans: exit %d\n%s", code, out)
	}
}

func TestScanWithRejectedCredentialsFails(t *testing.T) {
	t.Parallel()
	_, cfg := simTenant(t, "not-an-admin@example.org")
	code, _, errOut := runCLI(t, "scan", "--config", cfg)
	if code != exitError || !strings.Contains(strings.ToLower(errOut), "not-an-admin@example.org") {
		t.Errorf("exit %d, stderr %q; want exit 1 naming the subject", code, errOut)
	}
	for _, line := range keyLines(t, cfg) {
		if strings.Contains(errOut, line) {
			t.Errorf("the error leaked key material: %q", line)
		}
	}
}

func identityCount(t *testing.T, cfg string) int {
	t.Helper()
	c, err := loadConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return len(listJSON[nhi.Identity](t, "inventory", "list", "--db", c.Database, "--limit", "0"))
}

// keyLines returns the lines of the private key the configuration references.
func keyLines(t *testing.T, cfg string) []string {
	t.Helper()
	c, err := loadConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	b, err := connector.SecretRef(c.Connectors[0].Settings["credentials"].Value).Resolve()
	if err != nil {
		t.Fatal(err)
	}
	var key struct {
		PrivateKey string `json:"private_key"`
	}
	if err := json.Unmarshal(b, &key); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range strings.Split(key.PrivateKey, "\n") {
		if len(l) > 20 && !strings.HasPrefix(l, "-----") {
			out = append(out, l)
		}
	}
	if len(out) == 0 {
		t.Fatal("no key lines")
	}
	return out
}

func TestIncrementalScanPicksUpChanges(t *testing.T) {
	t.Parallel()
	sim, cfg := simTenant(t, "")
	if code, _, errOut := runCLI(t, "scan", "--config", cfg); code != exitOK {
		t.Fatalf("first scan: exit %d %s", code, errOut)
	}
	c, _ := loadConfig(cfg)
	db := c.Database
	before := identityCount(t, cfg)
	// A new grant appears in the tenant after the first scan.
	est, _ := estate.Generate(estate.Options{Seed: 5, People: 30})
	p := est.FirstAdmin()
	if err := sim.AddGrant(p.Email, "999-new.apps.googleusercontent.com", []string{"https://mail.google.com/"}, time.Now()); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, "scan", "--config", cfg)
	if code != exitOK || !strings.Contains(out, "g: succeeded") {
		t.Fatalf("incremental scan: exit %d\n%s\n%s", code, out, errOut)
	}
	if after := identityCount(t, cfg); after != before+1 {
		t.Errorf("identities %d -> %d, want one more", before, after)
	}
	code, out, _ = runCLI(t, "scans", "--db", db, "--output", "json")
	var scans []nhi.Scan
	if code != exitOK || json.Unmarshal([]byte(out), &scans) != nil || len(scans) != 2 {
		t.Fatalf("scans: exit %d, %d scans", code, len(scans))
	}
	if scans[0].Full || !scans[1].Full || scans[0].Counts.Requests >= scans[1].Counts.Requests {
		t.Errorf("the second scan should be incremental and cheaper: %+v", scans)
	}
	// The read commands find the database through the configuration.
	code, out, errOut = runCLI(t, "inventory", "list", "--config", cfg, "--app", "999-new.apps.googleusercontent.com", "--output", "json")
	var ids []nhi.Identity
	if code != exitOK || json.Unmarshal([]byte(out), &ids) != nil || len(ids) != 1 || ids[0].OwnerID != p.GoogleID {
		t.Errorf("inventory list --app: exit %d %s, %+v", code, errOut, ids)
	}
	// The drift between the scans: the new grant and its app, nothing from the first scan.
	code, out, errOut = runCLI(t, "changes", "--config", cfg, "--output", "json")
	var kinds []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var ch nhi.Change
		if err := json.Unmarshal([]byte(line), &ch); err != nil {
			t.Fatalf("changes output %q: %v", line, err)
		}
		kinds = append(kinds, string(ch.Kind)+" "+strings.Join(ch.After, " "))
	}
	slices.Sort(kinds)
	want := []string{"app.added ", "identity.added https://mail.google.com/"}
	if code != exitOK || !slices.Equal(kinds, want) {
		t.Errorf("changes: exit %d %s, %q; want %q", code, errOut, kinds, want)
	}
	if code, _, _ := runCLI(t, "changes", "--config", cfg, "--kind", "nope"); code != exitUsage {
		t.Errorf("changes --kind nope: exit %d, want %d", code, exitUsage)
	}
}

func TestInventoryFilters(t *testing.T) {
	t.Parallel()
	db := demoDB(t, 60, 9)
	list := func(args ...string) []nhi.Identity {
		t.Helper()
		return listJSON[nhi.Identity](t, append([]string{"inventory", "list", "--db", db}, args...)...)
	}
	all := list()
	if len(all) < 60 {
		t.Fatalf("only %d identities", len(all))
	}
	first := all[0]
	for _, id := range all {
		if id.AppID != "" && id.OwnerID != "" {
			first = id
			break
		}
	}
	for _, id := range list("--app", first.AppID) {
		if id.AppID != first.AppID {
			t.Errorf("--app returned %s of app %s", id.ID, id.AppID)
		}
	}
	for _, id := range list("--owner", first.OwnerID) {
		if id.OwnerID != first.OwnerID {
			t.Errorf("--owner returned %s of %s", id.ID, id.OwnerID)
		}
	}
	cutoff := time.Now().Add(-90 * 24 * time.Hour)
	stale := list("--last-used-before", "90d")
	for _, id := range stale {
		if !id.LastUsedAt.IsZero() && !id.LastUsedAt.Before(cutoff.Add(time.Minute)) {
			t.Errorf("--last-used-before 90d returned %s used %s", id.ID, id.LastUsedAt)
		}
	}
	suspended := list("--owner-status", "suspended")
	if len(stale) == 0 || len(stale) == len(all) || len(suspended) == 0 || len(suspended) == len(all) {
		t.Errorf("filters select nothing or everything: %d stale, %d suspended of %d", len(stale), len(suspended), len(all))
	}
}

func TestPlatformsAreWired(t *testing.T) {
	t.Parallel()
	seen := map[nhi.Platform]bool{}
	for _, p := range platforms() {
		if p.name == "" || p.check == nil || p.build == nil || seen[p.name] {
			t.Errorf("platform %+v is incomplete or listed twice", p.name)
		}
		seen[p.name] = true
		if _, ok := platformByName(p.name); !ok {
			t.Errorf("platformByName(%s) fails", p.name)
		}
	}
	for _, want := range []nhi.Platform{nhi.PlatformGoogleWorkspace, nhi.PlatformEntra, nhi.PlatformGitHub, nhi.PlatformSlack, nhi.PlatformSalesforce, nhi.PlatformOkta} {
		if !seen[want] {
			t.Errorf("%s is not wired", want)
		}
	}
	if _, ok := platformByName("myspace"); ok {
		t.Error("an unknown platform was found")
	}
}
