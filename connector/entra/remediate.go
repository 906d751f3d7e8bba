package entra

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/nhiscope/nhi/connector/internal/answers"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
)

// The Graph application permissions remediation needs on top of discovery's.
const (
	// PermissionGrantWrite deletes and narrows delegated permission grants.
	PermissionGrantWrite = "DelegatedPermissionGrant.ReadWrite.All"
	// PermissionApplicationWrite disables service principals and removes client secrets.
	PermissionApplicationWrite = "Application.ReadWrite.All"
	// PermissionAssignmentWrite removes application permissions (app role assignments).
	PermissionAssignmentWrite = "AppRoleAssignment.ReadWrite.All"
)

// RemediationPermissions returns the Graph application permissions, with admin consent,
// that remediation needs on top of Permissions.
func RemediationPermissions() []string {
	return []string{PermissionGrantWrite, PermissionAssignmentWrite, PermissionApplicationWrite}
}

var _ connector.Remediator = (*Connector)(nil)

// remediation holds what the Remediator methods share: one Graph client over the
// connector's pacing and retrying transport, with one token source, so that many calls
// reuse one access token. It is made on first use.
type remediation struct {
	mu sync.Mutex
	g  *graph
}

// remGraph returns the Graph client of remediation, making it on first use. Its token
// source outlives ctx: later calls share it.
func (c *Connector) remGraph(ctx context.Context) *graph {
	c.rem.mu.Lock()
	defer c.rem.mu.Unlock()
	if c.rem.g == nil {
		hc, _ := c.client(context.WithoutCancel(ctx), func(connector.Progress) {})
		c.rem.g = &graph{hc: hc, base: c.cfg.GraphURL, progress: func(connector.Progress) {}}
	}
	return c.rem.g
}

// Supports reports whether the connector can carry out actions of type t on identities of
// kind k: revoke_grant and reduce_scope on delegated permission grants, reduce_scope on
// service principals (removing application permissions), disable_identity on service
// principals and remove_credential on client secrets (certificates are refused by
// Remediate). Revoking every grant of an app and uninstalling apps are not supported.
func (c *Connector) Supports(t nhi.ActionType, k nhi.Kind) bool {
	switch t {
	case nhi.ActionRevokeGrant:
		return k == nhi.KindOAuthGrant
	case nhi.ActionReduceScope:
		return k == nhi.KindOAuthGrant || k == nhi.KindServiceAccount
	case nhi.ActionDisableIdentity:
		return k == nhi.KindServiceAccount
	case nhi.ActionRemoveCredential:
		return k == nhi.KindAppCredential
	}
	return false
}

// Self returns the application (client) ID nhi signs in as: nhi never revokes its grants,
// disables its service principal or removes its secrets.
func (c *Connector) Self() []string { return []string{c.cfg.ClientID} }

// Remediate carries out a with Graph's documented call; see connector.Remediator and
// the doc of each action's function. Refusals (CodeInvalid) come before any request;
// Graph's own 404 (Request_ResourceNotFound) of the target is AlreadyDone.
func (c *Connector) Remediate(ctx context.Context, a nhi.Action) (connector.Outcome, error) {
	t, err := c.remTarget(a)
	if err != nil {
		return connector.Outcome{}, err
	}
	if err := ctx.Err(); err != nil {
		return connector.Outcome{}, canceled(err)
	}
	g := c.remGraph(ctx)
	var out connector.Outcome
	switch a.Type {
	case nhi.ActionRevokeGrant:
		out, err = c.revokeGrant(ctx, g, t)
	case nhi.ActionReduceScope:
		if a.Kind == nhi.KindServiceAccount {
			out, err = c.removeRoles(ctx, g, t)
		} else {
			out, err = c.reduceScope(ctx, g, t)
		}
	case nhi.ActionDisableIdentity:
		out, err = c.disableSP(ctx, g, t)
	default:
		out, err = c.removeSecret(ctx, g, t)
	}
	if err != nil {
		return out, err
	}
	c.env.Log().DebugContext(ctx, "microsoft entra remediation", "connector", c.cfg.Name, "action", string(a.Type),
		"target", t.object, "already_done", out.AlreadyDone, "changed", out.Changed)
	return out, nil
}

// Verify re-reads the target of a with GET requests only and reports whether the access
// it removed is gone: the grant or object answers Graph's 404, the service principal is
// disabled, the secret's key ID is absent, or the scopes or application permissions
// removed are absent.
func (c *Connector) Verify(ctx context.Context, a nhi.Action) (connector.Verification, error) {
	t, err := c.remTarget(a)
	if err != nil {
		return connector.Verification{}, err
	}
	if err := ctx.Err(); err != nil {
		return connector.Verification{}, canceled(err)
	}
	g := c.remGraph(ctx)
	switch {
	case a.Type == nhi.ActionReduceScope && a.Kind == nhi.KindServiceAccount:
		return c.verifyRoles(ctx, g, t)
	case a.Type == nhi.ActionRevokeGrant || a.Type == nhi.ActionReduceScope:
		return c.verifyGrant(ctx, g, t)
	case a.Type == nhi.ActionDisableIdentity:
		return c.verifySP(ctx, g, t)
	}
	return c.verifySecret(ctx, g, t)
}

// remTarget is what an action acts on.
type remTarget struct {
	typ nhi.ActionType
	// object is the grant ID, or the object ID of the service principal or of the app
	// registration or service principal holding the credential.
	object string
	// key is the credential's key ID (remove_credential only).
	key string
	// scopes are the scopes reduce_scope removes.
	scopes []string
}

// remTarget checks that the connector may carry out a and returns its target. Every
// refusal has CodeInvalid.
func (c *Connector) remTarget(a nhi.Action) (remTarget, error) {
	bad := func(format string, args ...any) (remTarget, error) {
		return remTarget{}, nhi.Errorf(nhi.CodeInvalid, "entra: "+format, args...)
	}
	if !c.Supports(a.Type, a.Kind) {
		return bad("cannot carry out %s on %q identities: Microsoft Entra supports revoke_grant and reduce_scope on "+
			"oauth_grant, reduce_scope and disable_identity on service_account and remove_credential on app_credential",
			nhi.CleanText(string(a.Type)), nhi.CleanText(string(a.Kind)))
	}
	if a.Platform != nhi.PlatformEntra {
		return bad("action is for platform %q, not %s", nhi.CleanText(string(a.Platform)), nhi.PlatformEntra)
	}
	if a.Tenant != "" && !strings.EqualFold(a.Tenant, c.cfg.TenantID) {
		return bad("action is for tenant %q, but this connector manages %s", nhi.CleanText(a.Tenant), c.cfg.TenantID)
	}
	if a.AppID != "" && strings.EqualFold(a.AppID, c.cfg.ClientID) {
		return bad("app %s is nhi's own (%s); nhi never acts on it", c.cfg.ClientID, c.describe())
	}
	t := remTarget{typ: a.Type, object: a.ExternalID}
	if a.Type == nhi.ActionRemoveCredential {
		obj, key, ok := strings.Cut(a.ExternalID, "/")
		if !ok || (a.CredentialID != "" && a.CredentialID != key) {
			return bad("external ID %q is not \"<object ID>/<key ID>\" of credential %q", nhi.CleanText(a.ExternalID),
				nhi.CleanText(a.CredentialID))
		}
		t.object, t.key = obj, key
		if !validID(key) {
			return bad("credential %q names no valid key ID", nhi.CleanText(a.ExternalID))
		}
	}
	if !validID(t.object) {
		return bad("external ID %q names no valid Graph object", nhi.CleanText(a.ExternalID))
	}
	if a.Type == nhi.ActionReduceScope {
		for _, s := range a.Scopes {
			t.scopes = append(t.scopes, strings.Fields(s)...)
		}
		if len(t.scopes) == 0 {
			return bad("reduce_scope of %s names no scope or permission to remove", t.object)
		}
	}
	return t, nil
}

// canceled maps a context error.
func canceled(err error) error {
	return nhi.WrapError(nhi.CodeCanceled, contextCause(err), "Microsoft Entra remediation canceled")
}

// send sends a change (method to base+rel, with body as JSON unless nil) and expects a
// 2xx answer, whose body it discards. Errors are unmapped.
func (g *graph) send(ctx context.Context, method, rel string, body any) error {
	var rd io.Reader = http.NoBody
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, g.base+rel, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := g.hc.Do(req)
	if err != nil {
		return err
	}
	if err := checkResponse(resp); err != nil {
		return err
	}
	answers.Discard(resp)
	return nil
}

// remError maps an error of remediation on resource: a refused permission names the
// write permission it needs; everything else is mapped as discovery maps it.
func (c *Connector) remError(err error, resource, permission string) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return canceled(err)
	}
	if ge := asGraph(err); ge != nil && ge.Status == http.StatusForbidden {
		return nhi.WrapError(nhi.CodeForbidden, ge, fmt.Sprintf(
			"%s may not change %s: grant it the Microsoft Graph application permission %s, with admin consent",
			c.describe(), resource, permission))
	}
	return c.mapError(err, resource)
}

// escape escapes an ID for a path segment (IDs are validID, so this changes nothing
// today; it keeps paths safe if that ever widens).
func escape(id string) string { return url.PathEscape(id) }
