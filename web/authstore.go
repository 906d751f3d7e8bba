package web

import (
	"context"
	"slices"
	"time"
)

// Role is what a user may do. Each role may do everything the roles before it may.
type Role string

// The roles, from least to most privileged.
const (
	// RoleViewer reads the inventory, findings, plans and the audit trail.
	RoleViewer Role = "viewer"
	// RoleAnalyst also suppresses findings and proposes plans.
	RoleAnalyst Role = "analyst"
	// RoleApprover also approves, rejects and executes plans.
	RoleApprover Role = "approver"
	// RoleAdmin also manages users and sees every API token.
	RoleAdmin Role = "admin"
)

// Roles lists the roles from least to most privileged.
func Roles() []Role { return []Role{RoleViewer, RoleAnalyst, RoleApprover, RoleAdmin} }

// Valid reports whether r is one of Roles.
func (r Role) Valid() bool { return slices.Contains(Roles(), r) }

// rank orders roles: viewer is 1, admin 4, anything else 0.
func (r Role) rank() int { return slices.Index(Roles(), r) + 1 }

// User is a person who may sign in to the console or own API tokens.
type User struct {
	// Name is the unique sign-in name: chosen for local users, the e-mail address (or
	// subject) the identity provider asserts for single sign-on users.
	Name  string `json:"name"`
	Email string `json:"email"`
	Role  Role   `json:"role"`
	// Source is "local" (password) or "oidc" (single sign-on).
	Source    string    `json:"source"`
	CreatedAt time.Time `json:"created_at"`
}

// The sources of users.
const (
	SourceLocal = "local"
	SourceOIDC  = "oidc"
)

// Session is a signed-in browser. Only the SHA-256 of its cookie value is stored.
type Session struct {
	IDHash    string
	User      string
	CSRF      string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// Token is an API token for automation. Only the SHA-256 of its secret is stored.
type Token struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// User is the owner: the token can never do more than the owner's role allows.
	User string `json:"user"`
	// Scopes are the permissions the token carries: read, write, approve, admin.
	Scopes    []string  `json:"scopes"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
	RevokedAt time.Time `json:"revoked_at,omitzero"`
}

// AuthStore keeps users, sessions and API tokens. Methods return *nhi.Error with
// CodeNotFound for missing records (a session or token of a missing user included) and
// CodeConflict for duplicates. SQLiteAuth and PostgresAuth implement it, beside a SQLite and
// a PostgreSQL inventory.
type AuthStore interface {
	// CreateUser adds a user; passwordHash is empty for single sign-on users.
	CreateUser(ctx context.Context, u User, passwordHash string) error
	// SaveUser adds a single sign-on user or updates its e-mail and role; it refuses
	// (CodeConflict) to touch a local user of the same name.
	SaveUser(ctx context.Context, u User) error
	// User returns a user and its password hash (empty for single sign-on users).
	User(ctx context.Context, name string) (User, string, error)
	// ListUsers returns every user, by name.
	ListUsers(ctx context.Context) ([]User, error)
	// CountUsers returns how many users exist.
	CountUsers(ctx context.Context) (int, error)

	// CreateSession stores a new session.
	CreateSession(ctx context.Context, s Session) error
	// Session returns the session with the given ID hash and its user.
	Session(ctx context.Context, idHash string) (Session, User, error)
	// DeleteSession removes a session; removing a missing one is not an error.
	DeleteSession(ctx context.Context, idHash string) error

	// CreateToken stores a new token with the SHA-256 (hex) of its secret.
	CreateToken(ctx context.Context, t Token, secretHash string) error
	// TokenByHash returns the token whose secret has the given hash, and its owner.
	TokenByHash(ctx context.Context, secretHash string) (Token, User, error)
	// ListTokens returns the tokens of user (every token when user is empty), newest first.
	ListTokens(ctx context.Context, user string) ([]Token, error)
	// RevokeToken marks a token revoked at the given time and returns it.
	RevokeToken(ctx context.Context, id string, at time.Time) (Token, error)
}
