package postgres

import (
	"context"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
	"github.com/nhiscope/nhi/store/internal/sqlq"
)

// App returns one app with its aggregates over present identities.
func (db *DB) App(ctx context.Context, p nhi.Platform, tenant, externalID string) (nhi.App, error) {
	q, args := sqlq.AppQuery(p, tenant, externalID)
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
// or by name (sqlq.ListAppsQuery).
func (db *DB) ListApps(ctx context.Context, f store.AppFilter) (store.Page[nhi.App], error) {
	a, err := sqlq.ListAppsQuery(f)
	if err != nil {
		return store.Page[nhi.App]{}, err
	}
	apps, err := db.queryApps(ctx, "list apps", a.Query, a.Args)
	if err != nil {
		return store.Page[nhi.App]{}, err
	}
	return a.Page(apps), nil
}
