// Package salesforcesim simulates the parts of the Salesforce REST API, its OAuth 2.0
// endpoints and the Metadata API that nhi's Salesforce connector uses, over an estate's
// Salesforce org, so that the connector, its tests and `nhi demo` run against the same
// faithful, local org.
//
// The Server is an http.Handler serving Salesforce's paths at its root, as
// https://<MyDomain>.my.salesforce.com would; the base URL it is served at is the
// instance URL.
//
//   - POST /services/oauth2/token: the JWT bearer flow of nhi's connected app. Client
//     returns its consumer key, its private key and the username of the integration user
//     it runs as, which the simulator adds to the org (API only, with Customize
//     Application, View All Users and View Event Log Files; SetUserPermissions changes
//     them). The assertion must be RS256-signed by that key, issued by the consumer key,
//     about an active, unfrozen user, for https://login.salesforce.com,
//     https://test.salesforce.com, the org's My Domain or the instance, and expire
//     within three minutes by Options.Now;
//     failures are 400 invalid_grant ("audience is invalid", "expired authorization code",
//     "user hasn't approved this consumer", "invalid assertion") or invalid_client_id.
//     Access tokens live two hours by Options.Now, then 401 INVALID_SESSION_ID.
//   - GET /services/data/vXX.X/query?q= and /queryAll?q=: a real SOQL parser (lexer and
//     recursive descent) for SELECT fields (with one level of relationship fields such as
//     Profile.Name) FROM object [WHERE ...] [ORDER BY ...] [LIMIT n]; conditions compare
//     a field with a literal of its type (=, !=, <, <=, >, >=, LIKE, IN, NOT IN, with
//     AND, OR, NOT and parentheses; strings, numbers, true, false, null, datetimes,
//     TODAY, YESTERDAY, LAST_N_DAYS:n, N_DAYS_AGO:n). Anything else is refused with
//     Salesforce's error array: MALFORMED_QUERY, INVALID_TYPE, INVALID_FIELD,
//     INVALID_QUERY_FILTER_OPERATOR, with the caret message. Results come in batches of
//     2,000 (Sforce-Query-Options batchSize, 200 to 2,000, capped by Options.MaxBatch)
//     with nextRecordsUrl locators /query/<01g...>-<offset>.
//   - Objects: User, UserLogin, PermissionSetAssignment (with PermissionSet fields;
//     every user holds its profile's permission set, plus one more set granting what the
//     profile does not), ConnectedApplication, AppMenuItem, OauthToken (Id always null;
//     other users' rows need Customize Application), LoginHistory (six months; other
//     users' rows need View All Users) and EventLogFile (hourly files of the Login,
//     ApiTotalUsage, RestApi and BulkApi2 event types, for the last 30 days, each
//     appearing an hour after its hour ends, with LogFileLength a double and LogFile
//     the URL of the body, as the REST API has them; without View Event Log Files the
//     object does not exist for the caller, INVALID_TYPE, as Salesforce hides objects a
//     user may not see).
//   - GET /services/data/vXX.X/sobjects/EventLogFile/{id}/LogFile: the CSV body, every
//     value quoted, with Salesforce's column names.
//   - GET /services/data/vXX.X/limits; every REST and Metadata call counts against the
//     daily allocation (Options.DailyLimit) and REST answers carry Sforce-Limit-Info;
//     once it is spent, 403 REQUEST_LIMIT_EXCEEDED until the allocation refills, 24 hours
//     after the first request it counted (by Options.Now).
//   - POST /services/Soap/m/NN.0: Metadata API listMetadata and readMetadata of type
//     ConnectedApp (oauthConfig scopes as Salesforce's enum, oauthPolicy ipRelaxation
//     and refreshTokenPolicy), with SOAP faults (sf:INVALID_SESSION_ID,
//     sf:INSUFFICIENT_ACCESS without Customize Application, ...).
//   - Changes: POST /services/oauth2/revoke token=<DeleteToken> removes the OauthToken
//     row (unknown tokens: 400 invalid_token); PATCH sobjects/UserLogin/{id}
//     {"IsFrozen":bool} and sobjects/User/{id} {"IsActive":bool} answer 204. A
//     deactivated or frozen user's rows stay, but its sessions stop working. The
//     simulator does not check Manage Users for these changes.
//
// Where Salesforce's behaviour is undocumented the simulator picks one and sticks to it:
// queryAll answers as query (no object served keeps deleted rows); the Login event log
// has USER_AGENT and CONNECTED_APP_ID columns besides BROWSER_TYPE; nhi's own connected
// app is not listed among the org's connected apps, while its integration user is among
// the users.
//
// Faults (InjectFault) fail requests or silently ignore changes; the request log (with
// each query's decoded SOQL) and the state methods (TokenCount, UserState, APIUsage) let
// tests assert what a client did, and the changes (AddLogin, AddAPIEvent, AddToken)
// change the org underneath it.
package salesforcesim
