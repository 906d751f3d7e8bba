package github

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nhiscope/nhi/connector"
)

// virtualTransport returns a transport over srv whose sleeps are recorded, not slept.
func virtualTransport(srv *httptest.Server, maxWait time.Duration) (*transport, *[]time.Duration, *[]connector.Progress) {
	var mu sync.Mutex
	var slept []time.Duration
	var progress []connector.Progress
	now := time.Date(2025, 8, 12, 10, 0, 0, 0, time.UTC)
	t := &transport{base: srv.Client().Transport, gate: &gate{}, policy: defaultRetryPolicy(maxWait),
		progress: func(p connector.Progress) { mu.Lock(); progress = append(progress, p); mu.Unlock() },
		now:      func() time.Time { return now }, serverNow: func() time.Time { return now },
		sleep: func(_ context.Context, d time.Duration) error {
			mu.Lock()
			slept = append(slept, d)
			mu.Unlock()
			now = now.Add(d)
			return nil
		}}
	return t, &slept, &progress
}

func TestTransportRetries(t *testing.T) {
	t.Parallel()
	reset := time.Date(2025, 8, 12, 10, 0, 30, 0, time.UTC).Unix()
	tests := []struct {
		name     string
		answers  []func(w http.ResponseWriter)
		status   int
		minSleep time.Duration
	}{
		{"retry-after 429", []func(http.ResponseWriter){limited(429, "Retry-After", "3", "")}, 200, 3 * time.Second},
		{"retry-after 403", []func(http.ResponseWriter){limited(403, "Retry-After", "2", "")}, 200, 2 * time.Second},
		{"primary reset", []func(http.ResponseWriter){limited(403, "X-Ratelimit-Remaining", "0", strconv.FormatInt(reset, 10))},
			200, 30 * time.Second},
		{"secondary message", []func(http.ResponseWriter){func(w http.ResponseWriter) {
			w.WriteHeader(403)
			io.WriteString(w, `{"message":"You have exceeded a secondary rate limit"}`)
		}}, 200, time.Minute},
		{"bare 429", []func(http.ResponseWriter){limited(429, "", "", "")}, 200, time.Minute},
		{"502 then 200", []func(http.ResponseWriter){limited(502, "", "", "")}, 200, time.Millisecond},
		{"permission 403 is final", []func(http.ResponseWriter){func(w http.ResponseWriter) {
			w.WriteHeader(403)
			io.WriteString(w, `{"message":"Resource not accessible by integration"}`)
		}}, 403, 0},
		{"404 is final", []func(http.ResponseWriter){limited(404, "", "", "")}, 404, 0},
		{"500 four times gives up", []func(http.ResponseWriter){limited(500, "", "", ""), limited(500, "", "", ""),
			limited(500, "", "", ""), limited(500, "", "", "")}, 500, time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var n atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				i := int(n.Add(1)) - 1
				if i < len(tt.answers) {
					tt.answers[i](w)
					return
				}
				io.WriteString(w, "[]")
			}))
			defer srv.Close()
			tr, slept, progress := virtualTransport(srv, time.Hour)
			req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+"/orgs/acme/hooks", nil)
			resp, err := tr.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.status {
				t.Errorf("status %d, want %d", resp.StatusCode, tt.status)
			}
			var total time.Duration
			for _, d := range *slept {
				total += d
			}
			if total < tt.minSleep || (tt.minSleep == 0 && total != 0) {
				t.Errorf("slept %v, want at least %v", total, tt.minSleep)
			}
			throttled := 0
			for _, p := range *progress {
				if p.Kind == connector.ProgressThrottled && p.Resource == resHooks {
					throttled++
				}
			}
			if wantThrottle := tt.minSleep >= time.Second; (throttled > 0) != wantThrottle {
				t.Errorf("%d throttled progress events, want some: %v", throttled, wantThrottle)
			}
		})
	}
}

// limited returns an answer with status and optional headers.
func limited(status int, header, value, reset string) func(http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		if header != "" {
			w.Header().Set(header, value)
		}
		if reset != "" {
			w.Header().Set("X-Ratelimit-Reset", reset)
		}
		w.WriteHeader(status)
		io.WriteString(w, `{"message":"x"}`)
	}
}

func TestTransportGivesUpPastMaxWait(t *testing.T) {
	t.Parallel()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		limited(429, "Retry-After", "120", "")(w)
	}))
	defer srv.Close()
	tr, slept, _ := virtualTransport(srv, 5*time.Minute)
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+"/orgs/acme/hooks", nil)
	resp, err := tr.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 429 || n.Load() != 3 {
		t.Errorf("status %d after %d requests; want 429 after 3 (two waits of 2 minutes fit in 5)", resp.StatusCode, n.Load())
	}
	var total time.Duration
	for _, d := range *slept {
		total += d
	}
	if total > 5*time.Minute {
		t.Errorf("waited %v, more than the 5 minute cap", total)
	}
}

func TestTransportCanceled(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limited(429, "Retry-After", "600", "")(w)
	}))
	defer srv.Close()
	tr, _, _ := virtualTransport(srv, time.Hour)
	tr.sleep = sleepContext
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/x", nil)
	start := time.Now()
	if _, err := tr.RoundTrip(req); err == nil || time.Since(start) > 5*time.Second {
		t.Errorf("RoundTrip = %v after %v; want the context's error promptly", err, time.Since(start))
	}
}
