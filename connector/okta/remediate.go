package okta

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
)

var _ connector.Remediator = (*Connector)(nil)

// selfToken stands for the API token nhi authenticates with: Okta lists tokens without
// their values, so with an API token nhi cannot tell which listed token is its own.
const selfToken = "okta-api-token:self"

// Supports reports the actions the connector carries out: revoking an API token or a
// person's grants to an app (revoke_grant), deactivating a service app
// (disable_identity) and revoking some of its okta.* scopes (reduce_scope).
func (c *Connector) Supports(t nhi.ActionType, k nhi.Kind) bool {
	switch t {
	case nhi.ActionRevokeGrant:
		return k == nhi.KindAPIKey || k == nhi.KindOAuthGrant
	case nhi.ActionDisableIdentity, nhi.ActionReduceScope:
		return k == nhi.KindServiceAccount
	}
	return false
}

// Self returns the client ID of nhi's service app, so that nhi never deactivates it or
// revokes its scopes. With an API token it returns a placeholder: sign in with a service
// app to have nhi protect its own access.
func (c *Connector) Self() []string {
	if c.cfg.ClientID != "" {
		return []string{c.cfg.ClientID}
	}
	return []string{selfToken}
}

// target is a checked action: its kind and the IDs it names.
type target struct {
	a      nhi.Action
	id     string // the token, app or user ID
	client string // the client ID of a person's grant
}

// check refuses, with CodeInvalid, an action the connector does not carry out or whose
// target it cannot read.
func (c *Connector) check(a nhi.Action) (target, error) {
	bad := func(format string, args ...any) (target, error) {
		return target{}, nhi.Errorf(nhi.CodeInvalid, "okta: "+format, args...)
	}
	switch {
	case a.Platform != nhi.PlatformOkta:
		return bad("action for platform %q, not okta", nhi.CleanText(string(a.Platform)))
	case a.Tenant != "" && !strings.EqualFold(a.Tenant, c.tenant):
		return bad("action for tenant %q, not %q", nhi.CleanText(a.Tenant), c.tenant)
	case !c.Supports(a.Type, a.Kind):
		return bad("cannot %s a %s", a.Type, a.Kind)
	case a.ExternalID == "" || strings.ContainsAny(a.ExternalID, "?#\\") || strings.Contains(a.ExternalID, ".."):
		return bad("action has no usable external ID")
	case a.Type == nhi.ActionReduceScope && len(a.Scopes) == 0:
		return bad("reduce_scope names no scope to remove")
	}
	t := target{a: a, id: a.ExternalID}
	if a.Kind == nhi.KindOAuthGrant {
		var ok bool
		if t.id, t.client, ok = strings.Cut(a.ExternalID, "/"); !ok || t.id == "" || t.client == "" || strings.Contains(t.client, "/") {
			return bad("grant ID %q is not <user ID>/<client ID>", nhi.CleanText(a.ExternalID))
		}
	} else if strings.Contains(t.id, "/") {
		return bad("ID %q holds a slash", nhi.CleanText(a.ExternalID))
	}
	return t, nil
}

// Remediate carries out a with Okta's documented calls; see connector.Remediator.
// Refusals (CodeInvalid) come before any request; Okta's 404 of the target, or a target
// already in the state asked for, is AlreadyDone.
func (c *Connector) Remediate(ctx context.Context, a nhi.Action) (connector.Outcome, error) {
	t, err := c.check(a)
	if err != nil {
		return connector.Outcome{}, err
	}
	api := c.newAPI(ctx, nil)
	var out connector.Outcome
	switch {
	case a.Kind == nhi.KindAPIKey:
		out, err = c.revokeToken(ctx, api, t)
	case a.Kind == nhi.KindOAuthGrant:
		out, err = c.revokeGrants(ctx, api, t)
	case a.Type == nhi.ActionDisableIdentity:
		out, err = c.deactivateApp(ctx, api, t)
	default:
		out, err = c.revokeScopes(ctx, api, t)
	}
	if err != nil {
		return connector.Outcome{Call: out.Call}, c.mapError(err, describeTarget(t))
	}
	return out, nil
}

// describeTarget names what an action acts on, for messages.
func describeTarget(t target) string {
	switch t.a.Kind {
	case nhi.KindAPIKey:
		return "API token " + t.id
	case nhi.KindOAuthGrant:
		return "the grants of user " + t.id + " to client " + t.client
	}
	return "app " + t.id
}

// revokeToken revokes an API token: DELETE /api/v1/api-tokens/{apiTokenId}.
func (c *Connector) revokeToken(ctx context.Context, api *api, t target) (connector.Outcome, error) {
	out := connector.Outcome{Call: "DELETE /api/v1/api-tokens/{apiTokenId}"}
	_, err := api.send(ctx, http.MethodDelete, "/api/v1/api-tokens/"+url.PathEscape(t.id), nil)
	switch {
	case isNotFound(err):
		out.AlreadyDone = true
	case err == nil:
		out.Changed = 1
	}
	return out, ignoreNotFound(err)
}

// revokeGrants revokes a person's grants to a client and the refresh tokens it holds:
// DELETE /api/v1/users/{userId}/clients/{clientId}/grants, then .../tokens. A person with
// no grant to the client is AlreadyDone, with no change sent.
func (c *Connector) revokeGrants(ctx context.Context, api *api, t target) (connector.Outcome, error) {
	out := connector.Outcome{Call: "DELETE /api/v1/users/{userId}/clients/{clientId}/grants; DELETE /api/v1/users/{userId}/clients/{clientId}/tokens"}
	n, err := c.userGrants(ctx, api, t)
	if isNotFound(err) || err == nil && n == 0 {
		out.AlreadyDone = true
		return out, nil
	}
	if err != nil {
		return out, err
	}
	base := "/api/v1/users/" + url.PathEscape(t.id) + "/clients/" + url.PathEscape(t.client)
	for _, rel := range []string{base + "/grants", base + "/tokens"} {
		if _, err := api.send(ctx, http.MethodDelete, rel, nil); err != nil && !isNotFound(err) {
			return out, err
		}
	}
	out.Changed = n
	return out, nil
}

// userGrants counts the person's active grants to the client.
func (c *Connector) userGrants(ctx context.Context, api *api, t target) (int, error) {
	n := 0
	err := list(ctx, api, "/api/v1/users/"+url.PathEscape(t.id)+"/grants?limit="+pageSize, func(p []grant) error {
		for _, g := range p {
			if g.ClientID == t.client && (g.Status == "" || g.Status == "ACTIVE") {
				n++
			}
		}
		return nil
	})
	return n, err
}

// deactivateApp deactivates a service app, which can then get no more access tokens:
// POST /api/v1/apps/{appId}/lifecycle/deactivate. An app already INACTIVE is AlreadyDone.
func (c *Connector) deactivateApp(ctx context.Context, api *api, t target) (connector.Outcome, error) {
	out := connector.Outcome{Call: "POST /api/v1/apps/{appId}/lifecycle/deactivate"}
	var a app
	_, err := api.send(ctx, http.MethodGet, "/api/v1/apps/"+url.PathEscape(t.id), &a)
	if isNotFound(err) || err == nil && a.Status == "INACTIVE" {
		out.AlreadyDone = true
		return out, nil
	}
	if err != nil {
		return out, err
	}
	if _, err := api.send(ctx, http.MethodPost, "/api/v1/apps/"+url.PathEscape(t.id)+"/lifecycle/deactivate", nil); err != nil {
		return out, ignoreNotFound(err)
	}
	out.Changed = 1
	return out, nil
}

// revokeScopes revokes the app's grants of the action's scopes:
// DELETE /api/v1/apps/{appId}/grants/{grantId} for each.
func (c *Connector) revokeScopes(ctx context.Context, api *api, t target) (connector.Outcome, error) {
	out := connector.Outcome{Call: "DELETE /api/v1/apps/{appId}/grants/{grantId}"}
	grants, err := c.appGrants(ctx, api, t)
	if isNotFound(err) || err == nil && len(grants) == 0 {
		out.AlreadyDone = true
		return out, nil
	}
	if err != nil {
		return out, err
	}
	for _, g := range grants {
		_, err := api.send(ctx, http.MethodDelete, "/api/v1/apps/"+url.PathEscape(t.id)+"/grants/"+url.PathEscape(g.ID), nil)
		if err != nil && !isNotFound(err) {
			return out, err
		}
		out.Changed++
		out.Touched = append(out.Touched, g.ID)
	}
	return out, nil
}

// appGrants returns the app's active grants of the action's scopes.
func (c *Connector) appGrants(ctx context.Context, api *api, t target) ([]grant, error) {
	var out []grant
	err := list(ctx, api, "/api/v1/apps/"+url.PathEscape(t.id)+"/grants?limit="+pageSize, func(p []grant) error {
		for _, g := range p {
			if slices.Contains(t.a.Scopes, g.ScopeID) && (g.Status == "" || g.Status == "ACTIVE") {
				out = append(out, g)
			}
		}
		return nil
	})
	return out, err
}
