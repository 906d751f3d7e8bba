package sqlite

import (
	"context"
	"database/sql"
	"slices"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/store"
	"github.com/nhiscope/nhi/store/internal/sqlq"
)

// The scopes travel as one JSON array parameter that json_each expands, so a scan that
// completed 100,000 scopes is one statement and one index probe per scope, with no limit
// on bound parameters.
const (
	markIdentitiesGone = `UPDATE identities SET gone_at = ?
		WHERE platform = ? AND tenant = ? AND gone_at = 0 AND last_seen_scan <> ?
		AND scope IN (SELECT value FROM json_each(?))`
	markPeopleGone = `UPDATE people SET gone_at = ?
		WHERE platform = ? AND tenant = ? AND gone_at = 0 AND last_seen_scan <> ?`
)

// MarkGone sets GoneAt (g.At, or the clock's time when zero) on the present identities of
// g.Scopes in g.Platform and g.Tenant that scan g.ScanID did not see, and on the people of
// the tenant it did not see when g.Scopes holds connector.ScopePeople. It returns how many
// records it marked.
func (db *DB) MarkGone(ctx context.Context, g store.MarkGone) (int, error) {
	if g.ScanID == "" || g.Platform == "" || g.Tenant == "" {
		return 0, nhi.Errorf(nhi.CodeInvalid, "mark gone: scan ID, platform and tenant are required")
	}
	if len(g.Scopes) == 0 {
		return 0, wrapCtx(ctx, "mark gone")
	}
	at := sqlq.MS(db.seen(g.At))
	scopes, err := sqlq.EncodeJSON(g.Scopes)
	if err != nil {
		return 0, err
	}
	var marked int64
	err = db.withTx(ctx, "mark gone", func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, markIdentitiesGone, at, string(g.Platform), g.Tenant, g.ScanID, scopes)
		if err != nil {
			return err
		}
		if marked, err = res.RowsAffected(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, foldAggregates); err != nil {
			return err
		}
		if !slices.Contains(g.Scopes, connector.ScopePeople) {
			return nil
		}
		res, err = tx.ExecContext(ctx, markPeopleGone, at, string(g.Platform), g.Tenant, g.ScanID)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		marked += n
		return err
	})
	if err != nil {
		return 0, err
	}
	return int(marked), nil
}
