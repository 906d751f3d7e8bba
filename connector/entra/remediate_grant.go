package entra

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
)

// The documented calls remediation makes on grants, as Outcome.Call names them.
const (
	callGetGrant    = "GET /v1.0/oauth2PermissionGrants/{id}"
	callDeleteGrant = "DELETE /v1.0/oauth2PermissionGrants/{id}"
	callPatchGrant  = "PATCH /v1.0/oauth2PermissionGrants/{id}"
)

// grantPath returns the path of grant id, relative to the Graph URL.
func grantPath(id string) string { return "v1.0/oauth2PermissionGrants/" + escape(id) }

// revokeGrant deletes the grant t names: for every user it covers, when it is a tenant-wide
// consent. Graph's 404 is AlreadyDone.
func (c *Connector) revokeGrant(ctx context.Context, g *graph, t remTarget) (connector.Outcome, error) {
	out := connector.Outcome{Call: callDeleteGrant}
	err := g.send(ctx, "DELETE", grantPath(t.object), nil)
	switch {
	case isGone(err):
		out.AlreadyDone = true
	case err != nil:
		return out, fmt.Errorf("entra: revoke grant %s: %w", t.object, c.remError(err, resGrants, PermissionGrantWrite))
	default:
		out.Changed = 1
	}
	return out, nil
}

// readGrant reads the scopes of grant id; gone says Graph answered its 404. Errors are
// mapped.
func (c *Connector) readGrant(ctx context.Context, g *graph, id string) (scopes []string, gone bool, err error) {
	var gr grant
	err = g.get(ctx, grantPath(id)+"?$select=id,scope", &gr)
	switch {
	case isGone(err):
		return nil, true, nil
	case err != nil:
		return nil, false, c.remError(err, resGrants, PermissionGrantWrite)
	case gr.Scope == nil:
		return nil, false, nhi.Errorf(nhi.CodeUnavailable, "entra: Microsoft Graph answered grant %s without its scope", id)
	}
	return strings.Fields(*gr.Scope), false, nil
}

// split returns the scopes of held that remove names (matched without regard to case) and
// the rest, in their order.
func split(held, remove []string) (removed, kept []string) {
	for _, s := range held {
		if slices.ContainsFunc(remove, func(r string) bool { return strings.EqualFold(r, s) }) {
			removed = append(removed, s)
		} else {
			kept = append(kept, s)
		}
	}
	return removed, kept
}

// reduceScope reads the grant t names and writes back its scopes without t.scopes
// (PATCH {"scope"}); removing every scope deletes the grant. A grant that is gone, or
// holds none of t.scopes, is AlreadyDone.
func (c *Connector) reduceScope(ctx context.Context, g *graph, t remTarget) (connector.Outcome, error) {
	held, gone, err := c.readGrant(ctx, g, t.object)
	out := connector.Outcome{Call: callGetGrant}
	if err != nil {
		return out, fmt.Errorf("entra: read grant %s: %w", t.object, err)
	}
	removed, kept := split(held, t.scopes)
	if gone || len(removed) == 0 {
		out.AlreadyDone = true
		return out, nil
	}
	if len(kept) == 0 {
		del, err := c.revokeGrant(ctx, g, t)
		del.Call = callGetGrant + "; " + del.Call
		return del, err
	}
	out.Call += "; " + callPatchGrant
	err = g.send(ctx, "PATCH", grantPath(t.object), map[string]string{"scope": strings.Join(kept, " ")})
	switch {
	case isGone(err):
		out.AlreadyDone = true
	case err != nil:
		return out, fmt.Errorf("entra: narrow grant %s: %w", t.object, c.remError(err, resGrants, PermissionGrantWrite))
	default:
		out.Changed = 1
	}
	return out, nil
}

// verifyGrant re-reads the grant t names: for revoke_grant it is gone when Graph answers
// 404; for reduce_scope, when none of the scopes removed is left.
func (c *Connector) verifyGrant(ctx context.Context, g *graph, t remTarget) (connector.Verification, error) {
	held, gone, err := c.readGrant(ctx, g, t.object)
	switch {
	case err != nil:
		return connector.Verification{}, fmt.Errorf("entra: verify grant %s: %w", t.object, err)
	case gone:
		return connector.Verification{Gone: true, Detail: fmt.Sprintf("%s answers 404: grant %s is gone", callGetGrant, t.object)}, nil
	case t.typ == nhi.ActionRevokeGrant:
		return connector.Verification{Remaining: 1, Detail: fmt.Sprintf("%s shows grant %s still there", callGetGrant, t.object)}, nil
	}
	left, _ := split(held, t.scopes)
	if len(left) == 0 {
		return connector.Verification{Gone: true, Detail: fmt.Sprintf("%s shows grant %s without the scopes removed",
			callGetGrant, t.object)}, nil
	}
	return connector.Verification{Remaining: len(left), Detail: fmt.Sprintf("%s shows grant %s still holds %s",
		callGetGrant, t.object, nhi.CleanText(strings.Join(left, " ")))}, nil
}
