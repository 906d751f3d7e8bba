package okta

import (
	"slices"
	"strings"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
)

// personStatus maps an Okta user status: SUSPENDED is suspended, DEPROVISIONED
// (deactivated) departed, and every other status (ACTIVE, STAGED, PROVISIONED, RECOVERY,
// LOCKED_OUT, PASSWORD_EXPIRED) an account that still works here.
func personStatus(status string) nhi.PersonStatus {
	switch status {
	case "SUSPENDED":
		return nhi.PersonSuspended
	case "DEPROVISIONED":
		return nhi.PersonDeparted
	}
	return nhi.PersonActive
}

// person converts a user.
func (c *Connector) person(u *user, admin bool) nhi.Person {
	p := nhi.Person{Platform: nhi.PlatformOkta, Tenant: c.tenant, ExternalID: u.ID,
		Email: nhi.CleanText(u.Profile.Email), Name: nhi.CleanText(strings.TrimSpace(u.Profile.FirstName + " " + u.Profile.LastName)),
		Status: personStatus(u.Status), IsAdmin: admin, CreatedAt: u.Created.UTC(), OrgUnit: nhi.CleanText(u.Profile.Department)}
	if u.LastLogin != nil {
		p.LastLogin = u.LastLogin.UTC()
	}
	return p
}

// appOf converts an app.
func (c *Connector) appOf(a *app) nhi.App {
	return nhi.App{Platform: nhi.PlatformOkta, Tenant: c.tenant, ExternalID: a.ID, Name: label(a),
		Native: a.appType() == "native"}
}

// label returns the app's display name, or its ID.
func label(a *app) string {
	if l := nhi.CleanText(a.Label); l != "" {
		return l
	}
	return a.ID
}

// newIdentity returns an identity of the org with its ID set.
func (c *Connector) newIdentity(kind nhi.Kind, externalID, name string) nhi.Identity {
	if name == "" {
		name = externalID
	}
	return nhi.Identity{ID: nhi.NewIdentityID(nhi.PlatformOkta, c.tenant, kind, externalID), Platform: nhi.PlatformOkta,
		Tenant: c.tenant, Kind: kind, ExternalID: externalID, Name: name, Attributes: map[string]string{}}
}

// permissions converts scope or role names.
func permissions(names []string) []nhi.Permission {
	var out []nhi.Permission
	for _, n := range names {
		out = append(out, nhi.Permission{Scope: n})
	}
	return out
}

// tokenIdentity converts an API token. It acts with its creator's admin roles, so those
// are its permissions. Its expiry slides: expiresAt is its last use plus its token
// window, so the last use is expiresAt minus the window (none when that is its creation).
func (c *Connector) tokenIdentity(t *apiToken, roles []string, creator *user) nhi.Identity {
	id := c.newIdentity(nhi.KindAPIKey, t.ID, nhi.CleanText(t.Name))
	id.OwnerID, id.Scope, id.Permissions = t.UserID, scopeTokens, permissions(roles)
	id.CreatedAt, id.ExpiresAt = t.Created.UTC(), t.ExpiresAt.UTC()
	if window, ok := parseDuration(t.TokenWindow); ok && !t.ExpiresAt.IsZero() {
		if last := t.ExpiresAt.Add(-window); last.After(t.Created.Add(time.Second)) {
			id.LastUsedAt = last.UTC()
		}
		id.Attributes["token_window"] = t.TokenWindow
	}
	id.Attributes["network"] = nhi.CleanText(t.Network.Connection)
	if len(t.Network.Include) > 0 {
		id.Attributes["network_include"] = nhi.CleanText(strings.Join(t.Network.Include, ","))
	}
	if len(t.Network.Exclude) > 0 {
		id.Attributes["network_exclude"] = nhi.CleanText(strings.Join(t.Network.Exclude, ","))
	}
	if creator != nil {
		id.Attributes["creator_status"] = nhi.CleanText(creator.Status)
	}
	id.Credentials = []nhi.Credential{{ID: t.ID, Type: "okta_api_token", CreatedAt: id.CreatedAt,
		LastUsedAt: id.LastUsedAt, ExpiresAt: id.ExpiresAt}}
	return id
}

// serviceIdentity converts a service app and its okta.* scope grants. Its owner is the
// user who made its first grant.
func (c *Connector) serviceIdentity(a *app, grants []grant) nhi.Identity {
	id := c.newIdentity(nhi.KindServiceAccount, a.ID, label(a))
	id.AppID, id.Scope, id.CreatedAt = a.ID, scopeApps, a.Created.UTC()
	slices.SortStableFunc(grants, func(x, y grant) int { return x.Created.Compare(y.Created) })
	var scopes []string
	for _, g := range grants {
		if g.Status != "" && g.Status != "ACTIVE" {
			continue
		}
		scopes = append(scopes, nhi.CleanText(g.ScopeID))
		if id.OwnerID == "" && g.CreatedBy.Type == "User" {
			id.OwnerID = g.CreatedBy.ID
		}
	}
	id.Permissions = permissions(scopes)
	id.Attributes["status"] = nhi.CleanText(a.Status)
	if oc := a.Credentials.OAuthClient; oc != nil {
		id.Attributes["token_endpoint_auth_method"] = nhi.CleanText(oc.AuthMethod)
	}
	return id
}

// grantIdentity converts a person's consent grants to one client, with what its refresh
// tokens show.
func (c *Connector) grantIdentity(userID string, a *app, grants []grant, use refreshUse) nhi.Identity {
	id := c.newIdentity(nhi.KindOAuthGrant, userID+"/"+a.clientID(), label(a))
	id.OwnerID, id.AppID, id.Scope, id.LastUsedAt = userID, a.ID, connector.PersonScope(userID), use.last.UTC()
	if use.last.IsZero() {
		id.LastUsedAt = time.Time{}
	}
	var scopes []string
	for _, g := range grants {
		scopes = append(scopes, nhi.CleanText(g.ScopeID))
		if id.CreatedAt.IsZero() || g.Created.Before(id.CreatedAt) {
			id.CreatedAt = g.Created.UTC()
		}
	}
	slices.Sort(scopes)
	id.Permissions = permissions(slices.Compact(scopes))
	if t := a.appType(); t != "" {
		id.Attributes["client_type"] = t
	}
	for _, t := range use.tokens {
		id.Credentials = append(id.Credentials, nhi.Credential{ID: t.ID, Type: "oauth_refresh_token",
			CreatedAt: t.Created.UTC(), LastUsedAt: t.LastUpdated.UTC()})
	}
	return id
}

// parseDuration reads the ISO-8601 durations Okta writes token windows in ("P30D",
// "PT5M", "P1DT12H"): days, hours, minutes and seconds.
func parseDuration(s string) (time.Duration, bool) {
	rest, ok := strings.CutPrefix(s, "P")
	if !ok || rest == "" {
		return 0, false
	}
	var d time.Duration
	inTime, n, digits := false, int64(0), false
	for _, r := range rest {
		switch {
		case r >= '0' && r <= '9':
			if n > 1<<20 {
				return 0, false
			}
			n, digits = n*10+int64(r-'0'), true
			continue
		case r == 'T' && !inTime && !digits:
			inTime = true
			continue
		}
		unit, ok := map[rune]time.Duration{'D': 24 * time.Hour, 'W': 7 * 24 * time.Hour, 'H': time.Hour, 'M': time.Minute, 'S': time.Second}[r]
		if !ok || !digits || (r == 'M' || r == 'H' || r == 'S') != inTime {
			return 0, false
		}
		if n > int64(maxWindow/unit) {
			return 0, false
		}
		if d += time.Duration(n) * unit; d > maxWindow {
			return 0, false
		}
		n, digits = 0, false
	}
	if digits || d <= 0 {
		return 0, false
	}
	return d, true
}

// maxWindow bounds a token window parseDuration takes: ten years.
const maxWindow = 10 * 365 * 24 * time.Hour
