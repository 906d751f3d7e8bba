package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

// ErrNewerSchema is wrapped by the error Open returns for a database whose schema is newer
// than this build of nhi knows: a newer nhi wrote it, and this one must not touch it.
var ErrNewerSchema = errors.New("database schema is newer than this version of nhi supports")

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

// migrate brings the schema of w up to the latest embedded migration, each migration in its
// own transaction. Migrating an up-to-date database changes nothing.
func migrate(ctx context.Context, w *sql.DB, now func() time.Time) error {
	all, err := migrations()
	if err != nil {
		return err
	}
	latest := 0
	if len(all) > 0 {
		latest = all[len(all)-1].version
	}
	const create = `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`
	if _, err := w.ExecContext(ctx, create); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	for _, m := range all {
		if err := apply(ctx, w, m, latest, now); err != nil {
			return err
		}
	}
	return nil
}

// apply runs migration m unless the database already has it, refusing a database whose
// schema is newer than latest.
func apply(ctx context.Context, w *sql.DB, m migration, latest int, now func() time.Time) error {
	tx, err := w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate %s: %w", m.name, err)
	}
	defer func() { _ = tx.Rollback() }() // a no-op after Commit
	var have int
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&have); err != nil {
		return fmt.Errorf("migrate: read schema version: %w", err)
	}
	if have > latest {
		return fmt.Errorf("schema version %d, this nhi knows up to %d: %w", have, latest, ErrNewerSchema)
	}
	if have >= m.version {
		return nil
	}
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return fmt.Errorf("migrate %s: %w", m.name, err)
	}
	const record = `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`
	if _, err := tx.ExecContext(ctx, record, m.version, m.name, now().UnixMilli()); err != nil {
		return fmt.Errorf("migrate %s: record: %w", m.name, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrate %s: commit: %w", m.name, err)
	}
	return nil
}
