// Package entrasim simulates the parts of Microsoft Graph and the Microsoft identity
// platform that nhi's Microsoft Entra ID connector uses, over an estate's Microsoft
// tenant, so that the connector, its tests and `nhi demo` run against the same faithful,
// local tenant.
//
// The Server is an http.Handler serving the production paths at its root: TokenURL and
// GraphURL say where a client points its token URL and its Graph base URL.
//
//   - POST /{tenant}/oauth2/v2.0/token: the client credentials grant for
//     https://graph.microsoft.com/.default, authenticated by client_secret (form or HTTP
//     Basic) or by a client_assertion JWT signed with the certificate ClientCertificate
//     returns. Failures are Entra ID's: invalid_client (AADSTS7000215), unauthorized_client
//     (AADSTS700016), invalid_scope (AADSTS1002012), with error_codes, trace and
//     correlation IDs.
//   - GET /v1.0/applications, /v1.0/servicePrincipals (and /{id}, /{id}/owners,
//     servicePrincipals(appId='...')), /v1.0/servicePrincipals/{id}/appRoleAssignments and
//     /appRoleAssignedTo, /v1.0/oauth2PermissionGrants (and /{id}), /v1.0/users, with
//     $select, $top (default 100, at most 999), $filter where Graph takes it (eq on IDs,
//     consentType, appId, displayName, ...) and @odata.nextLink paging with an opaque
//     $skiptoken bound to its query.
//   - Delta queries: /v1.0/applications/delta, /servicePrincipals/delta and
//     /oauth2PermissionGrants/delta. The first round lists every live object; its last page
//     carries @odata.deltaLink, whose $deltatoken lists what changed since: changed objects
//     in full and removed ones as {"id","@removed":{"reason"}} ("changed" for apps and
//     service principals, which Entra ID soft-deletes; "deleted" for grants).
//   - GET /beta/reports/servicePrincipalSignInActivities and
//     /beta/reports/appCredentialSignInActivities (filter appId, keyId): last sign-ins of
//     service principals and of each used credential.
//   - GET /v1.0/auditLogs/directoryAudits, newest first, with $filter on activityDateTime
//     (ge, gt, le, lt), category, activityDisplayName, loggedByService and result.
//   - Changes: DELETE and PATCH {"scope"} /v1.0/oauth2PermissionGrants/{id}, DELETE
//     /v1.0/servicePrincipals/{id}/appRoleAssignments/{assignmentId} (and
//     /appRoleAssignedTo/{assignmentId}), PATCH /v1.0/servicePrincipals/{id}
//     {"accountEnabled"}, POST /v1.0/applications/{id}/removePassword and
//     /v1.0/servicePrincipals/{id}/removePassword {"keyId"}. Each answers 204, applies to
//     the tenant, shows in delta queries and in the directory audit log; an absent object
//     is Graph's 404 Request_ResourceNotFound.
//
// Every Graph call needs a bearer token the token endpoint issued, still valid (else 401
// InvalidAuthenticationToken), carrying an application permission the call needs (else
// 403 Authorization_RequestDenied): Options.Roles sets those of the default client,
// ReadRoles by default; remediation needs RemediationRoles too. Errors use Graph's
// envelope {"error":{"code","message","innerError":{"date","request-id",
// "client-request-id"}}}. Every call costs resource units (x-ms-resource-unit); with
// Options.ResourceUnits set, a spent budget answers 429 TooManyRequests with Retry-After,
// x-ms-throttle-scope and x-ms-throttle-information.
//
// $orderby, $expand, $search and $count are refused with 400 Request_UnsupportedQuery, as
// is any filter the simulator does not take. Graph's v1.0 servicePrincipal and
// oAuth2PermissionGrant have no creation time: the estate's are seen only through the
// audit log. Where Graph's behaviour is undocumented the simulator picks one and sticks to
// it: a narrowed grant is audited as "Update delegated permission grant"; the credential
// report lists used credentials only; changes made by a client app name it in
// initiatedBy.app; the directory audit log keeps what the estate holds (30 days).
//
// Knobs (Options) set the page cap, the resource-unit budget, latency, token lifetime and
// the clocks; faults (InjectFault) fail requests or silently ignore changes; the request
// log, Stats and the state methods (Grant, HasAssignment, ServicePrincipalEnabled,
// HasCredential, Audits) let tests assert what a client did, and the changes (AddGrant,
// AddAssignment, AddCredential, AddServicePrincipal, RemoveServicePrincipal, RecordSignIn,
// ...) change the tenant underneath it.
package entrasim
