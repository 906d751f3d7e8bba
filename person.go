package nhi

import "time"

// PersonStatus says whether a person can still act for the identities they own.
type PersonStatus string

// The statuses of a person.
const (
	// PersonActive is a person who works here and can sign in.
	PersonActive PersonStatus = "active"
	// PersonSuspended is a person whose account is suspended (often: on the way out).
	PersonSuspended PersonStatus = "suspended"
	// PersonDeparted is a person whose account is deleted or archived: they have left.
	PersonDeparted PersonStatus = "departed"
	// PersonUnknown is a person nhi has a reference to but no directory record of.
	PersonUnknown PersonStatus = "unknown"
)

// Valid reports whether s is one of the statuses above.
func (s PersonStatus) Valid() bool {
	switch s {
	case PersonActive, PersonSuspended, PersonDeparted, PersonUnknown:
		return true
	}
	return false
}

// Person is a human account on a platform: the owner, granter or creator of identities.
type Person struct {
	Platform   Platform     `json:"platform"`
	Tenant     string       `json:"tenant"`
	ExternalID string       `json:"external_id"`
	Email      string       `json:"email"`
	Name       string       `json:"name"`
	Status     PersonStatus `json:"status"`
	IsAdmin    bool         `json:"is_admin,omitempty"`
	CreatedAt  time.Time    `json:"created_at,omitzero"`
	LastLogin  time.Time    `json:"last_login,omitzero"`
	// OrgUnit is the person's department or organizational unit, if the platform has one.
	OrgUnit string `json:"org_unit,omitempty"`

	// FirstSeen, LastSeen and GoneAt are kept by the store, as for Identity.
	FirstSeen time.Time `json:"first_seen,omitzero"`
	LastSeen  time.Time `json:"last_seen,omitzero"`
	GoneAt    time.Time `json:"gone_at,omitzero"`
}

// App is a third-party application (an OAuth client, an installed app) that identities
// belong to. Its aggregate figures are computed by the store from the identities present.
type App struct {
	Platform Platform `json:"platform"`
	Tenant   string   `json:"tenant"`
	// ExternalID is the platform's identifier of the app (an OAuth client ID).
	ExternalID string `json:"external_id"`
	// Name is the display name as the platform gives it, made safe by CleanText.
	Name string `json:"name"`
	// Vendor is the company behind the app, when known.
	Vendor string `json:"vendor,omitempty"`
	// Anonymous is true for an app the platform has no registration for.
	Anonymous bool `json:"anonymous,omitempty"`
	// Native is true for an installed (mobile, desktop) app.
	Native bool `json:"native,omitempty"`

	// Users, Identities and Scopes are aggregates over the identities present: how many
	// distinct owners, how many identities, and the union of their scopes (sorted).
	Users      int      `json:"users"`
	Identities int      `json:"identities"`
	Scopes     []string `json:"scopes,omitempty"`
	// FirstSeen and LastSeen are kept by the store.
	FirstSeen time.Time `json:"first_seen,omitzero"`
	LastSeen  time.Time `json:"last_seen,omitzero"`
}
