package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/notify"
)

// lockedBuffer is a bytes.Buffer safe for a writer and a reader at once.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestServe runs nhi serve against a simulated Entra tenant: it becomes ready after the
// first scan, serves health and Prometheus metrics, and stops cleanly on cancellation.
func TestServe(t *testing.T) {
	t.Parallel()
	_, _, cfg := entraTenant(t)
	ctx, cancel := context.WithCancel(t.Context())
	var stderr lockedBuffer
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"serve", "--config", cfg, "--listen", "127.0.0.1:0", "--scan-every", "1s",
			"--events-every", "200ms"}, strings.NewReader(""), io.Discard, &stderr)
	}()
	addr := regexp.MustCompile(`on http://(127\.0\.0\.1:\d+)`)
	var base string
	get := func(path string) (int, string) {
		resp, err := http.Get(base + path)
		if err != nil {
			return 0, err.Error()
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	deadline := time.Now().Add(20 * time.Second)
	for ; time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := addr.FindStringSubmatch(stderr.String()); m != nil && base == "" {
			base = "http://" + m[1]
		}
		if base != "" {
			if code, _ := get("/readyz"); code == http.StatusOK {
				break
			}
		}
	}
	if code, body := get("/readyz"); code != http.StatusOK {
		t.Fatalf("/readyz = %d %q after 20 s; stderr:\n%s", code, body, stderr.String())
	}
	if code, body := get("/healthz"); code != http.StatusOK || strings.TrimSpace(body) != "ok" {
		t.Errorf("/healthz = %d %q", code, body)
	}
	if code, body := get("/"); code != http.StatusOK || !strings.Contains(body, "<html") {
		t.Errorf("/ = %d, want the console's page", code)
	}
	if code, body := get("/api/v1/me"); code != http.StatusUnauthorized || !strings.Contains(body, `"unauthorized"`) {
		t.Errorf("/api/v1/me signed out = %d %q, want 401 in the API's error shape", code, body)
	}
	if !strings.Contains(stderr.String(), "sign in as admin with password ") {
		t.Errorf("first start printed no administrator password:\n%s", stderr.String())
	}
	_, metrics := get("/metrics")
	for _, want := range []string{`nhi_runs_total{connector="ms",platform="microsoft_entra",status="succeeded",task="full_scan"}`,
		`nhi_identities{kind="oauth_grant",platform="microsoft_entra"}`, "nhi_run_duration_seconds_bucket", "go_goroutines"} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	cancel()
	select {
	case code := <-done:
		if code != exitOK {
			t.Errorf("exit code %d after cancellation, want 0; stderr:\n%s", code, stderr.String())
		}
	case <-time.After(40 * time.Second):
		t.Fatal("serve did not stop after cancellation")
	}
}

// TestServeRefusesBadReceivers checks that a push receiver without a connector of its
// platform, or with an unreadable secret, stops serve before it starts.
func TestServeRefusesBadReceivers(t *testing.T) {
	t.Parallel()
	_, _, cfg := entraTenant(t)
	secret := filepath.Join(t.TempDir(), "hook")
	if err := os.WriteFile(secret, []byte("s3cret"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ flag, want string }{
		{"--github-webhook-secret=file:" + secret, "no github connector"},
		{"--slack-signing-secret=file:" + secret + ".missing", "hook.missing"},
		{"--okta-hook-authorization=plain-secret", "okta-hook-authorization"},
	} {
		code, _, stderr := runCLI(t, "serve", "--config", cfg, "--listen", "127.0.0.1:0", tt.flag)
		if code != exitUsage || !strings.Contains(stderr, tt.want) {
			t.Errorf("serve %s = exit %d, %q; want %d mentioning %q", tt.flag, code, stderr, exitUsage, tt.want)
		}
	}
}

// TestServeAlertsNewFindings checks that a high finding that appears between two scans
// reaches a configured signed-webhook alert destination, and the first scan's findings
// do not.
func TestServeAlertsNewFindings(t *testing.T) {
	t.Parallel()
	sim, est, cfg := entraTenant(t)
	var mu sync.Mutex
	var alerts []notify.AlertBody
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if notify.Verify([]byte("0123456789abcdef-alert-secret"), r.Header.Get(notify.SignatureHeader), b, time.Now(), time.Minute) != nil {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		var a notify.AlertBody
		_ = json.Unmarshal(b, &a)
		mu.Lock()
		alerts = append(alerts, a)
		mu.Unlock()
	}))
	t.Cleanup(hook.Close)
	secret := filepath.Join(t.TempDir(), "alert-secret")
	if err := os.WriteFile(secret, []byte("0123456789abcdef-alert-secret"), 0o600); err != nil {
		t.Fatal(err)
	}
	text, _ := os.ReadFile(cfg)
	text = append(text, []byte(fmt.Sprintf("alerts:\n  - name: soc\n    type: webhook\n    url: %s\n    secret: file:%s\n    min_severity: high\n",
		hook.URL, secret))...)
	if err := os.WriteFile(cfg, text, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var stderr lockedBuffer
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"serve", "--config", cfg, "--listen", "127.0.0.1:0", "--scan-every", "200ms",
			"--events-every", "1h"}, strings.NewReader(""), io.Discard, &stderr)
	}()
	// Let the first scan finish, then give a vendor's app tenant-wide directory write access.
	waitFor(t, "the first scan", func() bool { return strings.Contains(stderr.String(), "health and metrics") }, &stderr)
	time.Sleep(500 * time.Millisecond)
	mu.Lock()
	first := len(alerts)
	mu.Unlock()
	if first != 0 {
		t.Errorf("%d alerts for the first scan's findings, want none", first)
	}
	client, graph := "", ""
	for _, sp := range est.Microsoft.ServicePrincipals {
		switch {
		case sp.AppID == "00000003-0000-0000-c000-000000000000":
			graph = sp.ObjectID
		case client == "" && !sp.FirstParty && sp.AccountEnabled:
			client = sp.ObjectID
		}
	}
	if _, err := sim.AddGrant(client, graph, "", []string{"Directory.ReadWrite.All"}, time.Time{}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "an alert of the new finding", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(alerts) > 0
	}, &stderr)
	mu.Lock()
	a := alerts[0]
	mu.Unlock()
	if a.Type != notify.AlertType || a.Finding.Severity.Rank() < nhi.SeverityHigh.Rank() || a.Finding.Platform != nhi.PlatformEntra {
		t.Errorf("alert = %+v", a)
	}
	cancel()
	<-done
}

// waitFor waits up to 20 s for cond.
func waitFor(t *testing.T, what string, cond func() bool, stderr *lockedBuffer) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s; stderr:\n%s", what, stderr.String())
}

// TestDemoAttack runs the attack replay: detections, alerts and the containment appear,
// and every token of the attacked app is revoked.
func TestDemoAttack(t *testing.T) {
	t.Parallel()
	code, out, errOut := runCLI(t, "demo", "--people", "60", "--seed", "3", "--attack")
	if code != exitOK {
		t.Fatalf("demo --attack: exit %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{"detection  CRITICAL behavior.recon_then_export", "alert      CRITICAL Recon, then bulk export",
		"contained  plan", "done       every"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// TestServeNetworksFile checks that a malformed networks dataset stops serve with its line.
func TestServeNetworksFile(t *testing.T) {
	t.Parallel()
	_, _, cfg := entraTenant(t)
	bad := filepath.Join(t.TempDir(), "networks.csv")
	if err := os.WriteFile(bad, []byte("cidr,asn,org,kind\n203.0.113.0/24,64500,Example,cloud\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCLI(t, "serve", "--config", cfg, "--listen", "127.0.0.1:0", "--networks", bad)
	if code != exitUsage || !strings.Contains(stderr, "line 2") {
		t.Errorf("serve --networks (bad kind) = exit %d, %q; want %d naming line 2", code, stderr, exitUsage)
	}
}

// TestServeRefusesBadSSO checks that an incomplete single sign-on configuration stops
// serve with every problem named.
func TestServeRefusesBadSSO(t *testing.T) {
	t.Parallel()
	_, _, cfg := entraTenant(t)
	code, _, stderr := runCLI(t, "serve", "--config", cfg, "--listen", "127.0.0.1:0", "--oidc-issuer", "https://idp.example.com",
		"--oidc-roles", "admins")
	if code != exitUsage || !strings.Contains(stderr, "value=role") {
		t.Errorf("bad --oidc-roles: exit %d %q", code, stderr)
	}
	code, _, stderr = runCLI(t, "serve", "--config", cfg, "--listen", "127.0.0.1:0", "--oidc-issuer", "https://idp.example.com")
	if code != exitUsage || !strings.Contains(stderr, "client ID") {
		t.Errorf("issuer without a client: exit %d %q", code, stderr)
	}
}
