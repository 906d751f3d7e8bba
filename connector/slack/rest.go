package slack

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/connector/internal/answers"
)

// Retry bounds.
const (
	// maxThrottled is how many throttled answers one call waits out before it fails.
	maxThrottled = 30
	// maxFailures is how many server errors or network failures one call retries.
	maxFailures = 2
	// failureBackoff is the first wait after a server error; it doubles.
	failureBackoff = 100 * time.Millisecond
	// defaultThrottleWait is the wait after a 429 without Retry-After.
	defaultThrottleWait = time.Second
)

// envelope is the part of every Slack answer the client checks.
type envelope struct {
	OK     bool   `json:"ok"`
	Error  string `json:"error"`
	Needed string `json:"needed"`
}

// request is one Web API or Audit Logs API call, plain or from slack-go (see sdkRequest).
type request struct {
	// post sends a form body (changes); reads are GET.
	post bool
	// audit calls the Audit Logs API; method is then its path ("logs").
	audit  bool
	method string
	params url.Values
}

// call makes r, a plain call (a method slack-go lacks), and decodes the answer into out.
// A Slack error ({"ok":false}) is a *slackError.
func (c *Connector) call(ctx context.Context, r request, progress func(connector.Progress), out any) error {
	status, _, body, err := c.exchange(ctx, r, progress)
	if err != nil {
		return err
	}
	return decode(status, body, r.method, out)
}

// exchange makes r, retrying throttled answers (after Retry-After) and server errors, and
// returns the first answer that is neither. Throttling or failing beyond the retry
// bounds is an error: a *slackError, or the network's.
func (c *Connector) exchange(ctx context.Context, r request, progress func(connector.Progress)) (int, http.Header, []byte, error) {
	throttled, failures := 0, 0
	for {
		status, header, body, err := c.send(ctx, r)
		if progress != nil && err == nil {
			progress(connector.Progress{Kind: connector.ProgressRequest, Resource: r.method})
		}
		var wait time.Duration
		switch {
		case ctx.Err() != nil:
			return 0, nil, nil, ctx.Err()
		case err == nil && status == http.StatusTooManyRequests:
			if progress != nil {
				progress(connector.Progress{Kind: connector.ProgressThrottled, Resource: r.method})
			}
			if throttled++; throttled > maxThrottled {
				return 0, nil, nil, &slackError{Status: status, Code: "ratelimited", Method: r.method}
			}
			wait = answers.RetryAfter(header, time.Now())
			if wait == 0 {
				wait = defaultThrottleWait
			}
			if progress != nil {
				progress(connector.Progress{Kind: connector.ProgressWait, Resource: r.method, Wait: wait})
			}
		case err != nil || status >= 500:
			if failures++; failures > maxFailures {
				if err != nil {
					return 0, nil, nil, err
				}
				return 0, nil, nil, decodeError(status, body, r.method)
			}
			wait = failureBackoff << (failures - 1)
		default:
			return status, header, body, nil
		}
		if err := c.sleep(ctx, wait); err != nil {
			return 0, nil, nil, err
		}
	}
}

// send makes one attempt of r and reads its answer, capped.
func (c *Connector) send(ctx context.Context, r request) (int, http.Header, []byte, error) {
	base := c.cfg.APIURL
	if r.audit {
		base = c.cfg.AuditURL
	}
	u := base + r.method
	var body io.Reader
	verb := http.MethodGet
	if r.post {
		verb, body = http.MethodPost, strings.NewReader(r.params.Encode())
	} else if len(r.params) > 0 {
		u += "?" + r.params.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, verb, u, body)
	if err != nil {
		return 0, nil, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Accept", "application/json")
	if r.post {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	client := *c.env.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return errRedirect }
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, nil, scrub(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, answers.MaxBody+1))
	if err == nil && len(b) > answers.MaxBody {
		err = answers.ErrTooLarge
	}
	return resp.StatusCode, resp.Header, b, err
}

// scrub drops the URL from a transport error (it carries no token, but keeps messages
// short) and keeps its cause.
func scrub(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// decode checks the envelope of an answer and decodes it into out.
func decode(status int, body []byte, method string, out any) error {
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil {
		return &slackError{Status: status, Code: "malformed_answer", Method: method}
	}
	if !env.OK || status != http.StatusOK {
		return decodeError(status, body, method)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(body, out); err != nil {
		return &slackError{Status: status, Code: "malformed_answer", Method: method}
	}
	return nil
}

// decodeError returns the *slackError of an error answer.
func decodeError(status int, body []byte, method string) error {
	var env envelope
	_ = json.Unmarshal(body, &env) // a body that is not Slack's leaves the code empty
	code := env.Error
	if code == "" {
		code = http.StatusText(status)
	}
	return &slackError{Status: status, Code: shorten(clean(code), 64), Needed: shorten(clean(env.Needed), 200), Method: method}
}
