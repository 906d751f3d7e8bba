package entra

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/nhiscope/nhi"
)

// The Graph resources the connector reads, as named in progress events and messages.
const (
	resUsers       = "users"
	resSPs         = "servicePrincipals"
	resApps        = "applications"
	resGrants      = "oauth2PermissionGrants"
	resOwners      = "owners"
	resAssignments = "appRoleAssignments"
	resSPActivity  = "servicePrincipalSignInActivities"
	resKeyActivity = "appCredentialSignInActivities"
)

// Graph error codes the connector acts on.
const (
	codeDenied     = "Authorization_RequestDenied"
	codeNotFound   = "Request_ResourceNotFound"
	codeNonPremium = "Authentication_RequestFromNonPremiumTenantOrB2CTenant"
	codeSyncState  = "syncStateNotFound"
	codeResync     = "resyncRequired"
)

// Errors of malformed answers.
var (
	errPageLoop    = errors.New("page links repeat")
	errNullPage    = errors.New("page has no value")
	errForeignLink = errors.New("page link leaves the configured Graph URL")
	errRedirect    = errors.New("graph answered with a redirect")
	errBadObject   = errors.New("object lacks an id")
)

// graphError is an error answer of Graph: its status and the code and message of its
// error envelope, cleaned and shortened.
type graphError struct {
	Status  int
	Code    string
	Message string
}

// Error describes the answer.
func (e *graphError) Error() string {
	return fmt.Sprintf("graph answered %d %s: %s", e.Status, e.Code, e.Message)
}

// checkResponse returns nil for a 2xx answer and a *graphError for any other, whose body
// it reads (up to maxErrorBody) and closes.
func checkResponse(resp *http.Response) error {
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	var env struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	_ = json.Unmarshal(b, &env) // a body that is not Graph's envelope leaves the code empty
	return &graphError{Status: resp.StatusCode, Code: shorten(nhi.CleanText(env.Error.Code), 64),
		Message: shorten(nhi.CleanText(env.Error.Message), 200)}
}

// asGraph returns the *graphError in err's chain, or nil.
func asGraph(err error) *graphError {
	var ge *graphError
	if errors.As(err, &ge) {
		return ge
	}
	return nil
}

// isGone reports whether err is Graph's own answer that the object does not exist.
func isGone(err error) bool {
	ge := asGraph(err)
	return ge != nil && ge.Status == http.StatusNotFound && ge.Code == codeNotFound
}

// isExpiredDelta reports whether err says a delta link can no longer be used.
func isExpiredDelta(err error) bool {
	ge := asGraph(err)
	return ge != nil && (ge.Status == http.StatusGone || ge.Code == codeSyncState || ge.Code == codeResync)
}

// isNonPremium reports whether err says the tenant lacks the licence a report needs.
func isNonPremium(err error) bool {
	ge := asGraph(err)
	return ge != nil && ge.Status == http.StatusForbidden && ge.Code == codeNonPremium
}

// fatal reports whether err ends the whole scan: the scan was canceled, the Reporter
// failed, or the credentials are refused.
func fatal(err error) bool {
	var te *tokenError
	var re *reporterError
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || errors.As(err, &te) ||
		errors.As(err, &re) {
		return true
	}
	ge := asGraph(err)
	return ge != nil && ge.Status == http.StatusUnauthorized
}

// denied reports whether err is Graph refusing the app a permission it needs.
func denied(err error) bool {
	ge := asGraph(err)
	return ge != nil && ge.Status == http.StatusForbidden && ge.Code != codeNonPremium
}

// permissionOf returns the Graph permission reading a resource needs.
func permissionOf(resource string) string {
	switch resource {
	case resUsers:
		return PermissionUser
	case resGrants:
		return PermissionDirectory
	case resSPActivity, resKeyActivity:
		return PermissionAuditLog
	}
	return PermissionApplication
}

// mapError turns an error of reading resource into an *nhi.Error whose message tells an
// operator what to do. Messages name the app, never its secret.
func (c *Connector) mapError(err error, resource string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return nhi.WrapError(nhi.CodeCanceled, contextCause(err), "Microsoft Entra scan canceled")
	}
	var ne *nhi.Error
	var re *reporterError
	if errors.As(err, &ne) || errors.As(err, &re) {
		return err // mapped already, or the Reporter's own
	}
	var te *tokenError
	if errors.As(err, &te) {
		return c.tokenFailure(te)
	}
	if ge := asGraph(err); ge != nil {
		return c.graphFailure(ge, resource)
	}
	var se *json.SyntaxError
	var ue *json.UnmarshalTypeError
	switch {
	case errors.Is(err, errTooLarge):
		return nhi.WrapError(nhi.CodeUnavailable, err, fmt.Sprintf(
			"Microsoft Graph answered %s with a page larger than %d MiB, which nhi does not read", resource, maxBody>>20))
	case errors.As(err, &se) || errors.As(err, &ue) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, errPageLoop) ||
		errors.Is(err, errNullPage) || errors.Is(err, errForeignLink) || errors.Is(err, errRedirect) || errors.Is(err, errBadObject):
		return nhi.WrapError(nhi.CodeUnavailable, err, fmt.Sprintf("Microsoft Graph answered %s with a malformed page", resource))
	}
	return nhi.WrapError(nhi.CodeUnavailable, err, fmt.Sprintf("cannot reach Microsoft Graph at %s to read %s", c.cfg.GraphURL, resource))
}

// contextCause returns the context error in err's chain (dropping URLs and such).
func contextCause(err error) error {
	if errors.Is(err, context.DeadlineExceeded) {
		return context.DeadlineExceeded
	}
	return context.Canceled
}

// graphFailure maps an error answer of Graph.
func (c *Connector) graphFailure(ge *graphError, resource string) error {
	switch {
	case ge.Status == http.StatusUnauthorized:
		return nhi.WrapError(nhi.CodeUnauthorized, ge, fmt.Sprintf(
			"Microsoft Graph rejected the access token of %s: check that the app exists in that tenant", c.describe()))
	case ge.Status == http.StatusTooManyRequests:
		return nhi.WrapError(nhi.CodeRateLimited, ge, fmt.Sprintf(
			"Microsoft Graph kept throttling requests for %s; try again later", resource))
	case ge.Code == codeNonPremium:
		return nhi.WrapError(nhi.CodeForbidden, ge, fmt.Sprintf(
			"Microsoft Graph serves %s only to tenants with Microsoft Entra ID P1 or P2", resource))
	case ge.Status == http.StatusForbidden:
		return nhi.WrapError(nhi.CodeForbidden, ge, fmt.Sprintf(
			"%s may not read %s: grant it the Microsoft Graph application permission %s, with admin consent",
			c.describe(), resource, permissionOf(resource)))
	case ge.Status == http.StatusNotFound:
		return nhi.WrapError(nhi.CodeNotFound, ge, fmt.Sprintf("Microsoft Graph found no %s there (deleted meanwhile?)", resource))
	case isExpiredDelta(ge):
		return nhi.WrapError(nhi.CodeInvalid, ge, fmt.Sprintf("the delta link of %s has expired (run a full scan)", resource))
	case ge.Status == http.StatusBadRequest:
		return nhi.WrapError(nhi.CodeInvalid, ge, fmt.Sprintf("Microsoft Graph rejected the request for %s", resource))
	case ge.Status >= 500:
		return nhi.WrapError(nhi.CodeUnavailable, ge, fmt.Sprintf("Microsoft Graph failed to answer for %s; try again later", resource))
	}
	return nhi.WrapError(nhi.CodeInternal, ge, fmt.Sprintf("unexpected answer from Microsoft Graph for %s", resource))
}
