package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
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
