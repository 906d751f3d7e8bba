// Package slack is nhi's Slack connector. It discovers what acts on an Enterprise Grid
// organization without a person at the keyboard, remediates it, and reads its audit log:
//
//   - Discovery (Discover): the workspaces (auth.teams.list), their people (users.list;
//     deleted users are departed), the installed apps with their scopes
//     (admin.apps.approved.list of the organization and of each workspace: an
//     integration identity whose attributes say org-wide or workspace install, Slack's
//     is_sensitive scopes and legacy scopes), who installed each app and whether that
//     person left (team.integrationLogs), the apps' bots (bots.info; a bot identity whose
//     last use is its last action in the Audit Logs API), and the incoming webhooks of
//     each workspace's integration log (a webhook identity with its channel; the hook
//     URL is a secret Slack does not show and nhi never keeps). Every scan is full.
//   - Remediation (Remediate, Verify): an app is uninstalled from the whole organization
//     (admin.apps.uninstall) and restricted (admin.apps.restrict); Verify re-reads the
//     approved and restricted lists.
//   - Events: the audit log, pending app requests (admin.apps.requests.list, with the
//     scopes asked for and those Slack flags sensitive) and the custom integrations of
//     the integration logs, with a cursor that neither repeats nor loses an event.
//
// It calls the Web API through github.com/slack-go/slack where slack-go covers the
// method and keeps the fields nhi reads: auth.teams.list (ListTeamsContext), users.list
// (GetUsersPaginated), bots.info (GetBotInfoContext) and admin.apps.approved.list,
// admin.apps.restricted.list and admin.apps.requests.list (AdminApps*ListContext, whose
// scopes keep is_sensitive). slack-go's HTTP client is the connector's own transport,
// which sends these reads as GET with the token in the Authorization header only,
// waits out throttling after Retry-After, retries server errors, refuses redirects and
// caps answers; slack-go's error answers (SlackErrorResponse, RateLimitedError) map to
// the same nhi codes as the plain calls'. The rest are plain typed REST calls over
// net/http: team.integrationLogs, admin.apps.uninstall and admin.apps.restrict, which
// slack-go lacks (its apps.uninstall is another method, an app removing itself), and
// the Audit Logs API, whose slack-go entries (GetAuditLogsContext) drop details.new_scope
// and previous_scope, the scope expansions events report.
//
// It needs an org-level user token of an Org Owner with the scopes Scopes returns. With a
// workspace token (a plan without Enterprise Grid, Config.TeamID) it degrades: apps come
// from the integration log without Slack's sensitivity flags, events from the
// integration log alone, and Unavailable lists what cannot be detected. Throttled calls
// (429) are retried after Retry-After, server errors a few times with backoff; errors
// carry nhi codes.
package slack
