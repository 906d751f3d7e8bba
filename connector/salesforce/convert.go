package salesforce

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/nhiscope/nhi"
)

// The scopes identities are reported under. Each is completed only when everything it
// holds was read, so a failed read never marks identities gone.
const (
	// scopeIntegration holds the integration users (service accounts).
	scopeIntegration = "integration-users"
	// appScopePrefix + a ConnectedApplication ID holds the OAuth tokens of that app.
	appScopePrefix = "app:"
	// scopeOrphanTokens holds tokens whose app menu item names no connected app.
	scopeOrphanTokens = "tokens:no-app"
)

// appScope returns the scope of an app's tokens.
func appScope(appID string) string { return appScopePrefix + appID }

// The system permissions reported for integration users, as the risk catalogue names them.
const (
	permViewAllData   = "ViewAllData"
	permModifyAllData = "ModifyAllData"
	permAPIEnabled    = "ApiEnabled"
	permAPIUserOnly   = "ApiUserOnly"
	permManageUsers   = "ManageUsers"
	permCustomizeApp  = "CustomizeApplication"
)

// sysPerms are the system permissions a user holds through its profile and permission sets.
type sysPerms struct {
	viewAll, modifyAll, apiEnabled, apiOnly, manageUsers, customize bool
}

// add merges one assignment's permission set into p.
func (p *sysPerms) add(a *assignmentRecord) {
	ps := a.PermissionSet
	if ps == nil {
		return
	}
	p.viewAll = p.viewAll || ps.PermissionsViewAllData
	p.modifyAll = p.modifyAll || ps.PermissionsModifyAllData
	p.apiEnabled = p.apiEnabled || ps.PermissionsAPIEnabled
	p.apiOnly = p.apiOnly || ps.PermissionsAPIUserOnly
	p.manageUsers = p.manageUsers || ps.PermissionsManageUsers
	p.customize = p.customize || ps.PermissionsCustomizeApplication
}

// permissions returns p as identity permissions, in a stable order.
func (p sysPerms) permissions() []nhi.Permission {
	var out []nhi.Permission
	for _, f := range []struct {
		on   bool
		name string
	}{{p.viewAll, permViewAllData}, {p.modifyAll, permModifyAllData}, {p.apiEnabled, permAPIEnabled},
		{p.apiOnly, permAPIUserOnly}, {p.manageUsers, permManageUsers}, {p.customize, permCustomizeApp}} {
		if f.on {
			out = append(out, nhi.Permission{Scope: f.name})
		}
	}
	return out
}

// tokenExternalID returns the external ID of a token: "<UserId>/<AppMenuItemId>/<CreatedDate
// as Unix milliseconds>". OauthToken.Id is always null, and these three tell the rows of
// one user and app apart.
func tokenExternalID(userID, menuItemID string, created time.Time) string {
	return userID + "/" + menuItemID + "/" + strconv.FormatInt(created.UnixMilli(), 10)
}

// parseTokenExternalID splits a token's external ID; ok is false for anything else.
func parseTokenExternalID(ext string) (userID, menuItemID string, created time.Time, ok bool) {
	parts := strings.Split(ext, "/")
	if len(parts) != 3 || !validSFID(parts[0], "005") || !validSFID(parts[1], "") {
		return "", "", time.Time{}, false
	}
	ms, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil || ms <= 0 || strconv.FormatInt(ms, 10) != parts[2] {
		return "", "", time.Time{}, false
	}
	return parts[0], parts[1], time.UnixMilli(ms).UTC(), true
}

// newIdentity returns an identity of the org with its nhi ID.
func newIdentity(org string, k nhi.Kind, ext string) nhi.Identity {
	return nhi.Identity{ID: nhi.NewIdentityID(nhi.PlatformSalesforce, org, k, ext), Platform: nhi.PlatformSalesforce,
		Tenant: org, Kind: k, ExternalID: ext}
}

// appFacts are what the connector knows of a connected app, for its tokens' attributes.
type appFacts struct {
	rec  *appRecord
	meta *appMetadata
}

// scopes returns the app's OAuth scopes in the catalogue's names, sorted.
func (f appFacts) scopes() []nhi.Permission {
	if f.meta == nil {
		return nil
	}
	var names []string
	for _, s := range f.meta.OauthConfig.Scopes {
		if n := scopeName(s); n != "" && !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	out := make([]nhi.Permission, len(names))
	for i, n := range names {
		out[i] = nhi.Permission{Scope: n}
	}
	return out
}

// attributes returns the app's facts as identity attributes.
func (f appFacts) attributes() map[string]string {
	a := map[string]string{}
	if f.rec != nil {
		a["admin_approved_only"] = strconv.FormatBool(f.rec.OptionsAllowAdminApprovedUsersOnly)
		a["internal"] = strconv.FormatBool(f.rec.OptionsIsInternal)
		a["own_app"] = strconv.FormatBool(f.rec.OptionsIsInternal)
		a["app_name"] = clip(f.rec.Name, 200)
	}
	if f.meta != nil {
		if v := clip(strings.ToUpper(f.meta.OauthPolicy.IPRelaxation), 40); v != "" {
			a["ip_relaxation"] = v
		}
		if v := refreshPolicy(f.meta); v != "" {
			a["refresh_token_policy"] = v
		}
	}
	return a
}

// neverExpires reports whether the app's refresh tokens live until revoked.
func (f appFacts) neverExpires() bool {
	return f.meta != nil && refreshPolicy(f.meta) == "infinite"
}

// app returns the nhi.App of a connected app.
func (f appFacts) app(org string) nhi.App {
	a := nhi.App{Platform: nhi.PlatformSalesforce, Tenant: org, ExternalID: f.rec.ID, Name: clip(f.rec.Name, 200)}
	if a.Name == "" {
		a.Name = f.rec.ID
	}
	if !f.rec.OptionsIsInternal && f.meta != nil {
		a.Vendor = vendorOf(f.meta.ContactEmail)
	}
	return a
}

// vendorOf guesses a publisher from a contact address's domain ("support@drift.com" ->
// "drift"); "" when there is none.
func vendorOf(email string) string {
	_, domain, ok := strings.Cut(strings.ToLower(strings.TrimSpace(email)), "@")
	labels := strings.Split(domain, ".")
	if !ok || len(labels) < 2 {
		return ""
	}
	return clip(labels[len(labels)-2], 64)
}

// tokenIdentity converts a token row of an app (f.rec nil for an unknown app) with the
// status of its user.
func tokenIdentity(org string, t *tokenRecord, appID string, f appFacts, userActive bool) (nhi.Identity, bool) {
	created := parseTime(t.CreatedDate)
	if !validSFID(t.UserID, "005") || !validSFID(t.AppMenuItemID, "") || created.IsZero() {
		return nhi.Identity{}, false
	}
	ext := tokenExternalID(t.UserID, t.AppMenuItemID, created)
	id := newIdentity(org, nhi.KindOAuthGrant, ext)
	id.Name, id.AppID, id.OwnerID = clip(t.AppName, 200), appID, t.UserID
	if id.Name == "" {
		id.Name = t.AppMenuItemID
	}
	id.Permissions, id.CreatedAt, id.LastUsedAt = f.scopes(), created, parseTime(t.LastUsedDate)
	id.Attributes = f.attributes()
	if t.UseCount != nil {
		id.Attributes["use_count"] = strconv.FormatInt(*t.UseCount, 10)
	}
	id.Attributes["user_active"] = strconv.FormatBool(userActive)
	id.Credentials = []nhi.Credential{{ID: ext, Type: "oauth_refresh_token", CreatedAt: created,
		LastUsedAt: id.LastUsedAt, NeverExpires: f.neverExpires()}}
	if appID == "" {
		id.Scope = scopeOrphanTokens
	} else {
		id.Scope = appScope(appID)
	}
	return id, true
}

// serviceAccount converts an integration user.
func serviceAccount(org string, u *userRecord, p sysPerms, frozen bool) nhi.Identity {
	id := newIdentity(org, nhi.KindServiceAccount, u.ID)
	id.Name = clip(u.Name, 200)
	if id.Name == "" {
		id.Name = clip(u.Username, 200)
	}
	id.Scope, id.Permissions = scopeIntegration, p.permissions()
	id.CreatedAt, id.LastUsedAt = parseTime(u.CreatedDate), parseTime(u.LastLoginDate)
	id.Attributes = map[string]string{"username": clip(u.Username, 200), "profile": clip(u.profileName(), 200),
		"user_type": clip(u.UserType, 40), "active": strconv.FormatBool(u.IsActive), "frozen": strconv.FormatBool(frozen),
		"api_only": strconv.FormatBool(p.apiOnly)}
	return id
}

// person converts a user who is a person.
func person(org string, u *userRecord, frozen bool) nhi.Person {
	p := nhi.Person{Platform: nhi.PlatformSalesforce, Tenant: org, ExternalID: u.ID, Email: clip(u.Email, 254),
		Name: clip(u.Name, 200), Status: nhi.PersonActive, IsAdmin: u.profileName() == "System Administrator",
		CreatedAt: parseTime(u.CreatedDate), LastLogin: parseTime(u.LastLoginDate)}
	switch {
	case !u.IsActive:
		p.Status = nhi.PersonDeparted
	case frozen:
		p.Status = nhi.PersonSuspended
	}
	return p
}
