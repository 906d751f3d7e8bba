// Package store defines the persistence contract of nhi: one Store interface that every
// backend (store/sqlite, later store/postgres) implements and that store/storetest checks.
//
// The rules every backend keeps:
//   - Upserts keep FirstSeen and advance LastSeen; they clear GoneAt of a record seen again.
//   - An upsert never loses a known fact to an unknown one: a zero CreatedAt, LastUsedAt or
//     ExpiresAt keeps the stored value, LastUsedAt never moves backwards, and Attributes
//     merge by key (a key the new report lacks keeps its stored value).
//   - Only MarkGone sets GoneAt, and only for the scopes a scan enumerated completely: a
//     failed or partial scan never deletes or hides inventory.
//   - Only a running scan records inventory: PutPeople, PutApps and PutIdentities of a
//     scan that ended fail with CodeConflict and change nothing, so that the rescued part
//     of an abandoned split scan cannot overwrite what a newer scan saw (each record names
//     its last writer, and a scan's end marks gone what it did not write).
//   - Lists are ordered and paged by an opaque cursor.
package store

import (
	"context"
	"time"

	"github.com/nhiscope/nhi"
)

// Store persists the inventory, the scans that built it and the connectors' cursors.
// Methods return *nhi.Error with CodeNotFound for missing records and CodeInvalid for bad
// filters or cursors.
type Store interface {
	// BeginScan records a scan as running and returns it with its ID and StartedAt set.
	BeginScan(ctx context.Context, s nhi.Scan) (nhi.Scan, error)
	// FinishScan records the final status, counts and errors of a scan, and its tenant
	// (a connector may learn the tenant's ID only while scanning).
	FinishScan(ctx context.Context, s nhi.Scan) error
	// Scan returns one scan.
	Scan(ctx context.Context, id string) (nhi.Scan, error)
	// ListScans returns scans, newest first.
	ListScans(ctx context.Context, f ScanFilter) ([]nhi.Scan, error)

	// PutPeople, PutApps and PutIdentities upsert records seen by scan scanID at time seen.
	// A batch is written atomically.
	PutPeople(ctx context.Context, scanID string, seen time.Time, people []nhi.Person) error
	PutApps(ctx context.Context, scanID string, seen time.Time, apps []nhi.App) error
	PutIdentities(ctx context.Context, scanID string, seen time.Time, ids []nhi.Identity) error
	// MarkGone sets GoneAt on the present identities of the given scopes (and on the
	// people of the tenant, when the scopes include connector.ScopePeople) that scan
	// ScanID did not see. It returns how many records it marked.
	MarkGone(ctx context.Context, g MarkGone) (int, error)

	// Identity returns one identity by its nhi ID, gone or not.
	Identity(ctx context.Context, id string) (nhi.Identity, error)
	// ListIdentities returns identities matching f, ordered by f.Sort.
	ListIdentities(ctx context.Context, f IdentityFilter) (Page[nhi.Identity], error)
	// Person returns one person.
	Person(ctx context.Context, p nhi.Platform, tenant, externalID string) (nhi.Person, error)
	// ListPeople returns people matching f, ordered by platform, tenant and external ID.
	ListPeople(ctx context.Context, f PersonFilter) (Page[nhi.Person], error)
	// App returns one app with its aggregates.
	App(ctx context.Context, p nhi.Platform, tenant, externalID string) (nhi.App, error)
	// ListApps returns apps with their aggregates over present identities, ordered by f.Sort.
	ListApps(ctx context.Context, f AppFilter) (Page[nhi.App], error)
	// Counts returns how many present identities there are per platform and kind.
	Counts(ctx context.Context) ([]KindCount, error)
	// FindingTotals counts the open findings and their points per app and severity,
	// ordered by platform, tenant, app ID and severity.
	FindingTotals(ctx context.Context) ([]FindingTotal, error)
	// Expiring returns how many credentials of present identities (or identities, for
	// those without credentials) expire after from and at or before to, and the first
	// limit of them by expiry, then identity ID and credential ID.
	Expiring(ctx context.Context, from, to time.Time, limit int) ([]Expiry, int, error)
	// OwnerDebt counts the present identities whose owner is a present person who is
	// suspended or departed, and returns the first limit of them by owner (platform,
	// tenant, external ID), then by ID.
	OwnerDebt(ctx context.Context, limit int) (OwnerDebt, error)

	// Findings persists the risk engine's findings.
	Findings
	// Plans persists remediation plans.
	Plans
	// Audit is the append-only audit trail.
	Audit

	// ListChanges returns the recorded changes of the inventory between scans (drift),
	// oldest first, after f.After (a Seq).
	ListChanges(ctx context.Context, f ChangeFilter) ([]nhi.Change, error)

	// Cursor returns the saved cursor of a connector instance, or the zero cursor.
	Cursor(ctx context.Context, connector string) (nhi.Cursor, error)
	// SaveCursor saves the cursor of a connector instance.
	SaveCursor(ctx context.Context, connector string, c nhi.Cursor) error

	// Close releases the store.
	Close() error
}

// ChangeFilter selects changes. Zero fields do not filter; Limit 0 means DefaultLimit.
type ChangeFilter struct {
	Platform nhi.Platform
	Tenant   string
	Kind     nhi.ChangeKind
	// After keeps changes with a Seq greater than it; Since changes at or after it.
	After int64
	Since time.Time
	Limit int
}

// MarkGone says which scopes one scan enumerated completely.
type MarkGone struct {
	ScanID   string
	Platform nhi.Platform
	Tenant   string
	Scopes   []string
	At       time.Time
}

// Findings persists the findings of the risk engine's evaluations. It is part of Store;
// storetest checks it.
type Findings interface {
	// PutFindings upserts the findings evaluation evalID (a scan ID) produced at time seen.
	// A new finding opens; a known one keeps FirstSeen and advances LastSeen; a resolved one
	// reopens; a suppressed one stays suppressed until its suppression's Until passes, then
	// opens again. Status, FirstSeen, LastSeen and ResolvedAt of the input are ignored.
	PutFindings(ctx context.Context, evalID string, seen time.Time, findings []nhi.Finding) error
	// ResolveFindings resolves the open and suppressed findings of the platform and tenant
	// that evaluation r.EvalID did not produce, and returns how many it resolved.
	// Behavioural findings (signals "behavior.*") are about past events, which no later
	// evaluation repeats: it leaves them alone (a person resolves or suppresses them).
	ResolveFindings(ctx context.Context, r ResolveFindings) (int, error)
	// Finding returns one finding by ID.
	Finding(ctx context.Context, id string) (nhi.Finding, error)
	// ListFindings returns findings matching f, most severe first, then by ID.
	ListFindings(ctx context.Context, f FindingFilter) (Page[nhi.Finding], error)
	// SuppressFinding suppresses an open or suppressed finding; a zero Suppression
	// (empty Reason) lifts a suppression. Resolved findings cannot be suppressed.
	SuppressFinding(ctx context.Context, id string, s nhi.Suppression) (nhi.Finding, error)
}

// ResolveFindings says which evaluation of which tenant is complete.
type ResolveFindings struct {
	EvalID   string
	Platform nhi.Platform
	Tenant   string
	At       time.Time
}

// FindingFilter selects findings. Zero fields do not filter.
type FindingFilter struct {
	Platform nhi.Platform
	Tenant   string
	// MinSeverity keeps findings at least this severe.
	MinSeverity nhi.Severity
	Signal      string
	// OWASP matches one OWASP NHI item, e.g. "NHI5:2025" (or its prefix "NHI5").
	OWASP       string
	SubjectKind nhi.SubjectKind
	SubjectID   string
	AppID       string
	// Owner matches the owner's external ID or email (emails case-insensitively).
	Owner string
	// Status matches one status; the zero value means open and suppressed.
	Status nhi.FindingStatus
	Limit  int
	After  string
}

// Page is one page of a list and the cursor of the next; Next is empty on the last page.
type Page[T any] struct {
	Items []T
	Next  string
}

// DefaultLimit and MaxLimit bound the page size of lists; a zero Limit means DefaultLimit.
const (
	DefaultLimit = 100
	MaxLimit     = 10000
)

// IdentityFilter selects identities. Zero fields do not filter.
type IdentityFilter struct {
	Platform nhi.Platform
	Tenant   string
	Kind     nhi.Kind
	// AppID matches the app's external ID exactly.
	AppID string
	// Owner matches the owner's external ID or email exactly (emails case-insensitively).
	Owner string
	// OwnerStatus matches the status of the owner as last recorded.
	OwnerStatus nhi.PersonStatus
	// LastUsedBefore keeps identities last used before the time, or never used.
	LastUsedBefore time.Time
	// IncludeGone includes identities marked gone.
	IncludeGone bool
	// Sort orders the list; the zero value orders by ID. Desc reverses the order whole,
	// ties and unknown times included. A cursor resumes only the sort and direction
	// that made it: any other is CodeInvalid.
	Sort  IdentitySort
	Desc  bool
	Limit int
	After string
}

// IdentitySort orders identities. Every order breaks ties by ID, and its cursor holds the
// sort key and the ID of the last item, so pages neither repeat nor skip an identity
// while others are added or changed.
type IdentitySort string

// The orders of identities.
const (
	// IdentitiesByID orders identities by nhi ID; it is the order of the zero value.
	IdentitiesByID IdentitySort = "id"
	// IdentitiesByName orders identities by name, byte-wise.
	IdentitiesByName IdentitySort = "name"
	// IdentitiesByLastUsed puts the most recently used identities first and the ones
	// never used (or whose last use is unknown) last.
	IdentitiesByLastUsed IdentitySort = "last_used"
	// IdentitiesByCreated puts the oldest identities first and the ones of unknown
	// creation time last.
	IdentitiesByCreated IdentitySort = "created"
	// IdentitiesByExpires puts the identities expiring soonest first and the ones that
	// do not expire (or whose expiry is unknown) last.
	IdentitiesByExpires IdentitySort = "expires"
)

// IdentitySorts returns every order of identities, IdentitiesByID first.
func IdentitySorts() []IdentitySort {
	return []IdentitySort{IdentitiesByID, IdentitiesByName, IdentitiesByLastUsed, IdentitiesByCreated, IdentitiesByExpires}
}

// PersonFilter selects people. Zero fields do not filter.
type PersonFilter struct {
	Platform    nhi.Platform
	Tenant      string
	Status      nhi.PersonStatus
	IncludeGone bool
	// OnlyGone selects only people marked gone (and implies IncludeGone).
	OnlyGone bool
	Limit    int
	After    string
}

// AppSort orders apps.
type AppSort string

// The orders of apps.
const (
	// AppsByUsers puts the apps with the most users first.
	AppsByUsers AppSort = "users"
	// AppsByName orders apps by name.
	AppsByName AppSort = "name"
)

// AppFilter selects apps. Zero fields do not filter.
type AppFilter struct {
	Platform nhi.Platform
	Tenant   string
	// Sort defaults to AppsByUsers.
	Sort  AppSort
	Limit int
	After string
}

// ScanFilter selects scans. Zero fields do not filter.
type ScanFilter struct {
	Connector string
	Limit     int
}

// KindCount is the number of present identities of one kind on one platform.
type KindCount struct {
	Platform nhi.Platform
	Kind     nhi.Kind
	Count    int
}

// FindingTotal is the open findings of one app (an empty AppID: of no app) and severity:
// how many there are and the sum of their points.
type FindingTotal struct {
	Platform nhi.Platform
	Tenant   string
	AppID    string
	Severity nhi.Severity
	Findings int
	Points   int
}

// Expiry is a credential of a present identity, or the identity itself when it has no
// credentials (an empty CredentialID), and when it expires.
type Expiry struct {
	IdentityID   string
	Name         string
	Platform     nhi.Platform
	Kind         nhi.Kind
	CredentialID string
	ExpiresAt    time.Time
}

// OwnerDebt is the offboarding left undone: the present identities owned by present
// people who are suspended or departed.
type OwnerDebt struct {
	Suspended int
	Departed  int
	// Identities holds the first of them by owner, then ID, as many as asked for at most.
	Identities []nhi.Identity
}
