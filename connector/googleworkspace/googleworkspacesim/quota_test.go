package googleworkspacesim

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestQuota(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		status   int
		want     int
		reason   string
		grpcName string
		domain   string
	}{
		{"403 by default", 0, 403, "userRateLimitExceeded", "PERMISSION_DENIED", "usageLimits"},
		{"429", 429, 429, "rateLimitExceeded", "RESOURCE_EXHAUSTED", "global"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			now := wallNow
			s, u, tok := newTestServer(t, smallEstate(), Options{QuotaPerMinute: 600, QuotaBurst: 3,
				ThrottleStatus: tt.status, Clock: func() time.Time { return now }})
			users := u + "/admin/directory/v1/users?customer=my_customer"
			for i := range 3 {
				if st := statusOf(t, users, tok); st != 200 {
					t.Fatalf("request %d within the burst: %d", i, st)
				}
			}
			resp, err := http.NewRequest(http.MethodGet, users, nil)
			if err != nil {
				t.Fatal(err)
			}
			resp.Header.Set("Authorization", "Bearer "+tok)
			r, err := http.DefaultClient.Do(resp)
			if err != nil {
				t.Fatal(err)
			}
			r.Body.Close()
			if r.StatusCode != tt.want || r.Header.Get("Retry-After") != "" {
				t.Fatalf("over the burst: %d Retry-After %q, want %d and none", r.StatusCode, r.Header.Get("Retry-After"), tt.want)
			}
			status, body := call(t, http.MethodGet, users, tok)
			var ge googleError
			if err := json.Unmarshal(body, &ge); err != nil || len(ge.Error.Errors) != 1 {
				t.Fatalf("throttled answer: %s", body)
			}
			got := []any{status, ge.Error.Code, ge.Error.Status, ge.Error.Errors[0].Reason, ge.Error.Errors[0].Domain}
			if diff := cmp.Diff([]any{tt.want, tt.want, tt.grpcName, tt.reason, tt.domain}, got); diff != "" {
				t.Errorf("throttled answer (-want +got):\n%s", diff)
			}
			if !strings.HasPrefix(ge.Error.Message, "Quota exceeded for quota metric") {
				t.Errorf("message %q", ge.Error.Message)
			}
			// Reports has its own bucket.
			if st := statusOf(t, u+"/admin/reports/v1/activity/users/all/applications/token", tok); st != 200 {
				t.Errorf("reports after directory ran dry: %d", st)
			}
			if st := s.Stats(); st.Throttled != 2 || st.Requests != 6 {
				t.Errorf("stats = %+v, want 6 requests, 2 throttled", st)
			}
			log := s.Requests()
			if len(log) != 6 || !log[3].Throttled || !log[4].Throttled || log[2].Throttled || log[3].Status != tt.want {
				t.Errorf("request log: %+v", log)
			}
		})
	}
}

func TestQuotaRefills(t *testing.T) {
	t.Parallel()
	now := wallNow
	clock := func() time.Time { return now }
	b := newBucket(120, 0, clock()) // 2 a second, burst 2
	var got []bool
	for range 3 {
		got = append(got, b.take(clock()))
	}
	now = now.Add(500 * time.Millisecond) // one token back
	got = append(got, b.take(clock()), b.take(clock()))
	if diff := cmp.Diff([]bool{true, true, false, true, false}, got); diff != "" {
		t.Errorf("takes (-want +got):\n%s", diff)
	}
	if newBucket(0, 5, now) != nil || !(*bucket)(nil).take(now) {
		t.Error("a zero quota must never throttle")
	}
}

func TestFaults(t *testing.T) {
	t.Parallel()
	s, u, tok := newTestServer(t, smallEstate(), Options{})
	tokens := u + "/admin/directory/v1/users/alice@example.com/tokens"
	users := u + "/admin/directory/v1/users?customer=my_customer"
	s.InjectFault(Fault{Path: "/tokens", Status: 503, Times: 2})
	s.InjectFault(Fault{Method: http.MethodGet, Path: "/users", Status: 403, Reason: "userRateLimitExceeded"})
	var got []int
	for range 3 {
		got = append(got, statusOf(t, tokens, tok))
	}
	status, body := call(t, http.MethodGet, users, tok)
	code, _, reason := errorOf(t, body)
	if status != 403 || code != 403 || reason != "userRateLimitExceeded" {
		t.Errorf("rate-limit fault: %d %s", status, body)
	}
	// The tokens fault is used up; the users fault (Times 0) matches every later /users path.
	if diff := cmp.Diff([]int{503, 503, 403}, got); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
	s.ClearFaults()
	if st := statusOf(t, tokens, tok); st != 200 {
		t.Errorf("after ClearFaults: %d", st)
	}
	s.InjectFault(Fault{Path: "/token", Status: 500, Times: 1})
	st, _ := postToken(t, u+"/token", jwtBearer, "x.y.z")
	if st != 500 {
		t.Errorf("token endpoint fault: %d", st)
	}
	stats := s.Stats()
	if stats.Faults != 5 || stats.Throttled != 2 || stats.Mutations != 0 {
		t.Errorf("stats = %+v, want 5 faults, 2 throttled, no mutations", stats)
	}
}

func TestRequestLog(t *testing.T) {
	t.Parallel()
	now := wallNow
	s, u, tok := newTestServer(t, smallEstate(), Options{Clock: func() time.Time { return now }, MaxRequestLog: 4})
	statusOf(t, u+"/admin/directory/v1/users?customer=my_customer&maxResults=2", tok)
	call(t, http.MethodDelete, u+"/admin/directory/v1/users/alice@example.com/tokens/111-pdf.apps.googleusercontent.com", tok)
	statusOf(t, u+"/nowhere", tok)
	want := []Request{
		{Method: "GET", Path: "/admin/directory/v1/users", RawQuery: "customer=my_customer&maxResults=2", Status: 200, At: now},
		{Method: "DELETE", Path: "/admin/directory/v1/users/alice@example.com/tokens/111-pdf.apps.googleusercontent.com", Status: 204, At: now},
		{Method: "GET", Path: "/nowhere", Status: 404, At: now},
	}
	if diff := cmp.Diff(want, s.Requests()); diff != "" {
		t.Errorf("log (-want +got):\n%s", diff)
	}
	for range 3 {
		statusOf(t, u+"/nowhere", tok)
	}
	if n := len(s.Requests()); n > 4 || n < 2 {
		t.Errorf("log holds %d entries, want at most 4", n)
	}
	s.ResetRequests()
	if got := s.Requests(); len(got) != 0 {
		t.Errorf("after reset: %v", got)
	}
	if st := s.Stats(); st.Requests != 6 || st.Mutations != 1 {
		t.Errorf("stats = %+v, want 6 requests and 1 mutation", st)
	}
}

func TestNewValidatesOptions(t *testing.T) {
	t.Parallel()
	bad := []Options{{MaxPageSize: -1}, {QuotaPerMinute: -5}, {ThrottleStatus: 500}, {Latency: -time.Second}}
	for _, o := range bad {
		if _, err := New(smallEstate(), o); err == nil {
			t.Errorf("New(%+v) succeeded, want an error", o)
		}
	}
	if _, err := New(nil, Options{}); err == nil {
		t.Error("New(nil) succeeded")
	}
	e := smallEstate()
	e.Grants[0].Vendor = 99
	if _, err := New(e, Options{}); err == nil {
		t.Error("New with a grant to a vendor not in the estate succeeded")
	}
}

func TestLatencyRespectsCancellation(t *testing.T) {
	t.Parallel()
	s, err := New(smallEstate(), Options{Latency: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	arrived := make(chan struct{}, 1)
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		s.ServeHTTP(w, r)
	}))
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, hs.URL+"/admin/directory/v1/users?customer=my_customer", nil)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		done <- err
	}()
	<-arrived
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("request under an hour of latency: %v, want it cancelled", err)
	}
	hs.Close() // waits for the handler to return
	if log := s.Requests(); len(log) != 1 || log[0].Status != 499 {
		t.Errorf("log = %+v, want one request the client abandoned (499)", log)
	}
}
