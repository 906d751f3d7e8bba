package googleworkspace

import (
	"context"
	"errors"
	"github.com/nhiscope/nhi/connector/internal/answers"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nhiscope/nhi/connector"
)

// answerSpec is one canned answer of a test server.
type answerSpec struct {
	status     int
	body       string
	retryAfter string
}

const (
	rateLimited = `{"error":{"code":403,"message":"Quota exceeded","errors":[{"domain":"usageLimits","reason":"userRateLimitExceeded"}]}}`
	forbidden   = `{"error":{"code":403,"message":"Not Authorized","errors":[{"domain":"global","reason":"forbidden"}]}}`
	okBody      = `{"kind":"admin#directory#tokenList"}`
)

// sequenceServer answers requests with the given answers in turn, the last one forever.
func sequenceServer(t *testing.T, answers ...answerSpec) (*httptest.Server, func() int) {
	t.Helper()
	var mu sync.Mutex
	n := 0
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		a := answers[min(n, len(answers)-1)]
		n++
		mu.Unlock()
		if a.retryAfter != "" {
			w.Header().Set("Retry-After", a.retryAfter)
		}
		w.WriteHeader(a.status)
		_, _ = io.WriteString(w, a.body)
	}))
	t.Cleanup(hs.Close)
	return hs, func() int { mu.Lock(); defer mu.Unlock(); return n }
}

// fakeSleeper records sleeps instead of sleeping; it fails when ctx is done.
type fakeSleeper struct {
	mu    sync.Mutex
	total time.Duration
}

func (f *fakeSleeper) sleep(ctx context.Context, d time.Duration) error {
	f.mu.Lock()
	f.total += max(d, 0)
	f.mu.Unlock()
	return ctx.Err()
}

// testTransport returns a transport over base whose waits go to a fake sleeper, and the
// progress events it reports.
func testTransport(base http.RoundTripper) (*transport, *fakeSleeper, func() []connector.ProgressKind) {
	fs := &fakeSleeper{}
	var mu sync.Mutex
	var kinds []connector.ProgressKind
	lims := &[apiCount]*limiter{newLimiter(time.Now, fs.sleep), newLimiter(time.Now, fs.sleep)}
	policy := defaultRetryPolicy()
	t := &transport{base: base, limiters: lims, policy: policy, now: time.Now, sleep: fs.sleep,
		progress: func(p connector.Progress) { mu.Lock(); kinds = append(kinds, p.Kind); mu.Unlock() }}
	return t, fs, func() []connector.ProgressKind {
		mu.Lock()
		defer mu.Unlock()
		return append([]connector.ProgressKind(nil), kinds...)
	}
}

func TestTransportRetries(t *testing.T) {
	t.Parallel()
	const (
		req   = connector.ProgressRequest
		thr   = connector.ProgressThrottled
		wait  = connector.ProgressWait
		tries = 3 // defaultRetryPolicy().failures
	)
	tests := []struct {
		name       string
		answers    []answerSpec
		wantStatus int
		wantBody   string
		wantSent   int
		wantSlept  time.Duration // at least
		wantKinds  []connector.ProgressKind
	}{
		{"ok at once", []answerSpec{{200, okBody, ""}}, 200, okBody, 1, 0, []connector.ProgressKind{req}},
		{"403 rate limit then ok", []answerSpec{{403, rateLimited, ""}, {200, okBody, ""}}, 200, okBody, 2, 0,
			[]connector.ProgressKind{req, thr, wait, req}},
		{"429 with Retry-After", []answerSpec{{429, `{}`, "3"}, {200, okBody, ""}}, 200, okBody, 2, 2900 * time.Millisecond,
			[]connector.ProgressKind{req, thr, wait, req}},
		{"403 forbidden is final, body intact", []answerSpec{{403, forbidden, ""}}, 403, forbidden, 1, 0,
			[]connector.ProgressKind{req}},
		{"503 then ok", []answerSpec{{503, `{}`, ""}, {200, okBody, ""}}, 200, okBody, 2, 125 * time.Millisecond,
			[]connector.ProgressKind{req, wait, req}},
		{"500 persists", []answerSpec{{500, `{"error":{}}`, ""}}, 500, `{"error":{}}`, 1 + tries, 0,
			[]connector.ProgressKind{req, wait, req, wait, req, wait, req}},
		{"404 is final", []answerSpec{{404, `{}`, ""}}, 404, `{}`, 1, 0, []connector.ProgressKind{req}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			hs, sent := sequenceServer(t, tt.answers...)
			tr, fs, kinds := testTransport(hs.Client().Transport)
			r, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, hs.URL+"/admin/directory/v1/users/1/tokens", nil)
			resp, err := tr.RoundTrip(r)
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil || resp.StatusCode != tt.wantStatus || string(body) != tt.wantBody {
				t.Errorf("answer %d %q (%v), want %d %q", resp.StatusCode, body, err, tt.wantStatus, tt.wantBody)
			}
			if n := sent(); n != tt.wantSent {
				t.Errorf("server got %d requests, want %d", n, tt.wantSent)
			}
			if fs.total < tt.wantSlept {
				t.Errorf("slept %v, want at least %v", fs.total, tt.wantSlept)
			}
			if diff := cmp.Diff(tt.wantKinds, kinds()); diff != "" {
				t.Errorf("progress (-want +got):\n%s", diff)
			}
		})
	}
}

// TestFailedAnswersDoNotSpeedUp checks that only successful answers raise a paced
// limiter's rate: final 4xx and 5xx answers leave it as it was.
func TestFailedAnswersDoNotSpeedUp(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		answer answerSpec
		faster bool
	}{
		{"200", answerSpec{200, okBody, ""}, true},
		{"403 forbidden", answerSpec{403, forbidden, ""}, false},
		{"404", answerSpec{404, `{}`, ""}, false},
		{"400", answerSpec{400, `{}`, ""}, false},
		{"500 persists", answerSpec{500, `{}`, ""}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			hs, _ := sequenceServer(t, tt.answer)
			tr, _, _ := testTransport(hs.Client().Transport)
			lim := tr.limiters[apiDirectory]
			lim.rate = 1000 // paced, still in its start phase: every success raises the rate
			r, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, hs.URL+"/admin/directory/v1/users/1/tokens", nil)
			resp, err := tr.RoundTrip(r)
			if err != nil {
				t.Fatal(err)
			}
			answers.Discard(resp)
			if got := lim.currentRate() > 1000; got != tt.faster {
				t.Errorf("rate %v after a %d answer; raised = %v, want %v", lim.currentRate(), tt.answer.status, got, tt.faster)
			}
		})
	}
}

// errTransport fails every request with err and counts them.
type errTransport struct {
	mu  sync.Mutex
	n   int
	err error
}

func (e *errTransport) RoundTrip(*http.Request) (*http.Response, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.n++
	return nil, e.err
}

func TestTransportErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		err      error
		wantSent int
	}{
		{"network errors are retried", errors.New("connection reset"), 4},
		{"token errors are not", &tokenError{err: errors.New("invalid_grant")}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			base := &errTransport{err: tt.err}
			tr, _, _ := testTransport(base)
			r, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, "http://127.0.0.1/admin/directory/v1/users", nil)
			if _, err := tr.RoundTrip(r); !errors.Is(err, tt.err) {
				t.Errorf("RoundTrip error %v, want %v", err, tt.err)
			}
			if base.n != tt.wantSent {
				t.Errorf("sent %d times, want %d", base.n, tt.wantSent)
			}
		})
	}
}

func TestTransportCanceledWhileWaiting(t *testing.T) {
	t.Parallel()
	hs, sent := sequenceServer(t, answerSpec{200, okBody, ""})
	tr, _, _ := testTransport(hs.Client().Transport)
	tr.limiters[apiDirectory] = newLimiter(time.Now, sleepContext)
	tr.limiters[apiDirectory].pause(time.Now().Add(time.Hour))
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	r, _ := http.NewRequestWithContext(ctx, http.MethodGet, hs.URL+"/admin/directory/v1/users", nil)
	if _, err := tr.RoundTrip(r); !errors.Is(err, context.Canceled) {
		t.Errorf("RoundTrip error %v, want context.Canceled", err)
	}
	if n := sent(); n != 0 {
		t.Errorf("server got %d requests, want none", n)
	}
}

func TestTransportCapsBody(t *testing.T) {
	t.Parallel()
	tests := []struct {
		body    string
		wantErr error
	}{
		{strings.Repeat("x", 100), nil},
		{strings.Repeat("x", 101), errTooLarge},
	}
	for _, tt := range tests {
		hs, _ := sequenceServer(t, answerSpec{200, tt.body, ""})
		tr, _, _ := testTransport(hs.Client().Transport)
		tr.maxBody = 100
		r, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, hs.URL+"/admin/reports/v1/activity", nil)
		resp, err := tr.RoundTrip(r)
		if err != nil {
			t.Fatal(err)
		}
		_, err = io.ReadAll(resp.Body)
		resp.Body.Close()
		if !errors.Is(err, tt.wantErr) {
			t.Errorf("body of %d bytes: read error %v, want %v", len(tt.body), err, tt.wantErr)
		}
	}
}

// TestTransportCapsEndlessBody checks that the default cap stops an answer that never
// ends after maxBody bytes, with errTooLarge.
func TestTransportCapsEndlessBody(t *testing.T) {
	t.Parallel()
	chunk := make([]byte, 1<<20)
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusOK)
		for r.Context().Err() == nil { // until the client hangs up
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}))
	t.Cleanup(hs.Close)
	tr, _, _ := testTransport(hs.Client().Transport)
	r, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, hs.URL+"/admin/directory/v1/users/1/tokens", nil)
	resp, err := tr.RoundTrip(r)
	if err != nil {
		t.Fatal(err)
	}
	n, err := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if !errors.Is(err, errTooLarge) || n != maxBody {
		t.Errorf("read %d bytes, error %v; want %d bytes and %v", n, err, maxBody, errTooLarge)
	}
}

func TestResourceAndAPIOf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		path, resource string
		api            int
	}{
		{"/admin/directory/v1/users", resUsers, apiDirectory},
		{"/admin/directory/v1/users/123/tokens", resTokens, apiDirectory},
		{"/admin/directory/v1/users/123/tokens/abc", resTokens, apiDirectory},
		{"/admin/reports/v1/activity/users/all/applications/token", resActivities, apiReports},
	}
	for _, tt := range tests {
		if r, a := resourceOf(tt.path), apiOf(tt.path); r != tt.resource || a != tt.api {
			t.Errorf("%s: resource %q api %d, want %q %d", tt.path, r, a, tt.resource, tt.api)
		}
	}
}
