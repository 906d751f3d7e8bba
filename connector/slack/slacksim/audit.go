package slacksim

import (
	"slices"
	"strconv"
	"strings"

	"github.com/nhiscope/nhi/estate"
)

// auditLogs answers GET /audit/v1/logs: the organization's audit log, newest first,
// filtered by oldest and latest (epoch seconds, inclusive), action (comma-separated),
// actor (a user ID) and entity (an app or file ID), paged by cursor and limit (at most
// 9999).
func auditLogs(c *call) (map[string]any, string) {
	w := c.s.w
	oldest, okO := epochParam(c.p.Get("oldest"))
	latest, okL := epochParam(c.p.Get("latest"))
	if !okO || !okL {
		return nil, "invalid_range"
	}
	actions := strings.Split(c.p.Get("action"), ",")
	w.mu.Lock()
	audits := slices.Clone(w.audits)
	w.mu.Unlock()
	var rows []map[string]any
	for i := len(audits) - 1; i >= 0; i-- {
		a := audits[i]
		t := a.Time.Unix()
		entity := a.File
		if a.App >= 0 {
			entity = w.s.Apps[a.App].ID
		}
		if (oldest > 0 && t < oldest) || (latest > 0 && t > latest) || (actions[0] != "" && !slices.Contains(actions, a.Action)) ||
			!matches(c.p.Get("actor"), w.s.Users[a.Actor].ID) || !matches(c.p.Get("entity"), entity) {
			continue
		}
		rows = append(rows, c.auditEntry(a))
	}
	off, ok := c.page("audit")
	if !ok || off > len(rows) {
		return nil, "invalid_cursor"
	}
	end := min(off+c.limit("limit", 100, 9999), len(rows))
	return map[string]any{"entries": nonNil(rows[off:end]), "response_metadata": cursor("audit", end, len(rows))}, ""
}

// epochParam parses an optional epoch-seconds parameter; 0 for none.
func epochParam(v string) (int64, bool) {
	if v == "" {
		return 0, true
	}
	n, err := strconv.ParseInt(v, 10, 64)
	return n, err == nil && n >= 0
}

// auditEntry renders one audit log entry.
func (c *call) auditEntry(a estate.SlackAudit) map[string]any {
	s := c.s.w.s
	u := s.Users[a.Actor]
	actor := map[string]any{"type": "user", "user": map[string]any{"id": u.ID, "name": u.RealName, "email": u.Email,
		"team": s.Teams[u.Team].ID}}
	var entity map[string]any
	if a.App >= 0 {
		app := &s.Apps[a.App]
		entity = map[string]any{"type": "app", "app": map[string]any{"id": app.ID, "name": app.Name,
			"is_distributed": !app.Internal, "is_directory_approved": app.Directory, "is_workflow_app": false,
			"scopes": a.Scopes}}
	} else {
		entity = map[string]any{"type": "file", "file": map[string]any{"id": a.File, "name": a.File + ".pdf",
			"filetype": "pdf", "title": "report"}}
	}
	location := map[string]any{"type": "enterprise", "id": s.EnterpriseID, "name": s.EnterpriseName, "domain": s.EnterpriseDomain}
	if a.Team >= 0 {
		t := s.Teams[a.Team]
		location = map[string]any{"type": "workspace", "id": t.ID, "name": t.Name, "domain": t.Domain}
	}
	entry := map[string]any{"id": a.ID, "date_create": a.Time.Unix(), "action": a.Action, "actor": actor,
		"entity": entity, "context": map[string]any{"location": location, "ua": "Mozilla/5.0", "ip_address": a.IP,
			"session_id": "0"}}
	if a.PreviousScopes != nil {
		entry["details"] = map[string]any{"new_scope": a.Scopes, "previous_scope": a.PreviousScopes}
	}
	return entry
}
