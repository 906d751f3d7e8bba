// Package entra is nhi's connector for Microsoft Entra ID. It discovers, through Microsoft
// Graph with an app-only token (OAuth client credentials, typed REST over
// golang.org/x/oauth2/clientcredentials), the delegated permission grants users and
// administrators gave applications, the service principals holding application
// permissions, the client secrets and certificates of the tenant's app registrations and
// service principals with their last use, the owners of each, and the tenant's users.
// Discovery only reads.
//
// # Permissions
//
// The app nhi signs in as needs these Graph application permissions, with admin consent
// (Permissions returns them): Application.Read.All (applications, service principals,
// owners, app role assignments and their delta queries), Directory.Read.All
// (oauth2PermissionGrants and their delta query; Microsoft's least-privileged permission
// for both), User.Read.All (users) and AuditLog.Read.All (the beta sign-in activity
// reports, which also need an Entra ID P1 or P2 licence; without one the identities have
// no last use). Directory.Read.All alone also covers the reads of Application.Read.All and
// User.Read.All. Remediation (remediate.go) needs write permissions of its own,
// RemediationPermissions: DelegatedPermissionGrant.ReadWrite.All to delete or narrow a
// delegated grant, AppRoleAssignment.ReadWrite.All to remove application permissions (app
// role assignments) and Application.ReadWrite.All to disable a service principal or remove
// a client secret; give them to a separate app registration used only for enforcement.
//
// # What is reported
//
// Users are people (ExternalID the user's object ID; disabled accounts are suspended).
// Apps are reported once per appId, for the service principals and app registrations
// that have identities: Microsoft's first-party service principals (owned by Microsoft's
// tenants) therefore appear only when users granted them access. Every identity carries
// its app's facts as attributes: first_party, own_app (registered in the tenant, or a
// managed identity), multi_tenant, sign_in_audience, deceptive_name, and, for third-party
// apps only, verified_publisher.
//
//   - KindOAuthGrant, one per oauth2PermissionGrant: ExternalID the grant's ID, AppID the
//     client's appId, OwnerID the consenting user (none for AllPrincipals), permissions the
//     scope values, LastUsedAt the client's last delegated sign-in; attributes
//     consent_type, admin_consented, resource, resource_app_id. Scope "grants".
//   - KindServiceAccount, one per service principal (not Microsoft's) holding application
//     permissions: ExternalID its object ID, permissions the app role values resolved
//     through the resource service principals' appRoles (an unknown role keeps its ID),
//     CreatedAt its first assignment, LastUsedAt its last app-only sign-in, OwnerID its
//     first owner that is a user; attributes account_enabled, service_principal_type,
//     owners_count, resources. Scope "service-principal:<object ID>".
//   - KindAppCredential, one per client secret or certificate: ExternalID
//     "<object ID>/<key ID>" of the app registration or service principal holding it, one
//     Credential with its start, end (NeverExpires from the year 2299, the portal's
//     "never"), last use and, for certificates, the SHA-1 thumbprint as fingerprint;
//     nothing of a secret is kept (not even its hint). OwnerID the object's first owner that
//     is a user; attributes credential_type, credential_origin, key_usage, owners_count and
//     active_secrets (the unexpired secrets of that object, for multiple-secret findings).
//     Scope "credentials:<app object ID>", or the service principal's scope.
//
// A scope is completed only when everything it holds was read, so a failed listing never
// marks identities gone. Failures of one object's owners or assignments fail that
// object's scope; a failed listing of users, grants or apps fails that part only; a
// failed service principal listing, rejected credentials or a missing permission below
// an object end the scan.
//
// # Incremental scans
//
// A full scan reads service principals, apps and grants through the first round of their
// delta queries, so the cursor it returns holds the delta links (see cursor). An
// incremental scan follows them: it lists users and service principals again, reports
// the service principals and apps that changed (completing their scopes; removed ones
// complete theirs empty) and the grants that changed; when a grant was removed, which a
// delta round reports by ID only, it lists every grant again. What delta queries do not
// track (app role assignments, owners, last use) is refreshed by full scans: a cursor
// whose full scan is older than Config.FullScanInterval, or whose delta links Graph no
// longer knows (they live seven days), gets a full scan.
//
// # Configuration
//
//	connectors:
//	  - name: entra-prod
//	    platform: microsoft_entra
//	    tenant_id: 7c1f0d2e-5b1a-4f8e-9a43-2d6b8c0e1f35
//	    client_id: 0b5e2f9a-3c4d-4e6f-8a9b-1c2d3e4f5a6b
//	    client_secret: env:NHI_ENTRA_SECRET
//
// GraphURL and TokenURL default to Microsoft's; they are set only to reach a simulator
// (plain http is accepted only to loopback addresses). Throttling: requests are paced by
// an adaptive limiter per API (Graph, and its far smaller reports quota) that honours
// Retry-After on 429 and 503 answers and slows down when x-ms-throttle-limit-percentage
// says the quota is nearly used; server errors are retried with backoff.
package entra
