package postgres

import (
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/nhiscope/nhi"
)

// raw connects to the database of d directly, bypassing the store.
func raw(t *testing.T, d string) *pgx.Conn {
	t.Helper()
	c, err := pgx.Connect(t.Context(), d)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { _ = c.Close(t.Context()) })
	return c
}

// TestMigrateConcurrently opens one new database from several goroutines at once: the
// advisory lock makes one of them migrate and the others find the schema up to date.
func TestMigrateConcurrently(t *testing.T) {
	t.Parallel()
	d := newEmptyDatabase(t)
	const opens = 4
	var wg sync.WaitGroup
	errs := make([]error, opens)
	for i := range opens {
		wg.Go(func() {
			db, err := Open(t.Context(), d)
			if err == nil {
				err = db.Close()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatalf("concurrent Open: %v", err)
	}
	files, err := filepath.Glob(filepath.Join("migrations", "*.sql"))
	if err != nil || len(files) == 0 {
		t.Fatalf("migration files: %v, %v", files, err)
	}
	var versions, tables int
	c := raw(t, d)
	if err := c.QueryRow(t.Context(), `SELECT COUNT(*) FROM schema_migrations`).Scan(&versions); err != nil {
		t.Fatal(err)
	}
	if err := c.QueryRow(t.Context(), `SELECT COUNT(*) FROM pg_tables WHERE tablename = 'identities'`).Scan(&tables); err != nil {
		t.Fatal(err)
	}
	if versions != len(files) || tables != 1 {
		t.Errorf("after %d concurrent opens: %d migrations recorded, %d identities tables; want %d and 1",
			opens, versions, tables, len(files))
	}
}

// TestNewerSchema checks that a database migrated by a newer nhi is refused.
func TestNewerSchema(t *testing.T) {
	t.Parallel()
	d := newEmptyDatabase(t)
	db, err := Open(t.Context(), d)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	const future = `INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, '0999_future.sql', 0)`
	if _, err := raw(t, d).Exec(t.Context(), future); err != nil {
		t.Fatal(err)
	}
	_, err = Open(t.Context(), d)
	if !errors.Is(err, ErrNewerSchema) || !strings.Contains(err.Error(), "999") {
		t.Errorf("Open of a newer schema = %v, want ErrNewerSchema naming version 999", err)
	}
}

// TestOpenErrors checks the errors of Open, and that they do not repeat the DSN's
// password.
func TestOpenErrors(t *testing.T) {
	t.Parallel()
	pg.SkipIfNone(t)
	tests := map[string]struct {
		dsn  string
		code nhi.Code
	}{
		"empty":        {"", nhi.CodeInvalid},
		"blank":        {"  ", nhi.CodeInvalid},
		"unparsable":   {"postgres://nhi:s3cret-pw@host:notaport/db", nhi.CodeInvalid},
		"missing db":   {dsn("no_such_database") + " password=s3cret-pw", nhi.CodeInternal},
		"missing host": {"host=" + t.TempDir() + " port=1 user=nhi password=s3cret-pw connect_timeout=5", nhi.CodeInternal},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			db, err := Open(t.Context(), tc.dsn)
			if err == nil {
				_ = db.Close()
				t.Fatal("Open succeeded")
			}
			if got := nhi.ErrorCode(err); got != tc.code {
				t.Errorf("Open = %v, code %q; want %q", err, got, tc.code)
			}
			if strings.Contains(err.Error(), "s3cret-pw") {
				t.Errorf("Open's error repeats the password: %v", err)
			}
		})
	}
}
