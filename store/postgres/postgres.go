// Package postgres is the PostgreSQL store of nhi, for deployments that run several nhi
// processes or want the database on its own server. It is built on pgx v5 (pgxpool), with
// embedded, versioned migrations that run in one transaction under an advisory lock, so
// that several instances starting at once migrate once.
//
// It keeps the rules of store/sqlite: times are bigint unix milliseconds in UTC (0 is the
// zero time), JSON columns are jsonb, the audit log is hash-chained and append-only (triggers
// refuse UPDATE, DELETE, TRUNCATE and inserts that do not extend the chain, even from
// direct SQL), and triggers record the drift between scans. Text columns that lists order
// by use the "C" collation, so that lists order text byte-wise whatever the database's
// locale.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
)

// DB is a Store backed by a PostgreSQL database. It is safe for concurrent use.
type DB struct {
	pool *pgxpool.Pool
	now  func() time.Time
}

var _ store.Store = (*DB)(nil)

// Option configures Open.
type Option func(*options)

type options struct {
	now      func() time.Time
	maxConns int32
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

// WithMaxConns sets how many connections the pool may open at once. The default is
// pgxpool's (the larger of 4 and the number of CPUs), unless the DSN sets pool_max_conns.
func WithMaxConns(n int) Option {
	return func(o *options) {
		if n > 0 {
			o.maxConns = int32(min(n, 1<<20))
		}
	}
}

// Open connects to the PostgreSQL database of dsn (a URL or key=value string, as pgx
// parses it) and migrates it to the latest schema. It refuses a database written by a
// newer version of nhi, with an error that wraps ErrNewerSchema. The error never repeats
// the DSN, which may hold a password.
func Open(ctx context.Context, dsn string, opts ...Option) (*DB, error) {
	o := options{now: time.Now}
	for _, opt := range opts {
		opt(&o)
	}
	if strings.TrimSpace(dsn) == "" {
		return nil, nhi.Errorf(nhi.CodeInvalid, "postgres: empty DSN")
	}
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, nhi.Errorf(nhi.CodeInvalid, "postgres: the DSN cannot be parsed")
	}
	if o.maxConns > 0 {
		cfg.MaxConns = o.maxConns
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, wrap(ctx, "open", err)
	}
	if err := migrate(ctx, pool, o.now); err != nil {
		pool.Close()
		return nil, wrap(ctx, "open", err)
	}
	return &DB{pool: pool, now: o.now}, nil
}

// Close closes the pool's connections, waiting for the ones in use to be released. Calls
// after Close return errors.
func (db *DB) Close() error {
	db.pool.Close()
	return nil
}

// wrap prefixes a driver error with the operation that failed. When ctx is done, the
// context's error is wrapped too, so that callers see cancellation as such.
func wrap(ctx context.Context, op string, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
		return fmt.Errorf("postgres: %s: %w: %w", op, ctxErr, err)
	}
	return fmt.Errorf("postgres: %s: %w", op, err)
}

// wrapCtx returns ctx's error, wrapped, or nil while ctx is live.
func wrapCtx(ctx context.Context, op string) error {
	if err := ctx.Err(); err != nil {
		return wrap(ctx, op, err)
	}
	return nil
}

// withTx runs fn in a read-committed transaction and commits it, or rolls it back if fn
// fails. Errors of fn that are *nhi.Error are returned as they are.
func (db *DB) withTx(ctx context.Context, op string, fn func(tx conn) error) error {
	if err := ctx.Err(); err != nil {
		return wrap(ctx, op, err)
	}
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return wrap(ctx, op, err)
	}
	if err := fn(conn{q: tx}); err != nil {
		_ = tx.Rollback(context.WithoutCancel(ctx)) // the error of fn is the one worth reporting
		var ne *nhi.Error
		if errors.As(err, &ne) {
			return err
		}
		return wrap(ctx, op, err)
	}
	if err := tx.Commit(ctx); err != nil {
		return wrap(ctx, op, err)
	}
	return nil
}

// scanExists fails with CodeNotFound unless scan id is recorded.
func scanExists(ctx context.Context, tx conn, id string) error {
	var one int
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM scans WHERE id = ?`, id).Scan(&one)
	if errors.Is(err, pgx.ErrNoRows) {
		return nhi.Errorf(nhi.CodeNotFound, "scan %q not found", id)
	}
	return err
}

// scanRunning checks, in tx, that scan id exists (CodeNotFound) and is running
// (CodeConflict). It takes no lock on the scan's row (a FOR SHARE lock there made the
// concurrent batches of a split scan's parts deadlock): a FinishScan that commits between
// the check and the batch's commit lets that one batch through.
func scanRunning(ctx context.Context, tx conn, id string) error {
	var status string
	err := tx.QueryRowContext(ctx, `SELECT status FROM scans WHERE id = ?`, id).Scan(&status)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return nhi.Errorf(nhi.CodeNotFound, "scan %q not found", id)
	case err != nil:
		return err
	case status != string(nhi.ScanRunning):
		return nhi.Errorf(nhi.CodeConflict, "scan %s is %s: it records nothing more", id, status)
	}
	return nil
}

// seen returns t, or the clock's time when t is zero.
func (db *DB) seen(t time.Time) time.Time {
	if t.IsZero() {
		return db.now()
	}
	return t
}

// rebind numbers the ? placeholders of q ($1, $2, ...), leaving quoted text alone, so
// that queries built from parts can be written with ?.
func rebind(q string) string {
	var b strings.Builder
	b.Grow(len(q) + 16)
	n, quoted := 0, false
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case c == '\'':
			quoted = !quoted
		case c == '?' && !quoted:
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// conn runs the statements of the store on the pool or in a transaction. Its methods take
// queries written with ? placeholders, as store/sqlite's are, and number them.
type conn struct {
	q interface {
		Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
		Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
		QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	}
}

// c returns the conn of the pool.
func (db *DB) c() conn {
	return conn{q: db.pool}
}

// ExecContext runs a statement.
func (c conn) ExecContext(ctx context.Context, q string, args ...any) (pgconn.CommandTag, error) {
	return c.q.Exec(ctx, rebind(q), args...)
}

// QueryContext runs a query.
func (c conn) QueryContext(ctx context.Context, q string, args ...any) (pgx.Rows, error) {
	return c.q.Query(ctx, rebind(q), args...)
}

// QueryRowContext runs a query of one row.
func (c conn) QueryRowContext(ctx context.Context, q string, args ...any) pgx.Row {
	return c.q.QueryRow(ctx, rebind(q), args...)
}
