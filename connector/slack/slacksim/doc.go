// Package slacksim simulates the parts of Slack's Web API and Audit Logs API that nhi's
// Slack connector uses, over an estate's Slack organization (an Enterprise Grid org with
// two workspaces), so that the connector, its tests and `nhi demo` run against the same
// local organization.
//
// The Server is an http.Handler serving the production paths at its root: APIURL and
// AuditURL say where a client points its Web API base (https://slack.com/api/) and its
// Audit Logs API base (https://api.slack.com/audit/v1/).
//
//   - GET or POST /api/{method}, parameters in the query or a form body, the token in
//     "Authorization: Bearer" or the token parameter:
//     auth.teams.list (the workspaces the token can access), users.list (one workspace's
//     people, deleted ones included, and bot users with profile.bot_id and api_app_id;
//     team_id is required with an org-level token), bots.info, team.integrationLogs (newest first, page/count paging
//     with paging{count,total,page,pages}; team_id required with an org token),
//     admin.apps.approved.list, admin.apps.restricted.list, admin.apps.requests.list
//     (scopes with is_sensitive and token_type), and the changes admin.apps.uninstall
//     (app_id with enterprise_id or team_ids), admin.apps.restrict and apps.uninstall
//     (client_id and client_secret; see ClientSecret).
//   - GET /audit/v1/logs: the audit log, newest first, with oldest, latest, action,
//     actor, entity, limit and cursor.
//
// Cursor-paged answers carry response_metadata.next_cursor, "" on the last page; limit
// defaults to 100 (at most 1000, 9999 for audit logs), and users.list without a limit
// answers every member at once. Web API errors are HTTP 200 with
// {"ok":false,"error":code}: not_authed, invalid_auth, missing_scope (with needed and
// provided), not_allowed_token_type (admin methods with a workspace token; see
// Options.Workspace), invalid_cursor, invalid_arguments, app_not_found,
// must_revoke_access, bot_not_found, team_not_found. The Audit Logs API answers errors
// with their HTTP status (401, 403 feature_not_enabled for a workspace token). Throttled
// calls get 429 with Retry-After and {"ok":false,"error":"ratelimited"} (Options.Quota,
// Options.Tiers), per method.
//
// Where Slack's behaviour is undocumented the simulator picks one and sticks to it:
// admin.apps.approved.list with enterprise_id lists org-wide installs and with team_id
// the apps installed on that workspace alone; admin.apps.restrict also removes the app's
// installs; an uninstall or restriction is logged as app_uninstalled or app_restricted in
// the audit log and as "removed" in each workspace's integration log; the token belongs
// to the organization's primary owner, the first person of the estate; users.list with an
// org-level token and no team_id answers missing_argument; each person and bot user is a
// member of one workspace.
//
// Knobs (Options) set the page cap, quota, tiers, latency, token, scopes and clocks;
// faults (InjectFault) fail requests or silently ignore changes; the request log, Stats
// and the state methods (Installed, InstalledTeams, Restricted, AuditActions) let tests
// assert what a client did.
package slacksim
