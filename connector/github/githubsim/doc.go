// Package githubsim simulates the parts of GitHub's REST API (and one GraphQL query)
// that nhi's GitHub connector uses, over an estate's GitHub organizations, so that the
// connector, its tests and `nhi demo` run against the same faithful, local GitHub.
//
// The Server is an http.Handler serving api.github.com's paths at its root. nhi's own
// GitHub App ("nhi-scanner", App) is installed on every organization with OwnPermissions
// (InstallationID); its installations are listed with the estate's.
//
// Authentication:
//   - App JWT (Authorization: Bearer), RS256-signed with the app's key, iss the app ID
//     (string or number) or client ID, iat at most 60 s in the future, exp in the future
//     and at most 10 minutes after iat; GitHub's 401 messages otherwise. It calls GET
//     /app, GET /orgs/{org}/installation, POST /app/installations/{id}/access_tokens
//     (201, an opaque ghs_ token valid for an hour, optionally narrowed by "permissions")
//     and, for nhi's own installations only (403 for other apps'), DELETE
//     /app/installations/{id} and PUT/DELETE /app/installations/{id}/suspended.
//   - Installation tokens (Bearer or token) reach their own organization only (403 on
//     another's organization endpoints, 404 on its repositories) and need the
//     installation permission of each endpoint, held by both the token and the
//     installation now (403 "Resource not accessible by integration"). Only they may
//     call the fine-grained token endpoints; they may not call credential
//     authorizations or the audit log.
//   - The owner's classic PAT (OwnerToken) calls everything but the fine-grained token
//     and app endpoints (403 "Resource not accessible by personal access token"); its
//     classic scopes are not otherwise checked.
//   - Anything else is 401 Bad credentials.
//
// Endpoints: GET /orgs/{org} (any organization's public data), /members (role), /repos
// (type), /installations, /hooks (and
// /{id}, PATCH active and events), /actions/secrets, /credential-authorizations (and
// DELETE /{id}), /audit-log, /personal-access-tokens (owner[], token_id[],
// last_used_before/after, repository, permission, direction; POST revoke, single 204 and bulk 202; GET
// /{id}/repositories), /personal-access-token-requests (POST approve/deny, single 204
// and bulk 202); GET /repos/{owner}/{repo}/keys (and /{id}, DELETE),
// /actions/secrets; POST /graphql with the SAML identities query (samlQuery), any other
// query being a 200 with an UNSUPPORTED error.
//
// Wire: every request must send X-GitHub-Api-Version 2022-11-28 or 2026-03-10 (400
// otherwise; GitHub itself defaults a missing one). Lists page with per_page (default 30,
// at most Options.MaxPageSize or 100) and page, with a Link header of absolute URLs to
// the request's host (next and last while pages follow, prev and first after the first
// page). The audit log is newest first unless order=asc, pages with opaque after cursors
// (rel="next" only while events follow) and takes the phrase terms action:, actor: and
// created: (>=, >, <=, < an RFC 3339 time or a date, or a bare date for that day); any
// other term is 422. Times are RFC 3339 UTC, the audit log's epoch milliseconds; absent
// optional values are null. Errors are GitHub's {"message","documentation_url","status"}.
//
// Rate limits: every answer carries x-ratelimit-limit, -remaining, -used, -reset and
// -resource (core, graphql, audit_log). The primary limit (Options.HourlyLimit) counts
// per installation, per owner token and per app JWT, per resource and hour; exhausted, it
// answers 403 "API rate limit exceeded for ..." with remaining 0. The secondary limit
// (Options.SecondaryPerMinute) answers 429 with retry-after.
//
// Changes (revoking grants, reviewing requests, deleting credential authorizations and
// deploy keys, patching hooks, suspending or deleting nhi's installations) apply at once,
// show in later reads (404 and absent from lists once deleted) and append GitHub's
// audit-log events, with nhi's bot ("nhi-scanner[bot]") or the owner as actor:
// personal_access_token.access_revoked, .request_denied and .access_granted,
// org_credential_authorization.revoke, public_key.delete, hook.active_changed and
// hook.events_changed, integration_installation.suspend, .unsuspend and .destroy. An
// event added with a past time (AddDeployKey, AddHook) takes its place in time order,
// as an event GitHub lists late.
//
// Faults (InjectFault) fail matching requests or, with Ignore, answer changes as
// successful while changing nothing; the request log (Requests), the state methods
// (HasToken, HasRequest, HasCredential, HasDeployKey, HookActive,
// InstallationSuspended, Audits) let tests assert what a client did, and AddDeployKey
// and AddHook change the organizations underneath it.
package githubsim
