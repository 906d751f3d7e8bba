package entra

import (
	"context"
	"errors"
	"github.com/nhiscope/nhi/connector/internal/answers"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/nhiscope/nhi/connector"
)

// The APIs with quotas of their own, each paced by its own limiter: Graph's directory
// resources, and the reports (sign-in activity), whose quota is far smaller.
const (
	apiGraph = iota
	apiReports
	apiCount
)

// Limits of one answer.
const (
	// maxErrorBody is how much of an error answer is read.
	maxErrorBody = answers.MaxErrorBody
	// maxBody is the largest answer accepted. Graph's largest pages (999 service
	// principals with their app roles) are a few MiB; the cap bounds what a broken or
	// hostile server can make a scan hold.
	maxBody = 32 << 20
	// nearLimit is the x-ms-throttle-limit-percentage (share of the quota used) from which
	// an answer slows the pace down before Graph starts refusing requests.
	nearLimit = 1.0
)

// errTooLarge is the read error of an answer over maxBody.
var errTooLarge = answers.ErrTooLarge

// retryPolicy says how often a request is retried and how long it waits in between.
type retryPolicy struct {
	// throttled is how many throttled answers a request takes before giving up.
	throttled int
	// failures is how many 5xx answers or transport errors a request takes.
	failures int
	// backoff is the first wait after a failure; it doubles, up to maxBackoff, with jitter.
	backoff, maxBackoff time.Duration
	// attempt bounds one attempt, answer body included; 0 means no bound.
	attempt time.Duration
}

// defaultRetryPolicy returns the retry policy of a connector.
func defaultRetryPolicy() retryPolicy {
	return retryPolicy{throttled: 30, failures: 3, backoff: 250 * time.Millisecond, maxBackoff: 8 * time.Second,
		attempt: 2 * time.Minute}
}

// transport sends Graph requests: it paces them with the API's limiter, retries throttled
// answers (429, and 503 with Retry-After), 500, 502, 503 and 504 answers and transport
// errors, honours Retry-After, slows down when x-ms-throttle-limit-percentage says the
// quota is nearly used, caps answer bodies and reports progress.
type transport struct {
	base     http.RoundTripper
	limiters *[apiCount]*limiter
	policy   retryPolicy
	progress func(connector.Progress)
	now      func() time.Time
	sleep    func(context.Context, time.Duration) error
	// maxBody caps an answer body; 0 means maxBody.
	maxBody int64
}

// RoundTrip sends req until it gets an answer worth returning. A request with a body it
// cannot replay (no GetBody) is sent once, unpaced.
func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil && req.Body != http.NoBody && req.GetBody == nil {
		return t.base.RoundTrip(req)
	}
	ctx := req.Context()
	resource, lim := resourceOf(req.URL.Path), t.limiters[apiOf(req.URL.Path)]
	var n tries
	for {
		epoch, waited, err := lim.wait(ctx, t.sleep)
		t.reportWait(resource, waited)
		if err != nil {
			return nil, err
		}
		resp, err := t.attempt(req)
		if err != nil {
			var te *tokenError
			if ctx.Err() != nil || errors.As(err, &te) || n.failures >= t.policy.failures {
				return nil, err
			}
			n.failures++
		} else {
			t.progress(connector.Progress{Kind: connector.ProgressRequest, Resource: resource})
			switch t.judge(resp, resource, lim, epoch, &n) {
			case answerFinal:
				return resp, nil
			case answerThrottled:
				continue // the limiter paces the retry
			}
		}
		if err := t.backoff(ctx, resource, n.failures); err != nil {
			return nil, err
		}
	}
}

// tries counts the throttled and failed answers to one request.
type tries struct{ throttled, failures int }

// judge decides what to do with an answer: return it (answerFinal), retry it once the
// limiter allows (answerThrottled, after any Retry-After) or retry it after a backoff
// (answerFailed). It closes the body of an answer it does not return.
func (t *transport) judge(resp *http.Response, resource string, lim *limiter, epoch uint64, n *tries) answer {
	kind := classify(resp)
	switch {
	case kind == answerThrottled && n.throttled < t.policy.throttled:
		n.throttled++
		lim.throttled(t.now(), epoch)
		t.progress(connector.Progress{Kind: connector.ProgressThrottled, Resource: resource})
		if d := answers.RetryAfter(resp.Header, t.now()); d > 0 {
			lim.pause(t.now().Add(d))
		}
	case kind == answerFailed && n.failures < t.policy.failures:
		n.failures++
	case kind == answerThrottled:
		t.progress(connector.Progress{Kind: connector.ProgressThrottled, Resource: resource})
		return answerFinal
	default:
		t.judgeFinal(resp, lim, epoch)
		return answerFinal
	}
	answers.Discard(resp)
	return kind
}

// judgeFinal tells the limiter about an answer returned to the caller.
func (t *transport) judgeFinal(resp *http.Response, lim *limiter, epoch uint64) {
	if resp.StatusCode >= http.StatusBadRequest {
		return // a failed answer says nothing of the quota
	}
	if p, err := strconv.ParseFloat(strings.TrimSpace(resp.Header.Get("x-ms-throttle-limit-percentage")), 64); err == nil && p >= nearLimit {
		lim.throttled(t.now(), epoch)
		return
	}
	lim.success(t.now())
}

// attempt sends one copy of req, bounded by the policy's attempt time, with its answer
// body capped.
func (t *transport) attempt(req *http.Request) (*http.Response, error) {
	ctx, cancel := req.Context(), context.CancelFunc(func() {})
	if t.policy.attempt > 0 {
		ctx, cancel = context.WithTimeout(ctx, t.policy.attempt)
	}
	r := req.Clone(ctx)
	if req.Body != nil && req.GetBody != nil {
		body, err := req.GetBody()
		if err != nil {
			cancel()
			return nil, err
		}
		r.Body = body
	}
	resp, err := t.base.RoundTrip(r)
	if err != nil {
		cancel()
		return nil, err
	}
	limit := t.maxBody
	if limit <= 0 {
		limit = maxBody
	}
	resp.Body = answers.Cap(resp.Body, limit, cancel)
	return resp, nil
}

// backoff waits after the n-th failure: the policy's backoff doubled n-1 times, capped,
// with up to half of it as random jitter.
func (t *transport) backoff(ctx context.Context, resource string, n int) error {
	d := t.policy.backoff << min(n-1, 16)
	if d > t.policy.maxBackoff || d <= 0 {
		d = t.policy.maxBackoff
	}
	d = d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
	t.reportWait(resource, d)
	return t.sleep(ctx, d)
}

// reportWait reports a wait, if any.
func (t *transport) reportWait(resource string, d time.Duration) {
	if d > 0 {
		t.progress(connector.Progress{Kind: connector.ProgressWait, Resource: resource, Wait: d})
	}
}

// answer classifies an answer for the retry loop.
type answer int

// The classes of answer.
const (
	answerFinal answer = iota
	answerThrottled
	answerFailed
)

// classify classifies an answer by its status and headers. Graph answers 429 when a quota
// is spent, and sometimes 503 with Retry-After when it sheds load.
func classify(resp *http.Response) answer {
	switch resp.StatusCode {
	case http.StatusTooManyRequests:
		return answerThrottled
	case http.StatusServiceUnavailable:
		if resp.Header.Get("Retry-After") != "" {
			return answerThrottled
		}
		return answerFailed
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusGatewayTimeout:
		return answerFailed
	}
	return answerFinal
}

// apiOf returns the API of a Graph path.
func apiOf(path string) int {
	if strings.Contains(path, "/reports/") {
		return apiReports
	}
	return apiGraph
}
