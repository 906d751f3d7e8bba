// Package googleworkspacesim simulates the parts of Google's admin APIs that nhi's Google
// Workspace connector uses, over an estate, so that the connector, its tests and `nhi demo`
// run against the same faithful, local tenant.
//
// The Server is an http.Handler serving Google's production paths at its root, so the
// official clients work against it with option.WithEndpoint(baseURL+"/"):
//
//   - POST /token: the OAuth 2.0 JWT-bearer grant of a service account with domain-wide
//     delegation. ServiceAccountKey returns a key file whose token_uri points here.
//   - GET /admin/directory/v1/users: users.list (customer or domain, maxResults, pageToken,
//     showDeleted, orderBy, sortOrder, projection, viewType and a subset of query).
//   - GET /admin/directory/v1/users/{userKey}/tokens, GET and DELETE .../tokens/{clientId}.
//   - GET /admin/reports/v1/activity/users/{userKey|all}/applications/{token|admin}:
//     activities.list (startTime, endTime, eventName, filters with == and <>,
//     actorIpAddress, maxResults, pageToken, customerId), newest first, 180 days back.
//
// Every listing and tokens.get take Google's standard fields parameter (partial responses:
// "a,b", "a/b", "a(b,c)", "*"), applied while the answer is rendered; a member the resource
// lacks is a 400 invalidParameter "Invalid field selection <name>", as Google answers it.
//
// Wire details follow Google: int64 values as JSON strings, entity tags with their quotes,
// nextPageToken absent on the last page, items omitted when empty, 204 with no body on
// DELETE, and Google's JSON error envelope for 400, 401, 403 (insufficient scope, and
// userRateLimitExceeded when throttled), 404 and 429 (RESOURCE_EXHAUSTED). Like Google, it
// sends no Retry-After. Where Google's behaviour is undocumented the simulator picks one
// and sticks to it: showDeleted=true lists deleted users only; an unknown customer is a 400
// and a foreign domain a 403; activities.list includes events at endTime as at startTime.
//
// Token audit events are derived from the estate (an authorize event at each grant's
// AuthorizedAt, an activity event at its LastUsedAt plus up to two earlier ones, authorize
// and revoke for the estate's revoked grants) and kept as compact records, rendered per
// page; at 100,000 people that is over a million events in a few tens of megabytes.
//
// Knobs (Options) set page caps, quotas, the throttling status, latency and the clocks; the
// request log, Stats and the state methods (Tokens, AddGrant, RecordActivity, SuspendUser)
// let tests assert what a client did and change the tenant underneath it. Answers are
// reproducible: the same estate and options give the same bytes, apart from access tokens.
package googleworkspacesim
