package slacksim

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/nhiscope/nhi/estate"
)

// world is the organization's state: the estate, read-only, and what changes through the
// API (where apps are installed, whether they are restricted, the logs).
type world struct {
	mu sync.Mutex
	e  *estate.Estate
	s  *estate.Slack
	// apps parallels s.Apps with the state changes apply to.
	apps   []appState
	logs   []estate.SlackLog
	audits []estate.SlackAudit
	seq    int
}

// appState is where an app stands now.
type appState struct {
	status  string
	orgWide bool
	teams   []int32
}

// newWorld copies the mutable parts of e's Slack organization.
func newWorld(e *estate.Estate) *world {
	s := e.Slack
	w := &world{e: e, s: s, apps: make([]appState, len(s.Apps)), logs: slices.Clone(s.Logs), audits: slices.Clone(s.Audits)}
	for i, a := range s.Apps {
		w.apps[i] = appState{status: a.Status, orgWide: a.OrgWide, teams: slices.Clone(a.Teams)}
		if a.Status != estate.SlackApproved {
			w.apps[i].teams, w.apps[i].orgWide = nil, false
		}
	}
	return w
}

// installed reports whether app i is installed anywhere; the caller holds mu.
func (w *world) installed(i int) bool {
	a := &w.apps[i]
	return a.status == estate.SlackApproved && (a.orgWide || len(a.teams) > 0)
}

// teamIndex returns the index of the workspace with the ID, or -1.
func (w *world) teamIndex(id string) int32 {
	return int32(slices.IndexFunc(w.s.Teams, func(t estate.SlackTeam) bool { return t.ID == id }))
}

// uninstall removes app i from the workspaces teams (all of them, and the org-wide
// install, when teams is nil) and logs it; it returns how many installs it removed.
func (w *world) uninstall(i int, teams []int32, actor int32, now time.Time) int {
	a := &w.apps[i]
	var removed []int32
	if teams == nil {
		removed = slices.Clone(a.teams)
		if a.orgWide {
			removed = allTeams(len(w.s.Teams))
		}
		a.orgWide, a.teams = false, nil
	} else {
		for _, t := range teams {
			if k := slices.Index(a.teams, t); k >= 0 {
				a.teams = slices.Delete(a.teams, k, k+1)
				removed = append(removed, t)
			}
		}
	}
	app := &w.s.Apps[i]
	for _, t := range removed {
		w.logs = append(w.logs, estate.SlackLog{Team: t, AppID: app.ID, AppName: app.Name, User: actor,
			ChangeType: "removed", Scopes: estate.SlackScopeNames(app.Scopes), Reason: "user", Time: now})
	}
	if len(removed) > 0 {
		w.audit("app_uninstalled", actor, i, now)
	}
	return len(removed)
}

// restrict marks app i restricted and logs it; false when it already was.
func (w *world) restrict(i int, actor int32, now time.Time) bool {
	if w.apps[i].status == estate.SlackRestricted {
		return false
	}
	w.apps[i].status = estate.SlackRestricted
	w.apps[i].orgWide, w.apps[i].teams = false, nil
	w.audit("app_restricted", actor, i, now)
	return true
}

// audit appends an entry about app i to the audit log.
func (w *world) audit(action string, actor int32, app int, now time.Time) {
	w.seq++
	sum := sha256.Sum256([]byte(w.s.EnterpriseID + "\x00" + action + "\x00" + now.String() + "\x00" + string(rune(w.seq))))
	h := hex.EncodeToString(sum[:16])
	id := strings.Join([]string{h[:8], h[8:12], h[12:16], h[16:20], h[20:32]}, "-")
	w.audits = append(w.audits, estate.SlackAudit{ID: id, Time: now, Action: action, Actor: actor, App: int32(app),
		Team: -1, Scopes: estate.SlackScopeNames(w.s.Apps[app].Scopes), IP: "198.51.100.10"})
}

// allTeams returns the indexes of n workspaces.
func allTeams(n int) []int32 {
	out := make([]int32, n)
	for i := range out {
		out[i] = int32(i)
	}
	return out
}
