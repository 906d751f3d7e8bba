package nhi

import "time"

// ChangeKind says what changed in the inventory between two scans of a tenant.
type ChangeKind string

// The kinds of change the store records (drift between scans).
const (
	// ChangeIdentityAdded is a new identity in a tenant scanned before: a new grant,
	// token, key or integration.
	ChangeIdentityAdded ChangeKind = "identity.added"
	// ChangePermissionsChanged is an identity whose scopes or permissions changed.
	ChangePermissionsChanged ChangeKind = "permissions.changed"
	// ChangeCredentialsChanged is an identity whose credentials changed: a secret, key
	// or certificate added or removed.
	ChangeCredentialsChanged ChangeKind = "credentials.changed"
	// ChangeAppAdded is a new app in a tenant scanned before.
	ChangeAppAdded ChangeKind = "app.added"
	// ChangePersonStatus is a person whose status changed (suspended, departed).
	ChangePersonStatus ChangeKind = "person.status_changed"
	// ChangePersonGone is a person gone from the tenant's directory.
	ChangePersonGone ChangeKind = "person.gone"
)

// Change is one recorded change of the inventory, with what it was before and after.
type Change struct {
	// Seq orders changes; it only grows.
	Seq      int64      `json:"seq"`
	At       time.Time  `json:"at"`
	ScanID   string     `json:"scan_id"`
	Platform Platform   `json:"platform"`
	Tenant   string     `json:"tenant"`
	Kind     ChangeKind `json:"kind"`
	// Subject is the identity's nhi ID, or the app's or person's external ID; Name its
	// display name (untrusted text).
	Subject string `json:"subject"`
	Name    string `json:"name"`
	// Before and After are the scopes (permissions), credential IDs (credentials) or
	// status (people) before and after; Before is empty for something added.
	Before []string `json:"before"`
	After  []string `json:"after"`
}
