package salesforce

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/connector/internal/answers"
)

// retryPolicy says how throttled and failed requests are retried.
type retryPolicy struct {
	// attempts is how often one request is sent at most.
	attempts int
	// base is the first backoff, doubled per attempt up to max.
	base, max time.Duration
}

// defaultRetryPolicy returns the policy of a new connector.
func defaultRetryPolicy() retryPolicy {
	return retryPolicy{attempts: 4, base: 500 * time.Millisecond, max: 30 * time.Second}
}

// backoff returns the wait before attempt n (1 is the first retry), with jitter.
func (p retryPolicy) backoff(n int) time.Duration {
	d := p.base << min(n-1, 16)
	if d > p.max || d <= 0 {
		d = p.max
	}
	return d/2 + rand.N(d/2+1)
}

// call is one request to the org's instance.
type call struct {
	method string
	// path is relative to the instance URL ("/services/data/v62.0/query?q=...").
	path string
	// body builds the request body for a session (a SOAP envelope carries the session
	// ID); nil for none. contentType is its type.
	body        func(*session) []byte
	contentType string
	header      map[string]string
	// resource names what is read, for progress events.
	resource string
	// change says the request changes the org: server errors are not retried.
	change bool
}

// rest sends the requests of one operation (a scan, a remediation, an events poll).
type rest struct {
	c        *Connector
	progress func(connector.Progress)
	// budget makes requests stop at the configured reserve of the daily API allocation.
	budget bool
}

// newRest returns the request sender of one operation.
func (c *Connector) newRest(progress func(connector.Progress), budget bool) *rest {
	if progress == nil {
		progress = func(connector.Progress) {}
	}
	return &rest{c: c, progress: progress, budget: budget}
}

// do sends cl, signing in again once when the session has expired and retrying throttled
// answers (and server errors of reads) with backoff. It returns a 2xx answer, whose body
// is capped at answers.MaxBody, or an error.
func (r *rest) do(ctx context.Context, cl call) (*http.Response, error) {
	sess, err := r.c.currentSession(ctx, nil)
	if err != nil {
		return nil, err
	}
	resigned := false
	for attempt := 1; ; attempt++ {
		if err := r.checkBudget(cl); err != nil {
			return nil, err
		}
		resp, err := r.send(ctx, sess, cl)
		if err == nil {
			return resp, nil
		}
		if isCanceled(err) || ctx.Err() != nil {
			return nil, ctx.Err()
		}
		ae := asAPI(err)
		switch {
		case ae != nil && (ae.Status == http.StatusUnauthorized || ae.Code == codeSession) && !resigned:
			resigned = true
			if sess, err = r.c.currentSession(ctx, sess); err != nil {
				return nil, err
			}
			attempt--
			continue
		case attempt >= r.c.retry.attempts || !r.retryable(cl, err):
			return nil, err
		}
		wait := r.c.retry.backoff(attempt)
		var re *retryAfterError
		if errors.As(err, &re) {
			r.progress(connector.Progress{Kind: connector.ProgressThrottled, Resource: cl.resource})
			if re.after > 0 {
				wait = re.after
			}
		}
		r.progress(connector.Progress{Kind: connector.ProgressWait, Resource: cl.resource, Wait: wait})
		if err := r.c.sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

// retryable reports whether a failed request may be sent again.
func (r *rest) retryable(cl call, err error) bool {
	var re *retryAfterError
	if errors.As(err, &re) {
		return true
	}
	if cl.change {
		return false
	}
	ae := asAPI(err)
	if ae == nil {
		return !errors.Is(err, errRedirect) && !errors.Is(err, errBudget)
	}
	// SOAP faults come as 500s: those of the session, the limit and permissions are final.
	return ae.Status >= 500 && ae.Code != codeSession && ae.Code != codeLimit && !strings.HasPrefix(ae.Code, codeInsufficient)
}

// retryAfterError is a throttled answer (429, or 503), with the wait it asked for.
type retryAfterError struct {
	*apiError
	after time.Duration
}

// Unwrap returns the answer.
func (e *retryAfterError) Unwrap() error { return e.apiError }

// send makes one attempt.
func (r *rest) send(ctx context.Context, sess *session, cl call) (*http.Response, error) {
	actx, cancel := context.WithCancel(ctx)
	var body io.Reader
	if cl.body != nil {
		body = bytes.NewReader(cl.body(sess))
	}
	req, err := http.NewRequestWithContext(actx, cl.method, sess.instance+cl.path, body)
	if err != nil {
		cancel()
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+sess.token)
	req.Header.Set("Accept", "application/json")
	if cl.contentType != "" {
		req.Header.Set("Content-Type", cl.contentType)
	}
	for k, v := range cl.header {
		req.Header.Set(k, v)
	}
	resp, err := r.c.hc.Do(req)
	if err != nil {
		cancel()
		return nil, transportCause(err)
	}
	r.progress(connector.Progress{Kind: connector.ProgressRequest, Resource: cl.resource})
	r.c.usage.set(resp.Header.Get("Sforce-Limit-Info"))
	if err := checkResponse(resp); err != nil {
		cancel()
		if ae := asAPI(err); ae.Status == http.StatusTooManyRequests || ae.Status == http.StatusServiceUnavailable {
			return nil, &retryAfterError{apiError: ae, after: answers.RetryAfter(resp.Header, time.Now())}
		}
		return nil, err
	}
	resp.Body = answers.Cap(resp.Body, answers.MaxBody, cancel)
	return resp, nil
}

// transportCause keeps the context error of a failed round trip and drops the URL
// (which holds a SOQL query) from others.
func transportCause(err error) error {
	if errors.Is(err, errRedirect) {
		return errRedirect
	}
	if isCanceled(err) {
		return contextCause(err)
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// getJSON sends a GET for path and decodes the answer into v.
func (r *rest) getJSON(ctx context.Context, path, resource string, v any) error {
	resp, err := r.do(ctx, call{method: http.MethodGet, path: path, resource: resource})
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return json.NewDecoder(resp.Body).Decode(v)
}

// dataPath returns the path of a REST resource of the configured version.
func (c *Connector) dataPath(rel string) string {
	return "/services/data/" + c.cfg.APIVersion + "/" + strings.TrimPrefix(rel, "/")
}
