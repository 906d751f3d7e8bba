package googleworkspace

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"golang.org/x/oauth2"
	"google.golang.org/api/googleapi"

	"github.com/nhiscope/nhi"
)

// The API resources the connector reads, as named in progress events and messages.
const (
	resUsers      = "users"
	resTokens     = "tokens"
	resActivities = "activities"
)

// scopeOf returns the OAuth scope reading a resource needs.
func scopeOf(resource string) string {
	switch resource {
	case resUsers:
		return ScopeUserReadonly
	case resTokens:
		return ScopeUserSecurity
	}
	return ScopeAuditReadonly
}

// tokenError marks a failure to obtain an access token from the token endpoint.
type tokenError struct{ err error }

// Error describes the failure.
func (e *tokenError) Error() string { return "obtain access token: " + e.err.Error() }

// Unwrap returns the cause.
func (e *tokenError) Unwrap() error { return e.err }

// tokenSource tags the errors of a token source as tokenErrors.
type tokenSource struct{ src oauth2.TokenSource }

// Token returns a token from the underlying source.
func (s tokenSource) Token() (*oauth2.Token, error) {
	t, err := s.src.Token()
	if err != nil {
		return nil, &tokenError{err: err}
	}
	return t, nil
}

// mapError turns an error of reading resource into an *nhi.Error whose message tells an
// operator what to do. Messages and causes name the credentials but hold no secret:
// token endpoint answers are reduced to their status and error code.
func (c *Connector) mapError(err error, resource string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return nhi.WrapError(nhi.CodeCanceled, contextCause(err), "Google Workspace scan canceled")
	}
	var te *tokenError
	if errors.As(err, &te) {
		return c.tokenFailure(te)
	}
	var ge *googleapi.Error
	if errors.As(err, &ge) {
		return c.apiFailure(ge, resource)
	}
	if errors.Is(err, errTooLarge) {
		return nhi.WrapError(nhi.CodeUnavailable, err, fmt.Sprintf(
			"Google answered %s with a page larger than %d MiB, which nhi does not read", resource, maxBody>>20))
	}
	var se *json.SyntaxError
	var ue *json.UnmarshalTypeError
	if errors.As(err, &se) || errors.As(err, &ue) || errors.Is(err, errPageLoop) || errors.Is(err, errNullPage) ||
		errors.Is(err, errJSON) {
		return nhi.WrapError(nhi.CodeUnavailable, err, fmt.Sprintf("Google answered %s with a malformed page", resource))
	}
	return nhi.WrapError(nhi.CodeUnavailable, err, fmt.Sprintf("cannot reach Google's Admin SDK at %s to read %s", c.cfg.BaseURL, resource))
}

// contextCause returns the context error in err's chain (dropping URLs and such).
func contextCause(err error) error {
	if errors.Is(err, context.DeadlineExceeded) {
		return context.DeadlineExceeded
	}
	return context.Canceled
}

// tokenFailure maps a failure of the token endpoint.
func (c *Connector) tokenFailure(te *tokenError) error {
	var re *oauth2.RetrieveError
	if !errors.As(te.err, &re) {
		return nhi.WrapError(nhi.CodeUnavailable, te.err, fmt.Sprintf(
			"cannot reach the OAuth token endpoint %s for %s", c.jwt.TokenURL, c.describe()))
	}
	status := 0
	if re.Response != nil {
		status = re.Response.StatusCode
	}
	code, desc := oauthError(re)
	cause := fmt.Errorf("token endpoint answered %d %s %q", status, orUnknown(code), desc)
	if status >= 500 {
		return nhi.WrapError(nhi.CodeUnavailable, cause, fmt.Sprintf(
			"Google's OAuth token endpoint failed for %s; try again later", c.describe()))
	}
	return nhi.WrapError(nhi.CodeUnauthorized, cause, fmt.Sprintf(
		"Google refused an access token to %s: check that the key is active and belongs to that service account, "+
			"that domain-wide delegation is set up for client ID %s with the scopes %s, "+
			"and that %s is an active admin of the domain",
		c.describe(), orUnknown(c.key.ClientID), strings.Join(Scopes(), ","), c.cfg.AdminEmail))
}

// oauthError returns the RFC 6749 error code and description of a token endpoint answer,
// cleaned and shortened. Google's answers hold nothing secret; the rest of the body is
// ignored all the same.
func oauthError(re *oauth2.RetrieveError) (code, desc string) {
	code, desc = re.ErrorCode, re.ErrorDescription
	if code == "" {
		var body struct {
			Code string `json:"error"`
			Desc string `json:"error_description"`
		}
		if json.Unmarshal(re.Body, &body) == nil {
			code, desc = body.Code, body.Desc
		}
	}
	return shorten(nhi.CleanText(code), 64), shorten(nhi.CleanText(desc), 200)
}

// apiFailure maps an error answer of the Admin SDK.
func (c *Connector) apiFailure(ge *googleapi.Error, resource string) error {
	cause := fmt.Errorf("admin sdk answered %d %s", ge.Code, reasonOf(ge))
	switch {
	case ge.Code == http.StatusUnauthorized:
		return nhi.WrapError(nhi.CodeUnauthorized, cause, fmt.Sprintf(
			"Google rejected the access token of %s: check domain-wide delegation and that the admin is active", c.describe()))
	case isRateLimit(ge.Code, reasonOf(ge)):
		return nhi.WrapError(nhi.CodeRateLimited, cause, fmt.Sprintf(
			"Google kept throttling requests for %s; try again later or raise the Admin SDK quota", resource))
	case ge.Code == http.StatusForbidden && missingScope(ge):
		return nhi.WrapError(nhi.CodeForbidden, cause, fmt.Sprintf(
			"the access token of %s lacks the scope %s needed to read %s: add it to the domain-wide delegation of client ID %s",
			c.describe(), scopeOf(resource), resource, orUnknown(c.key.ClientID)))
	case ge.Code == http.StatusForbidden:
		return nhi.WrapError(nhi.CodeForbidden, cause, fmt.Sprintf(
			"%s may not read %s: give the admin the privileges to read users, manage user security and read reports", c.cfg.AdminEmail, resource))
	case ge.Code == http.StatusNotFound:
		return nhi.WrapError(nhi.CodeNotFound, cause, fmt.Sprintf("Google found no %s there (deleted meanwhile?)", resource))
	case ge.Code == http.StatusBadRequest:
		return nhi.WrapError(nhi.CodeInvalid, cause, fmt.Sprintf("Google rejected the request for %s (check the customer ID)", resource))
	case ge.Code >= 500:
		return nhi.WrapError(nhi.CodeUnavailable, cause, fmt.Sprintf("Google's Admin SDK failed to answer for %s; try again later", resource))
	}
	return nhi.WrapError(nhi.CodeInternal, cause, fmt.Sprintf("unexpected answer from Google for %s", resource))
}

// reasonOf returns the first errors[].reason of a Google error, cleaned and short.
func reasonOf(ge *googleapi.Error) string {
	for _, it := range ge.Errors {
		if r := nhi.CleanText(it.Reason); r != "" {
			return shorten(r, 64)
		}
	}
	return ""
}

// missingScope reports whether a 403 says the token lacks a scope.
func missingScope(ge *googleapi.Error) bool {
	return reasonOf(ge) == "insufficientPermissions" ||
		strings.Contains(ge.Body, "ACCESS_TOKEN_SCOPE_INSUFFICIENT") ||
		strings.Contains(ge.Message, "insufficient authentication scopes")
}

// isRateLimit reports whether an answer means "slow down": 429, or 403 with one of
// Google's rate-limit reasons.
func isRateLimit(status int, reason string) bool {
	if status == http.StatusTooManyRequests {
		return true
	}
	if status != http.StatusForbidden {
		return false
	}
	switch reason {
	case "userRateLimitExceeded", "rateLimitExceeded", "quotaExceeded":
		return true
	}
	return false
}

// fatal reports whether err, as the Google client returned it for one user's tokens, ends
// the whole scan: the credentials or scopes are wrong, or the scan was canceled. Anything
// else concerns that user only.
func fatal(err error) bool {
	var te *tokenError
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || errors.As(err, &te) {
		return true
	}
	var ge *googleapi.Error
	return errors.As(err, &ge) && (ge.Code == http.StatusUnauthorized || ge.Code == http.StatusForbidden && missingScope(ge))
}

// shorten cuts s to at most n bytes at a rune boundary.
func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !isRuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// isRuneStart reports whether b starts a UTF-8 sequence.
func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }
