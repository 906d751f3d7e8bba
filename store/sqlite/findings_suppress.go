package sqlite

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store/internal/sqlq"
)

// The statements of SuppressFinding.
const (
	suppressFinding = `UPDATE findings SET status = 'suppressed', suppressed_reason = ?,
		suppressed_by = ?, suppressed_at = ?, suppressed_until = ? WHERE id = ?`
	liftSuppression = `UPDATE findings SET status = 'open', suppressed_reason = '',
		suppressed_by = '', suppressed_at = 0, suppressed_until = 0
		WHERE id = ? AND status = 'suppressed'`
)

// SuppressFinding suppresses the open or suppressed finding id with s, replacing any
// suppression it had, and returns the finding as stored. s needs a Reason and an Author
// that are not blank, and an Until that is zero (never lapses) or after the clock's time;
// a zero At is stamped with the clock's time. The texts are stored as given.
//
// A Suppression with an empty Reason and a zero Until lifts the suppression (its Author
// and At are ignored): a suppressed finding opens again, and an open or resolved one is
// returned unchanged. Suppressing a resolved finding fails with CodeConflict: its
// condition no longer holds, so there is nothing to accept. Bad suppressions are
// CodeInvalid, unknown IDs CodeNotFound.
func (db *DB) SuppressFinding(ctx context.Context, id string, s nhi.Suppression) (nhi.Finding, error) {
	now := db.now()
	lift := s.Reason == "" && s.Until.IsZero()
	if !lift {
		if err := checkSuppression(s, now); err != nil {
			return nhi.Finding{}, err
		}
		if s.At.IsZero() {
			s.At = now
		}
	}
	var out nhi.Finding
	err := db.withTx(ctx, "suppress finding", func(tx *sql.Tx) error {
		cur, err := findingByID(ctx, tx, id)
		if err != nil {
			return err
		}
		switch {
		case lift:
			_, err = tx.ExecContext(ctx, liftSuppression, id)
		case cur.Status == nhi.FindingResolved:
			return nhi.Errorf(nhi.CodeConflict, "finding %q is resolved and cannot be suppressed", id)
		default:
			_, err = tx.ExecContext(ctx, suppressFinding, s.Reason, s.Author, sqlq.MS(s.At), sqlq.MS(s.Until), id)
		}
		if err != nil {
			return err
		}
		out, err = findingByID(ctx, tx, id)
		return err
	})
	if err != nil {
		return nhi.Finding{}, err
	}
	return out, nil
}

// checkSuppression refuses, with CodeInvalid, a suppression without a reason or an author,
// or one that lapses at or before now.
func checkSuppression(s nhi.Suppression, now time.Time) error {
	switch {
	case strings.TrimSpace(s.Reason) == "":
		return nhi.Errorf(nhi.CodeInvalid, "suppress finding: a reason is required")
	case strings.TrimSpace(s.Author) == "":
		return nhi.Errorf(nhi.CodeInvalid, "suppress finding: an author is required")
	case !s.Until.IsZero() && !s.Until.After(now):
		return nhi.Errorf(nhi.CodeInvalid, "suppress finding: until %s is not in the future",
			s.Until.UTC().Format(time.RFC3339))
	}
	return nil
}
