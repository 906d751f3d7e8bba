package github

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	gh "github.com/google/go-github/v89/github"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector/internal/answers"
)

// The GitHub resources the connector reads, as named in progress events and messages.
const (
	resMembers      = "members"
	resSAML         = "graphql"
	resInstallation = "installation"
	resTokens       = "access_tokens"
	resInstalls     = "installations"
	resPATs         = "personal-access-tokens"
	resPATRequests  = "personal-access-token-requests"
	resCredentials  = "credential-authorizations"
	resRepos        = "repos"
	resKeys         = "keys"
	resHooks        = "hooks"
	resSecrets      = "secrets"
	resAudit        = "audit-log"
)

// resources lists the resource names resourceOf recognizes.
var resources = []string{resMembers, resSAML, resInstallation, resTokens, resInstalls, resPATs, resPATRequests,
	resCredentials, resKeys, resHooks, resSecrets, resAudit, resRepos}

// resourceOf names the resource a REST path reads: its last segment that names one.
func resourceOf(path string) string {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	for i := len(segs) - 1; i >= 0; i-- {
		for _, r := range resources {
			if segs[i] == r {
				return r
			}
		}
	}
	return "api"
}

// permissionOf returns what reading a resource needs, for an operator.
func permissionOf(resource string) string {
	switch resource {
	case resMembers, resSAML:
		return "the GitHub App organization permission Members: read"
	case resInstalls:
		return "the GitHub App organization permission Administration: read"
	case resPATs:
		return "the GitHub App organization permission Personal access tokens: read (write to revoke)"
	case resPATRequests:
		return "the GitHub App organization permission Personal access token requests: read (write to deny)"
	case resKeys:
		return "the GitHub App repository permission Administration: read (write to delete deploy keys)"
	case resHooks:
		return "the GitHub App organization permission Webhooks: read (write to disable)"
	case resSecrets:
		return "the GitHub App organization permission Secrets and repository permission Secrets: read"
	case resRepos:
		return "the GitHub App repository permission Metadata: read, on all repositories"
	case resCredentials:
		return "an organization owner's classic token with scope admin:org (or read:org to list), authorized for SAML SSO"
	case resAudit:
		return "an organization owner's classic token with scope read:audit_log"
	}
	return "the GitHub App permissions listed in the connector's documentation"
}

// Errors of malformed answers.
var (
	errPageLoop = errors.New("page links repeat")
	errBadItem  = errors.New("item lacks an id")
)

// apiError is an error answer of GitHub: its status and message, cleaned and shortened,
// and whether it was a rate limit.
type apiError struct {
	Status    int
	Message   string
	RateLimit bool
}

// Error describes the answer.
func (e *apiError) Error() string { return fmt.Sprintf("github answered %d: %s", e.Status, e.Message) }

// asAPI returns the error answer in err's chain as an *apiError, or nil.
func asAPI(err error) *apiError {
	var ae *apiError
	var er *gh.ErrorResponse
	var rl *gh.RateLimitError
	var ab *gh.AbuseRateLimitError
	switch {
	case errors.As(err, &ae):
		return ae
	case errors.As(err, &rl):
		return &apiError{Status: statusOf(rl.Response, http.StatusForbidden), Message: clean(rl.Message), RateLimit: true}
	case errors.As(err, &ab):
		return &apiError{Status: statusOf(ab.Response, http.StatusForbidden), Message: clean(ab.Message), RateLimit: true}
	case errors.As(err, &er):
		st := statusOf(er.Response, 0)
		limited := st == http.StatusTooManyRequests || er.Response != nil && er.Response.Header.Get("Retry-After") != ""
		return &apiError{Status: st, Message: clean(er.Message), RateLimit: limited}
	}
	return nil
}

// statusOf returns the status of resp, or def without one.
func statusOf(resp *http.Response, def int) int {
	if resp == nil {
		return def
	}
	return resp.StatusCode
}

// clean makes a server's message safe to keep.
func clean(s string) string { return shorten(nhi.CleanText(s), 200) }

// isStatus reports whether err is an error answer with status code.
func isStatus(err error, code int) bool {
	ae := asAPI(err)
	return ae != nil && ae.Status == code
}

// fatal reports whether err ends the whole scan: the scan was canceled, the Reporter
// failed, or GitHub refused the app's credentials.
func fatal(err error) bool {
	var ae *authError
	var re *reporterError
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ae) ||
		errors.As(err, &re) {
		return true
	}
	return isStatus(err, http.StatusUnauthorized)
}

// mapError turns an error of reading resource into an *nhi.Error whose message tells an
// operator what to do. Messages name the app, never a token.
func (c *Connector) mapError(err error, resource string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return nhi.WrapError(nhi.CodeCanceled, contextCause(err), "GitHub scan canceled")
	}
	var ne *nhi.Error
	var re *reporterError
	if errors.As(err, &ne) || errors.As(err, &re) {
		return err // mapped already, or the Reporter's own
	}
	var au *authError
	if errors.As(err, &au) {
		return c.authFailure(au)
	}
	if ae := asAPI(err); ae != nil {
		return c.apiFailure(ae, resource)
	}
	var se *json.SyntaxError
	var ue *json.UnmarshalTypeError
	switch {
	case errors.Is(err, answers.ErrTooLarge):
		return nhi.WrapError(nhi.CodeUnavailable, answers.ErrTooLarge, fmt.Sprintf(
			"GitHub answered %s with a page larger than %d MiB, which nhi does not read", resource, answers.MaxBody>>20))
	case errors.As(err, &se) || errors.As(err, &ue) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, errPageLoop) ||
		errors.Is(err, errBadItem) || errors.Is(err, errGraphQL):
		return nhi.WrapError(nhi.CodeUnavailable, err, fmt.Sprintf("GitHub answered %s with a malformed page", resource))
	}
	return nhi.WrapError(nhi.CodeUnavailable, errors.New("request failed"), fmt.Sprintf(
		"cannot reach GitHub at %s to read %s", c.cfg.APIURL, resource))
}

// contextCause returns the context error in err's chain (dropping URLs and such).
func contextCause(err error) error {
	if errors.Is(err, context.DeadlineExceeded) {
		return context.DeadlineExceeded
	}
	return context.Canceled
}

// apiFailure maps an error answer of GitHub.
func (c *Connector) apiFailure(ae *apiError, resource string) error {
	owner := resource == resCredentials || resource == resAudit || c.cfg.tokenOnly()
	need := permissionOf(resource)
	if c.cfg.tokenOnly() {
		need = tokenPermissionOf(resource)
	}
	switch {
	case ae.Status == http.StatusUnauthorized && owner:
		return nhi.WrapError(nhi.CodeUnauthorized, ae, fmt.Sprintf(
			"GitHub rejected the owner token %s: check that it is current and not revoked", c.cfg.Token))
	case ae.Status == http.StatusUnauthorized:
		return nhi.WrapError(nhi.CodeUnauthorized, ae, fmt.Sprintf(
			"GitHub rejected the credentials of %s: check app_id and that private_key is the app's current key", c.cfg.describe()))
	case ae.RateLimit || ae.Status == http.StatusTooManyRequests:
		return nhi.WrapError(nhi.CodeRateLimited, ae, fmt.Sprintf(
			"GitHub kept rate-limiting requests for %s past the %s nhi waits; try again later", resource, c.cfg.MaxWait))
	case ae.Status == http.StatusForbidden:
		return nhi.WrapError(nhi.CodeForbidden, ae, fmt.Sprintf("%s may not read %s: it needs %s",
			c.credentialOf(resource), resource, need))
	case ae.Status == http.StatusNotFound:
		return nhi.WrapError(nhi.CodeNotFound, ae, fmt.Sprintf("GitHub found no %s there (deleted meanwhile, or not visible to %s)",
			resource, c.credentialOf(resource)))
	case ae.Status == http.StatusBadRequest || ae.Status == http.StatusUnprocessableEntity:
		return nhi.WrapError(nhi.CodeInvalid, ae, fmt.Sprintf("GitHub rejected the request for %s", resource))
	case ae.Status >= 500:
		return nhi.WrapError(nhi.CodeUnavailable, ae, fmt.Sprintf("GitHub failed to answer for %s; try again later", resource))
	}
	return nhi.WrapError(nhi.CodeInternal, ae, fmt.Sprintf("unexpected answer from GitHub for %s", resource))
}

// credentialOf names the credential used for resource.
func (c *Connector) credentialOf(resource string) string {
	if resource == resCredentials || resource == resAudit {
		return "the owner token " + string(c.cfg.Token)
	}
	return c.cfg.describe()
}

// authFailure maps a failure to authenticate as the app or to obtain an installation token.
func (c *Connector) authFailure(au *authError) error {
	if au.token && !errors.Is(au.err, context.Canceled) && !errors.Is(au.err, context.DeadlineExceeded) {
		return c.tokenAuthFailure(au)
	}
	ae := asAPI(au.err)
	switch {
	case errors.Is(au.err, context.Canceled) || errors.Is(au.err, context.DeadlineExceeded):
		return nhi.WrapError(nhi.CodeCanceled, contextCause(au.err), "GitHub scan canceled")
	case ae == nil:
		return nhi.WrapError(nhi.CodeUnavailable, errors.New("token exchange failed"), fmt.Sprintf(
			"cannot obtain an installation token of %s for %s from %s", c.cfg.describe(), au.org, c.cfg.APIURL))
	case ae.Status == http.StatusUnauthorized:
		return nhi.WrapError(nhi.CodeUnauthorized, ae, fmt.Sprintf(
			"GitHub rejected the JSON web token of %s: check app_id and that private_key is the app's current private key",
			c.cfg.describe()))
	case ae.Status == http.StatusNotFound:
		return nhi.WrapError(nhi.CodeNotFound, ae, fmt.Sprintf(
			"%s is not installed on organization %s (or installation_ids names another installation): "+
				"install it from the app's public page", c.cfg.describe(), au.org))
	case ae.Status == http.StatusForbidden && !ae.RateLimit:
		return nhi.WrapError(nhi.CodeForbidden, ae, fmt.Sprintf(
			"GitHub refused an installation token of %s for %s (installation suspended?)", c.cfg.describe(), au.org))
	}
	return c.apiFailure(ae, resTokens)
}
