package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
	"github.com/nhiscope/nhi/store/internal/sqlq"
)

const findingColumns = `f.id, f.signal, f.title, f.severity, f.points, f.owasp, f.subject_kind,
	f.subject_id, f.platform, f.tenant, f.app_id, f.owner_id, f.evidence, f.status,
	f.first_seen, f.last_seen, f.resolved_at, f.suppressed_reason, f.suppressed_by,
	f.suppressed_at, f.suppressed_until`

// Finding returns the finding with ID id, whatever its status.
func (db *DB) Finding(ctx context.Context, id string) (nhi.Finding, error) {
	f, err := findingByID(ctx, db.r, id)
	if err != nil && nhi.ErrorCode(err) != nhi.CodeNotFound {
		return nhi.Finding{}, wrap(ctx, "finding", err)
	}
	return f, err
}

// queryRower is a *sql.DB or a *sql.Tx.
type queryRower interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// findingByID reads finding id through q. A missing finding is CodeNotFound; other
// errors are the driver's, unwrapped.
func findingByID(ctx context.Context, q queryRower, id string) (nhi.Finding, error) {
	row := q.QueryRowContext(ctx, `SELECT `+findingColumns+` FROM findings f WHERE f.id = ?`, id)
	out, err := scanFinding(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nhi.Finding{}, nhi.Errorf(nhi.CodeNotFound, "finding %q not found", id)
	}
	return out, err
}

// ListFindings returns a page of the findings matching f, most severe first, then by ID.
// The OWASP filter matches case-insensitively, an item exactly or by the part before its
// colon ("NHI1" matches "NHI1:2025" but not "NHI10:2025").
func (db *DB) ListFindings(ctx context.Context, f store.FindingFilter) (store.Page[nhi.Finding], error) {
	var page store.Page[nhi.Finding]
	limit, err := sqlq.PageLimit(f.Limit)
	if err != nil {
		return page, err
	}
	q, args, err := listFindingsQuery(f)
	if err != nil {
		return page, err
	}
	rows, err := db.r.QueryContext(ctx, q, append(args, limit+1)...)
	if err != nil {
		return page, wrap(ctx, "list findings", err)
	}
	defer rows.Close()
	for rows.Next() {
		fnd, err := scanFinding(rows)
		if err != nil {
			return page, wrap(ctx, "list findings", err)
		}
		page.Items = append(page.Items, fnd)
	}
	if err := rows.Err(); err != nil {
		return page, wrap(ctx, "list findings", err)
	}
	if len(page.Items) > limit {
		page.Items = page.Items[:limit]
		last := page.Items[limit-1]
		page.Next = sqlq.EncodeCursor(sqlq.ListFindings, strconv.Itoa(last.Severity.Rank()), last.ID)
	}
	return page, nil
}

// listFindingsQuery returns the query of the findings matching f, in list order, and its
// arguments but the last: the LIMIT.
func listFindingsQuery(f store.FindingFilter) (string, []any, error) {
	where, args, err := findingWhere(f)
	if err != nil {
		return "", nil, err
	}
	return `SELECT ` + findingColumns + ` FROM findings f` + where +
		` ORDER BY f.severity_rank DESC, f.id LIMIT ?`, args, nil
}

// findingWhere returns the WHERE clause of f and its arguments.
func findingWhere(f store.FindingFilter) (string, []any, error) {
	var w sqlq.Where
	if err := checkFindingFilter(f); err != nil {
		return "", nil, err
	}
	if f.After != "" {
		rank, id, err := decodeFindingsCursor(f.After)
		if err != nil {
			return "", nil, err
		}
		w.Add(`(f.severity_rank < ? OR (f.severity_rank = ? AND f.id > ?))`, rank, rank, id)
	}
	// Open findings, a platform or a tenant select many findings, if not all: the unary +
	// keeps the planner on the list order (findings_by_rank) rather than sorting them all.
	// Suppressed and resolved findings are few, next to open ones: findings_by_status
	// finds them.
	switch f.Status {
	case "":
		w.Add(`+f.status IN ('open', 'suppressed')`)
	case nhi.FindingOpen:
		w.Add(`+f.status = 'open'`)
	default:
		w.Add(`f.status = ?`, string(f.Status))
	}
	w.AddIf(f.MinSeverity != "", `f.severity_rank >= ?`, f.MinSeverity.Rank())
	w.AddIf(f.Platform != "", `+f.platform = ?`, string(f.Platform))
	w.AddIf(f.Tenant != "", `+f.tenant = ?`, f.Tenant)
	w.AddIf(f.Signal != "", `f.signal = ?`, f.Signal)
	w.AddIf(f.SubjectKind != "", `f.subject_kind = ?`, string(f.SubjectKind))
	w.AddIf(f.SubjectID != "", `f.subject_id = ?`, f.SubjectID)
	w.AddIf(f.AppID != "", `f.app_id = ?`, f.AppID)
	w.AddIf(f.Owner != "", `(f.owner_id = ? OR (f.owner_id, f.platform, f.tenant) IN
		(SELECT p.external_id, p.platform, p.tenant FROM people p WHERE p.email_key = ?))`,
		f.Owner, strings.ToLower(f.Owner))
	if f.OWASP != "" {
		item := escapeLike(f.OWASP)
		w.Add(`EXISTS (SELECT 1 FROM json_each(f.owasp) o
			WHERE o.value LIKE ? ESCAPE '\' OR o.value LIKE ? ESCAPE '\')`, item, item+":%")
	}
	return w.SQL(), w.Args, nil
}

// checkFindingFilter refuses the unknown severities, statuses and subject kinds of f with
// CodeInvalid.
func checkFindingFilter(f store.FindingFilter) error {
	switch {
	case f.MinSeverity != "" && f.MinSeverity.Rank() == 0:
		return nhi.Errorf(nhi.CodeInvalid, "invalid severity %q", f.MinSeverity)
	case f.SubjectKind != "" && !validSubjectKind(f.SubjectKind):
		return nhi.Errorf(nhi.CodeInvalid, "invalid subject kind %q", f.SubjectKind)
	}
	switch f.Status {
	case "", nhi.FindingOpen, nhi.FindingResolved, nhi.FindingSuppressed:
		return nil
	}
	return nhi.Errorf(nhi.CodeInvalid, "invalid finding status %q", f.Status)
}

// escapeLike escapes the wildcards of s for a LIKE pattern with ESCAPE '\'.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// decodeFindingsCursor decodes a cursor of findings: a severity rank and a finding ID.
func decodeFindingsCursor(s string) (rank int, id string, err error) {
	keys, err := sqlq.DecodeCursor(s, sqlq.ListFindings, 2)
	if err != nil {
		return 0, "", err
	}
	rank, err = strconv.Atoi(keys[0])
	if err != nil || rank < 0 {
		return 0, "", nhi.Errorf(nhi.CodeInvalid, "invalid page cursor: bad severity")
	}
	return rank, keys[1], nil
}

// scanFinding reads one row of findingColumns.
func scanFinding(r rowScanner) (nhi.Finding, error) {
	var (
		f                          nhi.Finding
		severity, kind, platform   string
		status, owasp, evidence    string
		first, last, resolved      int64
		reason, author             string
		suppressedAt, suppressedTo int64
	)
	err := r.Scan(&f.ID, &f.Signal, &f.Title, &severity, &f.Points, &owasp, &kind, &f.SubjectID,
		&platform, &f.Tenant, &f.AppID, &f.OwnerID, &evidence, &status, &first, &last, &resolved,
		&reason, &author, &suppressedAt, &suppressedTo)
	if err != nil {
		return nhi.Finding{}, err
	}
	f.Severity, f.SubjectKind, f.Platform = nhi.Severity(severity), nhi.SubjectKind(kind), nhi.Platform(platform)
	f.Status = nhi.FindingStatus(status)
	f.FirstSeen, f.LastSeen, f.ResolvedAt = sqlq.FromMS(first), sqlq.FromMS(last), sqlq.FromMS(resolved)
	if f.Status == nhi.FindingSuppressed {
		f.Suppression = &nhi.Suppression{Reason: reason, Author: author,
			At: sqlq.FromMS(suppressedAt), Until: sqlq.FromMS(suppressedTo)}
	}
	if err := sqlq.DecodeJSON("owasp", owasp, &f.OWASP); err != nil {
		return nhi.Finding{}, err
	}
	if err := sqlq.DecodeJSON("evidence", evidence, &f.Evidence); err != nil {
		return nhi.Finding{}, err
	}
	return f, nil
}
