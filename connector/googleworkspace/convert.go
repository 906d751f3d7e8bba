package googleworkspace

import (
	"strconv"
	"strings"
	"time"

	admin "google.golang.org/api/admin/directory/v1"

	"github.com/nhiscope/nhi"
)

// userScope returns the scope of the grants of a user.
func userScope(userID string) string { return "user:" + userID }

// person converts a Directory user. ok is false for a user without a usable ID.
func person(tenant string, u *admin.User) (p nhi.Person, ok bool) {
	if u == nil || !validID(u.Id) {
		return nhi.Person{}, false
	}
	p = nhi.Person{
		Platform:   nhi.PlatformGoogleWorkspace,
		Tenant:     tenant,
		ExternalID: u.Id,
		Email:      nhi.CleanText(u.PrimaryEmail),
		Status:     nhi.PersonActive,
		IsAdmin:    u.IsAdmin || u.IsDelegatedAdmin,
		CreatedAt:  parseTime(u.CreationTime),
		LastLogin:  parseTime(u.LastLoginTime),
		OrgUnit:    nhi.CleanText(u.OrgUnitPath),
	}
	if u.Name != nil {
		p.Name = nhi.CleanText(u.Name.FullName)
		if p.Name == "" {
			p.Name = nhi.CleanText(u.Name.GivenName + " " + u.Name.FamilyName)
		}
	}
	switch {
	case u.Archived:
		p.Status = nhi.PersonDeparted
	case u.Suspended:
		p.Status = nhi.PersonSuspended
	}
	return p, true
}

// parseTime parses an RFC 3339 time; an unparsable time, and the Unix epoch Google shows
// for "never", are the zero time.
func parseTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil || t.Unix() <= 0 {
		return time.Time{}
	}
	return t.UTC()
}

// grant is one token of a user with what the audit log says about it.
type grant struct {
	tenant, userID string
	token          *admin.Token
	times          grantTimes
	// clientType is the client_type from the audit log, or "".
	clientType string
}

// identity converts a grant. ok is false for a token without a usable client ID.
func (g grant) identity() (id nhi.Identity, ok bool) {
	t := g.token
	if t == nil || !validID(t.ClientId) || !validID(g.userID) {
		return nhi.Identity{}, false
	}
	ext := g.userID + "/" + t.ClientId
	id = nhi.Identity{
		ID:         nhi.NewIdentityID(nhi.PlatformGoogleWorkspace, g.tenant, nhi.KindOAuthGrant, ext),
		Platform:   nhi.PlatformGoogleWorkspace,
		Tenant:     g.tenant,
		Kind:       nhi.KindOAuthGrant,
		ExternalID: ext,
		Name:       appName(t),
		AppID:      t.ClientId,
		OwnerID:    g.userID,
		Scope:      userScope(g.userID),
		CreatedAt:  unixMilli(g.times.authorized),
		LastUsedAt: unixMilli(g.times.used),
		Attributes: map[string]string{
			"anonymous":  strconv.FormatBool(t.Anonymous),
			"native_app": strconv.FormatBool(t.NativeApp),
		},
	}
	if g.clientType != "" {
		id.Attributes["client_type"] = g.clientType
	}
	seen := make(map[string]bool, len(t.Scopes))
	for _, s := range t.Scopes {
		s = nhi.CleanText(s)
		if s == "" || seen[s] {
			continue
		}
		seen[s] = true
		id.Permissions = append(id.Permissions, nhi.Permission{Scope: s})
	}
	return id, true
}

// app returns the app of a grant's token.
func (g grant) app() nhi.App {
	return nhi.App{
		Platform:   nhi.PlatformGoogleWorkspace,
		Tenant:     g.tenant,
		ExternalID: g.token.ClientId,
		Name:       appName(g.token),
		Anonymous:  g.token.Anonymous,
		Native:     g.token.NativeApp,
	}
}

// appName returns the cleaned display name of a token's app, or its client ID.
func appName(t *admin.Token) string {
	if n := nhi.CleanText(t.DisplayText); n != "" {
		return n
	}
	return t.ClientId
}

// tenantOf returns the customer ID of a page of users: the first valid one, or "".
func tenantOf(users []*admin.User) string {
	for _, u := range users {
		if u != nil && validCustomer(u.CustomerId) && !strings.EqualFold(u.CustomerId, DefaultCustomer) {
			return u.CustomerId
		}
	}
	return ""
}
