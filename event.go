package nhi

import "time"

// EventKind says what a platform audit event means for non-human identities.
type EventKind string

// The event kinds connectors map their platform's audit events to.
const (
	EventConsentGranted    EventKind = "consent.granted"
	EventGrantAdded        EventKind = "grant.added"
	EventGrantRemoved      EventKind = "grant.removed"
	EventPermissionAdded   EventKind = "permission.assigned"
	EventCredentialAdded   EventKind = "credential.added"
	EventCredentialRemoved EventKind = "credential.removed"
	EventOwnerChanged      EventKind = "owner.changed"
	EventAppAdded          EventKind = "app.added"
	EventAppChanged        EventKind = "app.changed"
	// EventSignIn is an identity signing in or a token being exchanged or used to start a
	// session (Salesforce LoginHistory, sign-in logs).
	EventSignIn EventKind = "sign_in"
	// EventAPICall is one API request made with an identity's token (a query, a read).
	EventAPICall EventKind = "api.call"
	// EventExport is a bulk export: an export job created, or its results downloaded.
	EventExport EventKind = "data.export"
	// EventExportDeleted is an export job deleted, which can hide an export.
	EventExportDeleted EventKind = "data.export_deleted"
	EventOther         EventKind = "other"
)

// Event is one audit event of a platform that matters for non-human identities.
type Event struct {
	// ID is the platform's event ID; with Platform and Tenant it identifies the event.
	ID       string    `json:"id"`
	Platform Platform  `json:"platform"`
	Tenant   string    `json:"tenant"`
	Time     time.Time `json:"time"`
	Kind     EventKind `json:"kind"`
	// Activity is the platform's own name of the event ("Consent to application").
	Activity string `json:"activity"`
	// Actor is who did it: a user's principal name or ID, or an app's ID.
	Actor string `json:"actor,omitempty"`
	// AppID is the app the event is about; TargetID the object's platform ID.
	AppID    string `json:"app_id,omitempty"`
	TargetID string `json:"target_id,omitempty"`
	// Target is the object's display name (untrusted text).
	Target string `json:"target,omitempty"`
	// Result is the platform's outcome ("success", "failure").
	Result string `json:"result,omitempty"`
	// SourceIP is the network address the request came from, as the platform logged it;
	// UserAgent the client's user agent (untrusted text). Empty when not logged.
	SourceIP  string `json:"source_ip,omitempty"`
	UserAgent string `json:"user_agent,omitempty"`
	// Details are name/value facts of the event (scopes consented, permission added,
	// admin consent), untrusted text.
	Details map[string]string `json:"details,omitempty"`
}
