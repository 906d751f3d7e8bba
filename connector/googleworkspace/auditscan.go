package googleworkspace

import (
	"context"
	"errors"
	"net/http"
	"time"

	"google.golang.org/api/googleapi"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
)

// resAuditLog names the token audit log in failures.
const resAuditLog = "token audit log"

// readAudit reads the token audit log: all of it the API keeps for a full scan, the events
// since the cursor (less auditOverlap) for an incremental one. A failure that leaves the
// tokens readable (the admin lacks the Reports privilege, a malformed page, Reports down)
// is kept in s.auditErr and the scan goes on without the log (see auditFailed); it returns
// only errors that end the scan: the credentials are rejected or ctx is done.
func (s *scan) readAudit(ctx context.Context) error {
	now := s.c.env.Clock()()
	floor := int64(noStart)
	// A cursor older than the look-back asks for everything the API keeps, the default.
	if at := s.audit.since.at; at > 0 {
		if from := time.UnixMilli(at).Add(-auditOverlap); now.Sub(from) < lookBack-time.Hour {
			floor = from.UnixMilli()
		}
	}
	workers := min(s.c.cfg.Concurrency, maxAuditReaders)
	r := newAuditReader(s.fetchActivities, s.audit, workers, floor, now.Add(-lookBack).UnixMilli())
	start := time.Now()
	err := r.read(ctx)
	s.auditTook = time.Since(start)
	if err == nil {
		return nil
	}
	mapped := s.c.mapError(err, resActivities)
	if ctx.Err() != nil || auditFatal(err) {
		return mapped
	}
	s.auditErr = mapped
	return nil
}

// auditFatal reports whether an error of reading the audit log ends the whole scan: the
// scan was canceled, or the token endpoint or the API rejected the credentials.
func auditFatal(err error) bool {
	var te *tokenError
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || errors.As(err, &te) {
		return true
	}
	var ge *googleapi.Error
	return errors.As(err, &ge) && ge.Code == http.StatusUnauthorized
}

// auditFailed reports a failure to read the audit log, if there was one. It has no scope:
// every grant is still listed (an incremental scan lists every user's, see targets), only
// when grants were authorized and last used is unknown.
func (s *scan) auditFailed(ctx context.Context) {
	if s.auditErr == nil {
		return
	}
	s.failures.Add(1)
	msg := "cannot read the token audit log, so when grants were authorized and last used is unknown " +
		"(every user's grants are still listed): " + nhi.ErrorMessage(s.auditErr)
	s.rep.fail(ctx, connector.Failure{Resource: resAuditLog,
		Err: nhi.WrapError(nhi.ErrorCode(s.auditErr), errors.Unwrap(s.auditErr), msg)})
}

// cursor returns the cursor a scan from since ends with: the newest audit event seen, or
// since again when the log could not be read in an incremental scan (a full scan's cursor
// is what it saw, if anything: it listed every grant anyway).
func (s *scan) cursor(since nhi.Cursor) nhi.Cursor {
	if s.audit.incremental && s.auditErr != nil {
		return since
	}
	return nhi.Cursor(s.audit.next.String())
}
