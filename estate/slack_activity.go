package estate

import (
	"fmt"
	"slices"
	"time"
)

// addWebhooks adds three incoming webhooks to each workspace, some added by people who
// left, and one more that was added and removed again.
func (g *slackGen) addWebhooks() {
	channels := []string{"alerts", "deploys", "sales-wins", "support-escalations", "marketing-leads", "status"}
	for t := range g.s.Teams {
		for k := range 4 {
			pool := g.active
			if g.r.Float64() < 0.3 {
				pool = g.departed
			}
			u := g.pick(pool)
			at, ok := g.actAt(u)
			if !ok {
				u = g.pick(g.active)
				at, _ = g.actAt(u)
			}
			w := SlackWebhook{ServiceID: g.digits(10), Team: int32(t), Channel: g.id("C", 10),
				ChannelName: channels[g.r.IntN(len(channels))], AddedBy: u, AddedAt: at}
			log := SlackLog{Team: int32(t), ServiceID: w.ServiceID, ServiceType: "Incoming WebHooks", User: u,
				Channel: w.Channel, ChangeType: "added", Scopes: []string{"incoming-webhook"}, Time: at}
			g.s.Logs = append(g.s.Logs, log)
			if k == 3 {
				log.ChangeType, log.Reason = "removed", "user"
				log.Time = at.Add(time.Duration(g.r.Int64N(20*day)+1) * time.Second)
				g.s.Logs = append(g.s.Logs, log)
				continue
			}
			g.s.Webhooks = append(g.s.Webhooks, w)
		}
	}
}

// addAudits writes the organization's audit log within SlackAuditWindow: installs and
// approvals, restrictions, a scope expansion, and the file downloads of active bots.
func (g *slackGen) addAudits() {
	s := g.s
	since := g.now.Add(-SlackAuditWindow)
	add := func(a SlackAudit) {
		if a.Time.After(since) {
			a.ID, a.IP = newGUID(g.r), fmt.Sprintf("203.0.113.%d", 1+g.r.IntN(254))
			s.Audits = append(s.Audits, a)
		}
	}
	for i := range s.Apps {
		app := &s.Apps[i]
		names := SlackScopeNames(app.Scopes)
		if app.Status == SlackRestricted {
			add(SlackAudit{Time: app.ResolvedAt, Action: "app_restricted", Actor: app.ResolvedBy, App: int32(i), Team: -1, Scopes: names})
			continue
		}
		team := int32(-1)
		if !app.OrgWide {
			team = app.Teams[0]
		}
		add(SlackAudit{Time: app.InstalledAt, Action: "app_installed", Actor: app.InstalledBy, App: int32(i), Team: team, Scopes: names})
		add(SlackAudit{Time: app.ResolvedAt.Add(time.Minute), Action: "app_approved", Actor: app.ResolvedBy, App: int32(i), Team: team, Scopes: names})
		if sensitive := slices.IndexFunc(app.Scopes, func(sc SlackScope) bool { return sc.Sensitive }); sensitive >= 0 && app.Company == "Salesloft" {
			prev := slices.Delete(slices.Clone(names), sensitive, sensitive+1)
			add(SlackAudit{Time: g.at(day + g.r.Int64N(30*day)), Action: "app_scopes_expanded", Actor: app.ResolvedBy,
				App: int32(i), Team: team, Scopes: names, PreviousScopes: prev})
		}
	}
	for _, b := range s.Bots {
		if b.LastActiveAt.IsZero() {
			continue
		}
		for k := range 2 {
			add(SlackAudit{Time: b.LastActiveAt.Add(-time.Duration(k) * 36 * time.Hour), Action: "file_downloaded",
				Actor: b.User, App: -1, Team: s.Users[b.User].Team, File: g.id("F", 10)})
		}
	}
}
