package slacksim

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/nhiscope/nhi/estate"
)

// Options configure a Server. The zero value of each field means the default noted.
type Options struct {
	// MaxPageSize caps every page (limit of the cursor-paged methods and of the Audit Logs
	// API, count of team.integrationLogs), whatever the client asks for; 0 means no cap
	// beyond Slack's own (1000; 9999 for audit logs). Use it to force paging.
	MaxPageSize int
	// Quota is how many calls of each method (Web API method, or audit logs endpoint)
	// the token may make per minute, with bursts of a tenth of it; past it a call is
	// answered 429 with Retry-After and {"ok":false,"error":"ratelimited"}. 0 means
	// unlimited, unless Tiers is set.
	Quota int
	// Tiers applies Slack's per-method rate tiers (Tier 1 1/min, Tier 2 20/min, Tier 3
	// 50/min, Tier 4 100/min) to methods Quota does not limit. false means no tiers.
	Tiers bool
	// Latency is added to every answer; 0 means none.
	Latency time.Duration
	// Now is the clock of the organization's data: the dates of changes made through the
	// API and recorded in the logs. nil means the estate's Options.Now.
	Now func() time.Time
	// Clock is the wall clock rate limits refill by and the request log stamps; nil
	// means time.Now.
	Clock func() time.Time
	// Token is the only token the simulator accepts; "" means DefaultToken.
	Token string
	// Scopes are the token's OAuth scopes; nil means ReadScopes() plus
	// ScopeAdminAppsWrite.
	Scopes []string
	// Workspace makes the token a workspace token of the first workspace, as on a plan
	// without Enterprise Grid: admin.apps.* answer not_allowed_token_type, the Audit Logs
	// API answers 403 feature_not_enabled, and users.list lists that workspace only.
	// false means an org-level token of an Enterprise Grid org owner.
	Workspace bool
	// MaxRequestLog is how many requests the log keeps (the oldest half is dropped when
	// full); 0 means 100,000.
	MaxRequestLog int
}

// DefaultToken is the org-level user token the simulator accepts by default. It is a
// test value, not a secret.
const DefaultToken = "xoxp-0000000000-0000000000-0000000000-slacksimdefaulttoken0000000000"

// The OAuth scopes the simulator checks.
const (
	ScopeAdminAppsRead  = "admin.apps:read"
	ScopeAdminAppsWrite = "admin.apps:write"
	ScopeAdmin          = "admin"
	ScopeUsersRead      = "users:read"
	ScopeUsersReadEmail = "users:read.email"
	ScopeAuditLogsRead  = "auditlogs:read"
)

// ReadScopes returns the scopes a read-only scanner needs.
func ReadScopes() []string {
	return []string{ScopeAdminAppsRead, ScopeAdmin, ScopeUsersRead, ScopeUsersReadEmail, ScopeAuditLogsRead}
}

// validate reports every problem with the options and the estate at once.
func (o Options) validate(e *estate.Estate) error {
	var errs []error
	switch {
	case e == nil:
		errs = append(errs, errors.New("estate is nil"))
	case e.Slack == nil:
		errs = append(errs, errors.New("estate has no Slack organization"))
	}
	if o.MaxPageSize < 0 || o.Quota < 0 || o.Latency < 0 || o.MaxRequestLog < 0 {
		errs = append(errs, errors.New("page size, quota, latency and request log size must not be negative"))
	}
	known := append(ReadScopes(), ScopeAdminAppsWrite)
	for _, s := range o.Scopes {
		if !slices.Contains(known, s) {
			errs = append(errs, fmt.Errorf("unknown scope %q", s))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("slacksim: %w", err)
	}
	return nil
}
