package postgres

import (
	"context"
	"errors"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
	"github.com/nhiscope/nhi/store/internal/sqlq"
)

const identityColumns = `i.id, i.platform, i.tenant, i.kind, i.external_id, i.name, i.app_id,
	i.owner_id, i.scope, i.permissions, i.credentials, i.attributes, i.created_at,
	i.last_used_at, i.expires_at, i.first_seen, i.last_seen, i.gone_at`

// Identity returns the identity with nhi ID id, gone or not.
func (db *DB) Identity(ctx context.Context, id string) (nhi.Identity, error) {
	row := db.c().QueryRowContext(ctx, `SELECT `+identityColumns+` FROM identities i WHERE i.id = ?`, id)
	out, err := scanIdentity(row)
	if errors.Is(err, pgx.ErrNoRows) {
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
func (db *DB) ListIdentities(ctx context.Context, f store.IdentityFilter) (store.Page[nhi.Identity], error) {
	var page store.Page[nhi.Identity]
	limit, err := sqlq.PageLimit(f.Limit)
	if err != nil {
		return page, err
	}
	order, q, args, err := listIdentitiesQuery(f)
	if err != nil {
		return page, err
	}
	rows, err := db.c().QueryContext(ctx, q, append(args, limit+1)...)
	if err != nil {
		return page, wrap(ctx, "list identities", err)
	}
	defer rows.Close()
	for rows.Next() {
		id, err := scanIdentity(rows)
		if err != nil {
			return page, wrap(ctx, "list identities", err)
		}
		page.Items = append(page.Items, id)
	}
	if err := rows.Err(); err != nil {
		return page, wrap(ctx, "list identities", err)
	}
	if len(page.Items) > limit {
		page.Items = page.Items[:limit]
		page.Next = order.next(page.Items[limit-1])
	}
	return page, nil
}

// listIdentitiesQuery returns the order of f and the query that reads a page of it, with
// its arguments but the last, the LIMIT's.
func listIdentitiesQuery(f store.IdentityFilter) (identityOrder, string, []any, error) {
	order, err := orderOf(f)
	if err != nil {
		return order, "", nil, err
	}
	where, args, err := identityWhere(f, order)
	if err != nil {
		return order, "", nil, err
	}
	q := `SELECT ` + identityColumns + ` FROM identities i` + where + ` ORDER BY ` + order.orderBy() + ` LIMIT ?`
	return order, q, args, nil
}

// identityWhere returns the WHERE clause of f, resumed in order o, and its arguments.
func identityWhere(f store.IdentityFilter, o identityOrder) (string, []any, error) {
	var w sqlq.Where
	if f.Kind != "" && !f.Kind.Valid() {
		return "", nil, nhi.Errorf(nhi.CodeInvalid, "invalid kind %q", f.Kind)
	}
	if f.OwnerStatus != "" && !f.OwnerStatus.Valid() {
		return "", nil, nhi.Errorf(nhi.CodeInvalid, "invalid owner status %q", f.OwnerStatus)
	}
	if f.After != "" {
		if err := o.after(&w, f.After); err != nil {
			return "", nil, err
		}
	}
	if !f.IncludeGone {
		w.Add(`i.gone_at = 0`)
	}
	w.AddIf(f.Platform != "", `i.platform = ?`, string(f.Platform))
	w.AddIf(f.Tenant != "", `i.tenant = ?`, f.Tenant)
	w.AddIf(f.Kind != "", `i.kind = ?`, string(f.Kind))
	w.AddIf(f.AppID != "", `i.app_id = ?`, f.AppID)
	if f.Owner != "" {
		w.Add(ownerCond("i"), f.Owner, strings.ToLower(f.Owner), f.Owner, strings.ToLower(f.Owner))
	}
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
	return w.SQL(), w.Args, nil
}

// ownerCond returns the condition of the owner filter on the table aliased a, whose
// arguments are the owner, its lowercase, the owner and its lowercase again. The first
// half, the owner or the external IDs of the people with that email in any tenant, lets
// the planner read the owner index; the second keeps only the people of the record's
// platform and tenant.
func ownerCond(a string) string {
	return `(` + a + `.owner_id = ANY (ARRAY(SELECT ?::text UNION
		SELECT p.external_id FROM people p WHERE p.email_key = ?))
		AND (` + a + `.owner_id = ? OR EXISTS (SELECT 1 FROM people p WHERE p.email_key = ?
		AND p.external_id = ` + a + `.owner_id AND p.platform = ` + a + `.platform
		AND p.tenant = ` + a + `.tenant)))`
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
	rows, err := db.c().QueryContext(ctx, q)
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
