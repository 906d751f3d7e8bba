package slack

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	slackgo "github.com/slack-go/slack"

	"github.com/nhiscope/nhi"
)

// Events reads what happened after since, oldest first, and calls fn for each event:
// with an Enterprise Grid organization the audit log, the pending app requests
// (admin.apps.requests.list, as "app_requested" events with the scopes asked for and
// those Slack flags sensitive), and the custom integrations (incoming webhooks) of each
// workspace's integration log, which the audit log does not show; with a workspace
// token, the workspace's integration log alone. The cursor is
// "<epoch seconds>:<IDs of the events of that second already delivered>", so that
// nothing is delivered twice or lost; the zero cursor starts at the oldest entry Slack
// keeps. An integration log entry has no ID of its own: its ID is made of the workspace,
// the date, the app or service ID and the change.
func (c *Connector) Events(ctx context.Context, since nhi.Cursor, fn func(nhi.Event) error) (nhi.Cursor, error) {
	at, done, err := parseCursor(since)
	if err != nil {
		return since, err
	}
	events, err := c.readEvents(ctx, at)
	if err != nil {
		return since, err
	}
	events = slices.DeleteFunc(events, func(e nhi.Event) bool {
		t := e.Time.Unix()
		return t < at || (t == at && slices.Contains(done, e.ID))
	})
	slices.SortStableFunc(events, func(a, b nhi.Event) int {
		if c := a.Time.Compare(b.Time); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	cur := since
	for _, e := range events {
		if err := fn(e); err != nil {
			return cur, err
		}
		if t := e.Time.Unix(); t != at {
			at, done = t, nil
		}
		done = append(done, e.ID)
		cur = nhi.Cursor(strconv.FormatInt(at, 10) + ":" + strings.Join(done, ","))
	}
	return cur, nil
}

// readEvents reads the audit log (Grid) and the integration logs from oldest (epoch
// seconds, inclusive) on.
func (c *Connector) readEvents(ctx context.Context, oldest int64) ([]nhi.Event, error) {
	var out []nhi.Event
	if c.grid() {
		p := url.Values{}
		if oldest > 0 {
			p.Set("oldest", strconv.FormatInt(oldest, 10))
		}
		err := c.auditPages(ctx, p, nil, func(e auditEntry) error {
			out = append(out, c.auditEvent(e))
			return nil
		})
		if err != nil {
			return nil, c.mapError(err, "the audit log")
		}
	}
	if c.grid() {
		reqs, err := c.requestEvents(ctx, oldest)
		if err != nil {
			return nil, c.mapError(err, "app requests")
		}
		out = append(out, reqs...)
	}
	teams, err := c.workspaces(ctx, nil)
	if err != nil {
		return nil, c.mapError(err, "workspaces")
	}
	for _, team := range teams {
		entries, err := c.teamLog(ctx, team, oldest, nil)
		if err != nil {
			return nil, c.mapError(err, "the integration log of workspace "+team)
		}
		for _, e := range entries {
			if !c.grid() || strings.HasPrefix(e.id, "svc:") {
				out = append(out, c.logEvent(e))
			}
		}
	}
	return out, nil
}

// parseCursor splits an events cursor.
func parseCursor(c nhi.Cursor) (int64, []string, error) {
	if c == "" {
		return 0, nil, nil
	}
	secs, ids, _ := strings.Cut(string(c), ":")
	at, err := strconv.ParseInt(secs, 10, 64)
	if err != nil || at < 0 {
		return 0, nil, nhi.WrapError(nhi.CodeInvalid, errors.New("bad cursor"), "slack: the events cursor is not one this connector returned")
	}
	var done []string
	if ids != "" {
		done = strings.Split(ids, ",")
	}
	return at, done, nil
}

// auditEvent maps an audit entry to an nhi.Event.
func (c *Connector) auditEvent(e auditEntry) nhi.Event {
	ev := nhi.Event{ID: e.ID, Platform: nhi.PlatformSlack, Tenant: c.cfg.tenant(), Time: time.Unix(e.DateCreate, 0).UTC(),
		Kind: auditKind(e.Action), Activity: clean(e.Action), Actor: clean(e.Actor.User.ID), SourceIP: clean(e.Context.IP),
		UserAgent: clean(e.Context.UA), Result: "success"}
	switch e.Entity.Type {
	case "app":
		ev.AppID, ev.TargetID, ev.Target = clean(e.Entity.App.ID), clean(e.Entity.App.ID), clean(e.Entity.App.Name)
		if len(e.Entity.App.Scopes) > 0 {
			ev.Details = map[string]string{"scopes": clean(strings.Join(e.Entity.App.Scopes, ","))}
		}
	case "file":
		ev.TargetID, ev.Target = clean(e.Entity.File.ID), clean(e.Entity.File.Name)
	}
	if len(e.Details.NewScope) > 0 {
		if ev.Details == nil {
			ev.Details = map[string]string{}
		}
		ev.Details["new_scope"] = clean(strings.Join(e.Details.NewScope, ","))
		ev.Details["previous_scope"] = clean(strings.Join(e.Details.PreviousScope, ","))
	}
	return ev
}

// logEvent maps an integration log entry to an nhi.Event.
func (c *Connector) logEvent(e logEntry) nhi.Event {
	target := strings.TrimPrefix(e.id, "svc:")
	ev := nhi.Event{ID: strings.Join([]string{e.team, strconv.FormatInt(e.at.Unix(), 10), target, e.change}, "/"),
		Platform: nhi.PlatformSlack, Tenant: c.cfg.tenant(), Time: e.at, Kind: logKind(e.change),
		Activity: "integration_" + clean(e.change), Actor: clean(e.user), TargetID: clean(target), Target: clean(e.name),
		Result: "success", Details: map[string]string{"team": clean(e.team)}}
	if !strings.HasPrefix(e.id, "svc:") {
		ev.AppID = clean(target)
	}
	for k, v := range map[string]string{"scopes": strings.Join(e.scopes, ","), "channel": e.channel, "reason": e.reason} {
		if v != "" {
			ev.Details[k] = clean(v)
		}
	}
	return ev
}

// auditKind maps an audit action to an event kind.
func auditKind(action string) nhi.EventKind {
	switch action {
	case "app_installed", "org_app_workspace_added", "org_app_upgraded_to_org_install":
		return nhi.EventAppAdded
	case "app_approved":
		return nhi.EventConsentGranted
	case "app_scopes_expanded", "bot_token_upgraded", "app_resources_granted", "app_resources_added":
		return nhi.EventPermissionAdded
	case "app_uninstalled", "app_restricted", "app_removed_from_whitelist", "org_app_workspace_removed":
		return nhi.EventGrantRemoved
	case "file_downloaded", "file_uploaded":
		return nhi.EventAPICall
	}
	return nhi.EventOther
}

// logKind maps an integration log change to an event kind.
func logKind(change string) nhi.EventKind {
	switch change {
	case "added", "enabled":
		return nhi.EventAppAdded
	case "removed", "disabled":
		return nhi.EventGrantRemoved
	case "expanded":
		return nhi.EventPermissionAdded
	}
	return nhi.EventAppChanged
}

// requestEvents returns the organization's pending app requests made from oldest (epoch
// seconds) on, as events; admin.apps.requests.list goes through slack-go.
func (c *Connector) requestEvents(ctx context.Context, oldest int64) ([]nhi.Event, error) {
	api := c.api(nil)
	var out []nhi.Event
	for cursor := ""; ; {
		page, err := api.AdminAppsRequestsListContext(ctx, slackgo.AdminAppsListOptionLimit(1000),
			slackgo.AdminAppsListOptionEnterpriseID(c.cfg.EnterpriseID), slackgo.AdminAppsListOptionCursor(cursor))
		if err != nil {
			return nil, sdkError(err, "admin.apps.requests.list")
		}
		for _, q := range page.AppRequests {
			if q.DateCreated >= oldest {
				out = append(out, c.requestEvent(q))
			}
		}
		if cursor = page.ResponseMetadata.Cursor; cursor == "" {
			return out, nil
		}
	}
}

// requestEvent maps a pending app request to an "app_requested" event with the scopes
// asked for and those Slack flags sensitive.
func (c *Connector) requestEvent(q slackgo.AdminAppRequest) nhi.Event {
	var scopes, sensitive []string
	for _, sc := range q.Scopes {
		scopes = append(scopes, sc.Name)
		if sc.IsSensitive {
			sensitive = append(sensitive, sc.Name)
		}
	}
	details := map[string]string{"team": clean(q.Team.ID), "scopes": clean(strings.Join(scopes, ","))}
	setList(details, "sensitive_scopes", sensitive)
	return nhi.Event{ID: clean(q.ID), Platform: nhi.PlatformSlack, Tenant: c.cfg.tenant(),
		Time: time.Unix(q.DateCreated, 0).UTC(), Kind: nhi.EventOther, Activity: "app_requested",
		Actor: clean(q.User.ID), AppID: clean(q.App.ID), TargetID: clean(q.App.ID), Target: clean(q.App.Name),
		Result: "pending", Details: details}
}
