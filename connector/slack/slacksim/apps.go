package slacksim

import (
	"crypto/subtle"
	"slices"
	"strings"

	"github.com/nhiscope/nhi/estate"
)

// target returns the workspace a listing or change names: -1 for the organization
// (enterprise_id), a workspace index (team_id), or false when the call names neither,
// both, or another organization's.
func (c *call) target(teamParam string) (int32, bool) {
	ent, team := c.p.Get("enterprise_id"), c.p.Get(teamParam)
	switch {
	case (ent == "") == (team == ""):
		return 0, false
	case ent != "":
		return -1, ent == c.s.w.s.EnterpriseID
	}
	t := c.s.w.teamIndex(team)
	return t, t >= 0
}

// appsList answers admin.apps.approved.list and admin.apps.restricted.list: with
// enterprise_id the apps approved (installed) org-wide, or restricted; with team_id the
// apps installed on that workspace alone (restricted ones are org-wide).
func appsList(status string) func(c *call) (map[string]any, string) {
	return func(c *call) (map[string]any, string) {
		team, ok := c.target("team_id")
		if !ok {
			return nil, "invalid_arguments"
		}
		w := c.s.w
		w.mu.Lock()
		var rows []map[string]any
		for i := range w.s.Apps {
			st := w.apps[i]
			if st.status != status || (status == estate.SlackApproved && !w.installed(i)) {
				continue
			}
			if (team < 0 && status == estate.SlackApproved && !st.orgWide) ||
				(team >= 0 && (st.orgWide || !slices.Contains(st.teams, team))) {
				continue
			}
			rows = append(rows, c.appEntry(i))
		}
		w.mu.Unlock()
		key := map[string]string{estate.SlackApproved: "approved_apps", estate.SlackRestricted: "restricted_apps"}[status]
		return c.paged(key, "app", rows)
	}
}

// paged answers one page of rows under key, by cursor and limit.
func (c *call) paged(key, kind string, rows []map[string]any) (map[string]any, string) {
	off, ok := c.page(kind)
	if !ok || off > len(rows) {
		return nil, "invalid_cursor"
	}
	end := min(off+c.limit("limit", 100, 1000), len(rows))
	return map[string]any{key: nonNil(rows[off:end]), "response_metadata": cursor(kind, end, len(rows))}, ""
}

// appEntry renders app i as the admin.apps lists do.
func (c *call) appEntry(i int) map[string]any {
	s := c.s.w.s
	a := &s.Apps[i]
	resolver := s.Users[a.ResolvedBy].ID
	return map[string]any{"app": c.appObject(a.ID, a.Name, a.Description, a.Internal, a.Directory),
		"scopes": scopeList(a.Scopes), "date_updated": a.ResolvedAt.Unix(),
		"last_resolved_by": map[string]any{"actor_id": resolver, "actor_type": "user"}}
}

// appObject renders the app object of the admin.apps answers.
func (c *call) appObject(id, name, desc string, internal, directory bool) map[string]any {
	slug := strings.ToLower(strings.ReplaceAll(name, " ", "-"))
	dir := ""
	if directory {
		dir = "https://" + c.s.w.s.EnterpriseDomain + ".enterprise.slack.com/apps/" + id + "-" + slug
	}
	return map[string]any{"id": id, "name": name, "description": desc, "help_url": "", "privacy_policy_url": "",
		"app_homepage_url": "", "app_directory_url": dir, "is_app_directory_approved": directory,
		"is_internal": internal, "additional_info": "", "icons": map[string]any{"image_32": "https://a.slack-edge.com/" + id + "/32.png"}}
}

// scopeList renders scopes as the admin.apps answers do.
func scopeList(scopes []estate.SlackScope) []map[string]any {
	out := make([]map[string]any, len(scopes))
	for i, sc := range scopes {
		out[i] = map[string]any{"name": sc.Name, "description": "Scope " + sc.Name, "is_sensitive": sc.Sensitive,
			"token_type": sc.TokenType}
	}
	return out
}

// requestsList answers admin.apps.requests.list: pending requests of the organization
// (enterprise_id) or of one workspace (team_id).
func requestsList(c *call) (map[string]any, string) {
	team, ok := c.target("team_id")
	if !ok {
		return nil, "invalid_arguments"
	}
	s := c.s.w.s
	var rows []map[string]any
	for _, q := range s.Requests {
		if team >= 0 && q.Team != team {
			continue
		}
		u, t := s.Users[q.User], s.Teams[q.Team]
		rows = append(rows, map[string]any{"id": q.ID, "app": c.appObject(q.AppID, q.AppName, "", false, true),
			"previous_resolution": nil, "user": map[string]any{"id": u.ID, "name": u.Name, "email": u.Email},
			"team": map[string]any{"id": t.ID, "name": t.Name, "domain": t.Domain}, "scopes": scopeList(q.Scopes),
			"message": q.Message, "is_user_app_collaborator": false, "date_created": q.CreatedAt.Unix()})
	}
	return c.paged("app_requests", "request", rows)
}

// appIndex returns the index of the app the app_id parameter names, or -1.
func (c *call) appIndex() int {
	id := c.p.Get("app_id")
	return slices.IndexFunc(c.s.w.s.Apps, func(a estate.SlackApp) bool { return a.ID == id })
}

// appsUninstall answers admin.apps.uninstall: app_id and exactly one of enterprise_id
// (every install) or team_ids (a comma-separated list of workspaces).
func appsUninstall(c *call) (map[string]any, string) {
	var teams []int32
	ent, ids := c.p.Get("enterprise_id"), c.p.Get("team_ids")
	switch {
	case (ent == "") == (ids == ""):
		return nil, "invalid_arguments"
	case ent != "" && ent != c.s.w.s.EnterpriseID:
		return nil, "invalid_arguments"
	case ids != "":
		for _, id := range strings.Split(ids, ",") {
			t := c.s.w.teamIndex(strings.TrimSpace(id))
			if t < 0 {
				return nil, "team_not_found"
			}
			teams = append(teams, t)
		}
	}
	w := c.s.w
	w.mu.Lock()
	defer w.mu.Unlock()
	i := c.appIndex()
	switch {
	case i < 0 || !w.installed(i):
		return nil, "app_not_found"
	case teams != nil && w.apps[i].orgWide:
		return nil, "must_revoke_access" // an org-wide install is removed with enterprise_id
	case w.uninstall(i, teams, c.actor, c.now) == 0:
		return nil, "app_not_found"
	}
	return map[string]any{}, ""
}

// appsRestrict answers admin.apps.restrict: app_id with enterprise_id or team_id. It
// restricts the app and removes its installs; restricting a restricted app succeeds.
func appsRestrict(c *call) (map[string]any, string) {
	if _, ok := c.target("team_id"); !ok {
		return nil, "invalid_arguments"
	}
	w := c.s.w
	w.mu.Lock()
	defer w.mu.Unlock()
	i := c.appIndex()
	if i < 0 {
		return nil, "app_not_found"
	}
	w.restrict(i, c.actor, c.now)
	return map[string]any{}, ""
}

// ownAppUninstall answers apps.uninstall: the app whose client_id and client_secret are
// given is uninstalled everywhere, its tokens revoked.
func ownAppUninstall(c *call) (map[string]any, string) {
	w := c.s.w
	id := c.p.Get("client_id")
	i := slices.IndexFunc(w.s.Apps, func(a estate.SlackApp) bool { return a.ClientID == id && id != "" })
	if i < 0 {
		return nil, "invalid_client_id"
	}
	if subtle.ConstantTimeCompare([]byte(c.p.Get("client_secret")), []byte(c.s.ClientSecret(id))) != 1 {
		return nil, "bad_client_secret"
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.uninstall(i, nil, c.actor, c.now)
	return map[string]any{}, ""
}
