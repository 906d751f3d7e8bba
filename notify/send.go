package notify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/nhiscope/nhi"
)

// HTTPOptions are the dependencies and limits of a notifier's requests. The zero value
// of each field means the default noted beside it.
type HTTPOptions struct {
	// Client sends the requests; nil means a client with http.DefaultTransport. Its
	// redirect policy is replaced: only 307 and 308 redirects to the same scheme and host
	// are followed, at most three.
	Client *http.Client
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
	// Sleep waits between attempts; nil means a timer that ends early with ctx.
	Sleep func(ctx context.Context, d time.Duration) error
	// Logger receives one debug line per attempt (host and status, never the URL's path
	// or the secret); nil discards them.
	Logger *slog.Logger
	// Timeout bounds one attempt, answer included; 0 means 10 seconds.
	Timeout time.Duration
	// Retries is how many times a 5xx answer or a transport error is retried; 0 means 3,
	// a negative value none.
	Retries int
	// ThrottleRetries is how many 429 answers are waited out; 0 means 3, negative none.
	ThrottleRetries int
	// MaxRetryAfter is the longest Retry-After honoured; a 429 asking for longer fails at
	// once with CodeRateLimited. 0 means one minute.
	MaxRetryAfter time.Duration
}

// Defaults of HTTPOptions and limits of an answer.
const (
	defaultTimeout       = 10 * time.Second
	defaultRetries       = 3
	defaultMaxRetryAfter = time.Minute
	firstBackoff         = 500 * time.Millisecond
	maxBackoff           = 8 * time.Second
	maxRedirects         = 3
	// maxAnswer is how much of an answer body is read; the rest is ignored.
	maxAnswer = 16 << 10
)

// answer is one HTTP answer, its body cut at maxAnswer.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// sender posts JSON bodies to one URL with bounded retries.
type sender struct {
	name      string // "webhook" or "slack", for messages
	url       *url.URL
	client    *http.Client
	now       func() time.Time
	sleep     func(context.Context, time.Duration) error
	log       *slog.Logger
	timeout   time.Duration
	retries   int
	throttled int
	maxWait   time.Duration
}

// newSender validates rawURL and applies the defaults of o.
func newSender(name, rawURL string, o HTTPOptions) (*sender, error) {
	u, err := checkURL(rawURL)
	if err != nil {
		return nil, err
	}
	s := &sender{name: name, url: u, client: noCrossHostRedirects(o.Client), now: o.Now, sleep: o.Sleep,
		log: o.Logger, timeout: o.Timeout, retries: count(o.Retries), throttled: count(o.ThrottleRetries),
		maxWait: o.MaxRetryAfter}
	if s.now == nil {
		s.now = time.Now
	}
	if s.sleep == nil {
		s.sleep = sleep
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.timeout <= 0 {
		s.timeout = defaultTimeout
	}
	if s.maxWait <= 0 {
		s.maxWait = defaultMaxRetryAfter
	}
	return s, nil
}

// count turns a retry option into a count: 0 means the default, negative none.
func count(n int) int {
	switch {
	case n == 0:
		return defaultRetries
	case n < 0:
		return 0
	}
	return n
}

// post sends body until an answer is final or the retries are spent, and returns what
// judge makes of the last answer. headers adds the headers of one attempt (a fresh
// signature). 5xx answers and transport errors are retried with exponential backoff,
// 429 answers after their Retry-After.
func (s *sender) post(ctx context.Context, body []byte, headers func(http.Header), judge func(answer) error) error {
	var failures, throttled int
	for {
		ans, err := s.attempt(ctx, body, headers)
		var wait time.Duration
		switch {
		case err != nil && ctx.Err() != nil:
			return fmt.Errorf("notify: %s: %w", s.name, ctx.Err())
		case err != nil && failures < s.retries:
			failures++
			wait = backoff(failures)
		case err != nil:
			return nhi.WrapError(nhi.CodeUnavailable, err, fmt.Sprintf("notify: %s: cannot reach %s", s.name, s.url.Host))
		case ans.status == http.StatusTooManyRequests && throttled < s.throttled:
			ra := retryAfter(ans.header, s.now())
			if ra > s.maxWait {
				return judge(ans)
			}
			throttled++
			wait = max(ra, backoff(throttled))
		case ans.status >= 500 && failures < s.retries:
			failures++
			wait = max(backoff(failures), min(retryAfter(ans.header, s.now()), s.maxWait))
		default:
			return judge(ans)
		}
		if err := s.sleep(ctx, wait); err != nil {
			return fmt.Errorf("notify: %s: %w", s.name, err)
		}
	}
}

// attempt makes one request. Transport errors name the URL's scheme and host only: the
// path of a Slack webhook URL is its secret.
func (s *sender) attempt(ctx context.Context, body []byte, headers func(http.Header)) (answer, error) {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url.String(), bytes.NewReader(body))
	if err != nil {
		return answer{}, fmt.Errorf("build request: %w", redact(err))
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "nhi-notify/1")
	headers(req.Header)
	resp, err := s.client.Do(req)
	if err != nil {
		s.log.DebugContext(ctx, "notify attempt failed", "notifier", s.name, "host", s.url.Host)
		return answer{}, redact(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	s.log.DebugContext(ctx, "notify attempt", "notifier", s.name, "host", s.url.Host, "status", resp.StatusCode)
	if err != nil {
		return answer{}, fmt.Errorf("read answer: %w", redact(err))
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: b}, nil
}

// redact replaces the URL in a *url.Error by its scheme and host.
func redact(err error) error {
	var ue *url.Error
	if !errors.As(err, &ue) {
		return err
	}
	where := "request"
	if u, perr := url.Parse(ue.URL); perr == nil && u.Host != "" {
		where = u.Scheme + "://" + u.Host
	}
	return fmt.Errorf("%s %s: %w", strings.ToLower(ue.Op), where, ue.Err)
}

// backoff returns the wait after the n-th failure: 0.5 s, 1 s, 2 s, ... up to maxBackoff.
func backoff(n int) time.Duration {
	d := firstBackoff
	for i := 1; i < n && d < maxBackoff; i++ {
		d *= 2
	}
	return min(d, maxBackoff)
}

// retryAfter returns the wait a Retry-After header asks for (delay seconds or an HTTP
// date), 0 when there is none or it cannot be read.
func retryAfter(h http.Header, now time.Time) time.Duration {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		return time.Duration(min(max(n, 0), 1<<30)) * time.Second
	}
	if at, err := http.ParseTime(v); err == nil {
		return max(at.Sub(now), 0)
	}
	return 0
}

// sleep waits d, or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
