package github

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/connector/internal/answers"
)

// Retry bounds.
const (
	// secondaryWait is the least wait after a secondary rate limit answer that names no
	// time, as GitHub asks ("wait at least one minute"); it doubles with each repeat.
	secondaryWait = time.Minute
	// resetSlack is added to a primary limit's reset time against clock skew.
	resetSlack = time.Second
)

// retryPolicy says how often a request is retried and how long it waits in between.
type retryPolicy struct {
	// failures is how many 5xx answers or transport errors a request takes.
	failures int
	// throttled is how many throttled answers a request takes.
	throttled int
	// backoff is the first wait after a failure; it doubles, up to maxBackoff, with jitter.
	backoff, maxBackoff time.Duration
	// secondary is the first wait after a secondary limit that names no time.
	secondary time.Duration
	// maxWait bounds the rate-limit waits of one request.
	maxWait time.Duration
	// attempt bounds one attempt, answer body included; 0 means no bound.
	attempt time.Duration
}

// defaultRetryPolicy returns the retry policy of a connector waiting at most maxWait.
func defaultRetryPolicy(maxWait time.Duration) retryPolicy {
	return retryPolicy{failures: 3, throttled: 50, backoff: 250 * time.Millisecond, maxBackoff: 8 * time.Second,
		secondary: secondaryWait, maxWait: maxWait, attempt: 2 * time.Minute}
}

// gate holds every request of one credential until a time a rate limit named: GitHub's
// limits are per credential, so one throttled answer pauses its siblings too.
type gate struct {
	mu    sync.Mutex
	until time.Time
}

// pause holds requests until t.
func (g *gate) pause(t time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if t.After(g.until) {
		g.until = t
	}
}

// hold returns how long a request must wait at now.
func (g *gate) hold(now time.Time) time.Duration {
	g.mu.Lock()
	defer g.mu.Unlock()
	return max(g.until.Sub(now), 0)
}

// transport sends requests of one credential: it holds them while the credential is
// rate limited, retries throttled answers (Retry-After, x-ratelimit-remaining 0 with
// x-ratelimit-reset, secondary limits) within the policy's total wait, retries 500,
// 502, 503 and 504 answers and transport errors with backoff, caps answer bodies and
// reports progress.
type transport struct {
	base     http.RoundTripper
	gate     *gate
	policy   retryPolicy
	progress func(connector.Progress)
	// now is the wall clock the waits are measured on; serverNow the clock GitHub's
	// reset times are read against (the connector's Env clock).
	now, serverNow func() time.Time
	sleep          func(context.Context, time.Duration) error
}

// RoundTrip sends req until it gets an answer worth returning.
func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx, resource := req.Context(), resourceOf(req.URL.Path)
	var failures, throttled int
	var waited time.Duration
	for {
		if d := t.gate.hold(t.now()); d > 0 {
			t.reportWait(resource, d)
			if err := t.sleep(ctx, d); err != nil {
				return nil, err
			}
		}
		resp, err := t.attempt(req)
		if err != nil {
			var ae *authError
			if ctx.Err() != nil || errors.As(err, &ae) || failures >= t.policy.failures {
				return nil, err
			}
			failures++
			if err := t.backoff(ctx, resource, failures); err != nil {
				return nil, err
			}
			continue
		}
		t.progress(connector.Progress{Kind: connector.ProgressRequest, Resource: resource})
		switch kind, d := t.judge(resp); kind {
		case answerThrottled:
			if d == t.policy.secondary {
				d <<= min(throttled, 5) // GitHub asks for exponential backoff on secondary limits
			}
			t.progress(connector.Progress{Kind: connector.ProgressThrottled, Resource: resource})
			if throttled >= t.policy.throttled || waited+d > t.policy.maxWait {
				return resp, nil // the caller maps the throttled answer to CodeRateLimited
			}
			answers.Discard(resp)
			throttled, waited = throttled+1, waited+d
			t.gate.pause(t.now().Add(d))
		case answerFailed:
			if failures >= t.policy.failures {
				return resp, nil
			}
			answers.Discard(resp)
			failures++
			if err := t.backoff(ctx, resource, failures); err != nil {
				return nil, err
			}
		default:
			return resp, nil
		}
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

// judge classifies an answer and, for a throttled one, says how long to wait. GitHub
// answers a spent rate limit with 403 or 429: with Retry-After, wait that long; with
// x-ratelimit-remaining 0, until x-ratelimit-reset; otherwise a secondary limit, at least
// a minute. A 403 that is none of these is a refusal, final.
func (t *transport) judge(resp *http.Response) (answer, time.Duration) {
	switch resp.StatusCode {
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		if d := answers.RetryAfter(resp.Header, t.now()); d > 0 {
			return answerThrottled, d
		}
		return answerFailed, 0
	case http.StatusForbidden, http.StatusTooManyRequests:
	default:
		return answerFinal, 0
	}
	if d := answers.RetryAfter(resp.Header, t.now()); d > 0 || strings.TrimSpace(resp.Header.Get("Retry-After")) == "0" {
		return answerThrottled, max(d, time.Second)
	}
	if resp.Header.Get("X-Ratelimit-Remaining") == "0" {
		if reset, err := strconv.ParseInt(resp.Header.Get("X-Ratelimit-Reset"), 10, 64); err == nil {
			d := time.Unix(reset, 0).Sub(t.serverNow()) + resetSlack
			return answerThrottled, min(max(d, time.Second), t.policy.maxWait+time.Second)
		}
		return answerThrottled, t.policy.secondary
	}
	if resp.StatusCode == http.StatusTooManyRequests || secondaryLimit(resp) {
		return answerThrottled, t.policy.secondary
	}
	return answerFinal, 0
}

// secondaryLimit reports whether a 403 answer is a secondary rate limit, from its
// message or documentation URL. It reads the body and puts it back.
func secondaryLimit(resp *http.Response) bool {
	b, err := io.ReadAll(io.LimitReader(resp.Body, answers.MaxErrorBody))
	_ = resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(b))
	if err != nil {
		return false
	}
	s := strings.ToLower(string(b))
	return strings.Contains(s, "secondary rate limit") || strings.Contains(s, "abuse-rate-limits") ||
		strings.Contains(s, "secondary-rate-limits")
}

// attempt sends one copy of req, bounded by the policy's attempt time, with its answer
// body capped.
func (t *transport) attempt(req *http.Request) (*http.Response, error) {
	ctx, cancel := req.Context(), context.CancelFunc(func() {})
	if t.policy.attempt > 0 {
		ctx, cancel = context.WithTimeout(ctx, t.policy.attempt)
	}
	r := req.Clone(ctx)
	if req.Body != nil && req.Body != http.NoBody {
		if req.GetBody == nil {
			cancel()
			return nil, errors.New("request body cannot be replayed")
		}
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
	resp.Body = answers.Cap(resp.Body, answers.MaxBody, cancel)
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

// sleepContext sleeps for d, returning early with ctx's error.
func sleepContext(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-tm.C:
		return nil
	}
}
