package oktasim

import (
	"time"
)

// timeFormat is how Okta writes times.
const timeFormat = "2006-01-02T15:04:05.000Z"

// ts formats t as Okta does; tsp returns nil (JSON null) for a zero time.
func ts(t time.Time) string { return t.UTC().Format(timeFormat) }

func tsp(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := ts(t)
	return &s
}

// link is a HAL link.
type link struct {
	Href  string `json:"href"`
	Hints *hints `json:"hints,omitempty"`
}

type hints struct {
	Allow []string `json:"allow"`
}

type userJSON struct {
	ID            string          `json:"id"`
	Status        string          `json:"status"`
	Created       string          `json:"created"`
	Activated     *string         `json:"activated"`
	StatusChanged *string         `json:"statusChanged"`
	LastLogin     *string         `json:"lastLogin"`
	LastUpdated   string          `json:"lastUpdated"`
	Profile       profileJSON     `json:"profile"`
	Links         map[string]link `json:"_links"`
}

type profileJSON struct {
	FirstName  string `json:"firstName"`
	LastName   string `json:"lastName"`
	Email      string `json:"email"`
	Login      string `json:"login"`
	Department string `json:"department,omitempty"`
}

// userOf renders u.
func (s *Server) userOf(u *user) userJSON {
	p := u.person
	updated := p.CreatedAt
	if !u.statusChanged.IsZero() {
		updated = u.statusChanged
	}
	return userJSON{ID: u.id, Status: u.status, Created: ts(p.CreatedAt), Activated: tsp(p.CreatedAt),
		StatusChanged: tsp(u.statusChanged), LastLogin: tsp(p.LastLoginAt), LastUpdated: ts(updated),
		Profile: profileJSON{FirstName: p.GivenName, LastName: p.FamilyName, Email: p.Email, Login: p.Email, Department: p.Department},
		Links:   map[string]link{"self": {Href: s.w.issuer + "/api/v1/users/" + u.id}}}
}

type roleJSON struct {
	ID             string `json:"id"`
	Label          string `json:"label"`
	Type           string `json:"type"`
	Status         string `json:"status"`
	Created        string `json:"created"`
	LastUpdated    string `json:"lastUpdated"`
	AssignmentType string `json:"assignmentType"`
}

// roleLabels are the display names of the standard admin roles.
var roleLabels = map[string]string{
	"SUPER_ADMIN": "Super Administrator", "ORG_ADMIN": "Organizational Administrator",
	"APP_ADMIN": "Application Administrator", "USER_ADMIN": "Group Administrator",
	"HELP_DESK_ADMIN": "Help Desk Administrator", "READ_ONLY_ADMIN": "Read Only Administrator",
	"REPORT_ADMIN": "Report Administrator", "GROUP_MEMBERSHIP_ADMIN": "Group Membership Administrator",
	"API_ACCESS_MANAGEMENT_ADMIN": "API Access Management Administrator",
}

type networkJSON struct {
	Connection string   `json:"connection"`
	Include    []string `json:"include,omitempty"`
	Exclude    []string `json:"exclude,omitempty"`
}

type tokenJSON struct {
	ID          string          `json:"id"`
	Name        string          `json:"name"`
	UserID      string          `json:"userId"`
	ClientName  string          `json:"clientName"`
	TokenWindow string          `json:"tokenWindow"`
	Network     networkJSON     `json:"network"`
	Created     string          `json:"created"`
	LastUpdated string          `json:"lastUpdated"`
	ExpiresAt   string          `json:"expiresAt"`
	Links       map[string]link `json:"_links"`
}

// tokenOf renders t.
func (s *Server) tokenOf(t *token) tokenJSON {
	return tokenJSON{ID: t.id, Name: t.name, UserID: t.userID, ClientName: "Okta API", TokenWindow: "P30D",
		Network: networkJSON{Connection: t.connection, Include: t.include, Exclude: t.exclude},
		Created: ts(t.created), LastUpdated: ts(t.lastUpdated), ExpiresAt: ts(t.expiresAt),
		Links: map[string]link{
			"self": {Href: s.w.issuer + "/api/v1/api-tokens/" + t.id, Hints: &hints{Allow: []string{"GET", "DELETE"}}},
			"user": {Href: s.w.issuer + "/api/v1/users/" + t.userID, Hints: &hints{Allow: []string{"GET"}}},
		}}
}

type grantJSON struct {
	ID          string         `json:"id"`
	Status      string         `json:"status"`
	Created     string         `json:"created"`
	CreatedBy   map[string]any `json:"createdBy"`
	LastUpdated string         `json:"lastUpdated"`
	Issuer      string         `json:"issuer"`
	ClientID    string         `json:"clientId"`
	UserID      string         `json:"userId,omitempty"`
	ScopeID     string         `json:"scopeId"`
	Source      string         `json:"source"`
}

type refreshJSON struct {
	ID          string   `json:"id"`
	Status      string   `json:"status"`
	Created     string   `json:"created"`
	LastUpdated string   `json:"lastUpdated"`
	ExpiresAt   *string  `json:"expiresAt"`
	Issuer      string   `json:"issuer"`
	ClientID    string   `json:"clientId"`
	UserID      string   `json:"userId"`
	Scopes      []string `json:"scopes"`
}
