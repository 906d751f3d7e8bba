// Package okta is nhi's connector for Okta: it discovers an org's API tokens, OAuth
// service apps and people's OAuth grants through the Okta management API, remediates
// them, and reads the System Log for events about them.
//
// Discovery reports:
//   - people: every user (DEPROVISIONED ones asked for apart, as Okta lists them only
//     when filtered for), with IsAdmin from /api/v1/iam/assignees/users; Okta is a
//     directory, so its people are the company's people of record;
//   - API tokens (SSWS) as api_key identities: OwnerID is the creator, and the
//     permissions are the creator's admin roles (SUPER_ADMIN, ...), since a token acts
//     with its creator's privileges. A token's expiry slides: expiresAt is its last use
//     plus its tokenWindow, so LastUsedAt is expiresAt minus the window (none when that
//     is its creation). The network restriction and window are attributes;
//   - OAuth service apps (application_type "service") as service_account identities,
//     whose permissions are their okta.* scope grants and whose owner is the admin who
//     made the first grant;
//   - people's consent grants, one oauth_grant identity per (person, client)
//     ("<user ID>/<client ID>"), under the person's scope, with the last use of the
//     refresh tokens the app holds for the person.
//
// Remediation revokes an API token (DELETE /api/v1/api-tokens/{id}), revokes a person's
// grants and refresh tokens for a client, deactivates a service app and revokes some of
// its okta.* scopes; Verify re-reads the org.
//
// The connector authenticates with an API token ("Authorization: SSWS ...") or as an
// OAuth service app with private_key_jwt client credentials (the org authorization
// server's token endpoint, scopes ReadScopes and, to remediate, RemediationScopes). It
// honours Okta's rate limit: a 429 (E0000047) waits until X-Rate-Limit-Reset, measured
// against the answer's Date so that clock skew does not matter.
//
// A full scan's cursor marks the newest System Log event; a scan from it (within
// FullScanInterval of the full scan) lists the API tokens again (an expired token leaves
// no event), and the apps and people's grants only when the log shows them changed.
package okta
