package okta

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
)

// ignoreNotFound returns nil for Okta's 404, else err.
func ignoreNotFound(err error) error {
	if isNotFound(err) {
		return nil
	}
	return err
}

// Verify re-reads Okta and reports whether the access a removes is gone; it never
// changes the org.
func (c *Connector) Verify(ctx context.Context, a nhi.Action) (connector.Verification, error) {
	t, err := c.check(a)
	if err != nil {
		return connector.Verification{}, err
	}
	api := c.newAPI(ctx, nil)
	var n int
	var detail string
	switch {
	case a.Kind == nhi.KindAPIKey:
		detail = "GET /api/v1/api-tokens/{apiTokenId}"
		if _, err = api.send(ctx, http.MethodGet, "/api/v1/api-tokens/"+url.PathEscape(t.id), nil); err == nil {
			n = 1
		}
	case a.Kind == nhi.KindOAuthGrant:
		detail = "GET /api/v1/users/{userId}/grants"
		n, err = c.userGrants(ctx, api, t)
	case a.Type == nhi.ActionDisableIdentity:
		detail = "GET /api/v1/apps/{appId}"
		var ap app
		if _, err = api.send(ctx, http.MethodGet, "/api/v1/apps/"+url.PathEscape(t.id), &ap); err == nil && ap.Status != "INACTIVE" {
			n = 1
		}
	default:
		detail = "GET /api/v1/apps/{appId}/grants"
		var gs []grant
		gs, err = c.appGrants(ctx, api, t)
		n = len(gs)
	}
	if err = ignoreNotFound(err); err != nil {
		return connector.Verification{}, c.mapError(err, describeTarget(t))
	}
	return connector.Verification{Gone: n == 0, Remaining: n, Detail: fmt.Sprintf("%s: %d remaining", detail, n)}, nil
}
