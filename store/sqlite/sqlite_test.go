package sqlite_test

import (
	"database/sql"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
	"github.com/nhiscope/nhi/store/sqlite"
	"github.com/nhiscope/nhi/store/storetest"
)

// TestConformance runs the store conformance suite against a file in a temp dir.
func TestConformance(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T) store.Store {
		return open(t, filepath.Join(t.TempDir(), "nhi.db"))
	})
}

// open opens the database at path, failing t on error.
func open(t testing.TB, path string, opts ...sqlite.Option) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(t.Context(), path, opts...)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return db
}

// raw opens the database file at path directly, bypassing the store.
func raw(t *testing.T, path string) *sql.DB {
	t.Helper()
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(path)} // path may hold '?' or '#'
	db, err := sql.Open("sqlite", u.String())
	if err != nil {
		t.Fatalf("sql.Open: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// TestMigrations checks that opening migrates once, that reopening is a no-op and that a
// database from a newer nhi is refused.
func TestMigrations(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "nhi.db")
	for range 3 {
		if err := open(t, path).Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
	}
	db := raw(t, path)
	var versions, tables int
	if err := db.QueryRow(`SELECT COUNT(*) FROM schema_migrations`).Scan(&versions); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(`SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table' AND name = 'identities'`).Scan(&tables); err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join("migrations", "*.sql"))
	if err != nil || len(files) == 0 {
		t.Fatalf("migration files: %v, %v", files, err)
	}
	if versions != len(files) || tables != 1 {
		t.Errorf("after three opens: %d migrations recorded, %d identities tables; want %d and 1", versions, tables, len(files))
	}
	if _, err := db.Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, '0999_future.sql', 0)`); err != nil {
		t.Fatal(err)
	}
	_, err = sqlite.Open(t.Context(), path)
	if !errors.Is(err, sqlite.ErrNewerSchema) || !strings.Contains(err.Error(), "999") {
		t.Errorf("Open of a newer schema = %v, want ErrNewerSchema naming version 999", err)
	}
}

// TestOpenSettings checks the connection settings and the errors of Open.
func TestOpenSettings(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "dir with spaces & ?marks#", "nhi.db")
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	st := open(t, path)
	t.Cleanup(func() { _ = st.Close() })
	if _, err := os.Stat(path); err != nil {
		t.Errorf("database file: %v", err)
	}
	var mode string
	if err := raw(t, path).QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q, %v; want wal", mode, err)
	}
	if _, err := sqlite.Open(t.Context(), ""); nhi.ErrorCode(err) != nhi.CodeInvalid {
		t.Errorf("Open(\"\") = %v, want CodeInvalid", err)
	}
	if _, err := sqlite.Open(t.Context(), filepath.Join(dir, "missing", "nhi.db")); err == nil {
		t.Error("Open in a missing directory succeeded")
	}
}

// TestClock checks that the injected clock stamps what the caller leaves zero.
func TestClock(t *testing.T) {
	t.Parallel()
	now := time.Date(2030, 1, 2, 3, 4, 5, 6_000_000, time.UTC)
	st := open(t, filepath.Join(t.TempDir(), "nhi.db"), sqlite.WithClock(func() time.Time { return now }))
	t.Cleanup(func() { _ = st.Close() })
	s, err := st.BeginScan(t.Context(), nhi.Scan{Connector: "c", Platform: nhi.PlatformGoogleWorkspace, Tenant: "C01"})
	if err != nil || !s.StartedAt.Equal(now) {
		t.Fatalf("BeginScan = %+v, %v; want StartedAt %v", s, err, now)
	}
	id := nhi.Identity{Platform: nhi.PlatformGoogleWorkspace, Tenant: "C01", Kind: nhi.KindAPIKey, ExternalID: "k"}
	if err := st.PutIdentities(t.Context(), s.ID, time.Time{}, []nhi.Identity{id}); err != nil {
		t.Fatal(err)
	}
	got, err := st.Identity(t.Context(), nhi.NewIdentityID(id.Platform, id.Tenant, id.Kind, id.ExternalID))
	if err != nil || !got.FirstSeen.Equal(now) || !got.LastSeen.Equal(now) {
		t.Errorf("Identity = %+v, %v; want first and last seen %v", got, err, now)
	}
}
