package nhi

import (
	"crypto/sha256"
	"encoding/base32"
	"slices"
	"strings"
	"time"
)

// Platform names a SaaS platform nhi connects to.
type Platform string

// The platforms nhi knows. The permission catalogue covers all of them; connectors land
// one platform at a time.
const (
	PlatformGoogleWorkspace Platform = "google_workspace"
	PlatformEntra           Platform = "microsoft_entra"
	PlatformGitHub          Platform = "github"
	PlatformSlack           Platform = "slack"
	PlatformSalesforce      Platform = "salesforce"
	PlatformOkta            Platform = "okta"
	PlatformAWS             Platform = "aws"
)

// Kind is the kind of a non-human identity.
type Kind string

// The kinds of non-human identity nhi inventories.
const (
	// KindOAuthGrant is a user's delegated OAuth grant to a third-party application.
	KindOAuthGrant Kind = "oauth_grant"
	// KindServiceAccount is a platform service account.
	KindServiceAccount Kind = "service_account"
	// KindAPIKey is a long-lived API key or token minted by a person or an app.
	KindAPIKey Kind = "api_key"
	// KindAppCredential is a secret or certificate of an application registration.
	KindAppCredential Kind = "app_credential"
	// KindBot is a bot user or bot integration.
	KindBot Kind = "bot"
	// KindIntegration is an installed app or integration with its own permissions.
	KindIntegration Kind = "integration"
	// KindWebhook is an outgoing or incoming webhook.
	KindWebhook Kind = "webhook"
	// KindDeployKey is a repository deploy key.
	KindDeployKey Kind = "deploy_key"
)

// Valid reports whether k is one of Kinds.
func (k Kind) Valid() bool { return slices.Contains(Kinds(), k) }

// Kinds lists every Kind, in a stable order, for validation and help texts.
func Kinds() []Kind {
	return []Kind{KindOAuthGrant, KindServiceAccount, KindAPIKey, KindAppCredential,
		KindBot, KindIntegration, KindWebhook, KindDeployKey}
}

// Permission is one scope, role or permission an identity holds.
type Permission struct {
	// Scope is the platform's own name for the permission, verbatim (an OAuth scope URL,
	// a Graph permission value, a GitHub permission name).
	Scope string `json:"scope"`
}

// Credential describes a secret an identity authenticates with. nhi never keeps the secret
// itself: Fingerprint is a hash prefix plus at most the last four characters.
type Credential struct {
	// ID is the platform's identifier of the credential (a key ID, a token ID).
	ID string `json:"id"`
	// Type says what the credential is: "oauth_refresh_token", "client_secret", "rsa_key", ...
	Type string `json:"type"`
	// Fingerprint identifies the secret without revealing it; empty when the platform
	// exposes nothing about the secret.
	Fingerprint string `json:"fingerprint,omitempty"`
	// CreatedAt, LastUsedAt and ExpiresAt are zero when unknown; a zero ExpiresAt on a
	// credential the platform says never expires is recorded with NeverExpires.
	CreatedAt    time.Time `json:"created_at,omitzero"`
	LastUsedAt   time.Time `json:"last_used_at,omitzero"`
	ExpiresAt    time.Time `json:"expires_at,omitzero"`
	NeverExpires bool      `json:"never_expires,omitempty"`
}

// Identity is one non-human identity: a grant, key, token, account or integration that can
// act on a platform without a person at the keyboard.
type Identity struct {
	// ID is nhi's stable identifier, derived from Platform, Tenant, Kind and ExternalID by
	// NewIdentityID, so that it survives rescans.
	ID string `json:"id"`
	// Platform and Tenant say where the identity lives; Tenant is the platform's own
	// tenant identifier (a Google customer ID, an Entra tenant ID, a GitHub org).
	Platform Platform `json:"platform"`
	Tenant   string   `json:"tenant"`
	Kind     Kind     `json:"kind"`
	// ExternalID is the platform's identifier, unique within Platform, Tenant and Kind.
	ExternalID string `json:"external_id"`
	// Name is a display name as the platform gives it, made safe by CleanText.
	Name string `json:"name"`
	// AppID is the external ID of the App the identity belongs to, if any.
	AppID string `json:"app_id,omitempty"`
	// OwnerID is the external ID of the Person who owns or granted the identity, if known.
	OwnerID string `json:"owner_id,omitempty"`
	// Scope is the part of the tenant the identity was discovered under (for example
	// "user:<id>" for a per-user grant). A scan that enumerates a scope completely may mark
	// the identities of that scope it did not see as gone; one that fails in it may not.
	Scope       string       `json:"scope,omitempty"`
	Permissions []Permission `json:"permissions,omitempty"`
	Credentials []Credential `json:"credentials,omitempty"`
	// CreatedAt, LastUsedAt and ExpiresAt are zero when unknown.
	CreatedAt  time.Time `json:"created_at,omitzero"`
	LastUsedAt time.Time `json:"last_used_at,omitzero"`
	ExpiresAt  time.Time `json:"expires_at,omitzero"`
	// Attributes holds platform-specific facts worth showing (client type, flags), as
	// short strings.
	Attributes map[string]string `json:"attributes,omitempty"`

	// FirstSeen, LastSeen and GoneAt are kept by the store: when nhi first and last saw the
	// identity, and when a complete scan of its scope stopped seeing it (zero while present).
	FirstSeen time.Time `json:"first_seen,omitzero"`
	LastSeen  time.Time `json:"last_seen,omitzero"`
	GoneAt    time.Time `json:"gone_at,omitzero"`
}

// Scopes returns the Scope strings of the identity's permissions, in order.
func (id Identity) Scopes() []string {
	out := make([]string, len(id.Permissions))
	for i, p := range id.Permissions {
		out[i] = p.Scope
	}
	return out
}

// idEncoding is lowercase, unpadded base32: short, case-insensitive and shell-safe.
var idEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// NewIdentityID derives the stable nhi ID of an identity from where it lives and the
// platform's identifier for it. The same inputs always give the same ID.
func NewIdentityID(p Platform, tenant string, k Kind, externalID string) string {
	h := sha256.New()
	for _, s := range []string{string(p), tenant, string(k), externalID} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	sum := h.Sum(nil)
	return platformPrefix(p) + "_" + idEncoding.EncodeToString(sum[:10])
}

func platformPrefix(p Platform) string {
	switch p {
	case PlatformGoogleWorkspace:
		return "gws"
	}
	s := strings.ReplaceAll(string(p), "_", "")
	if len(s) > 4 {
		s = s[:4]
	}
	if s == "" {
		s = "nhi"
	}
	return s
}
