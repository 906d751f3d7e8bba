package sqlite

import (
	"context"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
	"github.com/nhiscope/nhi/store/internal/sqlq"
)

// ListChanges returns the changes the triggers of migration 0004 recorded, oldest
// first.
func (db *DB) ListChanges(ctx context.Context, f store.ChangeFilter) ([]nhi.Change, error) {
	lim, err := sqlq.PageLimit(f.Limit)
	if err != nil {
		return nil, err
	}
	w := &sqlq.Where{}
	w.AddIf(f.Platform != "", `platform = ?`, string(f.Platform))
	w.AddIf(f.Tenant != "", `tenant = ?`, f.Tenant)
	w.AddIf(f.Kind != "", `kind = ?`, string(f.Kind))
	w.AddIf(f.After > 0, `seq > ?`, f.After)
	w.AddIf(!f.Since.IsZero(), `at >= ?`, sqlq.MS(f.Since))
	q := `SELECT seq, at, scan_id, platform, tenant, kind, subject, name, before, after FROM changes` +
		w.SQL() + ` ORDER BY seq LIMIT ?`
	rows, err := db.r.QueryContext(ctx, q, append(w.Args, lim)...)
	if err != nil {
		return nil, wrap(ctx, "list changes", err)
	}
	defer rows.Close()
	var out []nhi.Change
	for rows.Next() {
		var c nhi.Change
		var at int64
		var platform, kind, before, after string
		if err := rows.Scan(&c.Seq, &at, &c.ScanID, &platform, &c.Tenant, &kind, &c.Subject, &c.Name, &before, &after); err != nil {
			return nil, wrap(ctx, "list changes", err)
		}
		c.At, c.Platform, c.Kind = sqlq.FromMS(at), nhi.Platform(platform), nhi.ChangeKind(kind)
		if err := sqlq.DecodeJSON("change before", before, &c.Before); err != nil {
			return nil, err
		}
		if err := sqlq.DecodeJSON("change after", after, &c.After); err != nil {
			return nil, err
		}
		if c.Before == nil {
			c.Before = []string{}
		}
		if c.After == nil {
			c.After = []string{}
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap(ctx, "list changes", err)
	}
	return out, nil
}
