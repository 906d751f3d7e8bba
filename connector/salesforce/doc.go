// Package salesforce is nhi's connector for a Salesforce org. It signs in with the OAuth
// 2.0 JWT bearer flow (RS256 assertion: iss the connected app's consumer key, sub the
// integration user's username, aud the login URL, valid three minutes; typed REST over
// net/http, no Salesforce SDK), signs in again once when a session expires
// (INVALID_SESSION_ID), and reads the org through the REST API (SOQL queries) and the
// Metadata API (SOAP listMetadata and readMetadata of ConnectedApp components, built with
// encoding/xml, ten full names a call). Discovery only reads; the Metadata API's reads
// are SOAP POSTs by protocol.
//
// # What is reported
//
// Tenant is the org ID ("00D..."), from the identity URL of the token answer.
//
//   - People: every user who is not an integration user; ExternalID the User ID, Status
//     departed when IsActive is false, suspended when the UserLogin is frozen, IsAdmin for
//     the System Administrator profile. Integration users are identities, not people.
//   - Apps: every connected app (ExternalID the ConnectedApplication ID "0H4..."); Vendor
//     is guessed from the Metadata contact address's domain for apps not internal.
//   - KindOAuthGrant, one per OauthToken row: ExternalID
//     "<UserId>/<AppMenuItemId>/<CreatedDate as Unix milliseconds>" (OauthToken.Id is
//     always null), AppID the connected app through its AppMenuItem, OwnerID the UserId,
//     permissions the app's OAuth scopes in the catalogue's names (Metadata Api -> api,
//     RefreshToken -> refresh_token, Full -> full, ...), CreatedAt, LastUsedAt, one
//     Credential of type oauth_refresh_token (NeverExpires under the "infinite" refresh
//     token policy); attributes use_count, user_active (a deactivated user's tokens stop
//     working but Salesforce keeps the rows), app_name, admin_approved_only, internal,
//     own_app, ip_relaxation, refresh_token_policy. Scope "app:<ConnectedApplication ID>";
//     tokens of an app menu item that names no connected app are in "tokens:no-app".
//     DeleteToken is never selected by discovery: remediation reads it when it revokes.
//   - KindServiceAccount, one per integration user: a user whose profile or permission
//     sets grant API Only, or whose UserType is not Standard, or who holds OAuth tokens
//     with a profile named for integrations. ExternalID the User ID, permissions the
//     system permissions ViewAllData, ModifyAllData, ApiEnabled, ApiUserOnly, ManageUsers,
//     CustomizeApplication it holds, LastUsedAt its last login; attributes username,
//     profile, user_type, active, frozen, api_only. Scope "integration-users". nhi's own
//     integration user is reported too (Self names it).
//
// A scope is completed only when everything it holds was read. A Metadata read that fails
// is retried one full name at a time, so one unreadable app fails only its own scope. A
// failed users, permission set or frozen-login read fails the people and integration
// scopes; a failed token or app listing fails every app scope.
//
// # API budget and throttling
//
// Every request to /services/data counts against the org's rolling 24-hour
// DailyApiRequests allocation, which the org's own integrations share. A scan and an
// events poll read /limits first and stop with CodeRateLimited, before spending anything
// more, when fewer requests than they need are left above the reserve
// (Config.APIReservePercent, 10% of Max by default); they watch the Sforce-Limit-Info
// header of every answer and stop at the reserve mid-way too. REQUEST_LIMIT_EXCEEDED is
// never retried. 429 and 503 answers are retried with backoff (honouring Retry-After);
// other server errors of reads a few times. Remediation does not stop at the reserve.
//
// # Incremental scans
//
// Salesforce has no delta API for users, permission sets, connected apps or OAuth tokens,
// so every scan is a full one. Discover returns the cursor "salesforce1:<RFC 3339 time of
// the scan>" as the scan runner expects; given back, it is checked and replaced.
//
// # Remediation
//
// revoke_grant on an oauth_grant re-reads the rows of its user and app menu item with
// their DeleteToken, picks the one with the identity's CreatedDate and posts it to
// /services/oauth2/revoke; revoke_app_grants revokes every token of the app's menu items,
// Concurrency at a time, then reads them again and revokes what was issued meanwhile;
// disable_identity on a service_account freezes the user (PATCH UserLogin IsFrozen true),
// which stops its logins and tokens and can be undone. Verify re-reads the token rows or
// the UserLogin. Salesforce has no API to block a connected app org-wide: uninstall_app
// is refused with the manual step, Setup > Connected Apps OAuth Usage > Block. nhi's own
// integration user and connected app are never acted on.
//
// # Events
//
// Events delivers LoginHistory rows as sign_in events and the rows of the hourly
// ApiTotalUsage, RestApi and BulkApi2 event log files as api.call, data.export (creating a
// Bulk API 2.0 query job, downloading its results) and data.export_deleted (deleting a
// query job), with source IP, user agent (CLIENT_NAME), connected app (15-character IDs
// made 18) and details login_type, api_family, entity, rows, uri, status_code. The first
// poll reads the last 30 days. Files appear an hour after their hour ends; the cursor
// keeps the files delivered in the last hours, so late files are read and none twice.
// CSV columns are found by name (unknown ones ignored), files are capped at 32 MiB and a
// poll at 600 files; the next poll goes on.
//
// # Permissions
//
// Create an API-only integration user (the "Minimum Access - API Only Integrations"
// profile) and a permission set with:
//
//   - API Enabled and API Only User;
//   - View Setup and Configuration;
//   - Customize Application: every user's OauthToken rows (and their DeleteToken) and the
//     Metadata API reads of connected apps; without it the org shows the user its own
//     tokens only;
//   - View All Users: every user and every user's LoginHistory;
//   - View Event Log Files: the API event log files (the org needs Event Monitoring for
//     most event types); without it only sign-ins are delivered;
//   - for remediation only, Manage Users (freezing users). Revoking another user's token
//     takes its DeleteToken, which Customize Application reads (older documentation names
//     Manage Users for this; give both to the enforcement user).
//
// Create a connected app with "Use digital signatures" (the certificate of the private
// key below), OAuth scope api, "Admin approved users are pre-authorized", and the
// permission set assigned to it.
//
// # Configuration
//
//	connectors:
//	  - name: salesforce-prod
//	    platform: salesforce
//	    login_url: https://login.salesforce.com   # https://test.salesforce.com for sandboxes
//	    consumer_key: 3MVG9...
//	    username: nhi-integration@example.com
//	    private_key: file:/etc/nhi/salesforce.pem # or env:NHI_SF_KEY; PEM, PKCS#1 or PKCS#8
//	    api_version: v62.0
//	    api_reserve_percent: 10
//
// InstanceURL replaces the instance URL of the token answer; it is set only to reach a
// simulator or to pin the org's My Domain. Every URL must be https, except to loopback.
package salesforce
