package notify

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/nhiscope/nhi"
)

func TestCheckURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		raw  string
		want string // substring of the error; "" means accepted
	}{
		{"https://hooks.slack.com/services/T/B/x", ""},
		{"https://hooks.example.com:8443/nhi?x=1", ""},
		{"http://127.0.0.1:8080/hook", ""},
		{"http://[::1]:8080/hook", ""},
		{"http://localhost/hook", ""},
		{"", "empty"},
		{"http://hooks.example.com/hook", "must use https"},
		{"http://127.0.0.1.evil.example/hook", "must use https"},
		{"http://10.0.0.1/hook", "must use https"},
		{"ftp://hooks.example.com/hook", "scheme must be https"},
		{"https://user:pass@hooks.example.com/hook", "credentials"},
		{"https:///hook", "absolute"},
		{"/relative/hook", "absolute"},
		{"https://:443/hook", "absolute"},
		{"mailto:a@example.com", "absolute"},
		{"https://hooks.example.com/%zz-secret", "cannot be parsed"},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			t.Parallel()
			_, err := checkURL(tt.raw)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("checkURL = %v, want nil", err)
				}
				return
			}
			if nhi.ErrorCode(err) != nhi.CodeInvalid || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("checkURL = %v, want CodeInvalid mentioning %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "secret") || strings.Contains(err.Error(), "pass") {
				t.Errorf("error %q repeats the URL", err)
			}
		})
	}
}

func TestRedirects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		status    int
		otherHost bool
		hops      int
		want      nhi.Code
		delivered bool
	}{
		{"307 same host", http.StatusTemporaryRedirect, false, 1, "", true},
		{"308 same host", http.StatusPermanentRedirect, false, 1, "", true},
		{"three hops", http.StatusTemporaryRedirect, false, 3, "", true},
		{"four hops", http.StatusTemporaryRedirect, false, 4, nhi.CodeInvalid, false},
		{"302 would turn the POST into a GET", http.StatusFound, false, 1, nhi.CodeInvalid, false},
		{"301", http.StatusMovedPermanently, false, 1, nhi.CodeInvalid, false},
		{"307 to another host", http.StatusTemporaryRedirect, true, 1, nhi.CodeInvalid, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			other, otherSrv := serve(t)
			var mu sync.Mutex
			var delivered []string
			mux := http.NewServeMux()
			mux.HandleFunc("/hop/{n}", func(w http.ResponseWriter, r *http.Request) {
				n := r.PathValue("n")
				next := "/hop/" + strings.Repeat("x", len(n)+1)
				if len(n) >= tt.hops {
					next = "/final"
					if tt.otherHost {
						next = otherSrv.URL + "/final"
					}
				}
				http.Redirect(w, r, next, tt.status)
			})
			mux.HandleFunc("/final", func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				defer mu.Unlock()
				delivered = append(delivered, r.Method)
			})
			srv := httptest.NewServer(mux)
			t.Cleanup(srv.Close)
			err := newTestWebhook(t, srv.URL+"/hop/x", &sleeps{}).Notify(context.Background(), sampleMessage())
			if got := nhi.ErrorCode(err); got != tt.want {
				t.Fatalf("Notify = %v (code %q), want code %q", err, got, tt.want)
			}
			mu.Lock()
			defer mu.Unlock()
			if got := len(delivered) == 1 && delivered[0] == http.MethodPost; got != tt.delivered {
				t.Errorf("delivered = %v (%v), want %v", got, delivered, tt.delivered)
			}
			if n := len(other.requests()); n != 0 {
				t.Errorf("the other host got %d requests", n)
			}
		})
	}
}

func TestClientRedirectPolicyStillApplies(t *testing.T) {
	t.Parallel()
	mux := http.NewServeMux()
	mux.HandleFunc("/a", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/b", http.StatusTemporaryRedirect) })
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	refuse := errors.New("client policy refused")
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return refuse }}
	s, err := newSender("webhook", srv.URL+"/a", HTTPOptions{Client: client, Retries: -1})
	if err != nil {
		t.Fatal(err)
	}
	err = s.post(context.Background(), []byte("{}"), func(http.Header) {}, func(answer) error { return nil })
	if !errors.Is(err, refuse) {
		t.Fatalf("post = %v, want the client's own redirect error", err)
	}
}

func TestTransportErrorHidesSecretPath(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL + "/services/T000/B000/SECRETPATH"
	srv.Close() // nothing listens any more
	var logs bytes.Buffer
	sl := &sleeps{}
	s, err := NewSlack(SlackConfig{URL: url, HTTP: HTTPOptions{Sleep: sl.sleep,
		Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}})
	if err != nil {
		t.Fatal(err)
	}
	err = s.Notify(context.Background(), sampleMessage())
	if nhi.ErrorCode(err) != nhi.CodeUnavailable {
		t.Fatalf("Notify = %v, want CodeUnavailable", err)
	}
	if strings.Contains(err.Error(), "SECRETPATH") || strings.Contains(logs.String(), "SECRETPATH") {
		t.Errorf("the webhook path leaked:\nerror: %v\nlogs: %s", err, logs.String())
	}
	if !strings.Contains(logs.String(), "notify attempt failed") {
		t.Errorf("no attempt was logged: %s", logs.String())
	}
	if diff := cmp.Diff([]time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second}, sl.got()); diff != "" {
		t.Errorf("waits mismatch (-want +got):\n%s", diff)
	}
}

func TestAttemptTimeout(t *testing.T) {
	t.Parallel()
	done := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body) // so that the server notices the client hanging up
		select {
		case <-r.Context().Done():
		case <-done:
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(done) }) // runs first: no handler outlives the test
	w, err := NewWebhook(WebhookConfig{URL: srv.URL, Secret: []byte(testSecret),
		HTTP: HTTPOptions{Timeout: 20 * time.Millisecond, Retries: -1}})
	if err != nil {
		t.Fatal(err)
	}
	err = w.Notify(context.Background(), sampleMessage())
	if nhi.ErrorCode(err) != nhi.CodeUnavailable || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Notify = %v, want CodeUnavailable caused by the attempt's deadline", err)
	}
}

func TestCanceled(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		early    bool // cancel before Notify; otherwise during the first wait
		attempts int
	}{
		{"before the first attempt", true, 0},
		{"during a backoff", false, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rc, srv := serve(t, reply{status: 503})
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			sl := func(ctx context.Context, d time.Duration) error { cancel(); return ctx.Err() }
			w, err := NewWebhook(WebhookConfig{URL: srv.URL, Secret: []byte(testSecret), HTTP: HTTPOptions{Sleep: sl}})
			if err != nil {
				t.Fatal(err)
			}
			if tt.early {
				cancel()
			}
			err = w.Notify(ctx, sampleMessage())
			if nhi.ErrorCode(err) != nhi.CodeCanceled {
				t.Fatalf("Notify = %v, want CodeCanceled", err)
			}
			if n := len(rc.requests()); n != tt.attempts {
				t.Errorf("receiver got %d requests, want %d", n, tt.attempts)
			}
		})
	}
}

func TestAnswerBodyIsCapped(t *testing.T) {
	t.Parallel()
	_, srv := serve(t, reply{status: 400, body: strings.Repeat("x", 4*maxAnswer)})
	s, err := newSender("slack", srv.URL, HTTPOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ans, err := s.attempt(context.Background(), []byte("{}"), func(http.Header) {})
	if err != nil {
		t.Fatal(err)
	}
	if ans.status != 400 || len(ans.body) != maxAnswer {
		t.Errorf("answer %d with %d body bytes, want 400 with %d", ans.status, len(ans.body), maxAnswer)
	}
}

func TestRetryAfter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		value string
		want  time.Duration
	}{
		{"", 0},
		{"5", 5 * time.Second},
		{" 7 ", 7 * time.Second},
		{"-3", 0},
		{"soon", 0},
		{"99999999999999", (1 << 30) * time.Second},
		{t0.Add(10 * time.Second).Format(http.TimeFormat), 10 * time.Second},
		{t0.Add(-time.Hour).Format(http.TimeFormat), 0},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			t.Parallel()
			h := http.Header{}
			if tt.value != "" {
				h.Set("Retry-After", tt.value)
			}
			if got := retryAfter(h, t0); got != tt.want {
				t.Errorf("retryAfter(%q) = %v, want %v", tt.value, got, tt.want)
			}
		})
	}
}

func TestBackoff(t *testing.T) {
	t.Parallel()
	var got []time.Duration
	for n := 1; n <= 7; n++ {
		got = append(got, backoff(n))
	}
	s := time.Second
	want := []time.Duration{s / 2, s, 2 * s, 4 * s, 8 * s, 8 * s, 8 * s}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("backoff mismatch (-want +got):\n%s", diff)
	}
}
