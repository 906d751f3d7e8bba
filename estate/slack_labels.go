package estate

import (
	"slices"
	"time"

	"github.com/nhiscope/nhi"
)

// LabelPlatformSlack is the platform of the Slack organization's labels.
const LabelPlatformSlack = string(nhi.PlatformSlack)

// slackLabels derives the ground-truth labels of the organization from its own data, with
// no engine code. The subject of a label is the external ID of the identity the Slack
// connector reports: an app's ID, a bot's ID, an incoming webhook's service ID. Apps'
// labels come first (in Apps order), then bots', then webhooks'.
//   - owner.departed: an installed app whose installer is deleted, and a webhook whose
//     creator is;
//   - permission.critical: an installed app holding a critical scope
//     (IsCriticalSlackScope);
//   - usage.stale: a bot whose last action the audit log shows (or, never, whose app's
//     install) lies more than StaleAfter before now. Slack shows no use of apps or
//     webhooks, so they are not labelled stale.
func slackLabels(now time.Time, s *Slack) []Label {
	var out []Label
	add := func(risk, subject string) { out = append(out, Label{risk, LabelPlatformSlack, subject}) }
	for i := range s.Apps {
		app := &s.Apps[i]
		if app.Status != SlackApproved {
			continue
		}
		if s.Users[app.InstalledBy].Deleted {
			add(RiskOwnerDeparted, app.ID)
		}
		if slices.ContainsFunc(app.Scopes, func(sc SlackScope) bool { return IsCriticalSlackScope(sc.Name) }) {
			add(RiskPermissionCritical, app.ID)
		}
	}
	for _, b := range s.Bots {
		if staleSince(now, b.LastActiveAt, s.Apps[b.App].InstalledAt) {
			add(RiskUsageStale, b.ID)
		}
	}
	for _, w := range s.Webhooks {
		if s.Users[w.AddedBy].Deleted {
			add(RiskOwnerDeparted, w.ServiceID)
		}
	}
	return out
}
