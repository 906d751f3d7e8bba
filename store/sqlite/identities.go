package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
	"github.com/nhiscope/nhi/store/internal/sqlq"
)

const identityColumns = `i.id, i.platform, i.tenant, i.kind, i.external_id, i.name, i.app_id,
	i.owner_id, i.scope, i.permissions, i.credentials, i.attributes, i.created_at,
	i.last_used_at, i.expires_at, i.first_seen, i.last_seen, i.gone_at`

// Identity returns the identity with nhi ID id, gone or not.
func (db *DB) Identity(ctx context.Context, id string) (nhi.Identity, error) {
	row := db.r.QueryRowContext(ctx, `SELECT `+identityColumns+` FROM identities i WHERE i.id = ?`, id)
	out, err := scanIdentity(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nhi.Identity{}, nhi.Errorf(nhi.CodeNotFound, "identity %q not found", id)
	}
	if err != nil {
		return nhi.Identity{}, wrap(ctx, "identity", err)
	}
	return out, nil
}

// ListIdentities returns a page of the identities matching f in the order of f.Sort (by
// ID by default), ties broken by ID. An owner status of unknown also matches identities
// whose owner has no record in the people table.
//
// A page resumed in a sorted order reads in two steps, each a seek in the order's index:
// the rest of the cursor's tie (its sort key, later IDs), then the later keys. SQLite
// cannot seek an index on an expression with the row value (key, id) > (?, ?): it would
// scan the index from its start.
func (db *DB) ListIdentities(ctx context.Context, f store.IdentityFilter) (store.Page[nhi.Identity], error) {
	var page store.Page[nhi.Identity]
	limit, err := sqlq.PageLimit(f.Limit)
	if err != nil {
		return page, err
	}
	order, queries, err := listIdentitiesQueries(f)
	if err != nil {
		return page, err
	}
	for _, q := range queries {
		if page.Items, err = db.appendIdentities(ctx, page.Items, q.sql, append(q.args, limit+1-len(page.Items))); err != nil {
			return page, err
		}
		if len(page.Items) > limit {
			page.Items = page.Items[:limit]
			page.Next = order.next(page.Items[limit-1])
			break
		}
	}
	return page, nil
}

// sqlQuery is a query and its arguments.
type sqlQuery struct {
	sql  string
	args []any
}

// listIdentitiesQueries returns the order of f and the queries that read a page of it,
// in turn; each ends with a LIMIT whose argument is left to add.
func listIdentitiesQueries(f store.IdentityFilter) (identityOrder, []sqlQuery, error) {
	order, err := orderOf(f)
	if err != nil {
		return order, nil, err
	}
	w, err := identityWhere(f)
	if err != nil {
		return order, nil, err
	}
	steps, err := order.resume(f.After)
	if err != nil {
		return order, nil, err
	}
	var out []sqlQuery
	for _, st := range steps {
		ws := sqlq.Where{Conds: slices.Clone(w.Conds), Args: slices.Clone(w.Args)}
		ws.AddIf(st.cond != "", st.cond, st.args...)
		q := `SELECT ` + identityColumns + ` FROM identities i` + ws.SQL() + ` ORDER BY ` + st.orderBy + ` LIMIT ?`
		out = append(out, sqlQuery{q, ws.Args})
	}
	return order, out, nil
}

// appendIdentities appends the identities query q returns to out.
func (db *DB) appendIdentities(ctx context.Context, out []nhi.Identity, q string, args []any) ([]nhi.Identity, error) {
	rows, err := db.r.QueryContext(ctx, q, args...)
	if err != nil {
		return out, wrap(ctx, "list identities", err)
	}
	defer rows.Close()
	for rows.Next() {
		id, err := scanIdentity(rows)
		if err != nil {
			return out, wrap(ctx, "list identities", err)
		}
		out = append(out, id)
	}
	if err := rows.Err(); err != nil {
		return out, wrap(ctx, "list identities", err)
	}
	return out, nil
}

// identityWhere returns the conditions of f but its cursor.
func identityWhere(f store.IdentityFilter) (sqlq.Where, error) {
	var w sqlq.Where
	if f.Kind != "" && !f.Kind.Valid() {
		return w, nhi.Errorf(nhi.CodeInvalid, "invalid kind %q", f.Kind)
	}
	if f.OwnerStatus != "" && !f.OwnerStatus.Valid() {
		return w, nhi.Errorf(nhi.CodeInvalid, "invalid owner status %q", f.OwnerStatus)
	}
	if !f.IncludeGone {
		w.Add(`i.gone_at = 0`)
	}
	w.AddIf(f.Platform != "", `i.platform = ?`, string(f.Platform))
	w.AddIf(f.Tenant != "", `i.tenant = ?`, f.Tenant)
	w.AddIf(f.Kind != "", `i.kind = ?`, string(f.Kind))
	w.AddIf(f.AppID != "", `i.app_id = ?`, f.AppID)
	w.AddIf(f.Owner != "", `(i.owner_id = ? OR (i.owner_id, i.platform, i.tenant) IN
		(SELECT p.external_id, p.platform, p.tenant FROM people p WHERE p.email_key = ?))`,
		f.Owner, strings.ToLower(f.Owner))
	if f.OwnerStatus != "" {
		cond := `EXISTS (SELECT 1 FROM people p WHERE p.platform = i.platform
			AND p.tenant = i.tenant AND p.external_id = i.owner_id AND p.status = ?)`
		if f.OwnerStatus == nhi.PersonUnknown {
			cond = `(` + cond + ` OR (i.owner_id <> '' AND NOT EXISTS (SELECT 1 FROM people p
				WHERE p.platform = i.platform AND p.tenant = i.tenant AND p.external_id = i.owner_id)))`
		}
		w.Add(cond, string(f.OwnerStatus))
	}
	w.AddIf(!f.LastUsedBefore.IsZero(), `(i.last_used_at = 0 OR i.last_used_at < ?)`, sqlq.MS(f.LastUsedBefore))
	return w, nil
}

// scanIdentity reads one row of identityColumns.
func scanIdentity(r rowScanner) (nhi.Identity, error) {
	var (
		id                          nhi.Identity
		platform, kind              string
		perms, creds, attrs         string
		created, used, expires      int64
		firstSeen, lastSeen, goneAt int64
	)
	err := r.Scan(&id.ID, &platform, &id.Tenant, &kind, &id.ExternalID, &id.Name, &id.AppID,
		&id.OwnerID, &id.Scope, &perms, &creds, &attrs, &created, &used, &expires,
		&firstSeen, &lastSeen, &goneAt)
	if err != nil {
		return nhi.Identity{}, err
	}
	id.Platform, id.Kind = nhi.Platform(platform), nhi.Kind(kind)
	id.CreatedAt, id.LastUsedAt, id.ExpiresAt = sqlq.FromMS(created), sqlq.FromMS(used), sqlq.FromMS(expires)
	id.FirstSeen, id.LastSeen, id.GoneAt = sqlq.FromMS(firstSeen), sqlq.FromMS(lastSeen), sqlq.FromMS(goneAt)
	if err := sqlq.DecodeJSON("permissions", perms, &id.Permissions); err != nil {
		return nhi.Identity{}, err
	}
	if err := sqlq.DecodeJSON("credentials", creds, &id.Credentials); err != nil {
		return nhi.Identity{}, err
	}
	if err := sqlq.DecodeJSON("attributes", attrs, &id.Attributes); err != nil {
		return nhi.Identity{}, err
	}
	return id, nil
}

// Counts returns how many present identities there are per platform and kind, ordered by
// platform and kind.
func (db *DB) Counts(ctx context.Context) ([]store.KindCount, error) {
	const q = `SELECT platform, kind, SUM(n) FROM kind_totals
		GROUP BY platform, kind HAVING SUM(n) > 0 ORDER BY platform, kind`
	rows, err := db.r.QueryContext(ctx, q)
	if err != nil {
		return nil, wrap(ctx, "counts", err)
	}
	defer rows.Close()
	var out []store.KindCount
	for rows.Next() {
		var c store.KindCount
		if err := rows.Scan(&c.Platform, &c.Kind, &c.Count); err != nil {
			return nil, wrap(ctx, "counts", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap(ctx, "counts", err)
	}
	return out, nil
}
