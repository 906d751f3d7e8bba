package entra

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"golang.org/x/oauth2"

	"github.com/nhiscope/nhi"
)

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

// aadstsPattern matches the error number of an Entra token endpoint answer.
var aadstsPattern = regexp.MustCompile(`AADSTS[0-9]{4,8}`)

// tokenFailure maps a failure of the token endpoint. The cause keeps only the status, the
// OAuth error code and the AADSTS number: nothing the endpoint echoes.
func (c *Connector) tokenFailure(te *tokenError) error {
	if errors.Is(te.err, context.Canceled) || errors.Is(te.err, context.DeadlineExceeded) {
		return nhi.WrapError(nhi.CodeCanceled, contextCause(te.err), "Microsoft Entra scan canceled")
	}
	var re *oauth2.RetrieveError
	if !errors.As(te.err, &re) {
		return nhi.WrapError(nhi.CodeUnavailable, errors.New("token endpoint unreachable"), fmt.Sprintf(
			"cannot reach the token endpoint %s for %s", c.cfg.TokenURL, c.describe()))
	}
	status := 0
	if re.Response != nil {
		status = re.Response.StatusCode
	}
	code, desc := re.ErrorCode, re.ErrorDescription
	if code == "" {
		var body struct {
			Code string `json:"error"`
			Desc string `json:"error_description"`
		}
		if json.Unmarshal(re.Body, &body) == nil {
			code, desc = body.Code, body.Desc
		}
	}
	code = shorten(nhi.CleanText(code), 64)
	cause := fmt.Errorf("token endpoint answered %d %s %s", status, code, aadstsPattern.FindString(desc))
	if status >= 500 || status == http.StatusTooManyRequests {
		return nhi.WrapError(nhi.CodeUnavailable, cause, fmt.Sprintf(
			"the Microsoft Entra token endpoint failed for %s; try again later", c.describe()))
	}
	return nhi.WrapError(nhi.CodeUnauthorized, cause, fmt.Sprintf(
		"Microsoft Entra refused an access token to %s (%s): check the tenant ID, the client ID and that the "+
			"client secret is current, and that the app has the application permissions %s with admin consent",
		c.describe(), code, strings.Join(Permissions(), ", ")))
}
