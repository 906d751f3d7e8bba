package sqlite

import (
	"context"
	"fmt"
	"strconv"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
)

// appsWith is the head of every app query: the apps with their users and identities
// counted over present identities, as the store keeps them in app_totals (migration
// 0006). %s receives extra conditions on app_totals.
const appsWith = `WITH a AS (
	SELECT apps.platform, apps.tenant, apps.external_id, apps.name, apps.vendor, apps.anonymous,
		apps.native, apps.first_seen, apps.last_seen,
		COALESCE(t.users, 0) AS users, COALESCE(t.identities, 0) AS n
	FROM apps LEFT JOIN app_totals t ON t.platform = apps.platform AND t.tenant = apps.tenant
		AND t.app_id = apps.external_id%s
)
SELECT platform, tenant, external_id, name, vendor, anonymous, native, first_seen, last_seen,
	users, n FROM a`

// App returns one app with its aggregates over present identities.
func (db *DB) App(ctx context.Context, p nhi.Platform, tenant, externalID string) (nhi.App, error) {
	q := fmt.Sprintf(appsWith, ` AND t.platform = ? AND t.tenant = ? AND t.app_id = ?`) +
		` WHERE platform = ? AND tenant = ? AND external_id = ?`
	args := []any{string(p), tenant, externalID, string(p), tenant, externalID}
	apps, err := db.queryApps(ctx, "app", q, args)
	if err != nil {
		return nhi.App{}, err
	}
	if len(apps) == 0 {
		return nhi.App{}, nhi.Errorf(nhi.CodeNotFound, "app %q not found", externalID)
	}
	return apps[0], nil
}

// ListApps returns a page of apps with their aggregates over present identities, by users
// (most first, then by name) or by name; apps of the same name are ordered by platform,
// tenant and external ID.
func (db *DB) ListApps(ctx context.Context, f store.AppFilter) (store.Page[nhi.App], error) {
	var page store.Page[nhi.App]
	limit, err := pageLimit(f.Limit)
	if err != nil {
		return page, err
	}
	var inner, outer where
	inner.addIf(f.Platform != "", `t.platform = ?`, string(f.Platform))
	inner.addIf(f.Tenant != "", `t.tenant = ?`, f.Tenant)
	outer.addIf(f.Platform != "", `platform = ?`, string(f.Platform))
	outer.addIf(f.Tenant != "", `tenant = ?`, f.Tenant)
	order, list, err := appOrder(f, &outer)
	if err != nil {
		return page, err
	}
	innerSQL := ""
	for _, c := range inner.conds {
		innerSQL += ` AND ` + c
	}
	q := fmt.Sprintf(appsWith, innerSQL) + outer.sql() + ` ORDER BY ` + order + ` LIMIT ?`
	args := append(append(inner.args, outer.args...), limit+1)
	page.Items, err = db.queryApps(ctx, "list apps", q, args)
	if err != nil {
		return page, err
	}
	if len(page.Items) > limit {
		page.Items = page.Items[:limit]
		last := page.Items[limit-1]
		keys := []string{last.Name, string(last.Platform), last.Tenant, last.ExternalID}
		if list == listAppsByUsers {
			keys = append([]string{strconv.Itoa(last.Users)}, keys...)
		}
		page.Next = encodeCursor(list, keys...)
	}
	return page, nil
}

// appOrder returns the ORDER BY of f's sort and its cursor list, and adds the condition of
// f.After to w.
func appOrder(f store.AppFilter, w *where) (order, list string, err error) {
	const byName = `(name, platform, tenant, external_id) > (?, ?, ?, ?)`
	switch f.Sort {
	case store.AppsByUsers, "":
		if f.After != "" {
			users, keys, err := decodeUsersCursor(f.After)
			if err != nil {
				return "", "", err
			}
			w.add(`(users < ? OR (users = ? AND `+byName+`))`,
				users, users, keys[0], keys[1], keys[2], keys[3])
		}
		return `users DESC, name, platform, tenant, external_id`, listAppsByUsers, nil
	case store.AppsByName:
		if f.After != "" {
			keys, err := decodeCursor(f.After, listAppsByName, 4)
			if err != nil {
				return "", "", err
			}
			w.add(byName, keys[0], keys[1], keys[2], keys[3])
		}
		return `name, platform, tenant, external_id`, listAppsByName, nil
	}
	return "", "", nhi.Errorf(nhi.CodeInvalid, "invalid app sort %q", f.Sort)
}
