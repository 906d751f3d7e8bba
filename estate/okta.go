package estate

import (
	"slices"
	"strings"
	"time"

	"github.com/nhiscope/nhi"
)

// Okta is the company's Okta org: its users (the company's people of record, with Okta's
// statuses), the admin roles of its administrators, the SSWS API tokens those admins
// created, the network zones tokens are restricted to, its apps (OAuth service apps
// holding okta.* management scopes, and the user-facing apps people consent to), the
// scope grants of service apps, people's consents to apps, and the System Log. Indexes
// into other slices are int32, -1 for none.
//
// IDs look like Okta's: 20 characters, "00u" for users, "00T" for API tokens, "0oa" for
// apps (an app's ID is also its OAuth client ID), "oag" for grants, "oar" for refresh
// tokens and "nzo" for network zones.
//
// What Okta keeps is modelled as Okta documents it: an API token lives while it is used
// within its token window (30 days), so a listed token was used within the window; and
// deactivating a user deprovisions every API token the user created, so departed
// admins' tokens are not listed (the System Log shows their revocation). A suspended
// admin's token stays listed, rejected, until its window runs out.
type Okta struct {
	// OrgName is the org's subdomain ("example" for example.okta.com).
	OrgName string
	// Users are the company's people, in People order.
	Users []OktaUser
	Zones []OktaZone
	// Tokens are the API tokens Okta lists: live and not expired.
	Tokens []OktaToken
	// Revoked are tokens Okta deprovisioned when their creator was deactivated.
	Revoked []OktaToken
	Apps    []OktaApp
	// Grants are the okta.* scope grants of service apps, in Apps order.
	Grants []OktaGrant
	// Consents are people's grants to user-facing apps, in (User, App) order.
	Consents []OktaConsent
	// Events is the System Log within OktaLogWindow, oldest first.
	Events []OktaEvent
	// Labels are the seeded Okta risks; they are also in Estate.Labels.
	Labels []Label
}

// OktaLogWindow is how far back the System Log reaches: Okta keeps 90 days.
const OktaLogWindow = 90 * 24 * time.Hour

// OktaTokenWindow is the idle window of API tokens ("P30D"): a token unused for this long
// expires and is revoked.
const OktaTokenWindow = 30 * 24 * time.Hour

// The statuses of an OktaUser.
const (
	OktaActive        = "ACTIVE"
	OktaSuspended     = "SUSPENDED"
	OktaDeprovisioned = "DEPROVISIONED"
)

// The statuses of an OktaApp and an OktaGrant.
const (
	OktaAppActive   = "ACTIVE"
	OktaAppInactive = "INACTIVE"
)

// OktaUser is a user of the org: one of the company's people.
type OktaUser struct {
	ID string
	// Person indexes Estate.People.
	Person int32
	// Status is OktaActive, OktaSuspended or OktaDeprovisioned, as the person's Status.
	Status string
	// Roles are the admin role types assigned to the user ("SUPER_ADMIN", ...); empty for
	// a user who is no administrator.
	Roles []string
	// StatusChanged is when the status last changed; zero for a user always active.
	StatusChanged time.Time
}

// OktaZone is a network zone API tokens can be restricted to.
type OktaZone struct {
	ID, Name string
}

// The network connections of an OktaToken.
const (
	OktaAnywhere = "ANYWHERE"
	OktaZoneOnly = "ZONE"
)

// OktaToken is an SSWS API token. It acts with the admin roles of its creator.
type OktaToken struct {
	ID, Name string
	// User indexes Okta.Users: the creator.
	User int32
	// Connection is OktaAnywhere or OktaZoneOnly; Include and Exclude index Okta.Zones.
	Connection       string
	Include, Exclude []int32
	Created          time.Time
	// LastUsed is zero for a token never used: its window then runs from Created.
	LastUsed time.Time
	// RevokedAt is set for Okta.Revoked.
	RevokedAt time.Time
}

// ExpiresAt returns when the token's sliding window runs out: OktaTokenWindow after its
// last use, or after its creation if never used.
func (t OktaToken) ExpiresAt() time.Time {
	return latest(t.Created, t.LastUsed).Add(OktaTokenWindow)
}

// The application types of an OktaApp's OAuth client.
const (
	OktaService = "service"
	OktaWeb     = "web"
	OktaNative  = "native"
)

// OktaApp is an app of the org.
type OktaApp struct {
	// ID is the app's ID, also its OAuth client ID for an OpenID Connect app.
	ID string
	// Name is the app's template name ("oidc_client"); Label its display name.
	Name, Label string
	Status      string
	// SignOnMode is "OPENID_CONNECT", "SAML_2_0" or "BOOKMARK".
	SignOnMode string
	// AppType is the OAuth client's application_type (OktaService, OktaWeb, OktaNative);
	// empty for an app without one. AuthMethod is its token_endpoint_auth_method.
	AppType, AuthMethod string
	// Vendor indexes Estate.Vendors; -1 for the company's own app or tool.
	Vendor int32
	// CreatedBy indexes Okta.Users: the admin who created the app.
	CreatedBy            int32
	Created, LastUpdated time.Time
	// LastUsed is when a service app last got an access token; zero for never or for an
	// app of another type.
	LastUsed time.Time
	// Scopes are the scopes a user-facing app asks people for.
	Scopes []string
}

// Service reports whether the app is an OAuth service app (client credentials).
func (a *OktaApp) Service() bool { return a.AppType == OktaService }

// OktaGrant is an okta.* scope granted to a service app by an admin.
type OktaGrant struct {
	ID string
	// App indexes Okta.Apps; CreatedBy indexes Okta.Users.
	App, CreatedBy int32
	Scope          string
	Created        time.Time
}

// OktaConsent is one person's grant to a user-facing app: a grant per scope, and a
// refresh token when the app asked for offline_access.
type OktaConsent struct {
	// User indexes Okta.Users; App indexes Okta.Apps.
	User, App int32
	Scopes    []string
	// GrantIDs are the IDs of the per-scope grants, in Scopes order.
	GrantIDs []string
	Created  time.Time
	// TokenID is the refresh token's ID, empty for none; LastUsed its last use (its
	// lastUpdated), zero for none.
	TokenID  string
	LastUsed time.Time
}

// OktaEvent is one System Log event.
type OktaEvent struct {
	UUID      string
	Published time.Time
	EventType string
	// Actor indexes Okta.Users; -1 when the actor is an app (ActorApp).
	Actor, ActorApp int32
	// TargetType is "Token", "AppInstance" or "User"; TargetID and TargetName name it.
	TargetType, TargetID, TargetName string
	// Scope is the scope of a grant event.
	Scope string
	IP    string
}

// LabelPlatformOkta is the platform of the Okta labels. The subject of a label is the
// connector's ExternalID of the identity: a token's ID, a service app's ID, and
// "<user ID>/<client ID>" for a consent.
const LabelPlatformOkta = string(nhi.PlatformOkta)

// IsCriticalOktaScope reports whether an Okta scope is critical by the generator's own
// list: the .manage scopes that change users, groups, apps, admin roles, policies,
// identity providers, authorization servers, clients, API tokens, app grants or factors.
func IsCriticalOktaScope(scope string) bool {
	name, ok := strings.CutPrefix(scope, "okta.")
	if !ok {
		return false
	}
	switch name {
	case "users.manage", "groups.manage", "apps.manage", "roles.manage", "policies.manage",
		"idps.manage", "authorizationServers.manage", "clients.manage", "apiTokens.manage",
		"appGrants.manage", "factors.manage":
		return true
	}
	return false
}

// IsCriticalOktaRole reports whether an admin role is critical by the generator's own
// list: the roles that administer the whole org, its apps or its API access (a token
// created by such an admin is as powerful).
func IsCriticalOktaRole(role string) bool {
	switch role {
	case "SUPER_ADMIN", "ORG_ADMIN", "APP_ADMIN", "API_ACCESS_MANAGEMENT_ADMIN":
		return true
	}
	return false
}

// ConsentSubject returns the label subject (and connector ExternalID) of a consent.
func (o *Okta) ConsentSubject(c OktaConsent) string {
	return o.Users[c.User].ID + "/" + o.Apps[c.App].ID
}

// GrantsOf returns the scope grants of app a, in the order granted.
func (o *Okta) GrantsOf(a int) []OktaGrant {
	lo := slices.IndexFunc(o.Grants, func(g OktaGrant) bool { return int(g.App) == a })
	if lo < 0 {
		return nil
	}
	hi := lo
	for hi < len(o.Grants) && int(o.Grants[hi].App) == a {
		hi++
	}
	return o.Grants[lo:hi]
}

// UserByID returns the index of the user with the ID, or false.
func (o *Okta) UserByID(id string) (int, bool) {
	i := slices.IndexFunc(o.Users, func(u OktaUser) bool { return u.ID == id })
	return i, i >= 0
}

// latest returns the later of a and b.
func latest(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
