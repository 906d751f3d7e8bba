package slacksim

import (
	"slices"

	"github.com/nhiscope/nhi/estate"
)

// Installed reports whether the app with the ID is installed anywhere in the
// organization (org-wide or on a workspace).
func (s *Server) Installed(appID string) bool {
	w := s.w
	w.mu.Lock()
	defer w.mu.Unlock()
	i := slices.IndexFunc(w.s.Apps, func(a estate.SlackApp) bool { return a.ID == appID })
	return i >= 0 && w.installed(i)
}

// InstalledTeams returns the IDs of the workspaces the app is installed on, every one
// for an org-wide install; nil when it is installed nowhere.
func (s *Server) InstalledTeams(appID string) []string {
	w := s.w
	w.mu.Lock()
	defer w.mu.Unlock()
	i := slices.IndexFunc(w.s.Apps, func(a estate.SlackApp) bool { return a.ID == appID })
	if i < 0 || !w.installed(i) {
		return nil
	}
	teams := w.apps[i].teams
	if w.apps[i].orgWide {
		teams = allTeams(len(w.s.Teams))
	}
	var out []string
	for _, t := range teams {
		out = append(out, w.s.Teams[t].ID)
	}
	return out
}

// Restricted reports whether the app with the ID is restricted.
func (s *Server) Restricted(appID string) bool {
	w := s.w
	w.mu.Lock()
	defer w.mu.Unlock()
	i := slices.IndexFunc(w.s.Apps, func(a estate.SlackApp) bool { return a.ID == appID })
	return i >= 0 && w.apps[i].status == estate.SlackRestricted
}

// AuditActions returns the actions of the audit log, oldest first, changes made through
// the API included.
func (s *Server) AuditActions() []string {
	w := s.w
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make([]string, len(w.audits))
	for i, a := range w.audits {
		out[i] = a.Action
	}
	return out
}
