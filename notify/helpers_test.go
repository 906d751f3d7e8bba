package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/nhiscope/nhi"
)

var update = flag.Bool("update", false, "rewrite golden files instead of comparing them")

// t0 is the fixed "now" of the tests.
var t0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

// testSecret is the webhook signing secret of the tests.
const testSecret = "0123456789abcdef-test-secret"

// fixedNow returns t0.
func fixedNow() time.Time { return t0 }

// sampleMessage returns a message with every field set.
func sampleMessage() Message {
	return Message{Policy: "stale-grants", Action: nhi.ActionRevokeGrant, PlanID: "pln_abc", ActionID: "1",
		Platform: nhi.PlatformGoogleWorkspace, Tenant: "C0123", IdentityID: "gws_abc", IdentityName: "Acme CRM",
		Kind: nhi.KindOAuthGrant, AppID: "1234.apps.googleusercontent.com", AppName: "Acme CRM",
		OwnerEmail: "alice@example.com", Reason: "Unused for 120 days with full Drive access.",
		Deadline: t0.Add(7 * 24 * time.Hour), JustifyURL: "https://nhi.example.com/justify/pln_abc/1",
		JustifyCommand: "nhi justify gws_abc"}
}

// sleeps records the waits of a notifier instead of waiting.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

// sleep records d; it fails if ctx is done, like a real wait.
func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.d = append(s.d, d)
	return nil
}

// got returns the recorded waits.
func (s *sleeps) got() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.d...)
}

// reply is one scripted answer of a test receiver.
type reply struct {
	status     int
	body       string
	retryAfter string
	location   string
}

// received is one request a test receiver got.
type received struct {
	path   string
	header http.Header
	body   []byte
}

// receiver answers with its replies in turn (the last one repeats) and records requests.
type receiver struct {
	mu      sync.Mutex
	replies []reply
	reqs    []received
}

// ServeHTTP records r and writes the next reply.
func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	n := len(rc.reqs)
	rc.reqs = append(rc.reqs, received{path: r.URL.Path, header: r.Header.Clone(), body: body})
	rp := reply{status: http.StatusOK, body: "ok"}
	if len(rc.replies) > 0 {
		rp = rc.replies[min(n, len(rc.replies)-1)]
	}
	rc.mu.Unlock()
	if rp.retryAfter != "" {
		w.Header().Set("Retry-After", rp.retryAfter)
	}
	if rp.location != "" {
		w.Header().Set("Location", rp.location)
	}
	w.WriteHeader(rp.status)
	_, _ = io.WriteString(w, rp.body)
}

// requests returns what the receiver got.
func (rc *receiver) requests() []received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]received(nil), rc.reqs...)
}

// serve starts a receiver with the replies, closed at the end of the test.
func serve(t *testing.T, replies ...reply) (*receiver, *httptest.Server) {
	t.Helper()
	rc := &receiver{replies: replies}
	srv := httptest.NewServer(rc)
	t.Cleanup(srv.Close)
	return rc, srv
}

// golden compares got, a JSON document, with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	var buf bytes.Buffer
	if err := json.Indent(&buf, got, "", "  "); err != nil {
		t.Fatalf("indent %s: %v", name, err)
	}
	buf.WriteByte('\n')
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run with -update to create it): %v", err)
	}
	if diff := cmp.Diff(string(want), buf.String()); diff != "" {
		t.Errorf("%s mismatch (-want +got), run with -update if intended:\n%s", name, diff)
	}
}
