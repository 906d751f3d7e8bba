package web

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
)

// PostgresAuth is the AuthStore of a PostgreSQL inventory: tables prefixed web_ in the
// inventory's database (the store never touches them), shared by every nhi instance that
// serves the console from it. It keeps what SQLiteAuth keeps, the same way: only the
// SHA-256 of session IDs and token secrets, times as unix milliseconds.
type PostgresAuth struct {
	pool *pgxpool.Pool
}

var _ AuthStore = (*PostgresAuth)(nil)

// authLock is the advisory lock key held while the tables are created. It differs from
// the store's keys (store/postgres), which share the database.
const authLock = 1852336720

// pgAuthSchema creates the tables of PostgresAuth; every statement is idempotent. Names
// use the "C" collation so that lists order byte-wise, as SQLite does.
const pgAuthSchema = `
CREATE TABLE IF NOT EXISTS web_users (
	name TEXT COLLATE "C" PRIMARY KEY,
	email TEXT NOT NULL DEFAULT '',
	role TEXT NOT NULL,
	source TEXT NOT NULL,
	password_hash TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS web_sessions (
	id_hash TEXT PRIMARY KEY,
	user_name TEXT COLLATE "C" NOT NULL REFERENCES web_users(name) ON DELETE CASCADE,
	csrf TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	expires_at BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS web_sessions_expiry ON web_sessions(expires_at);
CREATE INDEX IF NOT EXISTS web_sessions_user ON web_sessions(user_name);
CREATE TABLE IF NOT EXISTS web_tokens (
	id TEXT COLLATE "C" PRIMARY KEY,
	name TEXT NOT NULL,
	user_name TEXT COLLATE "C" NOT NULL REFERENCES web_users(name) ON DELETE CASCADE,
	scopes TEXT NOT NULL,
	secret_hash TEXT NOT NULL UNIQUE,
	created_at BIGINT NOT NULL,
	expires_at BIGINT NOT NULL,
	revoked_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS web_tokens_user ON web_tokens(user_name, created_at);
`

// OpenPostgresAuth connects to the PostgreSQL database of dsn (a URL or key=value string,
// as pgx parses it) and creates the web_ tables if needed, in one transaction under an
// advisory lock, so that several instances starting at once do not race. Its errors never
// carry the DSN, which may hold a password.
func OpenPostgresAuth(ctx context.Context, dsn string) (*PostgresAuth, error) {
	if strings.TrimSpace(dsn) == "" {
		return nil, nhi.Errorf(nhi.CodeInvalid, "web: empty database DSN")
	}
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, nhi.Errorf(nhi.CodeInvalid, "web: the database DSN cannot be parsed")
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, pgWrap(ctx, "open", err)
	}
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, authLock); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, pgAuthSchema)
		return err
	})
	if err != nil {
		pool.Close()
		return nil, pgWrap(ctx, "create tables", err)
	}
	return &PostgresAuth{pool: pool}, nil
}

// Close closes the pool's connections.
func (a *PostgresAuth) Close() error {
	a.pool.Close()
	return nil
}

// pgWrap prefixes a driver error with the operation that failed, wrapping ctx's error too
// when ctx is done. Connection and DSN errors are copied as text, not wrapped: they hold
// the parsed configuration, password included, for anyone who unwraps them.
func pgWrap(ctx context.Context, op string, err error) error {
	var ce *pgconn.ConnectError
	var pe *pgconn.ParseConfigError
	if errors.As(err, &ce) || errors.As(err, &pe) {
		err = errors.New(err.Error())
	}
	if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
		return fmt.Errorf("web: %s: %w: %w", op, ctxErr, err)
	}
	return fmt.Errorf("web: %s: %w", op, err)
}

// pgCode returns the SQLSTATE of err, or "".
func pgCode(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

// The SQLSTATEs PostgresAuth maps to nhi codes.
const (
	pgUniqueViolation     = "23505"
	pgForeignKeyViolation = "23503"
)

// pgInsertError maps the failure of an insert of what: a duplicate is CodeConflict, a
// missing user CodeNotFound.
func pgInsertError(ctx context.Context, what string, err error) error {
	switch pgCode(err) {
	case pgUniqueViolation:
		return nhi.WrapError(nhi.CodeConflict, err, what+" already exists")
	case pgForeignKeyViolation:
		return nhi.WrapError(nhi.CodeNotFound, err, "no such user")
	}
	return pgWrap(ctx, "create "+what, err)
}

// CreateUser implements AuthStore.
func (a *PostgresAuth) CreateUser(ctx context.Context, u User, passwordHash string) error {
	tag, err := a.pool.Exec(ctx, `INSERT INTO web_users (name, email, role, source, password_hash, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (name) DO NOTHING`,
		u.Name, u.Email, string(u.Role), u.Source, passwordHash, u.CreatedAt.UnixMilli())
	if err != nil {
		return pgWrap(ctx, "create user", err)
	}
	if tag.RowsAffected() == 0 {
		return nhi.Errorf(nhi.CodeConflict, "user %q already exists", u.Name)
	}
	return nil
}

// SaveUser implements AuthStore.
func (a *PostgresAuth) SaveUser(ctx context.Context, u User) error {
	tag, err := a.pool.Exec(ctx, `INSERT INTO web_users (name, email, role, source, created_at)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT (name) DO UPDATE SET email = excluded.email, role = excluded.role
		WHERE web_users.source = excluded.source`,
		u.Name, u.Email, string(u.Role), u.Source, u.CreatedAt.UnixMilli())
	if err != nil {
		return pgWrap(ctx, "save user", err)
	}
	if tag.RowsAffected() == 0 {
		return nhi.Errorf(nhi.CodeConflict, "user %q exists with another sign-in method", u.Name)
	}
	return nil
}

// User implements AuthStore.
func (a *PostgresAuth) User(ctx context.Context, name string) (User, string, error) {
	var hash string
	u, err := scanUser(a.pool.QueryRow(ctx, `SELECT `+userColumns+`, u.password_hash FROM web_users u WHERE u.name = $1`, name), &hash)
	if errors.Is(err, pgx.ErrNoRows) {
		return User{}, "", nhi.Errorf(nhi.CodeNotFound, "no such user")
	}
	if err != nil {
		return User{}, "", pgWrap(ctx, "user", err)
	}
	return u, hash, nil
}

// ListUsers implements AuthStore.
func (a *PostgresAuth) ListUsers(ctx context.Context) ([]User, error) {
	rows, err := a.pool.Query(ctx, `SELECT `+userColumns+` FROM web_users u ORDER BY u.name`)
	if err != nil {
		return nil, pgWrap(ctx, "list users", err)
	}
	defer rows.Close()
	out := []User{}
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, pgWrap(ctx, "list users", err)
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, pgWrap(ctx, "list users", err)
	}
	return out, nil
}

// CountUsers implements AuthStore.
func (a *PostgresAuth) CountUsers(ctx context.Context) (int, error) {
	var n int
	if err := a.pool.QueryRow(ctx, `SELECT count(*) FROM web_users`).Scan(&n); err != nil {
		return 0, pgWrap(ctx, "count users", err)
	}
	return n, nil
}

// CreateSession implements AuthStore.
func (a *PostgresAuth) CreateSession(ctx context.Context, s Session) error {
	_, err := a.pool.Exec(ctx, `INSERT INTO web_sessions (id_hash, user_name, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)`,
		s.IDHash, s.User, s.CSRF, s.CreatedAt.UnixMilli(), s.ExpiresAt.UnixMilli())
	if err != nil {
		return pgInsertError(ctx, "session", err)
	}
	// Expired sessions are of no use to anyone: drop them while we are writing.
	if _, err := a.pool.Exec(ctx, `DELETE FROM web_sessions WHERE expires_at < $1`, s.CreatedAt.UnixMilli()); err != nil {
		return pgWrap(ctx, "prune sessions", err)
	}
	return nil
}

// Session implements AuthStore.
func (a *PostgresAuth) Session(ctx context.Context, idHash string) (Session, User, error) {
	s := Session{IDHash: idHash}
	var created, expires int64
	u, err := scanUser(a.pool.QueryRow(ctx, `SELECT `+userColumns+`, s.csrf, s.created_at, s.expires_at
		FROM web_sessions s JOIN web_users u ON u.name = s.user_name WHERE s.id_hash = $1`, idHash),
		&s.CSRF, &created, &expires)
	if errors.Is(err, pgx.ErrNoRows) {
		return Session{}, User{}, nhi.Errorf(nhi.CodeNotFound, "no such session")
	}
	if err != nil {
		return Session{}, User{}, pgWrap(ctx, "session", err)
	}
	s.User, s.CreatedAt, s.ExpiresAt = u.Name, time.UnixMilli(created).UTC(), time.UnixMilli(expires).UTC()
	return s, u, nil
}

// DeleteSession implements AuthStore.
func (a *PostgresAuth) DeleteSession(ctx context.Context, idHash string) error {
	if _, err := a.pool.Exec(ctx, `DELETE FROM web_sessions WHERE id_hash = $1`, idHash); err != nil {
		return pgWrap(ctx, "delete session", err)
	}
	return nil
}

// CreateToken implements AuthStore.
func (a *PostgresAuth) CreateToken(ctx context.Context, t Token, secretHash string) error {
	_, err := a.pool.Exec(ctx, `INSERT INTO web_tokens (id, name, user_name, scopes, secret_hash, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, t.ID, t.Name, t.User, strings.Join(t.Scopes, " "), secretHash,
		t.CreatedAt.UnixMilli(), t.ExpiresAt.UnixMilli())
	if err != nil {
		return pgInsertError(ctx, "token", err)
	}
	return nil
}

// TokenByHash implements AuthStore.
func (a *PostgresAuth) TokenByHash(ctx context.Context, secretHash string) (Token, User, error) {
	var u User
	var role string
	var created int64
	t, err := scanToken(a.pool.QueryRow(ctx, `SELECT `+tokenColumns+`, u.name, u.email, u.role, u.source, u.created_at
		FROM web_tokens t JOIN web_users u ON u.name = t.user_name WHERE t.secret_hash = $1`, secretHash),
		&u.Name, &u.Email, &role, &u.Source, &created)
	if errors.Is(err, pgx.ErrNoRows) {
		return Token{}, User{}, nhi.Errorf(nhi.CodeNotFound, "no such token")
	}
	if err != nil {
		return Token{}, User{}, pgWrap(ctx, "token", err)
	}
	u.Role, u.CreatedAt = Role(role), time.UnixMilli(created).UTC()
	return t, u, nil
}

// ListTokens implements AuthStore.
func (a *PostgresAuth) ListTokens(ctx context.Context, user string) ([]Token, error) {
	rows, err := a.pool.Query(ctx, `SELECT `+tokenColumns+` FROM web_tokens t
		WHERE $1::text = '' OR t.user_name = $1 ORDER BY t.created_at DESC, t.id`, user)
	if err != nil {
		return nil, pgWrap(ctx, "list tokens", err)
	}
	defer rows.Close()
	out := []Token{}
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, pgWrap(ctx, "list tokens", err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, pgWrap(ctx, "list tokens", err)
	}
	return out, nil
}

// RevokeToken implements AuthStore. A token revoked before keeps its first revocation
// time.
func (a *PostgresAuth) RevokeToken(ctx context.Context, id string, at time.Time) (Token, error) {
	t, err := scanToken(a.pool.QueryRow(ctx, `UPDATE web_tokens t SET revoked_at = CASE WHEN t.revoked_at = 0 THEN $1 ELSE t.revoked_at END
		WHERE t.id = $2 RETURNING `+tokenColumns, at.UnixMilli(), id))
	if errors.Is(err, pgx.ErrNoRows) {
		return Token{}, nhi.Errorf(nhi.CodeNotFound, "no token %q", id)
	}
	if err != nil {
		return Token{}, pgWrap(ctx, "revoke token", err)
	}
	return t, nil
}
