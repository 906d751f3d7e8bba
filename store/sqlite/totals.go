package sqlite

import (
	"context"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
	"github.com/nhiscope/nhi/store/internal/sqlq"
)

// foldAggregates folds aggregate_log, the identities that entered or left the counts
// since the last fold, into the counts of migration 0006, and empties it. PutIdentities
// and MarkGone run it in their transaction. An owner joins an app's users when its present
// identities of the app, counted after the change, are some now and were none before
// (the count less the change), and leaves them the other way round.
const foldAggregates = `
INSERT INTO kind_totals (platform, tenant, kind, n)
SELECT platform, tenant, kind, SUM(sign) FROM aggregate_log WHERE true
GROUP BY 1, 2, 3 HAVING SUM(sign) <> 0
ON CONFLICT DO UPDATE SET n = n + excluded.n;
INSERT INTO app_scopes (platform, tenant, app_id, scope, n)
SELECT l.platform, l.tenant, l.app_id, json_extract(p.value, '$.scope'), SUM(l.sign)
FROM aggregate_log l, json_each(l.permissions) p
WHERE l.app_id <> '' AND json_extract(p.value, '$.scope') IS NOT NULL
GROUP BY 1, 2, 3, 4 HAVING SUM(l.sign) <> 0
ON CONFLICT DO UPDATE SET n = n + excluded.n;
INSERT INTO app_totals (platform, tenant, app_id, users, identities)
SELECT platform, tenant, app_id, SUM(du), SUM(ds) FROM (
	SELECT d.platform, d.tenant, d.app_id, d.ds, CASE WHEN d.owner_id = '' OR d.ds = 0 THEN 0 ELSE (
		SELECT (COUNT(*) > 0) - (COUNT(*) - d.ds > 0) FROM identities i
		WHERE i.owner_id = d.owner_id AND i.platform = d.platform AND i.tenant = d.tenant
			AND i.app_id = d.app_id AND i.gone_at = 0) END AS du
	FROM (SELECT platform, tenant, app_id, owner_id, SUM(sign) AS ds FROM aggregate_log
		WHERE app_id <> '' GROUP BY 1, 2, 3, 4) d
) WHERE true GROUP BY 1, 2, 3 HAVING SUM(du) <> 0 OR SUM(ds) <> 0
ON CONFLICT DO UPDATE SET users = users + excluded.users, identities = identities + excluded.identities;
DELETE FROM aggregate_log;`

// FindingTotals counts the open findings and sums their points per app and severity, from
// the counts migration 0006's triggers keep, in no particular order.
func (db *DB) FindingTotals(ctx context.Context) ([]store.FindingTotal, error) {
	const q = `SELECT platform, tenant, app_id, severity, findings, points FROM finding_totals
		WHERE findings > 0`
	rows, err := db.r.QueryContext(ctx, q)
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
// limit of them, from the expiries table migration 0006 keeps.
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
	if err := db.r.QueryRowContext(ctx, count, sqlq.MS(from), sqlq.MS(to)).Scan(&total); err != nil {
		return nil, 0, wrap(ctx, "expiring", err)
	}
	rows, err := db.r.QueryContext(ctx, list, sqlq.MS(from), sqlq.MS(to), min(limit, store.MaxLimit))
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
// departed. CROSS JOIN makes SQLite read the people first, in the order of their primary
// key, then each one's identities by identities_by_owner (which covers the count): the
// first identities by owner are then read without sorting every match.
const ownerDebtJoin = ` FROM people p CROSS JOIN identities i
	ON i.owner_id = p.external_id AND i.platform = p.platform AND i.tenant = p.tenant
	WHERE p.gone_at = 0 AND p.status IN (?, ?) AND i.gone_at = 0`

// OwnerDebt counts the present identities of present people who are suspended or
// departed, and returns the first limit of them by owner, then ID.
func (db *DB) OwnerDebt(ctx context.Context, limit int) (store.OwnerDebt, error) {
	var debt store.OwnerDebt
	if limit < 0 {
		return debt, nhi.Errorf(nhi.CodeInvalid, "invalid limit %d: must not be negative", limit)
	}
	statuses := []any{string(nhi.PersonSuspended), string(nhi.PersonDeparted)}
	rows, err := db.r.QueryContext(ctx, `SELECT p.status, COUNT(*)`+ownerDebtJoin+` GROUP BY p.status`, statuses...)
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
	q := `SELECT ` + identityColumns + ownerDebtJoin + ` ORDER BY p.platform, p.tenant, p.external_id, i.id LIMIT ?`
	debt.Identities, err = db.appendIdentities(ctx, nil, q, append(statuses, min(limit, store.MaxLimit)))
	return debt, err
}
