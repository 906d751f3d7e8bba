// Package sqlite is the embedded default store of nhi: one SQLite file, opened through
// modernc.org/sqlite (pure Go, no cgo), in WAL mode with embedded, versioned migrations.
//
// Writes go through a single connection, so writers of one process never meet SQLITE_BUSY;
// reads use a small pool of read-only connections and see a consistent snapshot of the last
// committed write while a write is in progress.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"runtime"
	"strconv"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
)

// DB is a Store backed by one SQLite file. It is safe for concurrent use.
type DB struct {
	w   *sql.DB // the single writer connection
	r   *sql.DB // read-only connections
	now func() time.Time
}

var _ store.Store = (*DB)(nil)

// Option configures Open.
type Option func(*options)

type options struct {
	now         func() time.Time
	readConns   int
	busyTimeout time.Duration
}

// WithClock sets the clock that stamps scans, MarkGone and cursors when the caller gives no
// time. The default is time.Now.
func WithClock(now func() time.Time) Option {
	return func(o *options) {
		if now != nil {
			o.now = now
		}
	}
}

// WithReadConns sets how many read connections may be open at once. The default is the
// number of CPUs, at least 2.
func WithReadConns(n int) Option {
	return func(o *options) {
		if n > 0 {
			o.readConns = n
		}
	}
}

// WithBusyTimeout sets how long a connection waits for a lock held by another process
// before it fails with SQLITE_BUSY. The default is 30 seconds: another nhi process (a scan writing
// large batches, a suppression from the CLI) may hold the write lock for a while.
func WithBusyTimeout(d time.Duration) Option {
	return func(o *options) {
		if d > 0 {
			o.busyTimeout = d
		}
	}
}

// Open opens (creating if needed) the SQLite database at path and migrates it to the latest
// schema. It refuses a database written by a newer version of nhi, with an error that wraps
// ErrNewerSchema.
func Open(ctx context.Context, path string, opts ...Option) (*DB, error) {
	o := options{now: time.Now, readConns: max(2, runtime.NumCPU()), busyTimeout: 30 * time.Second}
	for _, opt := range opts {
		opt(&o)
	}
	if path == "" {
		return nil, nhi.Errorf(nhi.CodeInvalid, "sqlite: empty database path")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	w, err := sql.Open("sqlite", dsn(abs, o.busyTimeout, false))
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxIdleTime(0)
	w.SetConnMaxLifetime(0)
	if err := migrate(ctx, w, o.now); err != nil {
		return nil, errors.Join(fmt.Errorf("sqlite: open %s: %w", path, err), w.Close())
	}
	r, err := sql.Open("sqlite", dsn(abs, o.busyTimeout, true))
	if err != nil {
		return nil, errors.Join(fmt.Errorf("sqlite: open %s: %w", path, err), w.Close())
	}
	r.SetMaxOpenConns(o.readConns)
	r.SetMaxIdleConns(o.readConns)
	return &DB{w: w, r: r, now: o.now}, nil
}

// dsn builds the modernc.org/sqlite data source name of the file at the absolute path abs.
func dsn(abs string, busy time.Duration, readOnly bool) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout("+strconv.FormatInt(busy.Milliseconds(), 10)+")")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "journal_mode(WAL)")
	// A larger page cache (in KiB when negative) keeps the indexes of a big inventory in
	// memory: batches of upserts touch pages all over them.
	q.Add("_pragma", "cache_size(-65536)")
	q.Add("_pragma", "temp_store(MEMORY)")
	// Checkpoint less often than every 1,000 pages, so that pages rewritten by many
	// batches are copied back to the database once.
	q.Add("_pragma", "wal_autocheckpoint(16384)")
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	} else {
		// Take the write lock when a transaction begins, not when it first writes, so a
		// transaction never fails half-way because another process got there first.
		q.Set("_txlock", "immediate")
	}
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(abs), RawQuery: q.Encode()}
	return u.String()
}

// Close closes the database. Calls after Close return errors.
func (db *DB) Close() error {
	return errors.Join(db.r.Close(), db.w.Close())
}

// wrap prefixes a driver error with the operation that failed. When ctx is done, the
// context's error is wrapped too, so that callers see cancellation as such.
func wrap(ctx context.Context, op string, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
		return fmt.Errorf("sqlite: %s: %w: %w", op, ctxErr, err)
	}
	return fmt.Errorf("sqlite: %s: %w", op, err)
}

// withTx runs fn in a write transaction and commits it, or rolls it back if fn fails.
func (db *DB) withTx(ctx context.Context, op string, fn func(tx *sql.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return wrap(ctx, op, err)
	}
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return wrap(ctx, op, err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback() // the error of fn is the one worth reporting
		var ne *nhi.Error
		if errors.As(err, &ne) {
			return err
		}
		return wrap(ctx, op, err)
	}
	if err := tx.Commit(); err != nil {
		return wrap(ctx, op, err)
	}
	return nil
}

// scanExists fails with CodeNotFound unless scan id is recorded.
func scanExists(ctx context.Context, tx *sql.Tx, id string) error {
	var one int
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM scans WHERE id = ?`, id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return nhi.Errorf(nhi.CodeNotFound, "scan %q not found", id)
	}
	return err
}

// scanRunning checks, in tx, that scan id exists (CodeNotFound) and is running
// (CodeConflict).
func scanRunning(ctx context.Context, tx *sql.Tx, id string) error {
	var status string
	err := tx.QueryRowContext(ctx, `SELECT status FROM scans WHERE id = ?`, id).Scan(&status)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nhi.Errorf(nhi.CodeNotFound, "scan %q not found", id)
	case err != nil:
		return err
	case status != string(nhi.ScanRunning):
		return nhi.Errorf(nhi.CodeConflict, "scan %s is %s: it records nothing more", id, status)
	}
	return nil
}

// boolInt converts b to the 0 or 1 SQLite stores.
func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
