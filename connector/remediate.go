package connector

import (
	"context"

	"github.com/nhiscope/nhi"
)

// Remediator is implemented by connectors that can change their tenant. The executor in
// package remediate is its only caller; it writes an audit entry before every call and
// verifies every change by re-reading the platform.
//
// Every method is idempotent: acting on something already gone succeeds and says so
// (Outcome.AlreadyDone), so that a plan interrupted half-way can simply run again.
// Errors carry nhi codes (CodeRateLimited after the connector's own retries are spent,
// CodeForbidden when nhi lacks the permission, CodeUnavailable, ...).
type Remediator interface {
	// Supports reports whether the connector can carry out actions of type t on
	// identities of kind k (k is empty for app-wide actions such as revoke_app_grants).
	Supports(t nhi.ActionType, k nhi.Kind) bool
	// Remediate carries out one action with the platform's documented API call.
	Remediate(ctx context.Context, a nhi.Action) (Outcome, error)
	// Verify re-reads the platform and reports whether the access a removed is gone.
	// It never changes the tenant.
	Verify(ctx context.Context, a nhi.Action) (Verification, error)
	// Self returns the external IDs (client IDs, app IDs, service-account IDs) that the
	// connector itself authenticates as; nhi never acts on identities with these IDs or
	// of these apps, so that it cannot lock itself out.
	Self() []string
}

// Outcome is what one Remediate call did.
type Outcome struct {
	// Call names the API call made, as documented by the platform
	// ("DELETE /admin/directory/v1/users/{userKey}/tokens/{clientId}"); several calls are
	// joined with "; ".
	Call string
	// AlreadyDone says the target was already gone: nothing was changed.
	AlreadyDone bool
	// Changed counts the grants, credentials or identities removed or changed (an
	// app-wide revocation touches many).
	Changed int
	// Touched lists the platform IDs of what an app-wide action changed (the users whose
	// grants it deleted), for the audit trail; empty for single-target actions.
	Touched []string
}

// Verification is what re-reading the platform after an action showed.
type Verification struct {
	// Gone says the access the action removes no longer exists.
	Gone bool
	// Remaining counts what is still there (grants of an app still present, scopes not
	// removed); zero when Gone.
	Remaining int
	// Detail says what was read, for the audit trail.
	Detail string
}
