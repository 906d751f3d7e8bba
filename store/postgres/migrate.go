package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// ErrNewerSchema is wrapped by the error Open returns for a database whose schema is newer
// than this build of nhi knows: a newer nhi wrote it, and this one must not touch it.
var ErrNewerSchema = errors.New("database schema is newer than this version of nhi supports")

// The advisory lock keys of the store. Advisory locks are per database, so the keys only
// need to differ from each other (and, ideally, from other applications' keys).
const (
	migrateLock = 1852336704 // held while migrating
	auditLock   = 1852336705 // held while appending to the audit log (see 0003)
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// migration is one embedded schema change.
type migration struct {
	version int
	name    string
	sql     string
}

// migrations returns the embedded migrations, ordered by version. A file is named
// NNNN_description.sql; its number is its version.
func migrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFS, "migrations")
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	var out []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: name must start with a positive version", e.Name())
		}
		b, err := migrationFS.ReadFile(path.Join("migrations", e.Name()))
		if err != nil {
			return nil, fmt.Errorf("read migration %s: %w", e.Name(), err)
		}
		out = append(out, migration{version: v, name: e.Name(), sql: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	for i := 1; i < len(out); i++ {
		if out[i].version == out[i-1].version {
			return nil, fmt.Errorf("migrations %s and %s share a version", out[i-1].name, out[i].name)
		}
	}
	return out, nil
}

// migrate brings the schema up to the latest embedded migration in one transaction that
// holds an advisory lock: of several instances starting at once, the first migrates and
// the others, waiting on the lock, then find nothing left to do. Migrating an up-to-date
// database changes nothing.
func migrate(ctx context.Context, pool *pgxpool.Pool, now func() time.Time) error {
	all, err := migrations()
	if err != nil {
		return err
	}
	latest := 0
	if len(all) > 0 {
		latest = all[len(all)-1].version
	}
	return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, migrateLock); err != nil {
			return fmt.Errorf("migrate: lock: %w", err)
		}
		const create = `CREATE TABLE IF NOT EXISTS schema_migrations (
			version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`
		if _, err := tx.Exec(ctx, create); err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		var have int
		if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&have); err != nil {
			return fmt.Errorf("migrate: read schema version: %w", err)
		}
		if have > latest {
			return fmt.Errorf("schema version %d, this nhi knows up to %d: %w", have, latest, ErrNewerSchema)
		}
		for _, m := range all {
			if m.version <= have {
				continue
			}
			if _, err := tx.Exec(ctx, m.sql); err != nil {
				return fmt.Errorf("migrate %s: %w", m.name, err)
			}
			const record = `INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`
			if _, err := tx.Exec(ctx, record, m.version, m.name, now().UnixMilli()); err != nil {
				return fmt.Errorf("migrate %s: record: %w", m.name, err)
			}
		}
		return nil
	})
}
