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
// It speaks the Web API and the Audit Logs API as typed REST over net/http (no Slack SDK
// is in the module; github.com/slack-go/slack v0.36.0 covers these methods, the Audit
// Logs API aside, should the project take it on). It needs an org-level user token of an
// Org Owner with the scopes Scopes returns. With a workspace token (a plan without
// Enterprise Grid, Config.TeamID) it degrades: apps come from the integration log
// without Slack's sensitivity flags, events from the integration log alone, and
// Unavailable lists what cannot be detected. Throttled calls (429) are retried after
// Retry-After, server errors a few times with backoff; errors carry nhi codes.
package slack
