package salesforce

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector/internal/answers"
)

// Salesforce error codes the connector acts on.
const (
	codeSession      = "INVALID_SESSION_ID"
	codeLimit        = "REQUEST_LIMIT_EXCEEDED"
	codeInsufficient = "INSUFFICIENT_ACCESS"
	codeNotFound     = "NOT_FOUND"
	codeEntityDelete = "ENTITY_IS_DELETED"
)

// Errors of malformed or unexpected answers.
var (
	errRedirect    = errors.New("salesforce answered with a redirect")
	errPageLoop    = errors.New("query pages repeat")
	errForeignLink = errors.New("nextRecordsUrl leaves the query resource")
	errBudget      = errors.New("daily API request reserve reached")
	errNoIdentity  = errors.New("token answer lacks a usable identity URL")
)

// apiError is an error answer of the REST or Metadata API: its status and the first
// error of its body, cleaned and shortened.
type apiError struct {
	Status  int
	Code    string
	Message string
}

// Error describes the answer.
func (e *apiError) Error() string {
	return fmt.Sprintf("salesforce answered %d %s: %s", e.Status, e.Code, e.Message)
}

// restErrors is the body of a REST error answer: a JSON array of errors.
type restErrors []struct {
	Message   string   `json:"message"`
	ErrorCode string   `json:"errorCode"`
	Fields    []string `json:"fields"`
}

// oauthErrorBody is the body of an OAuth endpoint's error answer.
type oauthErrorBody struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

// parseError reads an error body of any of Salesforce's shapes (a REST error array, an
// OAuth error object, a SOAP fault) into an *apiError with status.
func parseError(status int, b []byte) *apiError {
	e := &apiError{Status: status}
	var arr restErrors
	var oe oauthErrorBody
	var fault soapFaultEnvelope
	trimmed := strings.TrimSpace(string(b))
	switch {
	case strings.HasPrefix(trimmed, "[") && json.Unmarshal(b, &arr) == nil && len(arr) > 0:
		e.Code, e.Message = arr[0].ErrorCode, arr[0].Message
	case strings.HasPrefix(trimmed, "{") && json.Unmarshal(b, &oe) == nil:
		e.Code, e.Message = oe.Error, oe.Description
	case strings.HasPrefix(trimmed, "<") && xml.Unmarshal(b, &fault) == nil && fault.Body.Fault.Code != "":
		e.Code, e.Message = fault.Body.Fault.Code, fault.Body.Fault.String
		if _, after, ok := strings.Cut(e.Code, ":"); ok {
			e.Code = after // "sf:INVALID_SESSION_ID"
		}
	}
	e.Code, e.Message = clip(e.Code, 64), clip(e.Message, 300)
	return e
}

// checkResponse returns nil for a 2xx answer and an *apiError for any other, whose body
// it reads (up to answers.MaxErrorBody) and closes.
func checkResponse(resp *http.Response) error {
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, answers.MaxErrorBody))
	return parseError(resp.StatusCode, b)
}

// asAPI returns the *apiError in err's chain, or nil.
func asAPI(err error) *apiError {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae
	}
	return nil
}

// isCode reports whether err is an answer with the given error code.
func isCode(err error, code string) bool {
	ae := asAPI(err)
	return ae != nil && ae.Code == code
}

// isInsufficient reports whether err is Salesforce refusing a permission
// (INSUFFICIENT_ACCESS, INSUFFICIENT_ACCESS_OR_READONLY, ...).
func isInsufficient(err error) bool {
	ae := asAPI(err)
	return ae != nil && (strings.HasPrefix(ae.Code, codeInsufficient) ||
		(ae.Status == http.StatusForbidden && ae.Code != codeLimit))
}

// fatal reports whether err ends the whole scan: the scan was canceled, the Reporter
// failed, the credentials are refused or the daily API budget is spent.
func fatal(err error) bool {
	var te *tokenError
	var re *reporterError
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || errors.As(err, &te) ||
		errors.As(err, &re) || errors.Is(err, errBudget) {
		return true
	}
	ae := asAPI(err)
	return ae != nil && (ae.Status == http.StatusUnauthorized || ae.Code == codeSession || ae.Code == codeLimit)
}

// mapError turns an error of reading or changing what into an *nhi.Error whose message
// tells an operator what to do. Messages name the integration user, never a secret.
func (c *Connector) mapError(err error, what string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return nhi.WrapError(nhi.CodeCanceled, contextCause(err), "Salesforce request canceled")
	}
	var ne *nhi.Error
	var re *reporterError
	var te *tokenError
	switch {
	case errors.As(err, &ne) || errors.As(err, &re):
		return err // mapped already, or the Reporter's own
	case errors.As(err, &te):
		return c.tokenFailure(te)
	case errors.Is(err, errBudget):
		return nhi.WrapError(nhi.CodeRateLimited, err, fmt.Sprintf(
			"stopped before reading %s: the org's daily API limit is down to its reserve of %d%% "+
				"(api_reserve_percent); try again after the 24-hour window frees requests", what, c.cfg.APIReservePercent))
	}
	if ae := asAPI(err); ae != nil {
		return c.apiFailure(ae, what)
	}
	var se *json.SyntaxError
	var ue *json.UnmarshalTypeError
	var xe *xml.SyntaxError
	switch {
	case errors.Is(err, answers.ErrTooLarge):
		return nhi.WrapError(nhi.CodeUnavailable, err, fmt.Sprintf("Salesforce answered %s with more than %d MiB", what, answers.MaxBody>>20))
	case errors.As(err, &se) || errors.As(err, &ue) || errors.As(err, &xe) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, errPageLoop) || errors.Is(err, errForeignLink) || errors.Is(err, errRedirect):
		return nhi.WrapError(nhi.CodeUnavailable, err, fmt.Sprintf("Salesforce answered %s with a malformed answer", what))
	}
	return nhi.WrapError(nhi.CodeUnavailable, err, fmt.Sprintf("cannot reach Salesforce to read %s", what))
}

// contextCause returns the context error in err's chain (dropping URLs and such).
func contextCause(err error) error {
	if errors.Is(err, context.DeadlineExceeded) {
		return context.DeadlineExceeded
	}
	return context.Canceled
}

// apiFailure maps an error answer of the REST or Metadata API.
func (c *Connector) apiFailure(ae *apiError, what string) error {
	switch {
	case ae.Code == codeLimit:
		return nhi.WrapError(nhi.CodeRateLimited, ae, fmt.Sprintf(
			"Salesforce refused %s: the org's daily API limit is exhausted (REQUEST_LIMIT_EXCEEDED); "+
				"nhi does not retry, try again once the rolling 24-hour window frees requests", what))
	case ae.Status == http.StatusUnauthorized || ae.Code == codeSession:
		return nhi.WrapError(nhi.CodeUnauthorized, ae, fmt.Sprintf(
			"Salesforce rejected the session of %s even after signing in again: check that the user is active and not frozen", c.describe()))
	case isInsufficient(ae):
		return nhi.WrapError(nhi.CodeForbidden, ae, fmt.Sprintf(
			"%s may not access %s: give it a permission set with %s", c.describe(), what, permissionFor(what)))
	case ae.Status == http.StatusNotFound || ae.Code == codeNotFound || ae.Code == codeEntityDelete:
		return nhi.WrapError(nhi.CodeNotFound, ae, fmt.Sprintf("Salesforce found no %s (deleted meanwhile?)", what))
	case ae.Status == http.StatusTooManyRequests || ae.Status == http.StatusServiceUnavailable:
		return nhi.WrapError(nhi.CodeRateLimited, ae, fmt.Sprintf("Salesforce kept throttling requests for %s; try again later", what))
	case ae.Status == http.StatusBadRequest:
		return nhi.WrapError(nhi.CodeInvalid, ae, fmt.Sprintf("Salesforce rejected the request for %s (%s)", what, ae.Code))
	case ae.Status >= 500:
		return nhi.WrapError(nhi.CodeUnavailable, ae, fmt.Sprintf("Salesforce failed to answer for %s; try again later", what))
	}
	return nhi.WrapError(nhi.CodeInternal, ae, fmt.Sprintf("unexpected answer from Salesforce for %s", what))
}

// permissionFor names the permission reading or changing what needs.
func permissionFor(what string) string {
	switch {
	case strings.Contains(what, "event log"):
		return "View Event Log Files"
	case strings.Contains(what, "OAuth token") && strings.Contains(what, "revok"):
		return "Customize Application and Manage Users (to revoke other users' OAuth tokens)"
	case strings.Contains(what, "OAuth token"):
		return "Customize Application (to see every user's OAuth tokens)"
	case strings.Contains(what, "freez") || strings.Contains(what, "deactivat"):
		return "Manage Users"
	case strings.Contains(what, "connected app") || strings.Contains(what, "metadata"):
		return "View Setup and Configuration and Customize Application (Metadata API)"
	}
	return "API Enabled and View Setup and Configuration"
}
