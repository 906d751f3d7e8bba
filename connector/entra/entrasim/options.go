package entrasim

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/nhiscope/nhi/estate"
)

// Options configure a Server. The zero value of each field means the default noted.
type Options struct {
	// MaxPageSize caps every page, whatever $top asks for; 0 means Graph's maximum, 999.
	// The default page size (no $top) is 100, or MaxPageSize when that is smaller. Use it
	// to force paging.
	MaxPageSize int
	// ResourceUnits is the budget of resource units per 10 seconds for the calling app in
	// this tenant (Graph's identity throttling: 3,500 for a small tenant); every API call
	// spends its cost and, once the budget is spent, is answered 429 with Retry-After
	// until it refills. 0 means unlimited.
	ResourceUnits int
	// Latency is added to every answer; 0 means none.
	Latency time.Duration
	// Now is the clock of the tenant's data: the time of changes made through the API
	// and recorded in the directory audit log. nil means the estate's Options.Now (fixed,
	// so that answers are reproducible) or, without one, the latest time in the estate.
	Now func() time.Time
	// Clock is the wall clock that access tokens and client assertions are checked
	// against, the throttling budget refills by, error envelopes are dated with and the
	// request log stamps; nil means time.Now.
	Clock func() time.Time
	// Roles are the application permissions (app role values of Microsoft Graph, such as
	// "Application.Read.All") granted to the default client; nil means ReadRoles().
	Roles []string
	// ClientName is the display name of the default client's app, as the directory
	// audit log shows it; "" means "nhi-scanner".
	ClientName string
	// TokenLifetime is how long access tokens live; 0 means 3599 seconds, as Entra ID
	// answers expires_in.
	TokenLifetime time.Duration
	// MaxRequestLog is how many requests the log keeps (the oldest are dropped first);
	// 0 means 100,000.
	MaxRequestLog int
}

// Application permissions of Microsoft Graph that the simulator checks, by value.
const (
	RoleApplicationRead            = "Application.Read.All"
	RoleApplicationReadWrite       = "Application.ReadWrite.All"
	RoleAppRoleAssignmentReadWrite = "AppRoleAssignment.ReadWrite.All"
	RoleAuditLogRead               = "AuditLog.Read.All"
	RoleGrantRead                  = "DelegatedPermissionGrant.Read.All"
	RoleGrantReadWrite             = "DelegatedPermissionGrant.ReadWrite.All"
	RoleDirectoryRead              = "Directory.Read.All"
	RoleDirectoryReadWrite         = "Directory.ReadWrite.All"
	RoleUserRead                   = "User.Read.All"
)

// ReadRoles returns the read-only application permissions a scanner needs: apps and
// service principals, delegated grants (Directory.Read.All for their delta query), and
// the audit log and sign-in activity reports.
func ReadRoles() []string {
	return []string{RoleApplicationRead, RoleAuditLogRead, RoleGrantRead, RoleDirectoryRead}
}

// RemediationRoles returns the application permissions remediation needs on top of the
// read-only ones: delete and narrow delegated grants, remove app role assignments,
// disable service principals and remove client secrets.
func RemediationRoles() []string {
	return []string{RoleGrantReadWrite, RoleAppRoleAssignmentReadWrite, RoleApplicationReadWrite}
}

// knownRoles lists every role the simulator understands.
func knownRoles() []string {
	return []string{RoleApplicationRead, RoleApplicationReadWrite, RoleAppRoleAssignmentReadWrite,
		RoleAuditLogRead, RoleGrantRead, RoleGrantReadWrite, RoleDirectoryRead, RoleDirectoryReadWrite, RoleUserRead}
}

// checkRoles reports a role the simulator does not know.
func checkRoles(roles []string) error {
	known := knownRoles()
	for _, r := range roles {
		if !slices.Contains(known, r) {
			return fmt.Errorf("unknown application permission %q", r)
		}
	}
	return nil
}

// validate reports every problem with the options and the estate at once.
func (o Options) validate(e *estate.Estate) error {
	var errs []error
	switch {
	case e == nil:
		errs = append(errs, errors.New("estate is nil"))
	case e.Microsoft == nil:
		errs = append(errs, errors.New("estate has no Microsoft tenant"))
	default:
		errs = append(errs, checkEstate(e))
	}
	if o.MaxPageSize < 0 || o.ResourceUnits < 0 || o.Latency < 0 || o.TokenLifetime < 0 || o.MaxRequestLog < 0 {
		errs = append(errs, errors.New("page size, resource units, latency, token lifetime and request log size must not be negative"))
	}
	if o.MaxPageSize > maxTop {
		errs = append(errs, fmt.Errorf("max page size %d is over Graph's %d", o.MaxPageSize, maxTop))
	}
	errs = append(errs, checkRoles(o.Roles))
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("entrasim: %w", err)
	}
	return nil
}
