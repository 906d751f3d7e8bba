package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	slackgo "github.com/slack-go/slack"

	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/connector/internal/answers"
)

// sdkReads are the Web API methods the connector calls through slack-go. They only
// read, so the transport sends them as GET, as every read of discovery goes.
var sdkReads = map[string]bool{
	"auth.teams.list":            true,
	"users.list":                 true,
	"bots.info":                  true,
	"admin.apps.approved.list":   true,
	"admin.apps.restricted.list": true,
	"admin.apps.requests.list":   true,
}

// api returns a slack-go client whose requests go through the connector's transport,
// which reports each request to progress (nil for none).
func (c *Connector) api(progress func(connector.Progress)) *slackgo.Client {
	return slackgo.New(c.token, slackgo.OptionAPIURL(c.cfg.APIURL),
		slackgo.OptionHTTPClient(&transport{c: c, progress: progress}))
}

// transport is the HTTP client slack-go calls. It makes each request as the plain calls
// do (token in the Authorization header, throttled answers waited out after
// Retry-After, server errors retried, redirects refused, answers capped) and hands
// slack-go only answers it reads as Slack means them.
type transport struct {
	c        *Connector
	progress func(connector.Progress)
}

// transportError carries an error of the transport through slack-go unchanged, so that
// sdkError tells it from slack-go's own.
type transportError struct{ err error }

// Error returns the transport's message.
func (e *transportError) Error() string { return e.err.Error() }

// Unwrap returns the transport's error.
func (e *transportError) Unwrap() error { return e.err }

// Do makes the request slack-go built and returns the final answer, buffered.
func (t *transport) Do(req *http.Request) (*http.Response, error) {
	r, err := t.c.sdkRequest(req)
	if err != nil {
		return nil, &transportError{err}
	}
	status, header, body, err := t.c.exchange(req.Context(), r, t.progress)
	if err == nil {
		err = screen(status, body, r.method)
	}
	if err != nil {
		return nil, &transportError{err}
	}
	return &http.Response{Status: fmt.Sprintf("%d %s", status, http.StatusText(status)), StatusCode: status,
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, Header: header, Body: io.NopCloser(bytes.NewReader(body)),
		ContentLength: int64(len(body)), Request: req}, nil
}

// sdkRequest turns a request of slack-go (a form POST to APIURL + method, with the token
// in the form) into the connector's: the token leaves the form (send puts it in the
// Authorization header), empty parameters are dropped, and the methods of sdkReads are
// sent as GET.
func (c *Connector) sdkRequest(req *http.Request) (request, error) {
	u := *req.URL
	u.RawQuery = ""
	method, ok := strings.CutPrefix(u.String(), c.cfg.APIURL)
	if !ok || method == "" || strings.Contains(method, "/") {
		return request{}, fmt.Errorf("slack-go called %s, outside the Web API base", shorten(clean(u.Path), 200))
	}
	params := req.URL.Query()
	if req.Body != nil {
		b, err := io.ReadAll(io.LimitReader(req.Body, answers.MaxBody+1))
		_ = req.Body.Close()
		if err != nil || len(b) > answers.MaxBody {
			return request{}, fmt.Errorf("slack-go sent an unreadable form to %s", method)
		}
		form, err := url.ParseQuery(string(b))
		if err != nil {
			return request{}, fmt.Errorf("slack-go sent a malformed form to %s", method)
		}
		for k, v := range form {
			params[k] = append(params[k], v...)
		}
	}
	params.Del("token")
	for k, v := range params {
		if len(v) == 1 && v[0] == "" {
			params.Del(k)
		}
	}
	return request{post: !sdkReads[method], method: method, params: params}, nil
}

// screen returns the error of an answer slack-go would misread, as the plain calls see
// it: any status but 200 (slack-go keeps the status, not Slack's error code), a body that
// is not a Slack envelope, and {"ok":false} without a code (slack-go takes it for
// success). Slack's error answers pass: slack-go returns them as SlackErrorResponse.
func screen(status int, body []byte, method string) error {
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil {
		return &slackError{Status: status, Code: "malformed_answer", Method: method}
	}
	if status != http.StatusOK || (!env.OK && strings.TrimSpace(env.Error) == "") {
		return decodeError(status, body, method)
	}
	return nil
}

// sdkError turns an error of a slack-go call of method into the error the plain calls
// return, which mapError knows: the transport's own as it is, Slack's error answer
// (SlackErrorResponse) and throttling (RateLimitedError) as a *slackError, and a failure
// to decode an answer as a malformed answer.
func sdkError(err error, method string) error {
	var (
		te *transportError
		se slackgo.SlackErrorResponse
		rl *slackgo.RateLimitedError
		sc slackgo.StatusCodeError
	)
	switch {
	case err == nil:
		return nil
	case errors.As(err, &te):
		return te.err
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		return err
	case errors.As(err, &se):
		return &slackError{Status: http.StatusOK, Code: shorten(clean(se.Err), 64), Needed: shorten(clean(se.Needed), 200),
			Method: method}
	case errors.As(err, &rl):
		return &slackError{Status: http.StatusTooManyRequests, Code: "ratelimited", Method: method}
	case errors.As(err, &sc):
		return &slackError{Status: sc.Code, Code: http.StatusText(sc.Code), Method: method}
	}
	return &slackError{Status: http.StatusOK, Code: "malformed_answer", Method: method}
}
