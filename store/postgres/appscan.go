package postgres

import (
	"context"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store/internal/sqlq"
)

// appScopes lists the scopes of the present identities of the apps whose keys
// (platforms, tenants and external IDs) the three array parameters hold, sorted, from the
// counts migration 0008 keeps.
const appScopes = `SELECT s.platform, s.tenant, s.app_id, s.scope FROM app_scopes s
	WHERE s.n > 0 AND (s.platform, s.tenant, s.app_id) IN (
		SELECT * FROM unnest(?::text[], ?::text[], ?::text[]))
	ORDER BY 1, 2, 3, 4`

// appKey identifies an app.
type appKey struct {
	platform, tenant, id string
}

// queryApps runs q, an app query of sqlq (AppQuery, ListAppsQuery), and fills in the scopes of the apps it returns.
func (db *DB) queryApps(ctx context.Context, op, q string, args []any) ([]nhi.App, error) {
	rows, err := db.c().QueryContext(ctx, q, args...)
	if err != nil {
		return nil, wrap(ctx, op, err)
	}
	defer rows.Close()
	var apps []nhi.App
	for rows.Next() {
		var (
			a                   nhi.App
			platform            string
			anonymous, native   bool
			firstSeen, lastSeen int64
		)
		err := rows.Scan(&platform, &a.Tenant, &a.ExternalID, &a.Name, &a.Vendor, &anonymous,
			&native, &firstSeen, &lastSeen, &a.Users, &a.Identities)
		if err != nil {
			return nil, wrap(ctx, op, err)
		}
		a.Platform, a.Anonymous, a.Native = nhi.Platform(platform), anonymous, native
		a.FirstSeen, a.LastSeen = sqlq.FromMS(firstSeen), sqlq.FromMS(lastSeen)
		apps = append(apps, a)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap(ctx, op, err)
	}
	if err := db.fillScopes(ctx, apps); err != nil {
		return nil, wrap(ctx, op, err)
	}
	return apps, nil
}

// fillScopes sets the Scopes of apps that have present identities.
func (db *DB) fillScopes(ctx context.Context, apps []nhi.App) error {
	var platforms, tenants, ids []string
	at := make(map[appKey]int, len(apps))
	for i, a := range apps {
		if a.Identities > 0 {
			platforms, tenants = append(platforms, string(a.Platform)), append(tenants, a.Tenant)
			ids = append(ids, a.ExternalID)
			at[appKey{string(a.Platform), a.Tenant, a.ExternalID}] = i
		}
	}
	if len(ids) == 0 {
		return nil
	}
	rows, err := db.c().QueryContext(ctx, appScopes, platforms, tenants, ids)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var k appKey
		var scope string
		if err := rows.Scan(&k.platform, &k.tenant, &k.id, &scope); err != nil {
			return err
		}
		if i, ok := at[k]; ok {
			apps[i].Scopes = append(apps[i].Scopes, scope)
		}
	}
	return rows.Err()
}
