package salesforce

import (
	"context"
	"fmt"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
)

// The documented API calls remediation makes, as Outcome.Call names them.
const (
	callRevoke = "POST /services/oauth2/revoke"
	callFreeze = "PATCH /services/data/{version}/sobjects/UserLogin/{Id} {\"IsFrozen\":true}"
	callTokens = "GET /services/data/{version}/query (OauthToken)"
	callLogins = "GET /services/data/{version}/query (UserLogin)"
)

// manualBlock is the operator's step that no API offers.
const manualBlock = "Salesforce has no API to block a connected app org-wide: block it in Setup > " +
	"Connected Apps OAuth Usage > Block (which also revokes its tokens); revoke_app_grants revokes every " +
	"token the app holds today"

// Supports reports the actions the connector carries out: revoke_grant on an OAuth token
// (oauth_grant), revoke_app_grants on a connected app, and disable_identity (freeze) on an
// integration user (service_account).
func (c *Connector) Supports(t nhi.ActionType, k nhi.Kind) bool {
	switch t {
	case nhi.ActionRevokeGrant:
		return k == nhi.KindOAuthGrant
	case nhi.ActionRevokeAppGrants:
		return k == ""
	case nhi.ActionDisableIdentity:
		return k == nhi.KindServiceAccount
	}
	return false
}

// Self returns what nhi signs in as: the connected app's consumer key, the integration
// user's username and, once known, its User ID and the connected app's
// ConnectedApplication ID. Remediation also refuses them itself.
func (c *Connector) Self() []string {
	out := []string{c.cfg.ConsumerKey, c.cfg.Username}
	c.sessMu.Lock()
	if c.sess != nil {
		out = append(out, c.sess.userID)
	}
	c.sessMu.Unlock()
	if id := c.selfAppID(); id != "" {
		out = append(out, id)
	}
	return out
}

// Remediate carries out one action; see connector.Remediator. Every action is checked
// before any request, re-reads what it changes (a revocation handle is read at the
// moment of revoking, never kept) and is idempotent: what is already gone is AlreadyDone.
func (c *Connector) Remediate(ctx context.Context, a nhi.Action) (connector.Outcome, error) {
	if err := c.checkAction(ctx, a); err != nil {
		return connector.Outcome{}, err
	}
	r := c.newRest(nil, false)
	if err := c.checkTarget(ctx, a); err != nil {
		return connector.Outcome{}, err
	}
	var out connector.Outcome
	var err error
	switch a.Type {
	case nhi.ActionRevokeGrant:
		out, err = c.revokeGrant(ctx, r, a)
	case nhi.ActionRevokeAppGrants:
		out, err = c.revokeAppGrants(ctx, r, a)
	default:
		out, err = c.freeze(ctx, r, a)
	}
	if err != nil {
		return out, c.mapError(err, describeAction(a))
	}
	c.env.Log().InfoContext(ctx, "salesforce remediation", "connector", c.cfg.Name, "action", string(a.Type),
		"target", target(a), "changed", out.Changed, "already_done", out.AlreadyDone)
	return out, nil
}

// Verify re-reads the org; see connector.Remediator. It never changes the org.
func (c *Connector) Verify(ctx context.Context, a nhi.Action) (connector.Verification, error) {
	if err := c.checkAction(ctx, a); err != nil {
		return connector.Verification{}, err
	}
	r := c.newRest(nil, false)
	var v connector.Verification
	var err error
	switch a.Type {
	case nhi.ActionRevokeGrant:
		v, err = c.verifyGrant(ctx, r, a)
	case nhi.ActionRevokeAppGrants:
		v, err = c.verifyApp(ctx, r, a)
	default:
		v, err = c.verifyFrozen(ctx, r, a)
	}
	if err != nil {
		return v, c.mapError(err, "verifying "+describeAction(a))
	}
	return v, nil
}

// checkAction refuses, with CodeInvalid and before any request, an action the connector
// does not carry out or whose target is malformed; a canceled ctx is CodeCanceled.
func (c *Connector) checkAction(ctx context.Context, a nhi.Action) error {
	if err := ctx.Err(); err != nil {
		return nhi.WrapError(nhi.CodeCanceled, err, "Salesforce remediation canceled")
	}
	switch {
	case a.Platform != nhi.PlatformSalesforce:
		return nhi.Errorf(nhi.CodeInvalid, "salesforce: action for platform %q", clip(string(a.Platform), 40))
	case a.Type == nhi.ActionUninstallApp:
		return nhi.Errorf(nhi.CodeInvalid, "salesforce: cannot uninstall app %s: %s", clip(a.AppID, 40), manualBlock)
	case !c.Supports(a.Type, a.Kind):
		return nhi.Errorf(nhi.CodeInvalid, "salesforce: action %s on %q is not supported (revoke_grant on oauth_grant, "+
			"revoke_app_grants on an app, disable_identity on service_account)", clip(string(a.Type), 40), clip(string(a.Kind), 40))
	}
	var ok bool
	switch a.Type {
	case nhi.ActionRevokeGrant:
		_, _, _, ok = parseTokenExternalID(a.ExternalID)
	case nhi.ActionRevokeAppGrants:
		ok = validSFID(a.AppID, "")
	default:
		ok = validSFID(a.ExternalID, "005")
	}
	if !ok {
		return nhi.Errorf(nhi.CodeInvalid, "salesforce: %s: target %q is not a Salesforce ID of the right kind",
			a.Type, clip(target(a), 80))
	}
	return nil
}

// checkTarget signs in and refuses actions on another org and on nhi's own connected app
// and integration user.
func (c *Connector) checkTarget(ctx context.Context, a nhi.Action) error {
	sess, err := c.currentSession(ctx, nil)
	if err != nil {
		return c.mapError(err, describeAction(a))
	}
	if a.Tenant != "" && a.Tenant != sess.orgID {
		return nhi.Errorf(nhi.CodeInvalid, "salesforce: action for org %s, but the connector signs in to org %s",
			clip(a.Tenant, 40), sess.orgID)
	}
	user := a.ExternalID
	if a.Type == nhi.ActionRevokeGrant {
		user, _, _, _ = parseTokenExternalID(a.ExternalID)
	}
	if (user != "" && sameID(user, sess.userID)) || (a.AppID != "" && sameID(a.AppID, c.selfAppID())) {
		return nhi.Errorf(nhi.CodeInvalid, "salesforce: refusing %s on nhi's own integration user or connected app", a.Type)
	}
	return nil
}

// sameID reports whether two Salesforce IDs name the same record (15 or 18 characters).
func sameID(a, b string) bool {
	if len(a) < 15 || len(b) < 15 {
		return false
	}
	return a[:15] == b[:15]
}

// target names an action's target for messages and logs.
func target(a nhi.Action) string {
	if a.ExternalID != "" {
		return a.ExternalID
	}
	return "app " + a.AppID
}

// describeAction says what an action does, for error messages.
func describeAction(a nhi.Action) string {
	switch a.Type {
	case nhi.ActionRevokeGrant:
		return fmt.Sprintf("revoking OAuth token %s", clip(a.ExternalID, 80))
	case nhi.ActionRevokeAppGrants:
		return fmt.Sprintf("revoking every OAuth token of connected app %s", clip(a.AppID, 40))
	}
	return fmt.Sprintf("freezing user %s", clip(a.ExternalID, 40))
}
