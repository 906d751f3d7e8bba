package slack

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector/internal/answers"
)

// errRedirect refuses redirects: Slack sends none, and following one could carry the
// token to another host.
var errRedirect = errors.New("slack answered with a redirect")

// slackError is an error answer of Slack: its HTTP status, its error code, the scope a
// missing_scope answer names, and the method called. Text is cleaned and shortened.
type slackError struct {
	Status       int
	Code, Needed string
	Method       string
}

// Error describes the answer.
func (e *slackError) Error() string {
	return fmt.Sprintf("slack %s answered %d %s", e.Method, e.Status, e.Code)
}

// clean makes platform text safe to show.
func clean(s string) string { return nhi.CleanText(s) }

// asSlack returns the *slackError in err's chain, or nil.
func asSlack(err error) *slackError {
	var se *slackError
	if errors.As(err, &se) {
		return se
	}
	return nil
}

// hasCode reports whether err is Slack's answer with one of codes.
func hasCode(err error, codes ...string) bool {
	se := asSlack(err)
	if se == nil {
		return false
	}
	for _, c := range codes {
		if se.Code == c {
			return true
		}
	}
	return false
}

// fatal reports whether err ends the whole scan: the scan was canceled, the Reporter
// failed, or the token is refused.
func fatal(err error) bool {
	var re *reporterError
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || errors.As(err, &re) ||
		hasCode(err, authCodes()...)
}

// authCodes are the errors of a token Slack does not accept.
func authCodes() []string {
	return []string{"not_authed", "invalid_auth", "account_inactive", "token_revoked", "token_expired"}
}

// denied reports whether err is Slack refusing the token a method (a scope, or a plan
// without Enterprise Grid).
func denied(err error) bool {
	return hasCode(err, "missing_scope", "not_allowed_token_type", "feature_not_enabled", "no_permission",
		"not_an_enterprise", "not_an_admin")
}

// mapError turns an error of reading or changing resource into an *nhi.Error whose
// message tells an operator what to do. Messages never hold the token.
func (c *Connector) mapError(err error, resource string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return nhi.WrapError(nhi.CodeCanceled, context.Canceled, "Slack scan canceled")
	}
	var ne *nhi.Error
	var re *reporterError
	if errors.As(err, &ne) || errors.As(err, &re) {
		return err
	}
	se := asSlack(err)
	switch {
	case se == nil && errors.Is(err, answers.ErrTooLarge):
		return nhi.WrapError(nhi.CodeUnavailable, err, fmt.Sprintf("Slack answered %s with an answer over the size cap", resource))
	case se == nil:
		return nhi.WrapError(nhi.CodeUnavailable, err, fmt.Sprintf("cannot reach Slack at %s to read %s", c.cfg.APIURL, resource))
	case hasCode(se, authCodes()...):
		return nhi.WrapError(nhi.CodeUnauthorized, se, fmt.Sprintf(
			"Slack rejected the token of %s (%s): check that it is a valid org-level user token and not revoked", c.cfg.tenant(), se.Code))
	case se.Code == "ratelimited" || se.Status == http.StatusTooManyRequests:
		return nhi.WrapError(nhi.CodeRateLimited, se, fmt.Sprintf("Slack kept throttling %s; try again later", resource))
	case se.Code == "missing_scope":
		return nhi.WrapError(nhi.CodeForbidden, se, fmt.Sprintf("the token may not call %s: it lacks scope %s", se.Method, se.Needed))
	case denied(se):
		return nhi.WrapError(nhi.CodeForbidden, se, fmt.Sprintf(
			"Slack refused %s (%s): it needs an org-level token of an Enterprise Grid org owner", se.Method, se.Code))
	case se.Status >= 500 || se.Code == "internal_error" || se.Code == "fatal_error" || se.Code == "service_unavailable":
		return nhi.WrapError(nhi.CodeUnavailable, se, fmt.Sprintf("Slack failed to answer %s; try again later", resource))
	case se.Code == "app_not_found" || se.Code == "bot_not_found" || se.Code == "team_not_found":
		return nhi.WrapError(nhi.CodeNotFound, se, fmt.Sprintf("Slack found no %s (%s)", resource, se.Code))
	case se.Code == "malformed_answer":
		return nhi.WrapError(nhi.CodeUnavailable, se, fmt.Sprintf("Slack answered %s with a malformed answer", resource))
	}
	return nhi.WrapError(nhi.CodeInvalid, se, fmt.Sprintf("Slack refused %s: %s", se.Method, se.Code))
}

// reporterError wraps an error of the Reporter, which ends the scan as it is.
type reporterError struct{ err error }

// Error returns the Reporter's message.
func (e *reporterError) Error() string { return e.err.Error() }

// Unwrap returns the Reporter's error.
func (e *reporterError) Unwrap() error { return e.err }
