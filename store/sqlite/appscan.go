package sqlite

import (
	"context"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store/internal/sqlq"
)

// appScopes lists the scopes of the present identities of the apps whose keys
// ([platform, tenant, external ID] triples) the JSON parameter holds, sorted, from the
// counts migration 0006 keeps.
const appScopes = `SELECT s.platform, s.tenant, s.app_id, s.scope FROM app_scopes s
	WHERE s.n > 0 AND (s.platform, s.tenant, s.app_id) IN (
		SELECT json_extract(k.value, '$[0]'), json_extract(k.value, '$[1]'),
			json_extract(k.value, '$[2]') FROM json_each(?) k)
	ORDER BY 1, 2, 3, 4`

// appKey identifies an app.
type appKey struct {
	platform, tenant, id string
}

// queryApps runs q, an app query of sqlq (AppQuery, ListAppsQuery), and fills in the scopes of the apps it returns.
func (db *DB) queryApps(ctx context.Context, op, q string, args []any) ([]nhi.App, error) {
	rows, err := db.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, wrap(ctx, op, err)
	}
	defer rows.Close()
	var apps []nhi.App
	for rows.Next() {
		var (
			a                   nhi.App
			platform            string
			anonymous, native   int
			firstSeen, lastSeen int64
		)
		err := rows.Scan(&platform, &a.Tenant, &a.ExternalID, &a.Name, &a.Vendor, &anonymous,
			&native, &firstSeen, &lastSeen, &a.Users, &a.Identities)
		if err != nil {
			return nil, wrap(ctx, op, err)
		}
		a.Platform, a.Anonymous, a.Native = nhi.Platform(platform), anonymous != 0, native != 0
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
	var keys [][3]string
	at := make(map[appKey]int, len(apps))
	for i, a := range apps {
		if a.Identities > 0 {
			keys = append(keys, [3]string{string(a.Platform), a.Tenant, a.ExternalID})
			at[appKey{string(a.Platform), a.Tenant, a.ExternalID}] = i
		}
	}
	if len(keys) == 0 {
		return nil
	}
	param, err := sqlq.EncodeJSON(keys)
	if err != nil {
		return err
	}
	rows, err := db.r.QueryContext(ctx, appScopes, param)
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
