package okta

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/connector/internal/answers"
)

// maxRateWait bounds one wait for Okta's rate limit to reset: limits are per minute.
const maxRateWait = 61 * time.Second

// retryPolicy says how often a request is retried and how long it waits in between.
type retryPolicy struct {
	// throttled is how many 429 answers a request takes before giving up.
	throttled int
	// failures is how many 5xx answers or transport errors a request takes.
	failures int
	// backoff is the first wait after a failure; it doubles, with jitter.
	backoff time.Duration
}

// defaultRetryPolicy returns the retry policy of a connector.
func defaultRetryPolicy() retryPolicy {
	return retryPolicy{throttled: 30, failures: 3, backoff: 200 * time.Millisecond}
}

// transport sends API requests: it retries 429 answers after X-Rate-Limit-Reset, and
// 500, 502, 503 and 504 answers and transport errors with backoff, caps answer bodies and
// reports progress.
type transport struct {
	base     http.RoundTripper
	policy   retryPolicy
	progress func(connector.Progress)
	now      func() time.Time
	sleep    func(context.Context, time.Duration) error
}

// RoundTrip sends req until it gets an answer worth returning. Requests have no body, so
// they can be replayed.
func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	resource := resourceOf(req.URL.Path)
	throttled, failures := 0, 0
	for {
		resp, err := t.base.RoundTrip(req)
		var wait time.Duration
		switch {
		case err != nil:
			if ctx.Err() != nil || !retryable(err) || failures >= t.policy.failures {
				return nil, err
			}
			failures++
			wait = t.backoff(failures)
		case resp.StatusCode == http.StatusTooManyRequests:
			t.progress(connector.Progress{Kind: connector.ProgressThrottled, Resource: resource})
			if throttled >= t.policy.throttled {
				return capped(resp), nil
			}
			throttled++
			wait = rateWait(resp.Header, t.now())
			answers.Discard(resp)
		case resp.StatusCode >= 500 && resp.StatusCode != 501 && failures < t.policy.failures:
			t.progress(connector.Progress{Kind: connector.ProgressRequest, Resource: resource})
			failures++
			wait = t.backoff(failures)
			answers.Discard(resp)
		default:
			t.progress(connector.Progress{Kind: connector.ProgressRequest, Resource: resource})
			return capped(resp), nil
		}
		t.progress(connector.Progress{Kind: connector.ProgressWait, Resource: resource, Wait: wait})
		if err := t.sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

// retryable reports whether a transport error may pass on a retry: not our own refusals
// (bad credentials, a redirect).
func retryable(err error) bool {
	var te *tokenError
	return !errors.As(err, &te)
}

// backoff returns the wait before the n-th retry of a failure: the policy's backoff,
// doubled each time, with up to 50% jitter.
func (t *transport) backoff(n int) time.Duration {
	d := t.policy.backoff << (n - 1)
	return d + time.Duration(rand.Int64N(int64(d)/2+1))
}

// rateWait returns how long to wait after a 429: until X-Rate-Limit-Reset (epoch seconds)
// by the answer's own Date, so that clock skew does not matter; else Retry-After; else a
// second. It is at least a second and at most maxRateWait.
func rateWait(h http.Header, now time.Time) time.Duration {
	d := answers.RetryAfter(h, now)
	if reset, err := strconv.ParseInt(strings.TrimSpace(h.Get("X-Rate-Limit-Reset")), 10, 64); err == nil {
		at := now
		if date, err := http.ParseTime(h.Get("Date")); err == nil {
			at = date
		}
		d = time.Unix(reset, 0).Sub(at)
	}
	return min(max(d, time.Second), maxRateWait)
}

// capped caps the answer's body at answers.MaxBody.
func capped(resp *http.Response) *http.Response {
	resp.Body = answers.Cap(resp.Body, answers.MaxBody, func() {})
	return resp
}

// resourceOf names the API resource of a path, for progress events and messages:
// "api-tokens", "apps", "grants", "users", "logs", ...
func resourceOf(path string) string {
	parts := strings.Split(strings.Trim(strings.TrimPrefix(path, "/api/v1/"), "/"), "/")
	switch {
	case len(parts) >= 3 && (parts[2] == "grants" || parts[2] == "tokens" || parts[2] == "roles"):
		return parts[0] + "/" + parts[2]
	case len(parts) > 0 && parts[0] != "":
		return parts[0]
	}
	return "api"
}
