package estate

import "time"

// Salesforce is the company's Salesforce org: its users (people and integration users),
// the connected apps they authorized, the OAuth tokens those apps hold, and the login and
// API activity behind vendor-breach detection, including a replayable attack modelled on
// the 2025 Salesloft Drift token theft. Indexes into other slices are int32, -1 for none.
// Salesforce IDs are 18-character case-safe IDs with the object's key prefix (005 users,
// 0H4 connected applications, 0Jm app menu items, 0Ya login history, 0AT event log files).
type Salesforce struct {
	// OrgID is the organization's ID ("00D...", 18 characters); MyDomain its My Domain
	// name ("example" for example.my.salesforce.com).
	OrgID, MyDomain string
	Users           []SFUser
	Apps            []SFApp
	Tokens          []SFToken
	// Logins is LoginHistory, oldest first.
	Logins []SFLogin
	// APIEvents are the API requests Event Monitoring logs (EventLogFile rows of event
	// types ApiTotalUsage, RestApi, BulkApi2), oldest first.
	APIEvents []SFAPIEvent
	// Attack describes the seeded vendor-token attack, for tests; nil when none.
	Attack *SFAttack
	// Labels are the seeded Salesforce risks; they are also in Estate.Labels.
	Labels []Label
}

// SFUser is a Salesforce user.
type SFUser struct {
	// ID is the User ID ("005..."); LoginID the UserLogin ID ("0Yw...") that freezing uses.
	ID, LoginID string
	Username    string
	Name        string
	Email       string
	// Person indexes Estate.People; -1 for an integration user.
	Person int32
	// UserType is "Standard", "AutomatedProcess", ...; Profile the profile's name
	// ("System Administrator", "Standard User", "Minimum Access - API Only Integrations").
	UserType, Profile string
	IsActive          bool
	IsFrozen          bool
	// Integration marks an integration user (API only).
	Integration bool
	// The system permissions that matter, from the profile and permission sets.
	ViewAllData, ModifyAllData, APIEnabled, APIOnly, ManageUsers, CustomizeApplication bool
	CreatedAt                                                                          time.Time
	// LastLoginAt is zero for a user who never logged in.
	LastLoginAt time.Time
}

// SFApp is a connected app of the org.
type SFApp struct {
	// ID is the ConnectedApplication ID ("0H4..."); MenuItemID its AppMenuItem ID
	// ("0Jm..."), which OauthToken.AppMenuItemId references.
	ID, MenuItemID string
	// Name is the connected app's name as users see it; FullName its Metadata API full
	// name (the API name: letters, digits and underscores, with a "namespace__" prefix for
	// an app installed from a managed package).
	Name, FullName string
	// Vendor indexes Estate.Vendors; -1 for the company's own app or a tool of no
	// catalogued vendor. Company is the publisher's name, empty when unknown.
	Vendor  int32
	Company string
	// AdminApprovedOnly is OptionsAllowAdminApprovedUsersOnly: false lets any user
	// authorize the app.
	AdminApprovedOnly bool
	// IPRelaxation is the OAuth policy's IP relaxation: "ENFORCE", "BYPASS" (relax IP
	// restrictions) or "BYPASS_2FA" (relax with second factor).
	IPRelaxation string
	// RefreshTokenPolicy is "infinite" (valid until revoked), "zero" (immediately
	// expires), "specific_lifetime" or "inactivity"; RefreshTokenValidity the period in
	// RefreshTokenUnit ("Hours", "Days", "Months") for the last two.
	RefreshTokenPolicy, RefreshTokenUnit string
	RefreshTokenValidity                 int
	// Scopes are the OAuth scopes the app requests ("api", "refresh_token", "full", ...).
	Scopes    []string
	CreatedAt time.Time
	// Internal marks the company's own app.
	Internal bool
}

// SFToken is one OAuth refresh token of a connected app, held for a user.
type SFToken struct {
	// App indexes Salesforce.Apps; User Salesforce.Users.
	App, User int32
	CreatedAt time.Time
	// LastUsedAt is zero for a token never used.
	LastUsedAt time.Time
	UseCount   int
	// DeleteToken is the handle the revoke endpoint takes. It is a revocation handle, not a
	// credential, but nhi never stores it: remediation reads it at the time of revoking.
	DeleteToken string
}

// SFLogin is one LoginHistory row.
type SFLogin struct {
	// ID is the LoginHistory ID ("0Ya...").
	ID   string
	User int32
	Time time.Time
	// LoginType is "Remote Access 2.0" (an OAuth connected app), "Application" (the
	// browser), "Remote Access Client", "SAML Sfdc Initiated SSO", ...
	LoginType string
	// Application is the connected app's name, or "Browser".
	Application string
	SourceIP    string
	// UserAgent is the Login event log's USER_AGENT (LoginHistory has Browser and
	// Platform instead).
	UserAgent         string
	Platform, Browser string
	// Status is "Success" or a failure reason ("Invalid Password", ...).
	Status  string
	APIType string
	// CountryISO is the two-letter country of SourceIP.
	CountryISO string
}

// SFAPIEvent is one API request as Event Monitoring logs it.
type SFAPIEvent struct {
	// RequestID is the REQUEST_ID, unique per request.
	RequestID string
	Time      time.Time
	// EventType is the EventLogFile type the request appears in: "ApiTotalUsage",
	// "RestApi" or "BulkApi2".
	EventType string
	User      int32
	// App indexes Salesforce.Apps: the connected app whose token made the request; -1 for
	// none.
	App int32
	// APIFamily is "REST", "SOAP", "Bulk" or "BulkV2"; Method the HTTP method;
	// Resource the API resource ("/query", "/jobs/query", "/jobs/query/{id}",
	// "/jobs/query/{id}/results", "/sobjects", "/limits"; a SOAP call's name, "query");
	// Entity the object queried or exported ("Account", "Case", "User", ...), empty for
	// none.
	APIFamily, Method, Resource, Entity string
	ClientIP                            string
	// ClientName is the client's user agent ("python-requests/2.32.4").
	ClientName string
	StatusCode int
	// Rows is the number of records a query or export returned, 0 when not applicable.
	Rows int
	// Query is the SOQL of a query request or query job; empty for other requests.
	Query string
	// JobID is the ID ("750...") of the Bulk API 2.0 query job a BulkApi2 request
	// concerns, which the URI of a "/jobs/query/{id}" resource carries; empty for other
	// requests.
	JobID string
}

// SFAttack describes the seeded attack: a vendor's stolen tokens used for recon from
// one network, a bulk export from another, and the export jobs deleted seconds later.
type SFAttack struct {
	// App indexes Salesforce.Apps: the vendor app whose tokens were stolen.
	App int32
	// Users index Salesforce.Users: the users whose tokens were used.
	Users []int32
	// ReconIP and ExportIP are the attacker's two source addresses; each lies in a
	// cloud provider's published range.
	ReconIP, ExportIP string
	// Start and End bound the attack's events.
	Start, End time.Time
	// Requests are the RequestIDs of the attack's API events.
	Requests []string
}
