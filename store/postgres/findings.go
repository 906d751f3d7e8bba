package postgres

import (
	"context"
	"strings"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
	"github.com/nhiscope/nhi/store/internal/sqlq"
)

var _ store.Findings = (*DB)(nil)

// keepSuppression holds, in the upsert of findings, while a stored suppression has not
// lapsed at the time of the new sighting: a suppression lapses when its Until is at or
// before the time the finding is seen again.
const keepSuppression = `findings.status = 'suppressed' AND (findings.suppressed_until = 0
	OR findings.suppressed_until > excluded.last_seen)`

// findingUpsert is the upsert of findings. A new finding opens; a known one keeps
// first_seen, advances last_seen and reopens unless a live suppression keeps it
// suppressed; a lapsed suppression is cleared. Signal, subject kind and subject ID make
// the ID, so an update leaves them (and the indexes over them) alone.
var findingUpsert = func() upsert {
	keep := func(col, cleared string) string {
		return col + ` = CASE WHEN ` + keepSuppression + ` THEN findings.` + col + ` ELSE ` + cleared + ` END`
	}
	return upsert{
		table: "findings",
		cols: cols("id", "signal", "title", "severity", "severity_rank:bigint", "points:bigint",
			"owasp:jsonb", "subject_kind", "subject_id", "platform", "tenant", "app_id", "owner_id",
			"evidence:jsonb", "status", "first_seen:bigint", "last_seen:bigint", "resolved_at:bigint",
			"last_eval"),
		key: 1,
		tail: `ON CONFLICT (id) DO UPDATE SET
			title = excluded.title, severity = excluded.severity,
			severity_rank = excluded.severity_rank, points = excluded.points,
			owasp = excluded.owasp, platform = excluded.platform,
			tenant = excluded.tenant, app_id = excluded.app_id, owner_id = excluded.owner_id,
			evidence = excluded.evidence,
			status = CASE WHEN ` + keepSuppression + ` THEN 'suppressed' ELSE 'open' END, ` +
			strings.Join([]string{keep("suppressed_reason", "''"), keep("suppressed_by", "''"),
				keep("suppressed_at", "0"), keep("suppressed_until", "0")}, ", ") + `,
			first_seen = LEAST(findings.first_seen, excluded.first_seen),
			last_seen = GREATEST(findings.last_seen, excluded.last_seen),
			resolved_at = 0, last_eval = excluded.last_eval`,
	}
}()

// PutFindings upserts the findings evaluation evalID (a recorded scan) produced at seen
// (the clock's time when zero). An empty ID is derived with nhi.NewFindingID; a non-empty
// one must equal it. Status, FirstSeen, LastSeen, ResolvedAt and Suppression of the input
// are ignored. A suppression lapses at the first PutFindings whose seen is at or after its
// Until: the finding opens again and loses its suppression. Until then it reads as
// suppressed, even past its Until.
func (db *DB) PutFindings(ctx context.Context, evalID string, seen time.Time, findings []nhi.Finding) error {
	seenMS := sqlq.MS(db.seen(seen))
	rows := make([][]any, len(findings))
	for i := range findings {
		args, err := findingArgs(i, &findings[i])
		if err != nil {
			return err
		}
		rows[i] = append(args, "open", seenMS, seenMS, int64(0), evalID)
	}
	return db.putBatch(ctx, "put findings", evalID, findingUpsert, rows)
}

// findingArgs validates finding number i and returns its columns up to evidence.
func findingArgs(i int, f *nhi.Finding) ([]any, error) {
	if f.Signal == "" || f.SubjectID == "" || f.Platform == "" || f.Tenant == "" {
		return nil, nhi.Errorf(nhi.CodeInvalid, "finding %d: signal, subject ID, platform and tenant are required", i)
	}
	if !validSubjectKind(f.SubjectKind) {
		return nil, nhi.Errorf(nhi.CodeInvalid, "finding %d: invalid subject kind %q", i, f.SubjectKind)
	}
	if f.Severity.Rank() == 0 {
		return nil, nhi.Errorf(nhi.CodeInvalid, "finding %d: invalid severity %q", i, f.Severity)
	}
	id := nhi.NewFindingID(f.Signal, f.SubjectKind, f.SubjectID)
	if f.ID != "" && f.ID != id {
		return nil, nhi.Errorf(nhi.CodeInvalid, "finding %d: ID %q is not the finding ID of %s on %s", i, f.ID, f.Signal, f.SubjectID)
	}
	owasp, err := encodeStrings(f.OWASP)
	if err != nil {
		return nil, nhi.WrapError(nhi.CodeInvalid, err, "finding OWASP items")
	}
	evidence, err := encodeStrings(f.Evidence)
	if err != nil {
		return nil, nhi.WrapError(nhi.CodeInvalid, err, "finding evidence")
	}
	args := make([]any, 0, 19) // room for the five columns PutFindings appends
	return append(args, id, f.Signal, f.Title, string(f.Severity), int64(f.Severity.Rank()), int64(f.Points),
		owasp, string(f.SubjectKind), f.SubjectID, string(f.Platform), f.Tenant, f.AppID,
		f.OwnerID, evidence), nil
}

// validSubjectKind reports whether k is a kind of finding subject.
func validSubjectKind(k nhi.SubjectKind) bool {
	return k == nhi.SubjectIdentity || k == nhi.SubjectApp
}

// encodeStrings returns the JSON array of ss, "[]" when empty.
func encodeStrings(ss []string) (string, error) {
	if len(ss) == 0 {
		return "[]", nil
	}
	return sqlq.EncodeJSON(ss)
}

// resolveFindings resolves, in one statement, the open and suppressed findings of a
// platform and tenant that an evaluation did not produce, and clears their suppressions.
const resolveFindings = `UPDATE findings SET status = 'resolved', resolved_at = ?,
	suppressed_reason = '', suppressed_by = '', suppressed_at = 0, suppressed_until = 0
	WHERE platform = ? AND tenant = ? AND status IN ('open', 'suppressed') AND last_eval <> ?
	AND signal NOT LIKE 'behavior.%'`

// ResolveFindings resolves the open and suppressed findings of r.Platform and r.Tenant
// that evaluation r.EvalID (a recorded scan) did not produce, at r.At (the clock's time
// when zero), and returns how many it resolved. A resolved finding loses its suppression.
// Behavioural findings (signal "behavior.*") are left alone.
func (db *DB) ResolveFindings(ctx context.Context, r store.ResolveFindings) (int, error) {
	if r.EvalID == "" || r.Platform == "" || r.Tenant == "" {
		return 0, nhi.Errorf(nhi.CodeInvalid, "resolve findings: evaluation ID, platform and tenant are required")
	}
	at := sqlq.MS(db.seen(r.At))
	var n int64
	err := db.withTx(ctx, "resolve findings", func(tx conn) error {
		if err := scanExists(ctx, tx, r.EvalID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, resolveFindings, at, string(r.Platform), r.Tenant, r.EvalID)
		if err != nil {
			return err
		}
		n = res.RowsAffected()
		return nil
	})
	if err != nil {
		return 0, err
	}
	return int(n), nil
}
