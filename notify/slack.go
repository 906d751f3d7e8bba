package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/nhiscope/nhi"
)

// SlackConfig configures a Slack incoming-webhook notifier.
type SlackConfig struct {
	// URL is the incoming webhook's URL (https://hooks.slack.com/services/...). Its path
	// is a secret: the notifier never logs it or puts it in an error.
	URL  string
	HTTP HTTPOptions
}

// Slack posts notices to a Slack incoming webhook as a message with a plain-text
// fallback ("text") and Block Kit blocks. Untrusted names are cleaned, escaped and set
// in code spans, so that they can neither mention (<!channel>), nor link, nor format.
type Slack struct {
	s *sender
}

var _ Notifier = (*Slack)(nil)

// NewSlack validates c and returns the notifier.
func NewSlack(c SlackConfig) (*Slack, error) {
	s, err := newSender("slack", c.URL, c.HTTP)
	if err != nil {
		return nil, nhi.WrapError(nhi.CodeInvalid, err, "invalid slack configuration")
	}
	return &Slack{s: s}, nil
}

// String names the notifier by its host, never the webhook's secret path.
func (s *Slack) String() string { return "slack webhook at " + s.s.url.Host }

// GoString is String, so that %#v does not print the webhook's path either.
func (s *Slack) GoString() string { return s.String() }

// Notify posts m and returns once Slack answered 200 "ok". Slack's error answers map to
// nhi codes: 400 (invalid_payload, ...) to CodeInvalid, 403 (action_prohibited,
// invalid_token, ...) to CodeForbidden, 404 and 410 (no_service, channel_not_found,
// channel_is_archived, ...) to CodeNotFound, 429 to CodeRateLimited once the waits
// allowed by HTTPOptions are spent, 5xx to CodeUnavailable after the retries.
func (s *Slack) Notify(ctx context.Context, m Message) error {
	if err := m.Validate(); err != nil {
		return err
	}
	body, err := json.Marshal(slackMessage(m))
	if err != nil {
		return fmt.Errorf("notify: slack: encode message: %w", err)
	}
	return s.s.post(ctx, body, func(http.Header) {}, s.judge)
}

// judge maps Slack's last answer to nil or an nhi error. The body is quoted only when it
// is one of Slack's error words, never as free text.
func (s *Slack) judge(a answer) error {
	reason := slackReason(a.body)
	if a.status == http.StatusOK && reason == "ok" {
		return nil
	}
	if a.status >= 200 && a.status < 300 {
		return nhi.Errorf(nhi.CodeUnavailable, "notify: slack: %s answered %d without \"ok\"", s.s.url.Host, a.status)
	}
	if a.status >= 300 && a.status < 400 {
		return nhi.Errorf(nhi.CodeInvalid, "notify: slack: %s redirected (%d); not followed", s.s.url.Host, a.status)
	}
	code, hint := slackError(reason)
	if code == "" {
		code = statusCode(a.status)
	}
	if reason == "" {
		return nhi.Errorf(code, "notify: slack: %s answered %d", s.s.url.Host, a.status)
	}
	if hint != "" {
		return nhi.Errorf(code, "notify: slack: %s (%d): %s", reason, a.status, hint)
	}
	return nhi.Errorf(code, "notify: slack: %s (%d)", reason, a.status)
}

// slackReason returns the answer body if it is one short error word ([a-z0-9_]), or "".
func slackReason(body []byte) string {
	b := bytes.TrimSpace(body)
	if len(b) == 0 || len(b) > 64 {
		return ""
	}
	for _, c := range b {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '_' {
			return ""
		}
	}
	return string(b)
}

// slackError returns the code and a hint for one of the error words Slack documents for
// incoming webhooks; "" for other words, which are then judged by their HTTP status.
func slackError(reason string) (nhi.Code, string) {
	switch reason {
	case "invalid_payload", "no_text", "missing_text_or_fallback_or_attachments", "invalid_blocks",
		"invalid_blocks_format", "too_many_attachments", "no_service_id", "user_not_found":
		return nhi.CodeInvalid, "Slack refused the message"
	case "action_prohibited", "posting_to_general_channel_denied":
		return nhi.CodeForbidden, "the workspace does not allow this webhook to post here"
	case "invalid_token":
		return nhi.CodeForbidden, "the webhook's token is no longer valid; create a new webhook"
	case "no_service", "no_team", "team_disabled":
		return nhi.CodeNotFound, "the webhook was removed or disabled; create a new webhook"
	case "channel_not_found", "channel_is_archived":
		return nhi.CodeNotFound, "the webhook's channel is gone or archived"
	case "rate_limited":
		return nhi.CodeRateLimited, "Slack is throttling this webhook"
	case "rollup_error":
		return nhi.CodeUnavailable, "Slack failed; try again later"
	}
	return "", ""
}
