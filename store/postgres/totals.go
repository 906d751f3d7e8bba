package postgres

import (
	"context"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
	"github.com/nhiscope/nhi/store/internal/sqlq"
)

// foldAggregates folds aggregate_log, the identities that entered or left the counts
// since the last fold, into the counts of migration 0008 (see aggregates_fold there).
// PutIdentities and MarkGone run it in their transaction.
const foldAggregates = `SELECT aggregates_fold()`

// FindingTotals counts the open findings and sums their points per app and severity, from
// the counts migration 0008's triggers keep, in no particular order.
func (db *DB) FindingTotals(ctx context.Context) ([]store.FindingTotal, error) {
	const q = `SELECT platform, tenant, app_id, severity, findings, points FROM finding_totals
		WHERE findings > 0`
	rows, err := db.c().QueryContext(ctx, q)
	if err != nil {
		return nil, wrap(ctx, "finding totals", err)
	}
	defer rows.Close()
	var out []store.FindingTotal
	for rows.Next() {
		var t store.FindingTotal
		if err := rows.Scan(&t.Platform, &t.Tenant, &t.AppID, &t.Severity, &t.Findings, &t.Points); err != nil {
			return nil, wrap(ctx, "finding totals", err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap(ctx, "finding totals", err)
	}
	return out, nil
}

// Expiring counts the expiries after from and at or before to, and returns the first
// limit of them, from the expiries table migration 0008 keeps.
func (db *DB) Expiring(ctx context.Context, from, to time.Time, limit int) ([]store.Expiry, int, error) {
	if limit < 0 {
		return nil, 0, nhi.Errorf(nhi.CodeInvalid, "invalid limit %d: must not be negative", limit)
	}
	const (
		count = `SELECT COUNT(*) FROM expiries WHERE expires_at > ? AND expires_at <= ?`
		list  = `SELECT e.identity_id, i.name, i.platform, i.kind, e.credential_id, e.expires_at
			FROM expiries e JOIN identities i ON i.id = e.identity_id
			WHERE e.expires_at > ? AND e.expires_at <= ?
			ORDER BY e.expires_at, e.identity_id, e.credential_id LIMIT ?`
	)
	var total int
	if err := db.c().QueryRowContext(ctx, count, sqlq.MS(from), sqlq.MS(to)).Scan(&total); err != nil {
		return nil, 0, wrap(ctx, "expiring", err)
	}
	rows, err := db.c().QueryContext(ctx, list, sqlq.MS(from), sqlq.MS(to), min(limit, store.MaxLimit))
	if err != nil {
		return nil, 0, wrap(ctx, "expiring", err)
	}
	defer rows.Close()
	var out []store.Expiry
	for rows.Next() {
		var e store.Expiry
		var at int64
		if err := rows.Scan(&e.IdentityID, &e.Name, &e.Platform, &e.Kind, &e.CredentialID, &at); err != nil {
			return nil, 0, wrap(ctx, "expiring", err)
		}
		e.ExpiresAt = sqlq.FromMS(at)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, wrap(ctx, "expiring", err)
	}
	return out, total, nil
}

// ownerDebtJoin is the present identities of present people who are suspended or
// departed. LATERAL reads each such person's identities by identities_by_owner: a hash
// join would read every identity (130 ms at a million), and ordered by person the first
// identities are read without joining all of them.
const ownerDebtJoin = ` FROM people p CROSS JOIN LATERAL (SELECT ` + identityColumns + ` FROM identities i
	WHERE i.owner_id = p.external_id AND i.platform = p.platform AND i.tenant = p.tenant AND i.gone_at = 0) i
	WHERE p.gone_at = 0 AND p.status IN (?, ?)`

// ownerDebtCount counts the identities of ownerDebtJoin per status, a count per person.
const ownerDebtCount = `SELECT status, SUM(n) FROM (SELECT p.status, (SELECT COUNT(*) FROM identities i
	WHERE i.owner_id = p.external_id AND i.platform = p.platform AND i.tenant = p.tenant AND i.gone_at = 0) AS n
	FROM people p WHERE p.gone_at = 0 AND p.status IN (?, ?)) x GROUP BY status`

// OwnerDebt counts the present identities of present people who are suspended or
// departed, and returns the first limit of them by owner, then ID.
func (db *DB) OwnerDebt(ctx context.Context, limit int) (store.OwnerDebt, error) {
	var debt store.OwnerDebt
	if limit < 0 {
		return debt, nhi.Errorf(nhi.CodeInvalid, "invalid limit %d: must not be negative", limit)
	}
	statuses := []any{string(nhi.PersonSuspended), string(nhi.PersonDeparted)}
	rows, err := db.c().QueryContext(ctx, ownerDebtCount, statuses...)
	if err != nil {
		return debt, wrap(ctx, "owner debt", err)
	}
	defer rows.Close()
	for rows.Next() {
		var status string
		var n int
		if err := rows.Scan(&status, &n); err != nil {
			return debt, wrap(ctx, "owner debt", err)
		}
		if nhi.PersonStatus(status) == nhi.PersonSuspended {
			debt.Suspended = n
		} else {
			debt.Departed = n
		}
	}
	if err := rows.Err(); err != nil {
		return debt, wrap(ctx, "owner debt", err)
	}
	q := `SELECT i.*` + ownerDebtJoin + ` ORDER BY p.platform, p.tenant, p.external_id, i.id LIMIT ?`
	debt.Identities, err = db.queryIdentities(ctx, q, append(statuses, min(limit, store.MaxLimit)))
	return debt, err
}

// queryIdentities returns the identities of q, which selects identityColumns.
func (db *DB) queryIdentities(ctx context.Context, q string, args []any) ([]nhi.Identity, error) {
	rows, err := db.c().QueryContext(ctx, q, args...)
	if err != nil {
		return nil, wrap(ctx, "owner debt", err)
	}
	defer rows.Close()
	var out []nhi.Identity
	for rows.Next() {
		id, err := scanIdentity(rows)
		if err != nil {
			return nil, wrap(ctx, "owner debt", err)
		}
		out = append(out, id)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap(ctx, "owner debt", err)
	}
	return out, nil
}
