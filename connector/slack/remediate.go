package slack

import (
	"context"
	"fmt"
	"net/url"
	"slices"

	slackgo "github.com/slack-go/slack"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
)

// The calls of an uninstall, as Slack documents them.
const (
	callUninstall = "POST admin.apps.uninstall"
	callRestrict  = "POST admin.apps.restrict"
)

// Supports reports whether the connector can carry out t on identities of kind k: it
// uninstalls and restricts apps (integrations) of an Enterprise Grid organization.
func (c *Connector) Supports(t nhi.ActionType, k nhi.Kind) bool {
	return t == nhi.ActionUninstallApp && k == nhi.KindIntegration
}

// Self returns the ID of nhi's own Slack app, which remediation never touches.
func (c *Connector) Self() []string { return []string{c.cfg.AppID} }

// check refuses an action the connector cannot carry out, before any request.
func (c *Connector) check(ctx context.Context, a nhi.Action) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", nhi.WrapError(nhi.CodeCanceled, err, "Slack remediation canceled")
	}
	app := a.ExternalID
	switch {
	case a.Platform != nhi.PlatformSlack || (a.Tenant != "" && a.Tenant != c.cfg.tenant()):
		return "", nhi.Errorf(nhi.CodeInvalid, "slack: action %s is for %s tenant %s, not this connector's", a.ID, a.Platform, a.Tenant)
	case !c.Supports(a.Type, a.Kind):
		return "", nhi.Errorf(nhi.CodeInvalid, "slack: cannot carry out %s on %q identities", a.Type, a.Kind)
	case !c.grid():
		return "", nhi.Errorf(nhi.CodeForbidden, "slack: uninstalling apps needs an Enterprise Grid org token (admin.apps.uninstall)")
	case !slackID(app, 'A'):
		return "", nhi.Errorf(nhi.CodeInvalid, "slack: %q is not an app ID", nhi.CleanText(shorten(app, 40)))
	case app == c.cfg.AppID:
		return "", nhi.Errorf(nhi.CodeInvalid, "slack: app %s is nhi's own; it is never uninstalled", app)
	}
	return app, nil
}

// Remediate uninstalls the app from the whole organization (admin.apps.uninstall with
// enterprise_id) and restricts it (admin.apps.restrict) so that nobody installs it
// again. An app installed nowhere is AlreadyDone; it is restricted all the same.
func (c *Connector) Remediate(ctx context.Context, a nhi.Action) (connector.Outcome, error) {
	app, err := c.check(ctx, a)
	if err != nil {
		return connector.Outcome{}, err
	}
	out := connector.Outcome{Call: callUninstall + "; " + callRestrict, Changed: 1}
	p := url.Values{"app_id": {app}, "enterprise_id": {c.cfg.EnterpriseID}}
	err = c.call(ctx, request{post: true, method: "admin.apps.uninstall", params: p}, nil, nil)
	switch {
	case hasCode(err, "app_not_found"):
		out.AlreadyDone, out.Changed = true, 0
	case err != nil:
		return connector.Outcome{}, c.mapError(err, "the uninstall of app "+app)
	}
	if err := c.call(ctx, request{post: true, method: "admin.apps.restrict", params: p}, nil, nil); err != nil {
		return connector.Outcome{}, c.mapError(err, "the restriction of app "+app)
	}
	return out, nil
}

// Verify re-reads the organization's approved apps (org-wide and each workspace's) and
// restricted apps: the access is gone when the app is installed nowhere and restricted,
// so that it cannot come back. Remaining counts the installs, plus one while the app is
// not restricted. It changes nothing.
func (c *Connector) Verify(ctx context.Context, a nhi.Action) (connector.Verification, error) {
	app, err := c.check(ctx, a)
	if err != nil {
		return connector.Verification{}, err
	}
	teams, err := c.workspaces(ctx, nil)
	if err != nil {
		return connector.Verification{}, c.mapError(err, "workspaces")
	}
	var where []string
	for _, team := range append([]string{""}, teams...) {
		err := c.approved(ctx, team, nil, func(w slackgo.AdminApp, _ []slackgo.AdminAppScope) {
			if w.ID == app {
				where = append(where, cmpOr(team, "org-wide"))
			}
		})
		if err != nil {
			return connector.Verification{}, c.mapError(err, "approved apps")
		}
	}
	restricted, err := c.restricted(ctx, app)
	if err != nil {
		return connector.Verification{}, c.mapError(err, "restricted apps")
	}
	remaining := len(where)
	if !restricted {
		remaining++ // anybody may install it again
	}
	v := connector.Verification{Gone: remaining == 0, Remaining: remaining,
		Detail: fmt.Sprintf("admin.apps.approved.list (org and %d workspaces): app %s installed %v; "+
			"admin.apps.restricted.list: restricted %v", len(teams), app, where, restricted)}
	return v, nil
}

// restricted reports whether admin.apps.restricted.list of the organization lists app;
// it is called through slack-go.
func (c *Connector) restricted(ctx context.Context, app string) (bool, error) {
	api := c.api(nil)
	for cursor := ""; ; {
		page, err := api.AdminAppsRestrictedListContext(ctx, slackgo.AdminAppsListOptionLimit(1000),
			slackgo.AdminAppsListOptionEnterpriseID(c.cfg.EnterpriseID), slackgo.AdminAppsListOptionCursor(cursor))
		if err != nil {
			return false, sdkError(err, "admin.apps.restricted.list")
		}
		for _, a := range page.RestrictedApps {
			if a.App.ID == app {
				return true, nil
			}
		}
		if cursor = page.ResponseMetadata.Cursor; cursor == "" {
			return false, nil
		}
	}
}

// workspaces returns the IDs of the workspaces the token reaches: those auth.teams.list
// (through slack-go) names for an organization, the configured one for a workspace
// token.
func (c *Connector) workspaces(ctx context.Context, progress func(connector.Progress)) ([]string, error) {
	if !c.grid() {
		return []string{c.cfg.TeamID}, nil
	}
	api := c.api(progress)
	var out []string
	for cursor := ""; ; {
		teams, next, err := api.ListTeamsContext(ctx, slackgo.ListTeamsParameters{Limit: 1000, Cursor: cursor})
		if err != nil {
			return nil, sdkError(err, "auth.teams.list")
		}
		for _, t := range teams {
			out = append(out, t.ID)
		}
		if cursor = next; cursor == "" {
			break
		}
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// cmpOr returns s, or def when s is empty.
func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
