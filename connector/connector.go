// Package connector defines the contract between nhi and the connectors that discover
// non-human identities on one SaaS platform each: the small Connector interface, the
// Reporter a connector streams what it finds into, optional capability interfaces, and the
// Env every connector receives its dependencies through.
//
// This package holds interfaces and plain values only; implementations live in one
// sub-package per platform, each with a simulator of the platform's admin API beside it.
package connector

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/nhiscope/nhi"
)

// ScopePeople is the scope a connector completes once it has listed every person of the
// tenant; only then may the pipeline mark people it did not see as gone.
const ScopePeople = "people"

// PersonScope is the scope of identities that exist only through one person's account
// (a user's OAuth grants): when a complete people listing no longer shows the person, the
// platform has deleted the account and these identities with it, so the pipeline marks
// the person's scope gone too. Connectors report such identities under this scope.
func PersonScope(personID string) string { return "user:" + personID }

// Info says what a connector instance is.
type Info struct {
	// Name is the instance name from the configuration ("google-prod").
	Name     string
	Platform nhi.Platform
	// Tenant is the platform's identifier of the tenant the instance scans.
	Tenant string
}

// Connector discovers the non-human identities of one tenant of one platform.
type Connector interface {
	// Info describes the instance.
	Info() Info
	// Discover enumerates the tenant into r and returns the cursor to resume from. With the
	// zero cursor it makes a full scan; with a cursor it returned before, an incremental
	// one that reports what changed since. Per-item failures go to r.Fail; Discover
	// returns an error only when the scan as a whole cannot go on (bad credentials, the
	// platform down, ctx cancelled, r returning an error). Discover never changes the
	// tenant: it makes no mutating request.
	Discover(ctx context.Context, since nhi.Cursor, r Reporter) (nhi.Cursor, error)
}

// Reporter receives what a connector discovers, as it discovers it. A method that returns
// an error (the store failed, ctx was cancelled) ends the scan: the connector returns that
// error from Discover.
type Reporter interface {
	// Person reports a person of the tenant.
	Person(ctx context.Context, p nhi.Person) error
	// App reports a third-party app identities belong to.
	App(ctx context.Context, a nhi.App) error
	// Identity reports one non-human identity.
	Identity(ctx context.Context, id nhi.Identity) error
	// ScopeComplete says that every identity of scope has been reported, so identities of
	// that scope not reported in this scan are gone. ScopePeople does the same for people.
	ScopeComplete(ctx context.Context, scope string) error
	// Fail reports a failure confined to one part of the tenant; the scan goes on.
	Fail(ctx context.Context, f Failure)
	// Progress reports an event of interest to a progress display or the scan record.
	Progress(p Progress)
}

// Sharder is implemented by connectors whose full scan fans out (one call per user or
// repository) and can be split into parts that run at once, on one nhi instance or
// several, into one scan record. DiscoverShard runs part shard (0 <= shard < of): part 0
// reports what is not split (people, with ScopePeople) besides its share; together the
// parts report what Discover("") reports and complete the same scopes. Only part 0's
// cursor is kept.
type Sharder interface {
	Connector
	DiscoverShard(ctx context.Context, shard, of int, r Reporter) (nhi.Cursor, error)
}

// ShardOf returns the part (0 to of-1) a key (a user's ID) belongs to when a scan is
// split into of parts; every connector splits with it, so parts are stable across
// instances and runs.
func ShardOf(key string, of int) int {
	if of <= 1 {
		return 0
	}
	h := uint32(2166136261) // FNV-1a
	for i := 0; i < len(key); i++ {
		h ^= uint32(key[i])
		h *= 16777619
	}
	return int(h % uint32(of))
}

// EventSource is implemented by connectors that read their platform's audit log. Events
// calls fn for each event that matters for non-human identities after since, oldest
// first, and returns the cursor to resume from; with the zero cursor it starts at the
// oldest event the platform keeps (or a connector-documented window). It returns an error
// when fn does, or when the log cannot be read; the returned cursor then still marks the
// last event fn accepted, so that nothing is delivered twice or lost.
type EventSource interface {
	Events(ctx context.Context, since nhi.Cursor, fn func(nhi.Event) error) (nhi.Cursor, error)
}

// Failure is a per-item failure during discovery.
type Failure struct {
	// Scope is the scope that could not be enumerated completely ("user:123"), if any.
	Scope string
	// Resource names what failed, for the operator ("tokens of user 123").
	Resource string
	// Err is the cause; nhi.ErrorMessage(Err) must be safe to show.
	Err error
}

// ProgressKind says what a Progress event is.
type ProgressKind string

// The kinds of progress event.
const (
	// ProgressRequest is one HTTP request answered (successfully or not).
	ProgressRequest ProgressKind = "request"
	// ProgressPage is one page of results received.
	ProgressPage ProgressKind = "page"
	// ProgressThrottled is one throttled answer (429, or 403 with a rate-limit reason).
	ProgressThrottled ProgressKind = "throttled"
	// ProgressWait is time spent waiting because of throttling; Wait says how long.
	ProgressWait ProgressKind = "wait"
)

// Progress is one progress event.
type Progress struct {
	Kind ProgressKind
	// Resource names the API resource ("users", "tokens", "activities").
	Resource string
	// Wait is set for ProgressWait.
	Wait time.Duration
}

// Env carries the dependencies of a connector. The zero value of each field means the
// default noted beside it.
type Env struct {
	// Logger receives structured logs; nil discards them.
	Logger *slog.Logger
	// HTTPClient is the base client requests go through; nil means http.DefaultClient's
	// transport. Connectors wrap it with authentication.
	HTTPClient *http.Client
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
}

// Log returns e.Logger, or a logger that discards everything.
func (e Env) Log() *slog.Logger {
	if e.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return e.Logger
}

// Clock returns e.Now, or time.Now.
func (e Env) Clock() func() time.Time {
	if e.Now == nil {
		return time.Now
	}
	return e.Now
}

// Client returns e.HTTPClient, or a client with a sane timeout.
func (e Env) Client() *http.Client {
	if e.HTTPClient == nil {
		return &http.Client{Timeout: 60 * time.Second}
	}
	return e.HTTPClient
}
