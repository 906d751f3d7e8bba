package estate

import "time"

// Microsoft is the company's Microsoft Entra ID tenant, as Microsoft Graph shows it: the
// same people (as Entra users), vendors' multi-tenant apps consented by users or admins,
// Microsoft's own first-party service principals, and the company's line-of-business app
// registrations with their secrets and certificates. Indexes refer to the slices of this
// struct (or to Estate.People and Estate.Vendors where noted); -1 means none.
type Microsoft struct {
	// TenantID is the tenant's GUID; Domain its initial domain ("example.onmicrosoft.com").
	TenantID string
	Domain   string
	// Users are the Entra accounts of the company's people, in People order. A departed
	// person's account is deleted: it is absent here.
	Users []MSUser
	// ServicePrincipals are the tenant's enterprise applications: Microsoft first-party
	// ones (Microsoft Graph, Office 365 Exchange Online, ... with their app roles and
	// delegated scopes, and many more that a real tenant has), vendors' apps, and the
	// service principals of the company's own app registrations.
	ServicePrincipals []MSServicePrincipal
	// Applications are the company's own app registrations.
	Applications []MSApplication
	// Grants are delegated permission grants (oauth2PermissionGrants), in order of
	// (Principal, Client, Resource): the AllPrincipals ones first.
	Grants []MSGrant
	// Assignments are application permissions granted to service principals
	// (appRoleAssignments), in order of Principal.
	Assignments []MSAssignment
	// Audits are directory audit events of the last 30 days about apps and consents,
	// oldest first.
	Audits []MSAudit
	// Labels are the risks seeded in the tenant (platform LabelPlatformEntra), the ground
	// truth the Entra connector's findings are measured against. They are kept apart
	// from Estate.Labels, which are Google's.
	Labels []Label
}

// MSUser is the Entra account of one person.
type MSUser struct {
	// Person indexes Estate.People.
	Person   int32
	ObjectID string
	UPN      string
	// AccountEnabled is false for suspended people.
	AccountEnabled bool
}

// MSPermission is an app role (application permission) or a delegated scope that a
// resource service principal publishes.
type MSPermission struct {
	// ID is Microsoft's GUID of the permission; Value its name ("Mail.Read").
	ID, Value   string
	DisplayName string
}

// MSCredential is a client secret (password credential) or certificate (key credential).
type MSCredential struct {
	KeyID       string
	DisplayName string
	// Hint is the first three characters of a secret (secrets only).
	Hint string
	// Type and Usage are set for certificates ("AsymmetricX509Cert", "Verify").
	Type, Usage string
	// Thumbprint is a certificate's customKeyIdentifier (hex SHA-1).
	Thumbprint string
	Start, End time.Time
	// LastUsed is the credential's last sign-in; zero when never used.
	LastUsed time.Time
}

// MSServicePrincipal is one service principal (enterprise application).
type MSServicePrincipal struct {
	ObjectID    string
	AppID       string
	DisplayName string
	// AppOwnerOrganizationID is the tenant that owns the app: Microsoft's tenant for
	// first-party apps, the vendor's for third-party ones, this tenant's for its own.
	AppOwnerOrganizationID string
	// ServicePrincipalType is "Application" or "ManagedIdentity".
	ServicePrincipalType string
	AccountEnabled       bool
	PublisherName        string
	// VerifiedPublisher is the verified publisher's display name; empty when unverified.
	VerifiedPublisher string
	SignInAudience    string
	// FirstParty marks Microsoft's own apps; Vendor indexes Estate.Vendors for a
	// vendor's app; Application indexes Microsoft.Applications for the company's own.
	FirstParty  bool
	Vendor      int32
	Application int32
	// Suspicious marks a malicious or look-alike multi-tenant app.
	Suspicious bool
	AppRoles   []MSPermission
	Scopes     []MSPermission
	// Owners index Microsoft.Users.
	Owners    []int32
	Created   time.Time
	Passwords []MSCredential
	Keys      []MSCredential
	// LastSignIn is the last sign-in of the app (any kind); zero when never.
	LastSignIn time.Time
}

// MSApplication is one of the company's own app registrations.
type MSApplication struct {
	ObjectID          string
	AppID             string
	DisplayName       string
	Created           time.Time
	SignInAudience    string
	PublisherDomain   string
	VerifiedPublisher string
	// Required lists the permissions the app requests, by resource app ID.
	Required []MSRequired
	// Owners index Microsoft.Users; empty for an ownerless app.
	Owners    []int32
	Passwords []MSCredential
	Keys      []MSCredential
}

// MSRequired is the requiredResourceAccess of an app for one resource.
type MSRequired struct {
	ResourceAppID string
	// Roles and Scopes are permission IDs (GUIDs) of the resource.
	Roles, Scopes []string
}

// MSGrant is one delegated permission grant.
type MSGrant struct {
	ID string
	// Client and Resource index Microsoft.ServicePrincipals.
	Client, Resource int32
	// ConsentType is "AllPrincipals" (admin consent for everyone) or "Principal".
	ConsentType string
	// Principal indexes Microsoft.Users; -1 for AllPrincipals.
	Principal int32
	// Scopes are scope values ("User.Read", "Mail.Read").
	Scopes  []string
	Created time.Time
}

// MSAssignment is one application permission granted to a service principal.
type MSAssignment struct {
	ID string
	// Principal and Resource index Microsoft.ServicePrincipals.
	Principal, Resource int32
	// AppRoleID is the app role's GUID on the resource.
	AppRoleID string
	Created   time.Time
}

// MSAudit is one directory audit event.
type MSAudit struct {
	ID       string
	Time     time.Time
	Activity string // "Consent to application", "Add service principal credentials", ...
	Category string // "ApplicationManagement", "UserManagement"
	Result   string // "success"
	// Actor indexes Microsoft.Users (-1 for an app actor).
	Actor int32
	// Target indexes Microsoft.ServicePrincipals (-1 when the target is an application).
	Target int32
	// TargetApp indexes Microsoft.Applications (-1 unless the target is an application).
	TargetApp int32
	// Modified are modifiedProperties of the target: name, old and new value.
	Modified [][3]string
}
