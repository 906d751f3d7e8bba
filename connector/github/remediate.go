package github

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
)

var _ connector.Remediator = (*Connector)(nil)

// manualUninstall is the refusal of uninstalling or suspending an installation: GitHub
// lets only the app itself do that through the API.
const manualUninstall = "GitHub lets only an app itself uninstall or suspend its installations through the API: " +
	"an organization owner must do it by hand (Organization settings > GitHub Apps > Configure > Suspend or Uninstall)"

// targetKind is what an action's ExternalID names.
type targetKind int

// The targets of remediation.
const (
	targetNone    targetKind = iota
	targetPAT                // pat/<pat_id>: a fine-grained token's access grant
	targetRequest            // patreq/<id>: a pending token request
	targetCred               // cred/<credential_id>: a SAML credential authorization
	targetKey                // <repo>/<key id>: a deploy key
	targetHook               // hook/<id>: an organization webhook
)

// target is the parsed subject of an action.
type target struct {
	kind targetKind
	org  string
	id   int64
	repo string
}

// Supports reports which actions the connector carries out: revoke_grant on
// fine-grained token grants and requests and on SAML credential authorizations (api_key,
// app_credential, oauth_grant); remove_credential on deploy keys and SAML credential
// authorizations; disable_identity on webhooks. Installations are never supported: see
// manualUninstall.
func (c *Connector) Supports(t nhi.ActionType, k nhi.Kind) bool {
	switch t {
	case nhi.ActionRevokeGrant:
		return k == nhi.KindAPIKey || k == nhi.KindAppCredential || k == nhi.KindOAuthGrant
	case nhi.ActionRemoveCredential:
		return k == nhi.KindDeployKey || k == nhi.KindAPIKey || k == nhi.KindAppCredential || k == nhi.KindOAuthGrant
	case nhi.ActionDisableIdentity:
		return k == nhi.KindWebhook
	}
	return false
}

// Self returns the IDs nhi authenticates as: its app's numeric ID and client ID (when
// configured or learned), "installation/<id>" of each of its installations known, and
// "cred/<id>" of the owner token's own SAML credential authorizations once a listing
// showed them (in token mode only these). Remediate also refuses the owner token's own
// authorization when its read shows it, before Self knows it.
func (c *Connector) Self() []string {
	if c.cfg.tokenOnly() {
		return c.creds.ownCredentialIDs()
	}
	out := []string{strconv.FormatInt(c.cfg.AppID, 10)}
	c.creds.mu.Lock()
	if c.creds.clientID != "" {
		out = append(out, c.creds.clientID)
	}
	entries := make([]*installToken, 0, len(c.creds.tokens))
	for _, e := range c.creds.tokens {
		entries = append(entries, e)
	}
	c.creds.mu.Unlock()
	for _, e := range entries {
		e.mu.Lock()
		if e.id > 0 {
			out = append(out, "installation/"+id(e.id))
		}
		e.mu.Unlock()
	}
	slices.Sort(out[1:])
	return append(out, c.creds.ownCredentialIDs()...)
}

// parseTarget checks that the connector can act on a and says what it names. Every
// refusal is CodeInvalid and made before any request.
func (c *Connector) parseTarget(a nhi.Action) (target, error) {
	bad := func(format string, args ...any) (target, error) {
		return target{}, nhi.Errorf(nhi.CodeInvalid, "github: "+format, args...)
	}
	if a.Platform != nhi.PlatformGitHub {
		return bad("action for platform %q sent to the GitHub connector", nhi.CleanText(shorten(string(a.Platform), 40)))
	}
	if a.Kind == nhi.KindIntegration && (a.Type == nhi.ActionUninstallApp || a.Type == nhi.ActionDisableIdentity) {
		return bad("%s", manualUninstall)
	}
	if !c.Supports(a.Type, a.Kind) {
		return bad("the GitHub connector cannot %s a %q identity", a.Type, a.Kind)
	}
	if self := c.Self(); a.AppID != "" && slices.Contains(self, a.AppID) || slices.Contains(self, a.ExternalID) {
		return bad("nhi does not act on its own GitHub App")
	}
	org, ok := c.orgOf(a.Tenant)
	if !ok {
		return bad("organization %q is not one this instance scans", nhi.CleanText(shorten(a.Tenant, 64)))
	}
	t, ok := parseExternalID(a.Kind, a.ExternalID)
	if !ok || !fits(t.kind, a) {
		return bad("cannot %s %q (a %s)", a.Type, nhi.CleanText(shorten(a.ExternalID, 80)), a.Kind)
	}
	t.org = org
	return t, nil
}

// orgOf returns the configured spelling of an organization login.
func (c *Connector) orgOf(tenant string) (string, bool) {
	for _, o := range c.cfg.Organizations {
		if strings.EqualFold(o, tenant) {
			return o, true
		}
	}
	return "", false
}

// parseExternalID reads the ExternalID of an identity of kind k: "<repo>/<key id>" for a
// deploy key (a repository may be named "pat"), "<prefix>/<id>" for the others.
func parseExternalID(k nhi.Kind, ext string) (target, bool) {
	prefix, rest, ok := strings.Cut(ext, "/")
	if !ok {
		return target{}, false
	}
	n, err := strconv.ParseInt(rest, 10, 64)
	if strings.Contains(rest, "/") || err != nil || n <= 0 || rest != strconv.FormatInt(n, 10) {
		return target{}, false
	}
	if k == nhi.KindDeployKey {
		if prefix == "" || prefix == "." || prefix == ".." || strings.ContainsAny(prefix, "?#%\\") {
			return target{}, false
		}
		return target{kind: targetKey, id: n, repo: prefix}, true
	}
	switch prefix {
	case "pat":
		return target{kind: targetPAT, id: n}, true
	case "patreq":
		return target{kind: targetRequest, id: n}, true
	case "cred":
		return target{kind: targetCred, id: n}, true
	case "hook":
		return target{kind: targetHook, id: n}, true
	}
	return target{}, false
}

// fits reports whether action a may act on a target of kind k.
func fits(k targetKind, a nhi.Action) bool {
	switch k {
	case targetPAT, targetRequest:
		return a.Type == nhi.ActionRevokeGrant && a.Kind == nhi.KindAPIKey
	case targetCred:
		return a.Type == nhi.ActionRevokeGrant || a.Type == nhi.ActionRemoveCredential
	case targetKey:
		return a.Type == nhi.ActionRemoveCredential && a.Kind == nhi.KindDeployKey
	case targetHook:
		return a.Type == nhi.ActionDisableIdentity && a.Kind == nhi.KindWebhook
	}
	return false
}

// Remediate carries out a; see connector.Remediator. It first reads whether the target
// is still there (AlreadyDone when not), then makes the one documented call.
func (c *Connector) Remediate(ctx context.Context, a nhi.Action) (connector.Outcome, error) {
	if err := ctx.Err(); err != nil {
		return connector.Outcome{}, nhi.WrapError(nhi.CodeCanceled, contextCause(err), "GitHub remediation canceled")
	}
	t, err := c.parseTarget(a)
	if err != nil {
		return connector.Outcome{}, err
	}
	if err := c.tokenModeRefusal(t, "revoking or denying"); err != nil {
		return connector.Outcome{}, err
	}
	r := c.remediation(a)
	present, _, err := r.read(ctx, t)
	if err != nil {
		return connector.Outcome{}, err
	}
	call := callOf(t)
	if !present {
		return connector.Outcome{Call: call, AlreadyDone: true}, nil
	}
	gone, err := r.change(ctx, t)
	if err != nil {
		return connector.Outcome{Call: call}, err
	}
	if gone {
		return connector.Outcome{Call: call, AlreadyDone: true}, nil
	}
	return connector.Outcome{Call: call, Changed: 1}, nil
}

// Verify re-reads the target of a; see connector.Remediator. It never changes the tenant.
func (c *Connector) Verify(ctx context.Context, a nhi.Action) (connector.Verification, error) {
	if err := ctx.Err(); err != nil {
		return connector.Verification{}, nhi.WrapError(nhi.CodeCanceled, contextCause(err), "GitHub verification canceled")
	}
	t, err := c.parseTarget(a)
	if err != nil {
		return connector.Verification{}, err
	}
	if err := c.tokenModeRefusal(t, "verifying"); err != nil {
		return connector.Verification{}, err
	}
	present, detail, err := c.remediation(a).read(ctx, t)
	if err != nil {
		return connector.Verification{}, err
	}
	if present {
		return connector.Verification{Remaining: 1, Detail: detail}, nil
	}
	return connector.Verification{Gone: true, Detail: detail}, nil
}

// callOf names the documented call that acts on t.
func callOf(t target) string {
	switch t.kind {
	case targetPAT:
		return "POST /orgs/{org}/personal-access-tokens/{pat_id}"
	case targetRequest:
		return "POST /orgs/{org}/personal-access-token-requests/{pat_request_id}"
	case targetCred:
		return "DELETE /orgs/{org}/credential-authorizations/{credential_id}"
	case targetKey:
		return "DELETE /repos/{owner}/{repo}/keys/{key_id}"
	case targetHook:
		return "PATCH /orgs/{org}/hooks/{hook_id}"
	}
	return ""
}

// errNoOwnerToken is the refusal of acting on credential authorizations without the
// owner token.
var errNoOwnerToken = errors.New("no owner token")

// ownerMissing maps errNoOwnerToken.
func ownerMissing(what string) error {
	return nhi.WrapError(nhi.CodeForbidden, errNoOwnerToken, fmt.Sprintf(
		"%s needs an organization owner's classic token with scope admin:org: configure token", what))
}
