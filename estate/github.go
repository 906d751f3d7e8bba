package estate

import "time"

// GitHub is the engineering side of the company: its GitHub organizations, their members
// and repositories, and the machine identities that reach them. Every slice is in the
// order the generator made it; indexes into other slices are int32, -1 for none.
//
// Organizations identify themselves by login; GitHub's numeric IDs are unique across
// the estate within each kind (users, organizations, repositories, installations,
// tokens, credentials, keys, hooks), as on github.com.
type GitHub struct {
	Orgs []GHOrg
	// Users are GitHub accounts: the company's engineers (current and former) and a few
	// others (bots, contractors).
	Users []GHUser
	// Members are the current memberships; a user with none in an organization is not a
	// member of it (any more).
	Members       []GHMember
	Repos         []GHRepo
	Apps          []GHApp
	Installations []GHInstallation
	// Tokens are fine-grained personal access tokens with access to an organization
	// (approved, or not needing approval); Requests are those waiting for approval.
	Tokens   []GHToken
	Requests []GHToken
	// Credentials are SAML SSO credential authorizations: classic personal access
	// tokens, SSH keys and OAuth app tokens authorized for an organization.
	Credentials []GHCredential
	DeployKeys  []GHDeployKey
	Hooks       []GHHook
	Secrets     []GHSecret
	// Audits is each organization's audit log, oldest first.
	Audits []GHAudit
	// Labels are the seeded GitHub risks; they are also in Estate.Labels.
	Labels []Label
}

// GHOrg is a GitHub organization.
type GHOrg struct {
	Login     string
	ID        int64
	Name      string
	CreatedAt time.Time
	// SAML says the organization enforces SAML single sign-on (GitHub Enterprise
	// Cloud): credential authorizations and linked identities exist only then.
	SAML bool
}

// GHUser is a GitHub account.
type GHUser struct {
	Login string
	ID    int64
	// Person indexes Estate.People: the employee (current or former) behind the account;
	// -1 for an account that is no employee's (a bot, a contractor).
	Person int32
	// Email is the SAML NameID of the account's linked identity: the person's company
	// email; empty for an account without one.
	Email string
	// Bot marks a machine account (a "machine user" with a login of its own).
	Bot bool
}

// GHMember is a current membership of a user in an organization.
type GHMember struct {
	Org, User int32
	// Role is "admin" (an owner) or "member".
	Role     string
	JoinedAt time.Time
}

// GHRepo is a repository of an organization.
type GHRepo struct {
	Org       int32
	Name      string
	ID        int64
	Private   bool
	CreatedAt time.Time
}

// GHApp is a GitHub App, the company's own or a vendor's.
type GHApp struct {
	ID int64
	// Slug is the app's URL name; Name its display name (attacker-chosen for a
	// malicious app); ClientID its "Iv23..." client ID.
	Slug, Name, ClientID string
	// Owner is the login of the account that registered the app: the vendor's
	// organization, or one of the company's for its own apps.
	Owner string
	// Vendor indexes Estate.Vendors for a vendor's app; -1 for an app that is no known
	// vendor's (the company's own, or one of unknown publisher).
	Vendor int32
	// Company is the vendor's company name, empty when unknown.
	Company    string
	Suspicious bool
}

// GHInstallation is a GitHub App installed on an organization.
type GHInstallation struct {
	ID  int64
	Org int32
	// App indexes GitHub.Apps.
	App int32
	// Permissions map a permission to "read", "write" or "admin".
	Permissions map[string]string
	Events      []string
	// All says the installation reaches every repository ("all"); otherwise Repos
	// lists the repositories it reaches ("selected").
	All   bool
	Repos []int32
	// InstalledBy indexes GitHub.Users: the owner who installed it.
	InstalledBy int32
	CreatedAt   time.Time
	UpdatedAt   time.Time
	// SuspendedAt is zero for an installation not suspended; SuspendedBy then is -1.
	SuspendedAt time.Time
	SuspendedBy int32
	// LastUsedAt is the last time the installation's tokens were used, as the audit log
	// and the estate know it; GitHub's REST API does not show it.
	LastUsedAt time.Time
}

// GHToken is a fine-grained personal access token's access to an organization.
type GHToken struct {
	// ID is the grant's (or request's) ID, GitHub's pat_id or pat_request_id; TokenID
	// the token's own ID.
	ID, TokenID int64
	Org         int32
	// Owner indexes GitHub.Users.
	Owner int32
	Name  string
	// Selection is "all", "subset" or "none"; Repos lists the subset.
	Selection string
	Repos     []int32
	// OrgPermissions and RepoPermissions map a permission to "read", "write" or "admin".
	OrgPermissions, RepoPermissions map[string]string
	// GrantedAt is when the organization granted access (when the request was made, for
	// a request).
	GrantedAt time.Time
	// ExpiresAt is zero for a token that never expires.
	ExpiresAt time.Time
	// LastUsedAt is zero for a token never used.
	LastUsedAt time.Time
	// Reason is a request's justification.
	Reason string
}

// The credential types of a SAML credential authorization, as GitHub names them.
const (
	GHCredentialPAT   = "personal access token"
	GHCredentialSSH   = "SSH key"
	GHCredentialOAuth = "OAuth app token"
)

// GHCredential is a credential authorized for SAML single sign-on to an organization.
type GHCredential struct {
	// ID is GitHub's credential_id; AuthorizedCredentialID the credential's own ID.
	ID, AuthorizedCredentialID int64
	Org, User                  int32
	// Type is one of the GHCredential* constants.
	Type string
	// Scopes are the classic OAuth scopes of a token.
	Scopes []string
	// LastEight is a token's last eight characters; Fingerprint an SSH key's
	// ("SHA256:...").
	LastEight, Fingerprint string
	// Title is an SSH key's title; Note a token's note.
	Title, Note string
	// Application names the OAuth app of an OAuth app token, with its client ID.
	Application, ApplicationClientID string
	AuthorizedAt                     time.Time
	// AccessedAt is zero for a credential not used since it was authorized.
	AccessedAt time.Time
	// ExpiresAt is zero for a credential that never expires.
	ExpiresAt time.Time
}

// GHDeployKey is a repository's deploy key.
type GHDeployKey struct {
	ID   int64
	Repo int32
	// Title and Key (the public key, "ssh-ed25519 AAAA...") as GitHub shows them.
	Title, Key string
	ReadOnly   bool
	// AddedBy indexes GitHub.Users.
	AddedBy   int32
	CreatedAt time.Time
	// LastUsedAt is zero for a key never used.
	LastUsedAt time.Time
	Verified   bool
	Enabled    bool
}

// GHHook is an organization webhook.
type GHHook struct {
	ID     int64
	Org    int32
	URL    string
	Events []string
	Active bool
	// ContentType is "json" or "form"; InsecureSSL says TLS verification is off.
	ContentType string
	InsecureSSL bool
	// HasSecret says deliveries are signed with a secret.
	HasSecret bool
	// CreatedBy indexes GitHub.Users (the audit log's actor of hook.create).
	CreatedBy int32
	CreatedAt time.Time
	UpdatedAt time.Time
}

// GHSecret is the metadata of a GitHub Actions secret; GitHub never returns its value.
type GHSecret struct {
	Org int32
	// Repo is -1 for an organization secret.
	Repo int32
	Name string
	// Visibility is "all", "private" or "selected" (organization secrets only); Repos
	// lists the selected repositories.
	Visibility string
	Repos      []int32
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// GHAudit is one event of an organization's audit log.
type GHAudit struct {
	// ID is the event's _document_id.
	ID  string
	Org int32
	// Time is @timestamp and created_at (GitHub gives both in epoch milliseconds).
	Time time.Time
	// Action is GitHub's action name ("personal_access_token.access_granted", ...).
	Action string
	// Actor indexes GitHub.Users; -1 for GitHub itself.
	Actor int32
	// User indexes GitHub.Users: the user the event is about, -1 for none.
	User int32
	// Fields are the action's other fields, as GitHub names them (token_id,
	// installation_id, repo, hook_id, key_id, fingerprint, ...); values are strings,
	// numbers or booleans.
	Fields map[string]any
}
