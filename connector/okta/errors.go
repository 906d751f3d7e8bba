package okta

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector/internal/answers"
)

// Errors of malformed answers.
var (
	errRedirect    = errors.New("okta answered with a redirect")
	errForeignLink = errors.New("page link leaves the org URL")
	errPageLoop    = errors.New("page links repeat")
)

// apiError is an error answer of the Okta API: its status and errorCode and errorSummary,
// cleaned and shortened.
type apiError struct {
	Status        int
	Code, Summary string
}

// Error describes the answer.
func (e *apiError) Error() string {
	return fmt.Sprintf("okta answered %d %s: %s", e.Status, e.Code, e.Summary)
}

// checkResponse returns nil for a 2xx answer and an *apiError for any other, whose body it
// reads (up to answers.MaxErrorBody) and closes.
func checkResponse(resp *http.Response) error {
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, answers.MaxErrorBody))
	var env struct {
		ErrorCode    string `json:"errorCode"`
		ErrorSummary string `json:"errorSummary"`
	}
	_ = json.Unmarshal(b, &env) // a body that is not Okta's envelope leaves the code empty
	return &apiError{Status: resp.StatusCode, Code: shorten(nhi.CleanText(env.ErrorCode), 16),
		Summary: shorten(nhi.CleanText(env.ErrorSummary), 200)}
}

// asAPI returns the *apiError in err's chain, or nil.
func asAPI(err error) *apiError {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae
	}
	return nil
}

// isNotFound reports whether err is Okta's answer that the resource does not exist.
func isNotFound(err error) bool {
	ae := asAPI(err)
	return ae != nil && ae.Status == http.StatusNotFound
}

// fatal reports whether err ends the whole scan: the scan was canceled, the Reporter
// failed, or the credentials are refused.
func fatal(err error) bool {
	var te *tokenError
	var re *reporterError
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || errors.As(err, &te) || errors.As(err, &re) {
		return true
	}
	ae := asAPI(err)
	return ae != nil && ae.Status == http.StatusUnauthorized
}

// mapError turns an error of reading or changing resource into an *nhi.Error whose
// message tells an operator what to do. Messages name the credentials, never the secret.
func (c *Connector) mapError(err error, resource string) error {
	var ne *nhi.Error
	var re *reporterError
	var te *tokenError
	switch {
	case err == nil:
		return nil
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		return nhi.WrapError(nhi.CodeCanceled, err, "Okta request canceled")
	case errors.As(err, &ne) || errors.As(err, &re):
		return err
	case errors.As(err, &te):
		if te.Code == "invalid_scope" {
			return nhi.WrapError(nhi.CodeForbidden, te, fmt.Sprintf("Okta refused the scopes %v to %s: grant them to the app", c.cfg.Scopes, c.describe()))
		}
		return nhi.WrapError(nhi.CodeUnauthorized, te, fmt.Sprintf("Okta refused the client assertion of %s: check the client ID and that its public key is registered", c.describe()))
	}
	ae := asAPI(err)
	if ae == nil {
		return nhi.WrapError(nhi.CodeUnavailable, err, fmt.Sprintf("cannot reach Okta at %s to read %s", c.cfg.OrgURL, resource))
	}
	switch {
	case ae.Status == http.StatusUnauthorized:
		return nhi.WrapError(nhi.CodeUnauthorized, ae, fmt.Sprintf("Okta refused %s (%s): the token is invalid, expired or revoked, or its creator deactivated", c.describe(), ae.Code))
	case ae.Status == http.StatusForbidden:
		return nhi.WrapError(nhi.CodeForbidden, ae, fmt.Sprintf("%s may not access %s: grant the scope it needs (%s) or a sufficient admin role", c.describe(), resource, ae.Code))
	case ae.Status == http.StatusNotFound:
		return nhi.WrapError(nhi.CodeNotFound, ae, fmt.Sprintf("Okta has no %s", resource))
	case ae.Status == http.StatusTooManyRequests:
		return nhi.WrapError(nhi.CodeRateLimited, ae, fmt.Sprintf("Okta kept rate-limiting requests for %s (E0000047)", resource))
	case ae.Status >= 500:
		return nhi.WrapError(nhi.CodeUnavailable, ae, fmt.Sprintf("Okta failed to serve %s (%d)", resource, ae.Status))
	}
	return nhi.WrapError(nhi.CodeUnavailable, ae, fmt.Sprintf("Okta refused the request for %s (%d %s)", resource, ae.Status, ae.Code))
}
