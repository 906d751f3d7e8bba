package googleworkspace

import (
	"errors"
	"fmt"
	"net/http"
	"sync"

	"google.golang.org/api/googleapi"

	"github.com/nhiscope/nhi"
)

// maxDenials is how many users in a row tokens.list may refuse with the same 403 before a
// scan stops: one user's 403 concerns that user (an organizational unit the admin may not
// manage), but the same refusal for every user means the admin lacks the privilege, and
// 100,000 failures, one per user, would tell an operator nothing more than one error.
const maxDenials = 20

// denials counts the identical 403 answers to tokens.list since the last success. It is
// safe for concurrent use; answers count in the order they arrive.
type denials struct {
	mu   sync.Mutex
	n    int
	last string
}

// ok notes a successful listing, which ends a run of refusals.
func (d *denials) ok() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.n, d.last = 0, ""
}

// failed notes a failed listing and reports whether it ends a run of maxDenials identical
// 403 answers. A failure other than a 403 breaks the run.
func (d *denials) failed(err error) bool {
	key, denied := denialKey(err)
	d.mu.Lock()
	defer d.mu.Unlock()
	switch {
	case !denied:
		d.n, d.last = 0, ""
	case key == d.last:
		d.n++
	default:
		d.n, d.last = 1, key
	}
	return d.n >= maxDenials
}

// denialKey returns what identifies a 403 answer that is neither throttling nor a missing
// scope (both handled elsewhere), and whether err is one.
func denialKey(err error) (string, bool) {
	var ge *googleapi.Error
	if !errors.As(err, &ge) || ge.Code != http.StatusForbidden || isRateLimit(ge.Code, reasonOf(ge)) || missingScope(ge) {
		return "", false
	}
	return reasonOf(ge) + "\x00" + ge.Message, true
}

// tenantDenied is the error ending a scan whose token listings were refused maxDenials
// times in a row.
func (c *Connector) tenantDenied(err error) error {
	var ge *googleapi.Error
	errors.As(err, &ge)
	cause := fmt.Errorf("tokens.list answered 403 %s for %d users in a row", reasonOf(ge), maxDenials)
	return nhi.WrapError(nhi.CodeForbidden, cause, fmt.Sprintf(
		"Google refused to list the OAuth tokens of %d users in a row, so %s may not read any user's tokens: "+
			"give the admin the Security > User Security Management privilege (or make it a super admin), "+
			"and check that the domain-wide delegation of client ID %s has the scope %s",
		maxDenials, c.cfg.AdminEmail, orUnknown(c.key.ClientID), ScopeUserSecurity))
}
