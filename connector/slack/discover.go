package slack

import (
	"context"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	slackgo "github.com/slack-go/slack"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
)

// The scopes of the identities the connector reports.
const (
	scopeApps = "apps"
	scopeBots = "bots"
)

// webhookScope is the scope of a workspace's incoming webhooks, which its integration
// log lists.
func webhookScope(team string) string { return "webhooks:" + team }

// member is what discovery keeps of a user: whether it is deleted (the person left),
// its workspace, its bot (for a bot user) and its last action in the audit log.
type member struct {
	deleted      bool
	team, botID  string
	isBot        bool
	lastActivity time.Time
}

// scan is one discovery pass.
type scan struct {
	c     *Connector
	r     connector.Reporter
	users map[string]*member
	// order lists user IDs as users.list gave them.
	order []string
	teams []string
	// installs maps an app ID to its earliest "added" log entry; hooks are the live
	// incoming webhooks of each workspace.
	installs map[string]logEntry
	hooks    map[string][]logEntry
	// latest maps an app ID to the change of its newest log entry.
	latest map[string]string
	apps   map[string]bool
}

// logEntry is an entry of a workspace's integration log.
type logEntry struct {
	team, id, name, user, channel, change, reason string
	scopes                                        []string
	at                                            time.Time
}

// Discover enumerates the organization: its people, then the installed apps with their
// scopes and installers, their bots (with their last action in the audit log), and the
// incoming webhooks of each workspace. Every scan is a full one; the returned cursor is
// empty.
func (c *Connector) Discover(ctx context.Context, _ nhi.Cursor, r connector.Reporter) (nhi.Cursor, error) {
	if !c.grid() {
		c.env.Log().Warn("slack: workspace token: some detections are unavailable", "tenant", c.cfg.tenant(),
			"unavailable", c.Unavailable())
	}
	s := &scan{c: c, r: r, users: map[string]*member{}, installs: map[string]logEntry{},
		hooks: map[string][]logEntry{}, apps: map[string]bool{}, latest: map[string]string{}}
	steps := []struct {
		resource, scope string
		run             func(context.Context) error
	}{
		{"users", "", s.listUsers},
		{"integration logs", "", s.readLogs},
		{"audit logs", "", s.readActivity},
		{"apps", scopeApps, s.listApps},
		{"bots", scopeBots, s.listBots},
		{"webhooks", "", s.reportHooks},
	}
	for _, st := range steps {
		err := st.run(ctx)
		if err == nil {
			continue
		}
		if fatal(err) || st.resource == "users" {
			return "", c.mapError(err, st.resource)
		}
		r.Fail(ctx, connector.Failure{Scope: st.scope, Resource: st.resource, Err: c.mapError(err, st.resource)})
	}
	return "", nil
}

// progress returns the reporter's progress function.
func (s *scan) progress() func(connector.Progress) { return s.r.Progress }

// listUsers lists the workspaces (auth.teams.list), pages users.list in each, reports
// the people once each and keeps every user.
func (s *scan) listUsers(ctx context.Context) error {
	teams, err := s.c.workspaces(ctx, s.progress())
	if err != nil {
		return err
	}
	s.teams = teams
	for _, team := range teams {
		if err := s.teamUsers(ctx, team); err != nil {
			return err
		}
	}
	if err := s.r.ScopeComplete(ctx, connector.ScopePeople); err != nil {
		return &reporterError{err}
	}
	return nil
}

// teamUsers pages users.list of one workspace (team_id only with an org-level token)
// through slack-go.
func (s *scan) teamUsers(ctx context.Context, team string) error {
	opts := []slackgo.GetUsersOption{slackgo.GetUsersOptionLimit(200), slackgo.GetUsersOptionIncludeLocale(false)}
	if s.c.grid() {
		opts = append(opts, slackgo.GetUsersOptionTeamID(team))
	}
	p := s.c.api(s.progress()).GetUsersPaginated(opts...)
	for {
		var err error
		p, err = p.Next(ctx)
		switch {
		case p.Done(err):
			return nil // the page before was the last
		case err != nil:
			return sdkError(err, "users.list")
		}
		s.r.Progress(connector.Progress{Kind: connector.ProgressPage, Resource: "users"})
		for _, m := range p.Users {
			if s.users[m.ID] != nil {
				continue // a member of several workspaces
			}
			s.users[m.ID] = &member{deleted: m.Deleted, team: m.TeamID, botID: m.Profile.BotID, isBot: m.IsBot}
			s.order = append(s.order, m.ID)
			if m.IsBot || m.ID == "USLACKBOT" {
				continue
			}
			if err := s.person(ctx, m.ID, m.RealName, m.Profile.Email, m.Deleted, m.IsAdmin || m.IsOwner); err != nil {
				return err
			}
		}
	}
}

// person reports one person.
func (s *scan) person(ctx context.Context, id, name, email string, deleted, admin bool) error {
	status := nhi.PersonActive
	if deleted {
		status = nhi.PersonDeparted
	}
	p := nhi.Person{Platform: nhi.PlatformSlack, Tenant: s.c.cfg.tenant(), ExternalID: id, Email: clean(email),
		Name: clean(name), Status: status, IsAdmin: admin}
	if err := s.r.Person(ctx, p); err != nil {
		return &reporterError{err}
	}
	return nil
}

// readLogs reads each workspace's integration log: who installed each app and when, and
// the live incoming webhooks. A workspace whose log fails is reported and skipped.
func (s *scan) readLogs(ctx context.Context) error {
	for _, team := range s.teams {
		entries, err := s.c.teamLog(ctx, team, 0, s.progress())
		if err != nil {
			if fatal(err) {
				return err
			}
			s.r.Fail(ctx, connector.Failure{Scope: webhookScope(team), Resource: "integration log of workspace " + team,
				Err: s.c.mapError(err, "the integration log of workspace "+team)})
			continue
		}
		s.hooks[team] = liveHooks(entries)
		for _, e := range entries { // newest first: the earliest "added" wins
			if strings.HasPrefix(e.id, "svc:") {
				continue
			}
			if _, seen := s.latest[e.id]; !seen {
				s.latest[e.id] = e.change
			}
			if e.change == "added" {
				s.installs[e.id] = e
			}
		}
		if err := s.r.ScopeComplete(ctx, webhookScope(team)); err != nil {
			return &reporterError{err}
		}
	}
	return nil
}

// teamLog pages one workspace's integration log, newest first; it stops after the page
// that reaches entries older than oldest (epoch seconds; 0 reads it all).
func (c *Connector) teamLog(ctx context.Context, team string, oldest int64, progress func(connector.Progress)) ([]logEntry, error) {
	var out []logEntry
	for page := 1; ; page++ {
		p := url.Values{"count": {"1000"}, "page": {strconv.Itoa(page)}}
		if c.grid() {
			p.Set("team_id", team)
		}
		var lp logsPage
		if err := c.call(ctx, request{method: "team.integrationLogs", params: p}, progress, &lp); err != nil {
			return nil, err
		}
		older := false
		for _, l := range lp.Logs {
			secs, _ := strconv.ParseInt(l.Date, 10, 64)
			e := logEntry{team: team, id: l.AppID, name: l.AppType, user: l.UserID, channel: l.Channel,
				change: l.ChangeType, reason: l.Reason, at: time.Unix(secs, 0).UTC()}
			if l.AppID == "" {
				e.id, e.name = "svc:"+l.ServiceID, l.ServiceType
			}
			if l.Scope != "" {
				e.scopes = strings.Split(l.Scope, ",")
			}
			older = older || secs < oldest
			out = append(out, e)
		}
		if lp.Paging.Page >= lp.Paging.Pages || len(lp.Logs) == 0 || older {
			return out, nil
		}
	}
}

// liveHooks returns the incoming webhooks of a log (newest first) that are still there,
// each as its earliest "added" entry, in order of service ID.
func liveHooks(entries []logEntry) []logEntry {
	latest := map[string]string{}
	added := map[string]logEntry{}
	for _, e := range entries {
		if !strings.HasPrefix(e.id, "svc:") || !slices.Contains(e.scopes, "incoming-webhook") {
			continue
		}
		if _, seen := latest[e.id]; !seen {
			latest[e.id] = e.change
		}
		if e.change == "added" {
			added[e.id] = e
		}
	}
	var out []logEntry
	for id, e := range added {
		if latest[id] == "added" || latest[id] == "enabled" {
			out = append(out, e)
		}
	}
	slices.SortFunc(out, func(a, b logEntry) int { return strings.Compare(a.id, b.id) })
	return out
}
