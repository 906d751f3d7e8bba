package sqlite

import (
	"context"
	"strings"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store/internal/sqlq"
)

// The upserts keep first_seen, advance last_seen and clear gone_at. A zero created_at or
// expires_at keeps the stored value; last_used_at and last_login never move backwards.

// personUpsert is the upsert of people.
func personUpsert() upsert {
	return upsert{
		head: `INSERT INTO people (platform, tenant, external_id, email, email_key, name, status,
			is_admin, created_at, last_login, org_unit, first_seen, last_seen, gone_at,
			last_seen_scan) VALUES `,
		row:  `(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)`,
		cols: 14,
		tail: ` ON CONFLICT (platform, tenant, external_id) DO UPDATE SET
			email = excluded.email, email_key = excluded.email_key, name = excluded.name,
			status = excluded.status, is_admin = excluded.is_admin, org_unit = excluded.org_unit,
			created_at = CASE excluded.created_at WHEN 0 THEN people.created_at
				ELSE excluded.created_at END,
			last_login = CASE WHEN excluded.last_login = 0 THEN people.last_login
				WHEN people.last_login = 0 THEN excluded.last_login
				ELSE MAX(people.last_login, excluded.last_login) END,
			first_seen = MIN(people.first_seen, excluded.first_seen),
			last_seen = MAX(people.last_seen, excluded.last_seen),
			gone_at = 0, last_seen_scan = excluded.last_seen_scan`,
	}
}

// PutPeople upserts people seen by scan scanID at seen (the clock's time when zero).
func (db *DB) PutPeople(ctx context.Context, scanID string, seen time.Time, people []nhi.Person) error {
	seenMS := sqlq.MS(db.seen(seen))
	rows := make([][]any, len(people))
	for i, p := range people {
		if p.Platform == "" || p.Tenant == "" || p.ExternalID == "" {
			return nhi.Errorf(nhi.CodeInvalid, "person %d: platform, tenant and external ID are required", i)
		}
		if !p.Status.Valid() {
			return nhi.Errorf(nhi.CodeInvalid, "person %d: invalid status %q", i, p.Status)
		}
		rows[i] = []any{string(p.Platform), p.Tenant, p.ExternalID, p.Email, strings.ToLower(p.Email),
			p.Name, string(p.Status), boolInt(p.IsAdmin), sqlq.MS(p.CreatedAt), sqlq.MS(p.LastLogin), p.OrgUnit,
			seenMS, seenMS, scanID}
	}
	return db.putBatch(ctx, "put people", scanID, inventory(personUpsert()), rows)
}

// appUpsert is the upsert of apps.
func appUpsert() upsert {
	return upsert{
		head: `INSERT INTO apps (platform, tenant, external_id, name, vendor, anonymous, native,
			first_seen, last_seen, last_seen_scan) VALUES `,
		row:  `(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		cols: 10,
		tail: ` ON CONFLICT (platform, tenant, external_id) DO UPDATE SET
			name = excluded.name, vendor = excluded.vendor, anonymous = excluded.anonymous,
			native = excluded.native,
			first_seen = MIN(apps.first_seen, excluded.first_seen),
			last_seen = MAX(apps.last_seen, excluded.last_seen),
			last_seen_scan = excluded.last_seen_scan`,
	}
}

// PutApps upserts apps seen by scan scanID at seen (the clock's time when zero). Their
// aggregate fields are ignored: the store computes them.
func (db *DB) PutApps(ctx context.Context, scanID string, seen time.Time, apps []nhi.App) error {
	seenMS := sqlq.MS(db.seen(seen))
	rows := make([][]any, len(apps))
	for i, a := range apps {
		if a.Platform == "" || a.Tenant == "" || a.ExternalID == "" {
			return nhi.Errorf(nhi.CodeInvalid, "app %d: platform, tenant and external ID are required", i)
		}
		rows[i] = []any{string(a.Platform), a.Tenant, a.ExternalID, a.Name, a.Vendor,
			boolInt(a.Anonymous), boolInt(a.Native), seenMS, seenMS, scanID}
	}
	return db.putBatch(ctx, "put apps", scanID, inventory(appUpsert()), rows)
}

// identityUpsert is the upsert of identities.
func identityUpsert() upsert {
	return upsert{
		head: `INSERT INTO identities (id, platform, tenant, kind, external_id, name, app_id,
			owner_id, scope, permissions, credentials, credential_ids, attributes, created_at, last_used_at,
			expires_at, first_seen, last_seen, gone_at, last_seen_scan) VALUES `,
		row:  `(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)`,
		cols: 19,
		tail: ` ON CONFLICT (id) DO UPDATE SET
			name = excluded.name, app_id = excluded.app_id, owner_id = excluded.owner_id,
			scope = excluded.scope, permissions = excluded.permissions,
			credentials = excluded.credentials, credential_ids = excluded.credential_ids, attributes = json_patch(identities.attributes, excluded.attributes),
			created_at = CASE excluded.created_at WHEN 0 THEN identities.created_at
				ELSE excluded.created_at END,
			last_used_at = CASE WHEN excluded.last_used_at = 0 THEN identities.last_used_at
				WHEN identities.last_used_at = 0 THEN excluded.last_used_at
				ELSE MAX(identities.last_used_at, excluded.last_used_at) END,
			expires_at = CASE excluded.expires_at WHEN 0 THEN identities.expires_at
				ELSE excluded.expires_at END,
			first_seen = MIN(identities.first_seen, excluded.first_seen),
			last_seen = MAX(identities.last_seen, excluded.last_seen),
			gone_at = 0, last_seen_scan = excluded.last_seen_scan`,
		after: foldAggregates,
	}
}

// PutIdentities upserts identities seen by scan scanID at seen (the clock's time when zero).
// An empty ID is derived with nhi.NewIdentityID; a non-empty one must equal it.
func (db *DB) PutIdentities(ctx context.Context, scanID string, seen time.Time, ids []nhi.Identity) error {
	seenMS := sqlq.MS(db.seen(seen))
	rows := make([][]any, len(ids))
	for i := range ids {
		args, err := identityArgs(i, &ids[i])
		if err != nil {
			return err
		}
		rows[i] = append(args, seenMS, seenMS, scanID)
	}
	return db.putBatch(ctx, "put identities", scanID, inventory(identityUpsert()), rows)
}

// identityArgs validates identity number i and returns its columns up to expires_at.
func identityArgs(i int, id *nhi.Identity) ([]any, error) {
	if id.Platform == "" || id.Tenant == "" || id.ExternalID == "" {
		return nil, nhi.Errorf(nhi.CodeInvalid, "identity %d: platform, tenant and external ID are required", i)
	}
	if !id.Kind.Valid() {
		return nil, nhi.Errorf(nhi.CodeInvalid, "identity %d: invalid kind %q", i, id.Kind)
	}
	nid := nhi.NewIdentityID(id.Platform, id.Tenant, id.Kind, id.ExternalID)
	if id.ID != "" && id.ID != nid {
		return nil, nhi.Errorf(nhi.CodeInvalid, "identity %d: ID %q is not the nhi ID of %s", i, id.ID, id.ExternalID)
	}
	perms, err := sqlq.EncodePermissions(id.Permissions)
	if err != nil {
		return nil, nhi.WrapError(nhi.CodeInvalid, err, "identity permissions")
	}
	creds, err := sqlq.EncodeCredentials(id.Credentials)
	if err != nil {
		return nil, nhi.WrapError(nhi.CodeInvalid, err, "identity credentials")
	}
	credIDs := make([]string, len(id.Credentials))
	for j, c := range id.Credentials {
		credIDs[j] = c.ID
	}
	ids, err := sqlq.EncodeJSON(credIDs)
	if err != nil {
		return nil, nhi.WrapError(nhi.CodeInvalid, err, "identity credential IDs")
	}
	attrs, err := sqlq.EncodeAttributes(id.Attributes)
	if err != nil {
		return nil, nhi.WrapError(nhi.CodeInvalid, err, "identity attributes")
	}
	args := make([]any, 0, 19) // room for the three columns PutIdentities appends
	return append(args, nid, string(id.Platform), id.Tenant, string(id.Kind), id.ExternalID,
		id.Name, id.AppID, id.OwnerID, id.Scope, perms, creds, ids, attrs,
		sqlq.MS(id.CreatedAt), sqlq.MS(id.LastUsedAt), sqlq.MS(id.ExpiresAt)), nil
}

// seen returns t, or the clock's time when t is zero.
func (db *DB) seen(t time.Time) time.Time {
	if t.IsZero() {
		return db.now()
	}
	return t
}

// wrapCtx returns ctx's error, wrapped, or nil while ctx is live.
func wrapCtx(ctx context.Context, op string) error {
	if err := ctx.Err(); err != nil {
		return wrap(ctx, op, err)
	}
	return nil
}
