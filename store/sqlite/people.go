package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
	"github.com/nhiscope/nhi/store/internal/sqlq"
)

const personColumns = `platform, tenant, external_id, email, name, status, is_admin,
	created_at, last_login, org_unit, first_seen, last_seen, gone_at`

// Person returns one person, gone or not.
func (db *DB) Person(ctx context.Context, p nhi.Platform, tenant, externalID string) (nhi.Person, error) {
	const q = `SELECT ` + personColumns + ` FROM people
		WHERE platform = ? AND tenant = ? AND external_id = ?`
	out, err := scanPerson(db.r.QueryRowContext(ctx, q, string(p), tenant, externalID))
	if errors.Is(err, sql.ErrNoRows) {
		return nhi.Person{}, nhi.Errorf(nhi.CodeNotFound, "person %q not found", externalID)
	}
	if err != nil {
		return nhi.Person{}, wrap(ctx, "person", err)
	}
	return out, nil
}

// ListPeople returns a page of the people matching f, ordered by platform, tenant and
// external ID.
func (db *DB) ListPeople(ctx context.Context, f store.PersonFilter) (store.Page[nhi.Person], error) {
	var page store.Page[nhi.Person]
	limit, err := sqlq.PageLimit(f.Limit)
	if err != nil {
		return page, err
	}
	if f.Status != "" && !f.Status.Valid() {
		return page, nhi.Errorf(nhi.CodeInvalid, "invalid status %q", f.Status)
	}
	var w sqlq.Where
	if f.After != "" {
		keys, err := sqlq.DecodeCursor(f.After, sqlq.ListPeople, 3)
		if err != nil {
			return page, err
		}
		w.Add(`(platform, tenant, external_id) > (?, ?, ?)`, keys[0], keys[1], keys[2])
	}
	w.AddIf(!f.IncludeGone && !f.OnlyGone, `gone_at = 0`)
	w.AddIf(f.OnlyGone, `gone_at <> 0`)
	w.AddIf(f.Platform != "", `platform = ?`, string(f.Platform))
	w.AddIf(f.Tenant != "", `tenant = ?`, f.Tenant)
	w.AddIf(f.Status != "", `status = ?`, string(f.Status))
	q := `SELECT ` + personColumns + ` FROM people` + w.SQL() +
		` ORDER BY platform, tenant, external_id LIMIT ?`
	rows, err := db.r.QueryContext(ctx, q, append(w.Args, limit+1)...)
	if err != nil {
		return page, wrap(ctx, "list people", err)
	}
	defer rows.Close()
	for rows.Next() {
		p, err := scanPerson(rows)
		if err != nil {
			return page, wrap(ctx, "list people", err)
		}
		page.Items = append(page.Items, p)
	}
	if err := rows.Err(); err != nil {
		return page, wrap(ctx, "list people", err)
	}
	if len(page.Items) > limit {
		page.Items = page.Items[:limit]
		last := page.Items[limit-1]
		page.Next = sqlq.EncodeCursor(sqlq.ListPeople, string(last.Platform), last.Tenant, last.ExternalID)
	}
	return page, nil
}

// scanPerson reads one row of personColumns.
func scanPerson(r rowScanner) (nhi.Person, error) {
	var (
		p                           nhi.Person
		platform, status            string
		admin                       int
		created, login              int64
		firstSeen, lastSeen, goneAt int64
	)
	err := r.Scan(&platform, &p.Tenant, &p.ExternalID, &p.Email, &p.Name, &status, &admin,
		&created, &login, &p.OrgUnit, &firstSeen, &lastSeen, &goneAt)
	if err != nil {
		return nhi.Person{}, err
	}
	p.Platform, p.Status, p.IsAdmin = nhi.Platform(platform), nhi.PersonStatus(status), admin != 0
	p.CreatedAt, p.LastLogin = sqlq.FromMS(created), sqlq.FromMS(login)
	p.FirstSeen, p.LastSeen, p.GoneAt = sqlq.FromMS(firstSeen), sqlq.FromMS(lastSeen), sqlq.FromMS(goneAt)
	return p, nil
}
