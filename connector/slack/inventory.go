package slack

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"time"

	slackgo "github.com/slack-go/slack"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
)

// readActivity reads the audit log (Enterprise Grid only) for the last action of every
// user, which is how Slack shows that a bot is in use.
func (s *scan) readActivity(ctx context.Context) error {
	if !s.c.grid() {
		return nil
	}
	return s.c.auditPages(ctx, url.Values{}, s.progress(), func(e auditEntry) error {
		if m := s.users[e.Actor.User.ID]; m != nil {
			if at := time.Unix(e.DateCreate, 0).UTC(); at.After(m.lastActivity) {
				m.lastActivity = at
			}
		}
		return nil
	})
}

// auditPages pages the audit log with params, newest first, calling fn for each entry.
func (c *Connector) auditPages(ctx context.Context, params url.Values, progress func(connector.Progress), fn func(auditEntry) error) error {
	params.Set("limit", "1000")
	for {
		var page auditPage
		if err := c.call(ctx, request{audit: true, method: "logs", params: params}, progress, &page); err != nil {
			return err
		}
		for _, e := range page.Entries {
			if err := fn(e); err != nil {
				return err
			}
		}
		if page.Meta.NextCursor == "" {
			return nil
		}
		params.Set("cursor", page.Meta.NextCursor)
	}
}

// listApps reports the installed apps: with an organization, from the approved lists of
// the organization (org-wide installs) and of each workspace; with a workspace token,
// from its integration log.
func (s *scan) listApps(ctx context.Context) error {
	type found struct {
		app    slackgo.AdminApp
		scopes []slackgo.AdminAppScope
		teams  []string
		org    bool
	}
	var apps []*found
	byID := map[string]*found{}
	if !s.c.grid() {
		return s.appsFromLogs(ctx)
	}
	targets := append([]string{""}, s.teams...)
	for _, team := range targets {
		err := s.c.approved(ctx, team, s.progress(), func(a slackgo.AdminApp, scopes []slackgo.AdminAppScope) {
			f := byID[a.ID]
			if f == nil {
				f = &found{app: a, scopes: scopes}
				byID[a.ID] = f
				apps = append(apps, f)
			}
			if team == "" {
				f.org = true
			} else {
				f.teams = append(f.teams, team)
			}
		})
		if err != nil {
			return err
		}
	}
	for _, f := range apps {
		attrs := map[string]string{"install": "workspace", "teams": strings.Join(f.teams, ",")}
		if f.org {
			attrs["install"], attrs["teams"] = "org", "all"
		}
		var perms []nhi.Permission
		var sensitive []string
		for _, sc := range f.scopes {
			perms = append(perms, nhi.Permission{Scope: sc.Name})
			if sc.IsSensitive {
				sensitive = append(sensitive, sc.Name)
			}
		}
		setList(attrs, "sensitive_scopes", sensitive)
		if f.app.IsInternal {
			attrs["internal"] = "true"
		}
		if err := s.reportApp(ctx, f.app.ID, f.app.Name, perms, attrs); err != nil {
			return err
		}
	}
	return s.complete(ctx, scopeApps)
}

// approved pages admin.apps.approved.list of the organization (team "") or a workspace
// through slack-go.
func (c *Connector) approved(ctx context.Context, team string, progress func(connector.Progress),
	fn func(slackgo.AdminApp, []slackgo.AdminAppScope)) error {
	api := c.api(progress)
	where := slackgo.AdminAppsListOptionTeamID(team)
	if team == "" {
		where = slackgo.AdminAppsListOptionEnterpriseID(c.cfg.EnterpriseID)
	}
	for cursor := ""; ; {
		page, err := api.AdminAppsApprovedListContext(ctx, slackgo.AdminAppsListOptionLimit(1000), where,
			slackgo.AdminAppsListOptionCursor(cursor))
		if err != nil {
			return sdkError(err, "admin.apps.approved.list")
		}
		for _, a := range page.ApprovedApps {
			fn(a.App, a.Scopes)
		}
		if cursor = page.ResponseMetadata.Cursor; cursor == "" {
			return nil
		}
	}
}

// appsFromLogs reports the apps a workspace's integration log shows installed (a
// workspace token cannot call admin.apps.*): their scopes, without Slack's sensitivity.
func (s *scan) appsFromLogs(ctx context.Context) error {
	ids := make([]string, 0, len(s.installs))
	for id := range s.installs {
		if ch := s.latest[id]; ch != "removed" && ch != "disabled" {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	for _, id := range ids {
		e := s.installs[id]
		attrs := map[string]string{"install": "workspace", "teams": e.team}
		var perms []nhi.Permission
		for _, sc := range e.scopes {
			perms = append(perms, nhi.Permission{Scope: sc})
		}
		if err := s.reportApp(ctx, id, e.name, perms, attrs); err != nil {
			return err
		}
	}
	return s.complete(ctx, scopeApps)
}

// reportApp reports an app and its integration identity, owned by its installer.
func (s *scan) reportApp(ctx context.Context, id, name string, perms []nhi.Permission, attrs map[string]string) error {
	c, name := s.c, clean(name)
	if name == "" {
		name = id
	}
	var legacy []string
	for _, p := range perms {
		if legacyScope(p.Scope) {
			legacy = append(legacy, p.Scope)
		}
	}
	setList(attrs, "legacy_scopes", legacy)
	in := s.installs[id]
	if m := s.users[in.user]; m != nil {
		attrs["owner_status"] = "active"
		if m.deleted {
			attrs["owner_status"] = "departed"
		}
	}
	attrs["last_used"] = "unknown" // Slack shows no use of an app's installation
	s.apps[id] = true
	if err := s.r.App(ctx, nhi.App{Platform: nhi.PlatformSlack, Tenant: c.cfg.tenant(), ExternalID: id, Name: name}); err != nil {
		return &reporterError{err}
	}
	return s.identity(ctx, nhi.Identity{Kind: nhi.KindIntegration, ExternalID: id, Name: name, AppID: id,
		OwnerID: in.user, Scope: scopeApps, Permissions: perms, CreatedAt: in.at, Attributes: attrs})
}
