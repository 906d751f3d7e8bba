package estate

import "strings"

// slackAppSpec is one app of the Slack catalogue, in a compact form.
type slackAppSpec struct {
	name, company, desc string
	// bot and user are space-separated bot-token and user-token scopes.
	bot, user string
	flags     slackAppFlags
}

// slackAppFlags say how the estate holds an app.
type slackAppFlags uint8

const (
	// slackInternal is the company's own app, installed on the engineering workspace.
	slackInternal slackAppFlags = 1 << iota
	// slackRestricted is an app administrators blocked.
	slackRestricted
	// slackRequested is an app users asked for and nobody resolved yet.
	slackRequested
	// slackDeparted is an app installed by a person who has since left.
	slackDeparted
	// slackRemoved is an app installed and removed again: only the integration log shows it.
	slackRemoved
	// slackOrgWide is an app installed on the whole organization.
	slackOrgWide
)

// slackCatalogue returns the apps of the company's Slack.
func slackCatalogue() []slackAppSpec {
	return []slackAppSpec{
		{"Google Drive", "Google", "Share and preview Drive files", "chat:write links:read links:write", "", slackOrgWide},
		{"Zoom", "Zoom Communications", "Start meetings from Slack", "commands chat:write users:read users:read.email", "", slackOrgWide},
		{"Jira Cloud", "Atlassian", "Create and track issues", "channels:read chat:write commands links:read team:read users:read", "identity.basic", 0},
		{"GitHub", "GitHub", "Pull request and deploy notifications", "channels:read chat:write commands links:read links:write users:read", "", 0},
		{"PagerDuty", "PagerDuty", "Incident response", "chat:write commands channels:manage users:read users:read.email", "", 0},
		{"Drift", "Salesloft", "Conversational marketing", "channels:history chat:write im:history users:read users:read.email", "search:read", slackDeparted},
		{"Gong", "Gong.io", "Deal alerts", "channels:history groups:history chat:write users:read.email files:read", "", 0},
		{"Salesforce", "Salesforce", "CRM records in Slack", "chat:write commands users:read users:read.email", "channels:history", slackOrgWide},
		{"Loom", "Atlassian", "Video messages", "links:read links:write chat:write", "", 0},
		{"Zapier", "Zapier", "Automations", "bot incoming-webhook chat:write:bot channels:history", "", slackDeparted},
		{"Polly", "Polly", "Polls and surveys", "chat:write commands im:write users:read", "", 0},
		{"Donut", "Donut", "Team intros", "chat:write im:write mpim:write users:read channels:manage", "", 0},
		{"Giphy", "Giphy", "GIFs", "commands", "chat:write:user", 0},
		{"Otter.ai", "Otter.ai", "Meeting notes", "channels:history files:read chat:write", "", 0},
		{"Deploy Bot", "", "Deploys from chat", "chat:write commands channels:read", "", slackInternal},
		{"Oncall Sync", "", "Syncs on-call user groups", "", "admin users:read usergroups:write", slackInternal | slackDeparted},
		{"Workspace Analytics Pro", "", "Message analytics", "", "search:read channels:history groups:history im:history files:read users:read.email", 0},
		{"Chess Bot", "Chess Bot", "Play chess in channels", "chat:write commands", "", slackRestricted},
		{"Free Translator", "", "Translate every message", "channels:history groups:history chat:write", "", slackRestricted},
		{"Trello", "Atlassian", "Boards in Slack", "chat:write commands links:read", "", slackRemoved},
		{"Fireflies.ai Notetaker", "Fireflies.ai", "AI meeting notes", "chat:write files:write", "channels:history calls:read", slackRequested},
		{"ChatGPT for Slack", "", "AI answers in threads", "channels:history groups:history chat:write files:read", "", slackRequested},
		{"Clockwise", "Clockwise", "Calendar status sync", "users.profile:write", "users:read", slackRequested},
	}
}

// isSensitiveSlackScope says whether Slack flags scope is_sensitive in the estate: the
// scopes that read messages, files and email addresses, and the administrative and
// legacy umbrella scopes.
func isSensitiveSlackScope(scope string) bool {
	switch scope {
	case "files:read", "files:write", "search:read", "users:read.email", "admin", "client", "bot":
		return true
	}
	return strings.HasSuffix(scope, ":history") || strings.HasPrefix(scope, "admin.") ||
		strings.HasPrefix(scope, "remote_files:")
}

// scopes expands the spec's scopes, bot scopes first.
func (s slackAppSpec) scopes() []SlackScope {
	var out []SlackScope
	for _, kind := range []struct{ list, typ string }{{s.bot, SlackTokenBot}, {s.user, SlackTokenUser}} {
		for _, name := range strings.Fields(kind.list) {
			out = append(out, SlackScope{Name: name, TokenType: kind.typ, Sensitive: isSensitiveSlackScope(name)})
		}
	}
	return out
}

// hasBot says whether an app with the spec has a bot user.
func (s slackAppSpec) hasBot() bool { return s.bot != "" }
