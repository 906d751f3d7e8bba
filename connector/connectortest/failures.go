package connectortest

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"regexp"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
)

// cancelDeadline is how soon Discover must return once its context is canceled.
const cancelDeadline = 2 * time.Second

// testBadCredentials checks that rejected credentials end the scan with CodeUnauthorized
// and a message that names no secret.
func testBadCredentials(t *testing.T, h Harness) {
	inst := h.Start(t, Setup{BadCredentials: true})
	ctx, cancel := context.WithTimeout(t.Context(), scanTimeout)
	defer cancel()
	rec := NewRecorder()
	_, err := inst.Connector.Discover(ctx, "", rec)
	if code := nhi.ErrorCode(err); code != nhi.CodeUnauthorized {
		t.Fatalf("Discover with bad credentials = %v (code %q); want code %q", err, code, nhi.CodeUnauthorized)
	}
	if msg := nhi.ErrorMessage(err); len(msg) < 20 || msg == "internal error" {
		t.Errorf("message %q does not tell an operator what to fix", msg)
	}
	if l := leaks(err.Error(), inst.Secrets, inst.SecretPatterns...); len(l) > 0 {
		t.Errorf("error reveals secrets %q", l)
	}
	if n := len(rec.Identities()); n > 0 {
		t.Errorf("%d identities reported despite bad credentials", n)
	}
}

// testThrottling checks that a scan under a small quota is throttled, retries and ends
// with the same result as an unthrottled one.
func testThrottling(t *testing.T, h Harness) {
	_, base, _ := startScan(t, h, Setup{})
	inst, rec, _ := startScan(t, h, Setup{Quota: h.Quota})
	if diff := cmp.Diff(sortedIdentities(base.Identities()), sortedIdentities(rec.Identities())); diff != "" {
		t.Errorf("throttled scan found other identities (-unthrottled +throttled):\n%s", diff)
	}
	if diff := cmp.Diff(sortedPeople(base.People()), sortedPeople(rec.People())); diff != "" {
		t.Errorf("throttled scan found other people (-unthrottled +throttled):\n%s", diff)
	}
	if f := rec.Failures(); len(f) > 0 {
		t.Errorf("throttled scan reported %d failures, first: %v", len(f), f[0].Err)
	}
	throttled := 0
	for _, r := range inst.Requests() {
		if r.Throttled {
			throttled++
		}
	}
	if throttled == 0 {
		t.Fatalf("quota %d/min never throttled the scan; the test needs a lower Harness.Quota", h.Quota)
	}
	if n := rec.Count(connector.ProgressThrottled); n == 0 {
		t.Errorf("simulator throttled %d requests but no %s progress event was reported", throttled, connector.ProgressThrottled)
	}
}

// testFailingScope checks that a failing sub-resource is reported with Fail, its scope
// left incomplete, and everything else still discovered.
func testFailingScope(t *testing.T, h Harness) {
	_, base, _ := startScan(t, h, Setup{})
	inst, rec, _ := startScan(t, h, Setup{FailScope: true})
	scope := inst.FailedScope
	if scope == "" {
		t.Fatal("the harness set no FailedScope")
	}
	var hits int
	for _, f := range rec.Failures() {
		if f.Scope == scope {
			hits++
		}
		if f.Resource == "" || nhi.ErrorMessage(f.Err) == "" {
			t.Errorf("failure lacks a resource or message: %+v", f)
		}
	}
	if hits == 0 {
		t.Errorf("no failure reported for scope %q; failures: %+v", scope, rec.Failures())
	}
	if rec.IsComplete(scope) {
		t.Errorf("failed scope %q was completed: its identities would be marked gone", scope)
	}
	var want, missing []nhi.Identity
	for _, id := range base.Identities() {
		if id.Scope == scope {
			missing = append(missing, id)
		} else {
			want = append(want, id)
		}
	}
	if len(missing) == 0 {
		t.Errorf("failed scope %q holds no identity; the harness should fail one that does", scope)
	}
	if diff := cmp.Diff(sortedIdentities(want), sortedIdentities(rec.Identities())); diff != "" {
		t.Errorf("identities outside the failed scope differ (-want +got):\n%s", diff)
	}
	for _, s := range base.Completed() {
		if s != scope && !rec.IsComplete(s) {
			t.Errorf("scope %q not completed despite only %q failing", s, scope)
		}
	}
}

// testCancellation checks that Discover returns promptly with a canceled error when its
// context is canceled mid-scan.
func testCancellation(t *testing.T, h Harness) {
	inst := h.Start(t, Setup{Latency: 20 * time.Millisecond})
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	rec := NewRecorder()
	var once sync.Once
	canceled := make(chan struct{})
	rec.OnEvent = func(method string) {
		if method == "Identity" || method == "Person" {
			once.Do(func() { cancel(); close(canceled) })
		}
	}
	done := make(chan error, 1)
	go func() {
		_, err := inst.Connector.Discover(ctx, "", rec)
		done <- err
	}()
	select {
	case <-canceled:
	case err := <-done:
		t.Fatalf("scan ended (%v) before reporting anything to cancel on", err)
	}
	select {
	case err := <-done:
		if code := nhi.ErrorCode(err); code != nhi.CodeCanceled {
			t.Errorf("Discover after cancel = %v (code %q); want code %q", err, code, nhi.CodeCanceled)
		}
	case <-time.After(cancelDeadline):
		t.Errorf("Discover did not return within %v of cancellation", cancelDeadline)
		<-done
	}
}

// testReporterError checks that an error of the Reporter ends the scan with that error.
func testReporterError(t *testing.T, h Harness) {
	inst := h.Start(t, Setup{})
	sentinel := errors.New("connectortest: the store is full")
	rec := NewRecorder()
	rec.IdentityErr = sentinel
	ctx, cancel := context.WithTimeout(t.Context(), scanTimeout)
	defer cancel()
	if _, err := inst.Connector.Discover(ctx, "", rec); !errors.Is(err, sentinel) {
		t.Fatalf("Discover with a failing Reporter = %v; want an error wrapping the Reporter's", err)
	}
	if n, all := len(rec.Identities()), len(inst.Truth.Identities); all > 20 && n >= all {
		t.Errorf("scan went on to report all %d identities after the Reporter failed", n)
	}
}

// testNoSecrets checks that no secret reaches the logs, the errors or the records.
func testNoSecrets(t *testing.T, h Harness) {
	var logs syncBuffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	inst, rec, _ := startScan(t, h, Setup{Logger: logger})
	if len(inst.Secrets) == 0 {
		t.Fatal("the harness declares no Secrets to look for")
	}
	failures := make([]string, 0)
	for _, f := range rec.Failures() {
		failures = append(failures, f.Err.Error())
	}
	records, err := json.Marshal([]any{rec.People(), rec.Apps(), rec.Identities(), failures})
	if err != nil {
		t.Fatal(err)
	}
	bad := h.Start(t, Setup{BadCredentials: true, Logger: logger})
	_, derr := bad.Connector.Discover(t.Context(), "", NewRecorder())
	if derr == nil {
		t.Fatal("Discover with bad credentials succeeded")
	}
	for what, text := range map[string]string{"records": string(records), "logs": logs.String(), "error": derr.Error()} {
		patterns := slices.Concat(inst.SecretPatterns, bad.SecretPatterns, []*regexp.Regexp{bearerPattern})
		if l := leaks(text, slices.Concat(inst.Secrets, bad.Secrets), patterns...); len(l) > 0 {
			t.Errorf("%s reveal secrets %q", what, l)
		}
	}
}
