package estate

import (
	"slices"
	"strings"
	"time"
)

// Slack is the company's Slack: an Enterprise Grid organization with two workspaces, its
// users (the company's people, deleted once they left, and the apps' bot users), the apps
// installed on the organization or its workspaces with the scopes they hold, their bots,
// the incoming webhooks people added, pending app requests, each workspace's integration
// log and the organization's audit log. Indexes into other slices are int32, -1 for none.
//
// IDs look like Slack's: "E..." for the organization, "T..." for workspaces, "W..." for
// the organization's people, "U..." for bot users, "B..." for bots, "A..." for apps,
// "C..." for channels, and a decimal service ID for an incoming webhook.
type Slack struct {
	// EnterpriseID is the organization's ID; EnterpriseName and EnterpriseDomain its name
	// and domain ("example" for example.enterprise.slack.com).
	EnterpriseID, EnterpriseName, EnterpriseDomain string
	Teams                                          []SlackTeam
	// Users are people, in People order, then bot users, in Bots order.
	Users []SlackUser
	// Apps are approved (installed) and restricted apps.
	Apps     []SlackApp
	Bots     []SlackBot
	Webhooks []SlackWebhook
	// Requests are app requests waiting for an administrator.
	Requests []SlackRequest
	// Logs is the integration log of every workspace, oldest first.
	Logs []SlackLog
	// Audits is the organization's audit log, oldest first.
	Audits []SlackAudit
	// Labels are the seeded Slack risks; they are also in Estate.Labels.
	Labels []Label
}

// SlackAuditWindow is how far back the organization's audit log reaches in the estate:
// longer than StaleAfter, so that the log shows which bots went quiet.
const SlackAuditWindow = 180 * 24 * time.Hour

// SlackTeam is a workspace of the organization.
type SlackTeam struct {
	ID, Name, Domain string
}

// SlackUser is a member of the organization: a person or a bot user.
type SlackUser struct {
	ID string
	// Team indexes Slack.Teams: the user's home workspace.
	Team int32
	// Person indexes Estate.People; -1 for a bot user.
	Person int32
	// Name is the username ("jane.doe"); RealName the full name; Email empty for bots.
	Name, RealName, Email string
	// Deleted says the account is deactivated: the person left.
	Deleted bool
	// Admin and Owner say the person administers, or owns, the organization.
	Admin, Owner bool
	// Bot indexes Slack.Bots for a bot user; -1 for a person.
	Bot int32
	// Updated is when the account last changed (deactivation, for a deleted one).
	Updated time.Time
}

// The statuses of a SlackApp, as the admin.apps list methods group them.
const (
	SlackApproved   = "approved"
	SlackRestricted = "restricted"
)

// The token types of a SlackScope.
const (
	SlackTokenBot  = "bot"
	SlackTokenUser = "user"
)

// SlackScope is one OAuth scope an app holds or asks for.
type SlackScope struct {
	Name string
	// TokenType is SlackTokenBot or SlackTokenUser.
	TokenType string
	// Sensitive is Slack's is_sensitive flag.
	Sensitive bool
}

// SlackApp is an app of the organization's app management.
type SlackApp struct {
	ID, Name, Description string
	// Vendor indexes Estate.Vendors for a catalogued vendor's app; -1 otherwise.
	// Company is the publisher's name, empty for the company's own app.
	Vendor  int32
	Company string
	// Internal marks the company's own app; Directory marks an app of the Slack
	// Marketplace (app directory).
	Internal, Directory bool
	// Status is SlackApproved (installed) or SlackRestricted (blocked, not installed).
	Status string
	Scopes []SlackScope
	// OrgWide says the app is installed on the whole organization; otherwise Teams lists
	// the workspaces it is installed on.
	OrgWide bool
	Teams   []int32
	// InstalledBy indexes Slack.Users: the person who installed it; -1 for a
	// restricted app, which is not installed.
	InstalledBy int32
	InstalledAt time.Time
	// ResolvedBy indexes Slack.Users: the administrator who approved or restricted it.
	ResolvedBy int32
	ResolvedAt time.Time
	// ClientID is the app's OAuth client ID ("<digits>.<digits>").
	ClientID string
}

// SlackBot is the bot of an installed app.
type SlackBot struct {
	ID   string
	Name string
	// App indexes Slack.Apps; User indexes Slack.Users (the bot user).
	App, User int32
	Deleted   bool
	Updated   time.Time
	// LastActiveAt is the last time the bot acted, zero for never; the audit log shows
	// its actions within SlackAuditWindow.
	LastActiveAt time.Time
}

// SlackWebhook is an incoming webhook, added as a custom integration of a workspace.
// Its URL is a secret and is not part of the estate.
type SlackWebhook struct {
	// ServiceID is the integration's service ID (decimal digits).
	ServiceID string
	Team      int32
	// Channel is the ID of the channel it posts to; ChannelName its name.
	Channel, ChannelName string
	// AddedBy indexes Slack.Users.
	AddedBy int32
	AddedAt time.Time
}

// SlackRequest is a user's request to install an app, waiting for an administrator.
type SlackRequest struct {
	ID string
	// AppID and AppName name the app asked for, which the organization has not resolved.
	AppID, AppName string
	// User indexes Slack.Users; Team indexes Slack.Teams.
	User, Team int32
	Scopes     []SlackScope
	Message    string
	CreatedAt  time.Time
}

// SlackLog is one entry of a workspace's integration log.
type SlackLog struct {
	Team int32
	// AppID is set for an app; ServiceID and ServiceType for a custom integration
	// ("Incoming WebHooks").
	AppID, AppName, ServiceID, ServiceType string
	// User indexes Slack.Users.
	User int32
	// Channel is set for a webhook.
	Channel string
	// ChangeType is "added", "removed", "enabled", "disabled" or "expanded".
	ChangeType string
	Scopes     []string
	// Reason is set for removals ("user", "deauth", ...).
	Reason string
	Time   time.Time
}

// SlackAudit is one entry of the organization's audit log.
type SlackAudit struct {
	// ID is the entry's ID (a UUID).
	ID     string
	Time   time.Time
	Action string
	// Actor indexes Slack.Users.
	Actor int32
	// App indexes Slack.Apps for an entry about an app; -1 otherwise. Team indexes
	// Slack.Teams for an entry located in a workspace; -1 for the organization.
	App, Team int32
	// Scopes are the app's scopes after the action; PreviousScopes before it (scope
	// expansions only).
	Scopes, PreviousScopes []string
	// File names the file of a file action.
	File string
	// IP is the address the action came from.
	IP string
}

// IsCriticalSlackScope reports whether scope is critical by the generator's own ground
// truth: the legacy everything-scopes (admin, client, bot) and the admin.*:write scopes
// that change who is in the organization, what apps it runs or how it is configured.
// Managing user groups and information barriers, and reading one user's direct messages
// (im:history), are high, not critical. The list is the generator's, independent of the
// risk catalogue on purpose.
func IsCriticalSlackScope(scope string) bool {
	switch scope {
	case "admin", "client", "bot":
		return true
	case "admin.usergroups:write", "admin.barriers:write":
		return false
	}
	return strings.HasPrefix(scope, "admin.") && strings.HasSuffix(scope, ":write")
}

// IsLegacySlackScope reports whether scope belongs to Slack's classic (legacy) apps:
// the umbrella scopes of classic bots and clients, and the colon-suffixed chat scopes.
func IsLegacySlackScope(scope string) bool {
	switch scope {
	case "admin", "client", "bot", "read", "post", "identify", "chat:write:user", "chat:write:bot":
		return true
	}
	return false
}

// SlackScopeNames returns the names of scopes, in order.
func SlackScopeNames(scopes []SlackScope) []string {
	out := make([]string, len(scopes))
	for i, s := range scopes {
		out[i] = s.Name
	}
	return out
}

// AppByID returns the index of the app with the ID, or false.
func (s *Slack) AppByID(id string) (int, bool) {
	i := slices.IndexFunc(s.Apps, func(a SlackApp) bool { return a.ID == id })
	return i, i >= 0
}

// TeamsOf returns the workspaces app a is installed on: every one for an org-wide
// install, none for a restricted app.
func (s *Slack) TeamsOf(a int) []int32 {
	app := &s.Apps[a]
	switch {
	case app.Status != SlackApproved:
		return nil
	case app.OrgWide:
		out := make([]int32, len(s.Teams))
		for i := range out {
			out[i] = int32(i)
		}
		return out
	}
	return app.Teams
}
