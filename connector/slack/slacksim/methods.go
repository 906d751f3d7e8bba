package slacksim

import (
	"slices"
	"strconv"
	"strings"

	"github.com/nhiscope/nhi/estate"
)

// methods returns the methods the simulator serves, by name.
func (s *Server) methods() map[string]method {
	return map[string]method{
		"auth.teams.list":            {h: teamsList},
		"users.list":                 {scope: ScopeUsersRead, h: usersList},
		"bots.info":                  {scope: ScopeUsersRead, h: botsInfo},
		"team.integrationLogs":       {scope: ScopeAdmin, h: integrationLogs},
		"admin.apps.approved.list":   {scope: ScopeAdminAppsRead, org: true, h: appsList(estate.SlackApproved)},
		"admin.apps.restricted.list": {scope: ScopeAdminAppsRead, org: true, h: appsList(estate.SlackRestricted)},
		"admin.apps.requests.list":   {scope: ScopeAdminAppsRead, org: true, h: requestsList},
		"admin.apps.uninstall":       {scope: ScopeAdminAppsWrite, org: true, h: appsUninstall},
		"admin.apps.restrict":        {scope: ScopeAdminAppsWrite, org: true, h: appsRestrict},
		"apps.uninstall":             {h: ownAppUninstall},
		"audit.logs":                 {scope: ScopeAuditLogsRead, org: true, h: auditLogs},
	}
}

// teamsList answers auth.teams.list: the workspaces the token can access (every one of
// the organization for an org-level token), paged by cursor.
func teamsList(c *call) (map[string]any, string) {
	var rows []map[string]any
	for i, t := range c.s.w.s.Teams {
		if i == 0 || !c.s.opts.Workspace {
			rows = append(rows, map[string]any{"id": t.ID, "name": t.Name})
		}
	}
	return c.paged("teams", "team", rows)
}

// usersList answers users.list: the members of one workspace (team_id, required with an
// org-level token and ignored with a workspace token), people then bot users, deleted
// ones included, paged by cursor (no limit: every member at once).
func usersList(c *call) (map[string]any, string) {
	w := c.s.w
	team := int32(0)
	if !c.s.opts.Workspace {
		id := c.p.Get("team_id")
		if id == "" {
			return nil, "missing_argument"
		}
		if team = w.teamIndex(id); team < 0 {
			return nil, "team_not_found"
		}
	}
	var members []estate.SlackUser
	for _, u := range w.s.Users {
		if u.Team == team {
			members = append(members, u)
		}
	}
	off, ok := c.page("user")
	if !ok || off > len(members) {
		return nil, "invalid_cursor"
	}
	end := min(off+c.limit("limit", len(members), 1000), len(members))
	out := make([]map[string]any, 0, end-off)
	for _, u := range members[off:end] {
		out = append(out, c.member(u))
	}
	return map[string]any{"members": out, "cache_ts": c.now.Unix(), "response_metadata": cursor("user", end, len(members))}, ""
}

// member renders a user as users.list does.
func (c *call) member(u estate.SlackUser) map[string]any {
	s := c.s.w.s
	profile := map[string]any{"real_name": u.RealName, "display_name": ""}
	if u.Email != "" && c.s.hasScope(ScopeUsersReadEmail) {
		profile["email"] = u.Email
	}
	if u.Bot >= 0 {
		b := s.Bots[u.Bot]
		profile["bot_id"], profile["api_app_id"], profile["always_active"] = b.ID, s.Apps[b.App].ID, true
	}
	return map[string]any{"id": u.ID, "team_id": s.Teams[u.Team].ID, "name": u.Name, "deleted": u.Deleted,
		"real_name": u.RealName, "is_admin": u.Admin, "is_owner": u.Owner, "is_bot": u.Bot >= 0,
		"is_app_user": false, "updated": u.Updated.Unix(), "profile": profile,
		"enterprise_user": map[string]any{"enterprise_id": s.EnterpriseID, "enterprise_name": s.EnterpriseName}}
}

// botsInfo answers bots.info for the bot parameter.
func botsInfo(c *call) (map[string]any, string) {
	s := c.s.w.s
	id := c.p.Get("bot")
	if id == "" {
		return nil, "invalid_arguments"
	}
	i := slices.IndexFunc(s.Bots, func(b estate.SlackBot) bool { return b.ID == id })
	if i < 0 {
		return nil, "bot_not_found"
	}
	b := s.Bots[i]
	c.s.w.mu.Lock()
	deleted := b.Deleted || !c.s.w.installed(int(b.App))
	c.s.w.mu.Unlock()
	icons := map[string]any{}
	for _, n := range []string{"36", "48", "72"} {
		icons["image_"+n] = "https://a.slack-edge.com/80588/img/plugins/app/bot_" + n + ".png"
	}
	return map[string]any{"bot": map[string]any{"id": b.ID, "deleted": deleted, "name": b.Name,
		"updated": b.Updated.Unix(), "app_id": s.Apps[b.App].ID, "user_id": s.Users[b.User].ID, "icons": icons}}, ""
}

// integrationLogs answers team.integrationLogs: a workspace's log (team_id is required
// with an org token), newest first, filtered by app_id, service_id, change_type and user,
// paged by count and page.
func integrationLogs(c *call) (map[string]any, string) {
	w := c.s.w
	team := int32(0)
	if !c.s.opts.Workspace {
		id := c.p.Get("team_id")
		if id == "" {
			return nil, "missing_argument" // an org token must name a workspace
		}
		if team = w.teamIndex(id); team < 0 {
			return nil, "team_not_found"
		}
	}
	w.mu.Lock()
	logs := slices.Clone(w.logs)
	w.mu.Unlock()
	var rows []map[string]any
	for i := len(logs) - 1; i >= 0; i-- {
		l := logs[i]
		u := w.s.Users[l.User]
		if l.Team != team || !matches(c.p.Get("app_id"), l.AppID) || !matches(c.p.Get("service_id"), l.ServiceID) ||
			!matches(c.p.Get("change_type"), l.ChangeType) || !matches(c.p.Get("user"), u.ID) {
			continue
		}
		row := map[string]any{"user_id": u.ID, "user_name": u.Name, "date": strconv.FormatInt(l.Time.Unix(), 10),
			"change_type": l.ChangeType, "scope": strings.Join(l.Scopes, ",")}
		if l.AppID != "" {
			row["app_id"], row["app_type"] = l.AppID, l.AppName
		} else {
			row["service_id"], row["service_type"], row["channel"] = l.ServiceID, l.ServiceType, l.Channel
		}
		if l.Reason != "" {
			row["reason"] = l.Reason
		}
		rows = append(rows, row)
	}
	count := c.limit("count", 100, 1000)
	page := 1
	if v, err := strconv.Atoi(c.p.Get("page")); err == nil && v > 0 {
		page = v
	}
	pages := max(1, (len(rows)+count-1)/count)
	lo := min((page-1)*count, len(rows))
	hi := min(lo+count, len(rows))
	return map[string]any{"logs": nonNil(rows[lo:hi]),
		"paging": map[string]any{"count": count, "total": len(rows), "page": page, "pages": pages}}, ""
}

// matches reports whether a filter (empty: none) admits value.
func matches(filter, value string) bool { return filter == "" || filter == value }

// nonNil returns rows, or an empty slice for nil, so that JSON says [].
func nonNil(rows []map[string]any) []map[string]any {
	if rows == nil {
		return []map[string]any{}
	}
	return rows
}
