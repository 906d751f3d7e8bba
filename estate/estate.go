// Package estate generates a deterministic synthetic company: its people, the third-party
// vendors it uses, the OAuth grants those people gave, their activity, and ground-truth
// labels for the risks it seeds. It is the one world every simulator renders, so one
// company looks the same on every platform and the tests know what a scan must find.
//
// The same Options always give the same Estate, byte for byte.
package estate

import (
	"net/netip"
	"time"
)

// Options configure Generate. Zero values take the defaults noted.
type Options struct {
	// Seed makes the estate; the same seed gives the same estate.
	Seed int64
	// People is the number of people, from MinPeople to MaxPeople (default 200).
	People int
	// Domain is the company's primary domain (default "example.com").
	Domain string
	// Now is the time the estate is generated at; timestamps lie before it (default a
	// fixed date, so that estates are reproducible).
	Now time.Time
}

// The bounds of Options.People.
const (
	MinPeople = 10
	MaxPeople = 100000
)

// Status is the employment status of a person.
type Status string

// The statuses of a person.
const (
	Active    Status = "active"
	Suspended Status = "suspended"
	Departed  Status = "departed"
)

// Estate is one synthetic company. An Estate and the slices it holds are shared by its
// readers and must not be modified: grants share their scope slices with their vendors.
// People are in order of GoogleID, and Grants and Revoked in order of (Person, Vendor).
type Estate struct {
	Options Options
	// CustomerID is the company's Google Workspace customer ID ("C0" + 7 characters).
	CustomerID string
	People     []Person
	Vendors    []Vendor
	Grants     []Grant
	// Revoked are grants given and revoked within the audit window: only the audit log
	// (authorize and revoke events) shows them.
	Revoked []Grant
	// Labels are the seeded risks, the ground truth detections are measured against.
	Labels []Label
	// EmailOrder lists the indexes of People in ascending order of Email: PersonByEmail
	// searches it, and a simulator can page users in email order with it.
	EmailOrder []int32
	// Microsoft is the company's Microsoft Entra tenant.
	Microsoft *Microsoft
	// GitHub is the company's GitHub organizations.
	GitHub *GitHub
	// Salesforce is the company's Salesforce org.
	Salesforce *Salesforce
	// Slack is the company's Slack Enterprise Grid organization.
	Slack *Slack
	// Okta is the company's Okta org.
	Okta *Okta
}

// Person is an employee, current or former.
type Person struct {
	// GoogleID is the immutable numeric Google user ID (21 digits).
	GoogleID   string
	Email      string
	GivenName  string
	FamilyName string
	Department string
	Admin      bool
	Status     Status
	CreatedAt  time.Time
	// LastLoginAt is zero for a person who never signed in.
	LastLoginAt time.Time
	// DepartedAt is set for suspended and departed people.
	DepartedAt time.Time
}

// Vendor is a third-party product the company's people connect to their accounts.
type Vendor struct {
	// Company is the vendor's company name, empty for an app of unknown publisher; Product
	// the app's display name as users see it on the consent screen (attacker-chosen for
	// malicious apps).
	Company  string
	Product  string
	Category string
	// GoogleClientID is the OAuth client ID of the product's Google app.
	GoogleClientID string
	// MicrosoftAppID is the application ID of the product's multi-tenant Microsoft Entra
	// app; empty for a product the estate does not consent to through Microsoft.
	MicrosoftAppID string
	// Scopes are the Google OAuth scopes the app asks for.
	Scopes []string
	// ClientType is the Reports API client_type ("WEB", "NATIVE_DESKTOP", ...).
	ClientType string
	// Servers is the /24 the app's servers call Google's APIs from (see google_net.go);
	// the zero Prefix for a native app, whose calls come from its users' devices.
	Servers netip.Prefix
	// ViaTor says the app's servers call through Tor exits (Servers is a Tor exit block).
	ViaTor    bool
	Anonymous bool
	Native    bool
	// Verified says the publisher went through Google's verification.
	Verified bool
	// Suspicious marks an unverified look-alike or malicious app.
	Suspicious bool
	// Popularity is the share of people who connect the app, from 0 to 1.
	Popularity float64
	// Departments lists the departments whose people use the app most; empty means
	// everyone alike.
	Departments []string
}

// Grant is one person's OAuth grant to one vendor's app.
type Grant struct {
	// Person and Vendor index Estate.People and Estate.Vendors.
	Person int32
	Vendor int32
	// Scopes are the scopes granted, a subset of the vendor's.
	Scopes       []string
	AuthorizedAt time.Time
	// LastUsedAt is zero for a grant never used.
	LastUsedAt time.Time
	// RevokedAt is when a grant of Estate.Revoked was revoked; zero for a live grant.
	RevokedAt time.Time
	// FromTor says the grant's token is used from Tor exits, although its app's servers
	// are elsewhere: a stolen token, or, for a native app, its user's device on Tor.
	FromTor bool
}

// Label is a seeded risk: ground truth for detection tests.
type Label struct {
	// Risk names the risk ("owner.departed", "usage.stale", "app.suspicious", ...).
	Risk string
	// Platform is the platform the subject lives on ("google_workspace").
	Platform string
	// Subject is the platform's identifier of the labelled thing: for a grant
	// "<GoogleID>/<GoogleClientID>", for an app its client ID.
	Subject string
}
