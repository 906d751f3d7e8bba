package postgres

import (
	"context"
	"flag"
	"fmt"
	"os"
	"testing"

	"github.com/nhiscope/nhi/internal/pgtest"
)

// The tests of this package run against a throwaway PostgreSQL server (package pgtest)
// that TestMain starts and stops. Each test gets a database of its own, so tests run in
// parallel: a copy of a template database migrated once (newDatabase), or an empty one
// (newEmptyDatabase) for the tests of migrations.

// pg is the server of the package's tests.
var pg *pgtest.Server

func TestMain(m *testing.M) {
	flag.Parse()
	os.Exit(pgtest.Main(m, &pg, migrateTemplate))
}

// template is the database that newDatabase copies: migrated once, so that each test's
// Open finds its schema up to date instead of running every migration again.
const template = "nhi_template"

// migrateTemplate creates and migrates the template database.
func migrateTemplate(s *pgtest.Server) error {
	ctx := context.Background()
	if _, err := s.Admin.Exec(ctx, `CREATE DATABASE `+template); err != nil {
		return fmt.Errorf("create template: %w", err)
	}
	db, err := Open(ctx, s.DSN(template))
	if err != nil {
		return fmt.Errorf("migrate template: %w", err)
	}
	return db.Close() // a template must have no connections while it is copied
}

// dsn returns the DSN of database db on the test server.
func dsn(db string) string { return pg.DSN(db) }

// newDatabase creates a database for tb with the store's schema and no data, and returns
// its DSN. It skips tb when there is no server.
func newDatabase(tb testing.TB) string {
	tb.Helper()
	return pg.DSN(pg.CreateDatabase(tb, template))
}

// newEmptyDatabase creates an empty database for tb, which Open has to migrate, and
// returns its DSN. It skips tb when there is no server.
func newEmptyDatabase(tb testing.TB) string {
	tb.Helper()
	return pg.DSN(pg.CreateDatabase(tb, "template1"))
}

// openDB opens a store on a new database, closed when tb ends.
func openDB(tb testing.TB, opts ...Option) (*DB, string) {
	tb.Helper()
	d := newDatabase(tb)
	db, err := Open(tb.Context(), d, opts...)
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	tb.Cleanup(func() { _ = db.Close() })
	return db, d
}
