package github

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
)

// fineGrainedReason says why token mode leaves fine-grained token grants and requests out.
const fineGrainedReason = "fine-grained token grants need a GitHub App installation token"

// errAppOnly is the cause of a refusal in token mode: GitHub serves
// /orgs/{org}/personal-access-tokens* and /orgs/{org}/personal-access-token-requests* to
// GitHub App installation tokens only.
var errAppOnly = errors.New(fineGrainedReason)

// appOnly returns the CodeForbidden refusal of what (reading, revoking or denying
// fine-grained tokens or their requests) in token mode.
func appOnly(what string) error {
	return nhi.WrapError(nhi.CodeForbidden, errAppOnly, fmt.Sprintf("%s: %s (GitHub serves the "+
		"personal-access-tokens endpoints to GitHub App installation tokens only): configure app_id and private_key",
		what, fineGrainedReason))
}

// checkOrgToken reads org (GET /orgs/{org}) with the token in token mode, so that a
// rejected token, or an organization it cannot see, fails the scan once rather than
// once per listing.
func (s *scan) checkOrgToken(ctx context.Context, org string) error {
	if _, _, err := s.cl.owner.Organizations.Get(ctx, org); err != nil {
		return &authError{org: org, err: err, token: true}
	}
	return nil
}

// fineGrainedSkipped says once per scan, in token mode, that fine-grained token grants
// and requests were not read: a log line and one Failure. Their scopes are left
// incomplete, so nothing listed before is marked gone.
func (s *scan) fineGrainedSkipped(ctx context.Context) {
	if !s.c.cfg.tokenOnly() {
		return
	}
	orgs := strings.Join(s.c.cfg.Organizations, ", ")
	s.c.env.Log().WarnContext(ctx, "github: token mode: fine-grained personal access tokens and their requests "+
		"were not listed: "+fineGrainedReason, "connector", s.c.cfg.Name, "organizations", orgs)
	s.rep.fail(ctx, connector.Failure{Resource: "fine-grained personal access tokens and requests of " + orgs,
		Err: appOnly("fine-grained personal access tokens and their requests were not listed")})
}

// tokenPermissionOf returns what reading a resource needs in token mode: the owner's
// role and a classic token scope.
func tokenPermissionOf(resource string) string {
	const owner = "an organization owner's classic token, authorized for SAML SSO, with scope "
	switch resource {
	case resMembers, resSAML, resInstalls:
		return owner + "read:org (admin:org)"
	case resKeys:
		return owner + "repo (deploy keys)"
	case resHooks:
		return owner + "admin:org_hook"
	case resSecrets:
		return owner + "admin:org (and repo for repository secrets)"
	case resRepos:
		return owner + "repo (private repositories)"
	case resPATs, resPATRequests:
		return "a GitHub App installation token: " + fineGrainedReason
	}
	return permissionOf(resource)
}

// tokenAuthFailure maps a failure of the token mode's first read of an organization.
func (c *Connector) tokenAuthFailure(au *authError) error {
	ae := asAPI(au.err)
	switch {
	case ae == nil:
		return nhi.WrapError(nhi.CodeUnavailable, errors.New("request failed"), fmt.Sprintf(
			"cannot reach GitHub at %s to read organization %s with %s", c.cfg.APIURL, au.org, c.cfg.describe()))
	case ae.Status == http.StatusUnauthorized:
		return nhi.WrapError(nhi.CodeUnauthorized, ae, fmt.Sprintf(
			"GitHub rejected %s: check that it is current and not revoked", c.cfg.describe()))
	case ae.Status == http.StatusNotFound:
		return nhi.WrapError(nhi.CodeNotFound, ae, fmt.Sprintf(
			"GitHub found no organization %s visible to %s", au.org, c.cfg.describe()))
	case ae.Status == http.StatusForbidden && !ae.RateLimit:
		return nhi.WrapError(nhi.CodeForbidden, ae, fmt.Sprintf(
			"GitHub refused %s for organization %s: it must be an owner's token authorized for SAML SSO",
			c.cfg.describe(), au.org))
	}
	return c.apiFailure(ae, "organization "+au.org)
}

// tokenModeRefusal refuses, in token mode and before any request, the actions on
// fine-grained token grants and requests, which GitHub serves to GitHub App
// installation tokens only.
func (c *Connector) tokenModeRefusal(t target, doing string) error {
	if !c.cfg.tokenOnly() || (t.kind != targetPAT && t.kind != targetRequest) {
		return nil
	}
	return appOnly(doing + " a fine-grained personal access token or its request")
}

// ownCredential reports whether a SAML credential authorization is the owner token's
// own (a classic token whose last eight characters, which GitHub lists, are the owner
// token's), and remembers its ID for Self: revoking it would lock nhi out.
func (c *credentials) ownCredential(ca credentialAuthorization) bool {
	n := len(c.owner)
	if n < 8 || ca.CredentialType != credPAT || ca.TokenLastEight != c.owner[n-8:] {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ownCreds == nil {
		c.ownCreds = map[int64]bool{}
	}
	c.ownCreds[ca.CredentialID] = true
	return true
}

// ownCredentialIDs returns "cred/<id>" of the owner token's own authorizations known.
func (c *credentials) ownCredentialIDs() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]string, 0, len(c.ownCreds))
	for k := range c.ownCreds {
		out = append(out, "cred/"+id(k))
	}
	slices.Sort(out)
	return out
}

// errOwnToken refuses acting on the owner token's own credential authorization.
var errOwnToken = nhi.Errorf(nhi.CodeInvalid, "github: nhi does not act on the credential authorization of its own "+
	"owner token (config token): revoking it would lock nhi out")
