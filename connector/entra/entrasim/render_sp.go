package entrasim

import (
	"strings"

	"github.com/nhiscope/nhi/estate"
)

// appRole is an application permission a service principal publishes.
type appRole struct {
	AllowedMemberTypes []string `json:"allowedMemberTypes"`
	Description        string   `json:"description"`
	DisplayName        string   `json:"displayName"`
	ID                 string   `json:"id"`
	IsEnabled          bool     `json:"isEnabled"`
	Origin             string   `json:"origin"`
	Value              string   `json:"value"`
}

// permissionScope is a delegated permission a service principal publishes.
type permissionScope struct {
	AdminConsentDescription string `json:"adminConsentDescription"`
	AdminConsentDisplayName string `json:"adminConsentDisplayName"`
	ID                      string `json:"id"`
	IsEnabled               bool   `json:"isEnabled"`
	Type                    string `json:"type"`
	UserConsentDescription  any    `json:"userConsentDescription"`
	UserConsentDisplayName  any    `json:"userConsentDisplayName"`
	Value                   string `json:"value"`
}

// appRoles renders application permissions.
func appRoles(ps []estate.MSPermission) []appRole {
	out := make([]appRole, 0, len(ps))
	for _, p := range ps {
		out = append(out, appRole{AllowedMemberTypes: []string{"Application"}, Description: p.DisplayName,
			DisplayName: p.DisplayName, ID: p.ID, IsEnabled: true, Origin: "Application", Value: p.Value})
	}
	return out
}

// scopes renders delegated permissions. Scopes that reach the whole directory or
// everyone's data (".All", "Directory.") need an admin's consent; the rest a user's.
func scopes(ps []estate.MSPermission) []permissionScope {
	out := make([]permissionScope, 0, len(ps))
	for _, p := range ps {
		s := permissionScope{AdminConsentDescription: p.DisplayName, AdminConsentDisplayName: p.DisplayName,
			ID: p.ID, IsEnabled: true, Type: "User", UserConsentDescription: p.DisplayName,
			UserConsentDisplayName: p.DisplayName, Value: p.Value}
		if strings.HasSuffix(p.Value, ".All") || strings.HasPrefix(p.Value, "Directory.") {
			s.Type, s.UserConsentDescription, s.UserConsentDisplayName = "Admin", nil, nil
		}
		out = append(out, s)
	}
	return out
}

// spFields renders a service principal.
func spFields(sp *estate.MSServicePrincipal) []kv {
	typ := sp.ServicePrincipalType
	if typ == "" {
		typ = "Application"
	}
	tags := []string{}
	if typ == "Application" {
		tags = []string{"WindowsAzureActiveDirectoryIntegratedApp"}
	}
	names := []string{sp.AppID}
	if typ == "ManagedIdentity" {
		names = append(names, "https://identity.azure.net/"+sp.ObjectID)
	}
	return []kv{{"id", sp.ObjectID}, {"deletedDateTime", nil}, {"accountEnabled", sp.AccountEnabled},
		{"appDisplayName", sp.DisplayName}, {"appId", sp.AppID}, {"appOwnerOrganizationId", nullable(sp.AppOwnerOrganizationID)},
		{"appRoleAssignmentRequired", false}, {"description", nil}, {"displayName", sp.DisplayName},
		{"publisherName", nullable(sp.PublisherName)}, {"servicePrincipalNames", names},
		{"servicePrincipalType", typ}, {"signInAudience", nullable(sp.SignInAudience)}, {"tags", tags},
		{"appRoles", appRoles(sp.AppRoles)}, {"keyCredentials", keys(sp.Keys)},
		{"oauth2PermissionScopes", scopes(sp.Scopes)}, {"passwordCredentials", passwords(sp.Passwords)},
		{"verifiedPublisher", publisher(sp.VerifiedPublisher, sp.Created)}}
}

// grantFields renders a delegated permission grant. w.mu is held.
func (w *world) grantFields(g *grantState) []kv {
	var principal any
	if g.principal >= 0 {
		principal = w.users[g.principal].ObjectID
	}
	return []kv{{"id", g.id}, {"clientId", w.sps[g.client].sp.ObjectID}, {"consentType", g.consentType},
		{"principalId", principal}, {"resourceId", w.sps[g.resource].sp.ObjectID}, {"scope", strings.Join(g.scopes, " ")}}
}

// assignFields renders an app role assignment. w.mu is held.
func (w *world) assignFields(a *assignState) []kv {
	p, r := &w.sps[a.principal].sp, &w.sps[a.resource].sp
	return []kv{{"id", a.id}, {"deletedDateTime", nil}, {"appRoleId", a.appRoleID}, {"createdDateTime", ts(a.created)},
		{"principalDisplayName", p.DisplayName}, {"principalId", p.ObjectID}, {"principalType", "ServicePrincipal"},
		{"resourceDisplayName", r.DisplayName}, {"resourceId", r.ObjectID}}
}

// userFields renders the Entra account of a person.
func (w *world) userFields(i int32) []kv {
	u := w.users[i]
	p := &w.e.People[u.Person]
	name := strings.TrimSpace(p.GivenName + " " + p.FamilyName)
	return []kv{{"id", u.ObjectID}, {"businessPhones", []string{}}, {"displayName", nullable(name)},
		{"givenName", nullable(p.GivenName)}, {"jobTitle", nil}, {"mail", nullable(p.Email)}, {"mobilePhone", nil},
		{"officeLocation", nil}, {"preferredLanguage", nil}, {"surname", nullable(p.FamilyName)},
		{"userPrincipalName", u.UPN}, {"accountEnabled", u.AccountEnabled}}
}
