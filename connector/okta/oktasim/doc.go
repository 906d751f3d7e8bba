// Package oktasim simulates the parts of the Okta management API that nhi's Okta
// connector uses, over an estate's Okta org, so that the connector, its tests and
// `nhi demo` run against the same faithful, local org.
//
// The Server is an http.Handler serving the production paths at its root, as
// https://{org}.okta.com does:
//
//   - GET /api/v1/iam/assignees/users: the users holding admin roles ({"value":[...]}).
//   - GET /api/v1/users (DEPROVISIONED users only with filter=status eq "DEPROVISIONED",
//     as Okta lists them), /api/v1/users/{id} and /api/v1/users/{id}/roles (admin role
//     assignments).
//   - GET /api/v1/api-tokens and /api/v1/api-tokens/{id}; DELETE /api/v1/api-tokens/{id}
//     revokes a token (204).
//   - GET /api/v1/apps (filter=status eq "ACTIVE"|"INACTIVE") and /api/v1/apps/{id}, with
//     credentials.oauthClient and settings.oauthClient (application_type, grant_types);
//     POST /api/v1/apps/{id}/lifecycle/deactivate (200 {}).
//   - GET /api/v1/apps/{id}/grants (okta.* scope grants of an app) and DELETE
//     /api/v1/apps/{id}/grants/{grantId} (204).
//   - GET /api/v1/apps/{id}/tokens: the refresh tokens people hold for the app.
//   - GET /api/v1/users/{id}/clients (the clients a person consented to) and
//     /api/v1/users/{id}/clients/{clientId}/tokens (the person's refresh tokens for one).
//   - GET /api/v1/users/{id}/grants (a person's consents, one per scope), DELETE
//     /api/v1/users/{id}/grants/{grantId}, DELETE /api/v1/users/{id}/clients/{clientId}/grants
//     and DELETE /api/v1/users/{id}/clients/{clientId}/tokens (204).
//   - GET /api/v1/logs: the System Log, with since (default seven days before until or
//     now), until, filter (eventType eq "..." joined by or), limit (at most 1000) and
//     sortOrder (DESCENDING only with until). A bounded query (until set) pages with
//     Link rel="next" while events remain; a polling query (no until) always carries a
//     next link to poll.
//   - POST /oauth2/v1/token: client credentials with private_key_jwt (an RS256
//     client_assertion signed with the key ClientKey returns, aud the token URL),
//     granting the okta.* scopes asked for that the client holds.
//
// Lists page with limit (default 20, at most 200, or Options.MaxPageSize) and an opaque
// after cursor in Link rel="next". Every API request needs "Authorization: SSWS <token>"
// with Options.APIToken (acting as a super admin, as Okta API tokens act with their
// creator's privileges) or "Bearer <access token>" the token endpoint issued, carrying the
// scope the call needs (okta.apiTokens.read, okta.apps.manage, ...). Errors use Okta's
// body {"errorCode","errorSummary","errorLink","errorId","errorCauses"}: E0000011 for a
// bad token (401), E0000006 for a missing scope (403), E0000007 for an absent resource
// (404), E0000047 for a spent rate limit (429). Every API answer carries
// X-Rate-Limit-Limit, X-Rate-Limit-Remaining and X-Rate-Limit-Reset (epoch seconds).
//
// Where Okta's behaviour is not documented the simulator picks one and sticks to it: the
// rate limit is one org-wide bucket that refills evenly over a minute and holds ten
// seconds' worth, and its reset is
// the second the next request fits; cursors are the last ID of a page.
//
// Event hooks (AddEventHook, VerifyEventHook) behave as Okta documents them: a hook
// receives nothing until its one-time verification GET, carrying the
// X-Okta-Verification-Challenge header and the hook's Authorization header, is answered
// 200 with {"verification": <the challenge>}; then each System Log event of a subscribed
// type is POSTed, asynchronously and in order, from the moment it becomes visible, in
// the {"eventType":"com.okta.event_hook", ..., "data":{"events":[...]}} envelope with the
// Authorization header. A call has three seconds to be answered 2xx and is retried once.
// AppendEvent adds events the simulator does not make itself, such as a service app's
// access token grant from a given address.
//
// Knobs (Options) set the page cap, the rate limit, latency and the clocks; faults
// (InjectFault) fail requests or silently ignore changes; the request log, Stats and the
// state accessors (Token, App, AppGrants, Consents, Events) let tests assert what a
// client did, and the changes (AddToken, AddServiceApp, ...) change the org underneath it.
package oktasim
