package entra

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/nhiscope/nhi/connector"
)

// canned is one answer of a scripted round tripper: a response, or an error.
type canned struct {
	status int
	header map[string]string
	body   string
	err    error
}

// script answers requests with its answers in turn, the last one forever.
type script struct {
	mu      sync.Mutex
	answers []canned
	n       int
}

// RoundTrip answers with the next answer.
func (s *script) RoundTrip(r *http.Request) (*http.Response, error) {
	s.mu.Lock()
	a := s.answers[min(s.n, len(s.answers)-1)]
	s.n++
	s.mu.Unlock()
	if a.err != nil {
		return nil, a.err
	}
	h := http.Header{}
	for k, v := range a.header {
		h.Set(k, v)
	}
	return &http.Response{StatusCode: a.status, Header: h, Body: io.NopCloser(strings.NewReader(a.body)), Request: r}, nil
}

// recorded is a transport over a script, on a frozen clock, whose sleeps are recorded,
// not slept.
type recorded struct {
	*transport
	mu     sync.Mutex
	slept  time.Duration
	events []connector.ProgressKind
}

// newRecorded returns a transport over answers.
func newRecorded(answers ...canned) (*recorded, *script) {
	s := &script{answers: answers}
	r := &recorded{}
	frozen := func() time.Time { return time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC) }
	lims := &[apiCount]*limiter{newLimiter(frozen), newLimiter(frozen)}
	r.transport = &transport{base: s, limiters: lims, policy: defaultRetryPolicy(), now: frozen,
		sleep: func(ctx context.Context, d time.Duration) error {
			r.mu.Lock()
			r.slept += max(d, 0)
			r.mu.Unlock()
			return ctx.Err()
		},
		progress: func(p connector.Progress) {
			r.mu.Lock()
			r.events = append(r.events, p.Kind)
			r.mu.Unlock()
		}}
	return r, s
}

// TestTransportRetries checks which answers are retried, how often, and what waits and
// progress events they cause.
func TestTransportRetries(t *testing.T) {
	t.Parallel()
	ok := canned{status: 200, body: `{"value":[]}`}
	const req, thr, wait = connector.ProgressRequest, connector.ProgressThrottled, connector.ProgressWait
	tests := []struct {
		name       string
		answers    []canned
		policy     func(*retryPolicy)
		status     int // of the answer returned; 0 for an error
		sends      int
		minSlept   time.Duration
		wantEvents []connector.ProgressKind
	}{
		{name: "429 with Retry-After", answers: []canned{{status: 429, header: map[string]string{"Retry-After": "3"}}, ok},
			status: 200, sends: 2, minSlept: 3 * time.Second, wantEvents: []connector.ProgressKind{req, thr, wait, req}},
		{name: "503 with Retry-After is throttling", answers: []canned{{status: 503, header: map[string]string{"Retry-After": "2"}}, ok},
			status: 200, sends: 2, minSlept: 2 * time.Second, wantEvents: []connector.ProgressKind{req, thr, wait, req}},
		{name: "503 without is a failure", answers: []canned{{status: 503}, ok}, status: 200, sends: 2,
			minSlept: time.Millisecond, wantEvents: []connector.ProgressKind{req, wait, req}},
		{name: "500 until the failures are spent", answers: []canned{{status: 500}}, status: 500, sends: 4},
		{name: "429 until the throttled answers are spent", answers: []canned{{status: 429}},
			policy: func(p *retryPolicy) { p.throttled = 2 }, status: 429, sends: 3},
		{name: "transport error retried", answers: []canned{{err: errors.New("connection reset")}, ok}, status: 200, sends: 2},
		{name: "token error not retried", answers: []canned{{err: &tokenError{err: errors.New("no")}}, ok}, sends: 1},
		{name: "404 final", answers: []canned{{status: 404}}, status: 404, sends: 1, wantEvents: []connector.ProgressKind{req}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, s := newRecorded(tt.answers...)
			if tt.policy != nil {
				tt.policy(&r.policy)
			}
			req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, "https://graph.example/v1.0/users", nil)
			resp, err := r.RoundTrip(req)
			status := 0
			if err == nil {
				status = resp.StatusCode
				resp.Body.Close()
			}
			if status != tt.status || s.n != tt.sends {
				t.Errorf("RoundTrip = %d, %v after %d sends; want %d after %d", status, err, s.n, tt.status, tt.sends)
			}
			if r.slept < tt.minSlept {
				t.Errorf("slept %v, want at least %v", r.slept, tt.minSlept)
			}
			if tt.wantEvents != nil {
				if diff := gocmp.Diff(tt.wantEvents, r.events); diff != "" {
					t.Errorf("progress events (-want +got):\n%s", diff)
				}
			}
		})
	}
}

// TestTransportNearLimit checks that an answer saying the quota is nearly used paces the
// requests that follow.
func TestTransportNearLimit(t *testing.T) {
	t.Parallel()
	r, _ := newRecorded(canned{status: 200, header: map[string]string{"x-ms-throttle-limit-percentage": "1.2"}})
	for i := range 2 {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, "https://graph.example/v1.0/users", nil)
		resp, err := r.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := r.limiters[apiGraph].pace(); got == 0 {
			t.Errorf("after answer %d the pace is unset", i)
		}
	}
	if r.limiters[apiReports].pace() != 0 {
		t.Error("the reports' limiter was paced by Graph's answers")
	}
}

// TestCappedBody checks that an answer over the cap fails to read.
func TestCappedBody(t *testing.T) {
	t.Parallel()
	r, _ := newRecorded(canned{status: 200, body: strings.Repeat("x", 100)})
	r.maxBody = 10
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, "https://graph.example/v1.0/users", nil)
	resp, err := r.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if _, err := io.ReadAll(resp.Body); !errors.Is(err, errTooLarge) {
		t.Errorf("reading a 100-byte answer capped at 10 = %v, want errTooLarge", err)
	}
}

// TestResourceOf checks the resource names of Graph paths.
func TestResourceOf(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"/v1.0/users":                                    resUsers,
		"/v1.0/servicePrincipals/delta":                  resSPs,
		"/v1.0/servicePrincipals/abc/owners":             resOwners,
		"/v1.0/servicePrincipals/abc/appRoleAssignments": resAssignments,
		"/beta/reports/appCredentialSignInActivities":    resKeyActivity,
		"/v1.0/servicePrincipals(appId='x')":             resSPs,
		"/v1.0/other":                                    "graph",
	}
	for path, want := range tests {
		if got := resourceOf(path); got != want {
			t.Errorf("resourceOf(%q) = %q, want %q", path, got, want)
		}
	}
}
