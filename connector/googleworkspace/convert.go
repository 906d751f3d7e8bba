package googleworkspace

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	admin "google.golang.org/api/admin/directory/v1"

	"github.com/nhiscope/nhi"
)

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
	// scope is connector.PersonScope(userID), made once per user.
	tenant, userID, scope string
	token                 *token
	times                 grantTimes
	// usedFrom is the address of the last use, "" when unknown.
	usedFrom string
	// clientType is the client_type from the audit log, or "".
	clientType string
}

// identity converts a grant. ok is false for a token without a usable client ID.
func (g grant) identity() (id nhi.Identity, ok bool) {
	t := g.token
	if t == nil || t.null || !validID(t.clientID) || !validID(g.userID) {
		return nhi.Identity{}, false
	}
	ext := g.userID + "/" + t.clientID
	id = nhi.Identity{
		ID:         nhi.NewIdentityID(nhi.PlatformGoogleWorkspace, g.tenant, nhi.KindOAuthGrant, ext),
		Platform:   nhi.PlatformGoogleWorkspace,
		Tenant:     g.tenant,
		Kind:       nhi.KindOAuthGrant,
		ExternalID: ext,
		Name:       appName(t),
		AppID:      t.clientID,
		OwnerID:    g.userID,
		Scope:      g.scope,
		CreatedAt:  unixMilli(g.times.authorized),
		LastUsedAt: unixMilli(g.times.used),
		Attributes: map[string]string{
			"anonymous":      strconv.FormatBool(t.anonymous),
			"native_app":     strconv.FormatBool(t.nativeApp),
			"deceptive_name": strconv.FormatBool(deceptive(t.displayText)),
		},
		Permissions: permissions(t.scopes),
	}
	if g.clientType != "" {
		id.Attributes["client_type"] = g.clientType
	}
	if g.usedFrom != "" {
		id.Attributes["last_used_ip"] = g.usedFrom
	}
	return id, true
}

// permissions returns the distinct, cleaned, non-empty scopes as permissions.
func permissions(scopes []string) []nhi.Permission {
	var out []nhi.Permission
	var seen map[string]bool // only for long lists: short ones are searched
	if len(scopes) > 32 {
		seen = make(map[string]bool, len(scopes))
	}
	for _, s := range scopes {
		s = cleanText(s)
		switch {
		case s == "":
			continue
		case seen != nil:
			if seen[s] {
				continue
			}
			seen[s] = true
		case slices.ContainsFunc(out, func(p nhi.Permission) bool { return p.Scope == s }):
			continue
		}
		if out == nil {
			out = make([]nhi.Permission, 0, len(scopes))
		}
		out = append(out, nhi.Permission{Scope: s})
	}
	return out
}

// app returns the app of a grant's token, named name (its identity's name).
func (g grant) app(name string) nhi.App {
	return nhi.App{
		Platform:   nhi.PlatformGoogleWorkspace,
		Tenant:     g.tenant,
		ExternalID: g.token.clientID,
		Name:       name,
		Anonymous:  g.token.anonymous,
		Native:     g.token.nativeApp,
	}
}

// appName returns the cleaned display name of a token's app, or its client ID.
func appName(t *token) string {
	if n := cleanText(t.displayText); n != "" {
		return n
	}
	return t.clientID
}

// deceptive reports whether a raw app name holds what no honest name needs and that hides
// or disguises text where it is shown: markup ("<" before a letter or "/"), control
// characters, Unicode format characters (category Cf, such as the bidi override U+202E)
// or invalid UTF-8.
func deceptive(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '<' && i+1 < len(s) && markupStart(s[i+1]):
			return true
		case c < ' ' || c == 0x7f:
			return true
		case c >= utf8.RuneSelf:
			return deceptiveRunes(s)
		}
	}
	return false
}

// markupStart reports whether b, after "<", starts a tag: a letter or "/".
func markupStart(b byte) bool { return b == '/' || b|0x20 >= 'a' && b|0x20 <= 'z' }

// deceptiveRunes is deceptive for text that holds non-ASCII characters.
func deceptiveRunes(s string) bool {
	if !utf8.ValidString(s) {
		return true
	}
	prev := rune(0)
	for _, r := range s {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || prev == '<' && (r == '/' || unicode.IsLetter(r)) {
			return true
		}
		prev = r
	}
	return false
}

// cleanText is nhi.CleanText, without its copy for text it leaves as it is: printable
// ASCII with single spaces between words, at most nhi.MaxTextLen long (client IDs, scopes
// and most app names).
func cleanText(s string) string {
	if len(s) > nhi.MaxTextLen {
		return nhi.CleanText(s)
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' || c > '~' || c == ' ' && (i == 0 || i == len(s)-1 || s[i-1] == ' ') {
			return nhi.CleanText(s)
		}
	}
	return s
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
