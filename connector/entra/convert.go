package entra

import (
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/nhiscope/nhi"
)

// The scopes identities are reported under. Each is completed only when everything it
// holds was read, so a failed listing never marks identities gone.
const (
	// scopeGrants holds every delegated permission grant of the tenant.
	scopeGrants = "grants"
	// spScopePrefix + a service principal's object ID holds its service-account identity
	// and its own credentials.
	spScopePrefix = "service-principal:"
	// appScopePrefix + an app registration's object ID holds its credentials.
	appScopePrefix = "credentials:"
)

// spScope returns the scope of a service principal's identities.
func spScope(id string) string { return spScopePrefix + id }

// appScope returns the scope of an app registration's credentials.
func appScope(id string) string { return appScopePrefix + id }

// zeroGUID is the app role ID of an assignment that grants access without a role.
const zeroGUID = "00000000-0000-0000-0000-000000000000"

// validID reports whether s is usable as (part of) an external ID: 1 to 256 characters
// from the URL-safe set Graph uses for object, key and grant IDs.
func validID(s string) bool {
	if len(s) == 0 || len(s) > 256 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-' || c == '_' || c == '.' || c == '~') {
			return false
		}
	}
	return true
}

// person converts a user. ok is false for a user without a usable ID.
func person(tenant string, u *user) (p nhi.Person, ok bool) {
	if !validID(u.ID) {
		return nhi.Person{}, false
	}
	p = nhi.Person{Platform: nhi.PlatformEntra, Tenant: tenant, ExternalID: u.ID, Status: nhi.PersonActive,
		Email: nhi.CleanText(u.Mail), Name: nhi.CleanText(u.DisplayName)}
	if p.Email == "" {
		p.Email = nhi.CleanText(u.UserPrincipalName)
	}
	if u.AccountEnabled != nil && !*u.AccountEnabled {
		p.Status = nhi.PersonSuspended
	}
	return p, true
}

// parseTime parses a Graph time; an unparsable time, and times before 1971 (Graph's
// "0001-01-01T00:00:00Z" for never), are the zero time.
func parseTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil || t.Year() < 1971 {
		return time.Time{}
	}
	return t.UTC()
}

// lastSignIn returns the time of a sign-in activity, or the zero time.
func lastSignIn(a *signInActivity) time.Time {
	if a == nil {
		return time.Time{}
	}
	return parseTime(a.LastSignInDateTime)
}

// permissions returns the distinct, cleaned, non-empty values as permissions.
func permissions(values []string) []nhi.Permission {
	var out []nhi.Permission
	seen := map[string]bool{}
	for _, v := range values {
		v = shorten(nhi.CleanText(v), 256)
		if v == "" || seen[v] {
			continue
		}
		seen[v] = true
		out = append(out, nhi.Permission{Scope: v})
	}
	return out
}

// grantIdentity converts a delegated grant of client to resource, with the client's app
// facts and last delegated sign-in. ok is false for a grant without a usable ID.
func grantIdentity(tenant string, g *grant, client, resource *servicePrincipal, f appFacts, used time.Time) (nhi.Identity, bool) {
	if !validID(g.ID) || g.Scope == nil {
		return nhi.Identity{}, false
	}
	id := newIdentity(tenant, nhi.KindOAuthGrant, g.ID)
	id.Name, id.AppID, id.Scope = displayName(client.DisplayName, client.AppID), client.AppID, scopeGrants
	id.Permissions, id.LastUsedAt = permissions(strings.Fields(*g.Scope)), used
	id.Attributes = f.attributes()
	tenantWide := g.ConsentType == "AllPrincipals"
	id.Attributes["consent_type"] = "Principal"
	if tenantWide {
		id.Attributes["consent_type"] = "AllPrincipals"
	} else if validID(g.PrincipalID) {
		id.OwnerID = g.PrincipalID
	}
	id.Attributes["admin_consented"] = strconv.FormatBool(tenantWide)
	if resource != nil {
		id.Attributes["resource"] = displayName(resource.DisplayName, resource.AppID)
		id.Attributes["resource_app_id"] = nhi.CleanText(resource.AppID)
	}
	return id, true
}

// newIdentity returns an identity of the tenant with its nhi ID.
func newIdentity(tenant string, k nhi.Kind, ext string) nhi.Identity {
	return nhi.Identity{ID: nhi.NewIdentityID(nhi.PlatformEntra, tenant, k, ext), Platform: nhi.PlatformEntra,
		Tenant: tenant, Kind: k, ExternalID: ext}
}

// owned is what the owners listing of an object gave.
type owned struct {
	// first is the object ID of the first owner that is a user, "" when none is.
	first string
	count int
}

// ownersOf summarizes an owners listing.
func ownersOf(objs []directoryObject) owned {
	o := owned{count: len(objs)}
	for _, d := range objs {
		if strings.EqualFold(d.Type, "#microsoft.graph.user") && validID(d.ID) {
			o.first = d.ID
			break
		}
	}
	return o
}

// serviceAccount converts a service principal holding application permissions, without
// its owner (see withOwners). Role IDs are resolved through the resource service
// principals in sps (the values they publish); a role no resource publishes keeps its ID.
// ok is false when the principal holds no application permission.
func serviceAccount(tenant string, sp *servicePrincipal, f appFacts, as []assignment, sps map[string]*servicePrincipal,
	used time.Time) (nhi.Identity, bool) {
	var values, resources []string
	var created time.Time
	for _, a := range as {
		if a.DeletedDateTime != "" || a.AppRoleID == zeroGUID || !strings.EqualFold(a.PrincipalType, "ServicePrincipal") {
			continue
		}
		v, res := a.AppRoleID, sps[a.ResourceID]
		if res != nil {
			if i := slices.IndexFunc(res.AppRoles, func(r appRole) bool { return r.ID == a.AppRoleID }); i >= 0 && res.AppRoles[i].Value != "" {
				v = res.AppRoles[i].Value
			}
			resources = append(resources, displayName(res.DisplayName, res.AppID))
		}
		values = append(values, v)
		if t := parseTime(a.CreatedDateTime); !t.IsZero() && (created.IsZero() || t.Before(created)) {
			created = t
		}
	}
	if len(values) == 0 {
		return nhi.Identity{}, false
	}
	id := newIdentity(tenant, nhi.KindServiceAccount, sp.ID)
	id.Name, id.AppID, id.Scope = displayName(sp.DisplayName, sp.AppID), sp.AppID, spScope(sp.ID)
	id.Permissions, id.CreatedAt, id.LastUsedAt = permissions(values), created, used
	id.Attributes = f.attributes()
	id.Attributes["account_enabled"] = strconv.FormatBool(sp.AccountEnabled == nil || *sp.AccountEnabled)
	id.Attributes["service_principal_type"] = shorten(nhi.CleanText(sp.ServicePrincipalType), 64)
	slices.Sort(resources)
	id.Attributes["resources"] = shorten(strings.Join(slices.Compact(resources), ", "), 256)
	return id, true
}

// withOwners returns id with the owner and owners_count of an owners listing.
func withOwners(id nhi.Identity, own owned) nhi.Identity {
	id.OwnerID = own.first
	id.Attributes["owners_count"] = strconv.Itoa(own.count)
	return id
}

// withAttrs returns a copy of m with the pairs kv added.
func withAttrs(m map[string]string, kv ...string) map[string]string {
	out := maps.Clone(m)
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}
