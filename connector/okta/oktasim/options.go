package oktasim

import (
	"errors"
	"fmt"
	"time"

	"github.com/nhiscope/nhi/estate"
)

// Options configure a Server. The zero value of each field means the default noted.
type Options struct {
	// MaxPageSize caps every page, whatever limit asks for; 0 means Okta's maximum (200,
	// 1000 for the System Log). Use it to force paging.
	MaxPageSize int
	// RateLimit is the number of API requests per minute the org allows; once spent,
	// requests are answered 429 E0000047 until the bucket refills. 0 means unlimited
	// (the headers then show a limit of 600 per minute, never reached).
	RateLimit int
	// Latency is added to every answer; 0 means none.
	Latency time.Duration
	// Now is the clock of the org's data: the time of changes made through the API and
	// of the events they log. nil means the estate's Options.Now.
	Now func() time.Time
	// Clock is the wall clock that access tokens, client assertions and the rate limit
	// go by and the request log stamps; nil means time.Now.
	Clock func() time.Time
	// APIToken is the SSWS API token the simulator accepts; "" means DefaultAPIToken.
	APIToken string
	// ClientID is the OAuth service app that may use the token endpoint; "" means
	// "0oasimnhiscanner0000".
	ClientID string
	// Scopes are the okta.* scopes granted to ClientID; nil means ReadScopes().
	Scopes []string
	// MaxRequestLog is how many requests the log keeps (the oldest are dropped first);
	// 0 means 100,000.
	MaxRequestLog int
}

// DefaultAPIToken is the SSWS API token a Server accepts by default. It is a test value,
// not a secret.
const DefaultAPIToken = "00simOktaApiToken0000000000000000000000000"

// defaultClientID is the OAuth client ID of the default service app.
const defaultClientID = "0oasimnhiscanner0000"

// The okta.* scopes the simulator checks.
const (
	ScopeUsersRead       = "okta.users.read"
	ScopeUsersManage     = "okta.users.manage"
	ScopeRolesRead       = "okta.roles.read"
	ScopeAppsRead        = "okta.apps.read"
	ScopeAppsManage      = "okta.apps.manage"
	ScopeAPITokensRead   = "okta.apiTokens.read"
	ScopeAPITokensManage = "okta.apiTokens.manage"
	ScopeAppGrantsRead   = "okta.appGrants.read"
	ScopeAppGrantsManage = "okta.appGrants.manage"
	ScopeLogsRead        = "okta.logs.read"
)

// ReadScopes returns the read-only scopes a scanner needs.
func ReadScopes() []string {
	return []string{ScopeUsersRead, ScopeRolesRead, ScopeAppsRead, ScopeAPITokensRead, ScopeAppGrantsRead, ScopeLogsRead}
}

// RemediationScopes returns the scopes remediation needs on top of the read-only ones.
func RemediationScopes() []string {
	return []string{ScopeUsersManage, ScopeAppsManage, ScopeAPITokensManage, ScopeAppGrantsManage}
}

// validate reports every problem with the options and the estate at once.
func (o Options) validate(e *estate.Estate) error {
	var errs []error
	switch {
	case e == nil:
		errs = append(errs, errors.New("estate is nil"))
	case e.Okta == nil:
		errs = append(errs, errors.New("estate has no Okta org"))
	}
	if o.MaxPageSize < 0 || o.RateLimit < 0 || o.Latency < 0 || o.MaxRequestLog < 0 {
		errs = append(errs, errors.New("page size, rate limit, latency and request log size must not be negative"))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("oktasim: %w", err)
	}
	return nil
}
