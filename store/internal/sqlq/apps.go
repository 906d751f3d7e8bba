package sqlq

import (
	"fmt"
	"strconv"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
)

// appsWith is the head of every app query: the apps with their users and identities
// counted over present identities, as the stores keep them in app_totals (SQLite
// migration 0006, PostgreSQL 0008). %s receives extra conditions on app_totals.
const appsWith = `WITH a AS (
	SELECT apps.platform, apps.tenant, apps.external_id, apps.name, apps.vendor, apps.anonymous,
		apps.native, apps.first_seen, apps.last_seen,
		COALESCE(t.users, 0) AS users, COALESCE(t.identities, 0) AS n
	FROM apps LEFT JOIN app_totals t ON t.platform = apps.platform AND t.tenant = apps.tenant
		AND t.app_id = apps.external_id%s
)
SELECT platform, tenant, external_id, name, vendor, anonymous, native, first_seen, last_seen,
	users, n FROM a`

// AppQuery returns the query of one app and its arguments; its rows are those of
// ListAppsQuery.
func AppQuery(p nhi.Platform, tenant, externalID string) (string, []any) {
	q := fmt.Sprintf(appsWith, ` AND t.platform = ? AND t.tenant = ? AND t.app_id = ?`) +
		` WHERE platform = ? AND tenant = ? AND external_id = ?`
	return q, []any{string(p), tenant, externalID, string(p), tenant, externalID}
}

// AppsPage is a page of apps being read: its query, arguments, size and cursor list.
type AppsPage struct {
	Query string
	Args  []any
	Limit int
	list  string
}

// ListAppsQuery returns the query of a page of apps for f: by users (most first, then by
// name) or by name; apps of the same name are ordered by platform, tenant and external
// ID. It asks for one app more than the page holds, to know whether another follows. Its
// rows are platform, tenant, external_id, name, vendor, anonymous, native, first_seen,
// last_seen, users and identities.
func ListAppsQuery(f store.AppFilter) (AppsPage, error) {
	limit, err := PageLimit(f.Limit)
	if err != nil {
		return AppsPage{}, err
	}
	var inner, outer Where
	inner.AddIf(f.Platform != "", `t.platform = ?`, string(f.Platform))
	inner.AddIf(f.Tenant != "", `t.tenant = ?`, f.Tenant)
	outer.AddIf(f.Platform != "", `platform = ?`, string(f.Platform))
	outer.AddIf(f.Tenant != "", `tenant = ?`, f.Tenant)
	order, list, err := appOrder(f, &outer)
	if err != nil {
		return AppsPage{}, err
	}
	innerSQL := ""
	for _, c := range inner.Conds {
		innerSQL += ` AND ` + c
	}
	q := fmt.Sprintf(appsWith, innerSQL) + outer.SQL() + ` ORDER BY ` + order + ` LIMIT ?`
	return AppsPage{Query: q, Args: append(append(inner.Args, outer.Args...), limit+1), Limit: limit, list: list}, nil
}

// Page cuts the apps read with ListAppsQuery to the page and sets its cursor.
func (a AppsPage) Page(apps []nhi.App) store.Page[nhi.App] {
	page := store.Page[nhi.App]{Items: apps}
	if len(apps) > a.Limit {
		page.Items = apps[:a.Limit]
		last := page.Items[a.Limit-1]
		keys := []string{last.Name, string(last.Platform), last.Tenant, last.ExternalID}
		if a.list == ListAppsByUsers {
			keys = append([]string{strconv.Itoa(last.Users)}, keys...)
		}
		page.Next = EncodeCursor(a.list, keys...)
	}
	return page
}

// appOrder returns the ORDER BY of f's sort and its cursor list, and adds the condition of
// f.After to w.
func appOrder(f store.AppFilter, w *Where) (order, list string, err error) {
	const byName = `(name, platform, tenant, external_id) > (?, ?, ?, ?)`
	switch f.Sort {
	case store.AppsByUsers, "":
		if f.After != "" {
			users, keys, err := DecodeUsersCursor(f.After)
			if err != nil {
				return "", "", err
			}
			w.Add(`(users < ? OR (users = ? AND `+byName+`))`,
				users, users, keys[0], keys[1], keys[2], keys[3])
		}
		return `users DESC, name, platform, tenant, external_id`, ListAppsByUsers, nil
	case store.AppsByName:
		if f.After != "" {
			keys, err := DecodeCursor(f.After, ListAppsByName, 4)
			if err != nil {
				return "", "", err
			}
			w.Add(byName, keys[0], keys[1], keys[2], keys[3])
		}
		return `name, platform, tenant, external_id`, ListAppsByName, nil
	}
	return "", "", nhi.Errorf(nhi.CodeInvalid, "invalid app sort %q", f.Sort)
}
