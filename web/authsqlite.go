package web

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"modernc.org/sqlite" // also registers the "sqlite" database/sql driver
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/nhiscope/nhi"
)

// SQLiteAuth is the AuthStore nhi ships: tables prefixed web_ in a SQLite file, normally
// the inventory's own file (the store never touches these tables).
type SQLiteAuth struct {
	db *sql.DB
}

var _ AuthStore = (*SQLiteAuth)(nil)

// authSchema creates the tables of SQLiteAuth; every statement is idempotent.
const authSchema = `
CREATE TABLE IF NOT EXISTS web_users (
	name TEXT PRIMARY KEY,
	email TEXT NOT NULL DEFAULT '',
	role TEXT NOT NULL,
	source TEXT NOT NULL,
	password_hash TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS web_sessions (
	id_hash TEXT PRIMARY KEY,
	user_name TEXT NOT NULL REFERENCES web_users(name) ON DELETE CASCADE,
	csrf TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS web_sessions_expiry ON web_sessions(expires_at);
CREATE TABLE IF NOT EXISTS web_tokens (
	id TEXT PRIMARY KEY,
	name TEXT NOT NULL,
	user_name TEXT NOT NULL REFERENCES web_users(name) ON DELETE CASCADE,
	scopes TEXT NOT NULL,
	secret_hash TEXT NOT NULL UNIQUE,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL,
	revoked_at INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS web_tokens_user ON web_tokens(user_name, created_at);
`

// OpenSQLiteAuth opens (creating if needed) the web_ tables in the SQLite file at path.
// It may be the inventory's file: its own connections wait for the store's write lock.
func OpenSQLiteAuth(ctx context.Context, path string) (*SQLiteAuth, error) {
	if path == "" {
		return nil, nhi.Errorf(nhi.CodeInvalid, "web: empty database path")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("web: open %s: %w", path, err)
	}
	q := url.Values{}
	for _, p := range []string{"busy_timeout(30000)", "foreign_keys(1)", "journal_mode(WAL)", "synchronous(NORMAL)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(abs), RawQuery: q.Encode()}
	db, err := sql.Open("sqlite", u.String())
	if err != nil {
		return nil, fmt.Errorf("web: open %s: %w", path, err)
	}
	db.SetMaxOpenConns(4)
	if _, err := db.ExecContext(ctx, authSchema); err != nil {
		return nil, errors.Join(fmt.Errorf("web: create tables in %s: %w", path, err), db.Close())
	}
	return &SQLiteAuth{db: db}, nil
}

// Close closes the database handle.
func (a *SQLiteAuth) Close() error { return a.db.Close() }

// sqliteInsertError maps the failure of an insert of what: a duplicate is CodeConflict, a
// missing user CodeNotFound, as PostgresAuth does.
func sqliteInsertError(what string, err error) error {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY, sqlite3.SQLITE_CONSTRAINT_UNIQUE:
			return nhi.WrapError(nhi.CodeConflict, err, what+" already exists")
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return nhi.WrapError(nhi.CodeNotFound, err, "no such user")
		}
	}
	return fmt.Errorf("web: create %s: %w", what, err)
}

// CreateUser implements AuthStore.
func (a *SQLiteAuth) CreateUser(ctx context.Context, u User, passwordHash string) error {
	res, err := a.db.ExecContext(ctx, `INSERT INTO web_users (name, email, role, source, password_hash, created_at)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING`,
		u.Name, u.Email, string(u.Role), u.Source, passwordHash, u.CreatedAt.UnixMilli())
	if err != nil {
		return fmt.Errorf("web: create user: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nhi.Errorf(nhi.CodeConflict, "user %q already exists", u.Name)
	}
	return nil
}

// SaveUser implements AuthStore.
func (a *SQLiteAuth) SaveUser(ctx context.Context, u User) error {
	res, err := a.db.ExecContext(ctx, `INSERT INTO web_users (name, email, role, source, created_at)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET email = excluded.email, role = excluded.role
		WHERE web_users.source = excluded.source`,
		u.Name, u.Email, string(u.Role), u.Source, u.CreatedAt.UnixMilli())
	if err != nil {
		return fmt.Errorf("web: save user: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nhi.Errorf(nhi.CodeConflict, "user %q exists with another sign-in method", u.Name)
	}
	return nil
}

const userColumns = `u.name, u.email, u.role, u.source, u.created_at`

func scanUser(sc interface{ Scan(...any) error }, extra ...any) (User, error) {
	var u User
	var role string
	var created int64
	err := sc.Scan(append([]any{&u.Name, &u.Email, &role, &u.Source, &created}, extra...)...)
	u.Role, u.CreatedAt = Role(role), time.UnixMilli(created).UTC()
	return u, err
}

// User implements AuthStore.
func (a *SQLiteAuth) User(ctx context.Context, name string) (User, string, error) {
	var hash string
	u, err := scanUser(a.db.QueryRowContext(ctx, `SELECT `+userColumns+`, u.password_hash FROM web_users u WHERE u.name = ?`, name), &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, "", nhi.Errorf(nhi.CodeNotFound, "no such user")
	}
	if err != nil {
		return User{}, "", fmt.Errorf("web: user: %w", err)
	}
	return u, hash, nil
}

// ListUsers implements AuthStore.
func (a *SQLiteAuth) ListUsers(ctx context.Context) ([]User, error) {
	rows, err := a.db.QueryContext(ctx, `SELECT `+userColumns+` FROM web_users u ORDER BY u.name`)
	if err != nil {
		return nil, fmt.Errorf("web: list users: %w", err)
	}
	defer rows.Close()
	out := []User{}
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("web: list users: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// CountUsers implements AuthStore.
func (a *SQLiteAuth) CountUsers(ctx context.Context) (int, error) {
	var n int
	if err := a.db.QueryRowContext(ctx, `SELECT count(*) FROM web_users`).Scan(&n); err != nil {
		return 0, fmt.Errorf("web: count users: %w", err)
	}
	return n, nil
}

// CreateSession implements AuthStore.
func (a *SQLiteAuth) CreateSession(ctx context.Context, s Session) error {
	_, err := a.db.ExecContext(ctx, `INSERT INTO web_sessions (id_hash, user_name, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
		s.IDHash, s.User, s.CSRF, s.CreatedAt.UnixMilli(), s.ExpiresAt.UnixMilli())
	if err != nil {
		return sqliteInsertError("session", err)
	}
	// Expired sessions are of no use to anyone: drop them while we are writing.
	_, err = a.db.ExecContext(ctx, `DELETE FROM web_sessions WHERE expires_at < ?`, s.CreatedAt.UnixMilli())
	if err != nil {
		return fmt.Errorf("web: prune sessions: %w", err)
	}
	return nil
}

// Session implements AuthStore.
func (a *SQLiteAuth) Session(ctx context.Context, idHash string) (Session, User, error) {
	s := Session{IDHash: idHash}
	var created, expires int64
	u, err := scanUser(a.db.QueryRowContext(ctx, `SELECT `+userColumns+`, s.csrf, s.created_at, s.expires_at
		FROM web_sessions s JOIN web_users u ON u.name = s.user_name WHERE s.id_hash = ?`, idHash),
		&s.CSRF, &created, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, User{}, nhi.Errorf(nhi.CodeNotFound, "no such session")
	}
	if err != nil {
		return Session{}, User{}, fmt.Errorf("web: session: %w", err)
	}
	s.User, s.CreatedAt, s.ExpiresAt = u.Name, time.UnixMilli(created).UTC(), time.UnixMilli(expires).UTC()
	return s, u, nil
}

// DeleteSession implements AuthStore.
func (a *SQLiteAuth) DeleteSession(ctx context.Context, idHash string) error {
	if _, err := a.db.ExecContext(ctx, `DELETE FROM web_sessions WHERE id_hash = ?`, idHash); err != nil {
		return fmt.Errorf("web: delete session: %w", err)
	}
	return nil
}

// CreateToken implements AuthStore.
func (a *SQLiteAuth) CreateToken(ctx context.Context, t Token, secretHash string) error {
	_, err := a.db.ExecContext(ctx, `INSERT INTO web_tokens (id, name, user_name, scopes, secret_hash, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, t.ID, t.Name, t.User, strings.Join(t.Scopes, " "), secretHash,
		t.CreatedAt.UnixMilli(), t.ExpiresAt.UnixMilli())
	if err != nil {
		return sqliteInsertError("token", err)
	}
	return nil
}

const tokenColumns = `t.id, t.name, t.user_name, t.scopes, t.created_at, t.expires_at, t.revoked_at`

func scanToken(sc interface{ Scan(...any) error }, extra ...any) (Token, error) {
	var t Token
	var scopes string
	var created, expires, revoked int64
	err := sc.Scan(append([]any{&t.ID, &t.Name, &t.User, &scopes, &created, &expires, &revoked}, extra...)...)
	t.Scopes = strings.Fields(scopes)
	t.CreatedAt, t.ExpiresAt = time.UnixMilli(created).UTC(), time.UnixMilli(expires).UTC()
	if revoked != 0 {
		t.RevokedAt = time.UnixMilli(revoked).UTC()
	}
	return t, err
}

// TokenByHash implements AuthStore.
func (a *SQLiteAuth) TokenByHash(ctx context.Context, secretHash string) (Token, User, error) {
	var u User
	var role string
	var created int64
	t, err := scanToken(a.db.QueryRowContext(ctx, `SELECT `+tokenColumns+`, u.name, u.email, u.role, u.source, u.created_at
		FROM web_tokens t JOIN web_users u ON u.name = t.user_name WHERE t.secret_hash = ?`, secretHash),
		&u.Name, &u.Email, &role, &u.Source, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return Token{}, User{}, nhi.Errorf(nhi.CodeNotFound, "no such token")
	}
	if err != nil {
		return Token{}, User{}, fmt.Errorf("web: token: %w", err)
	}
	u.Role, u.CreatedAt = Role(role), time.UnixMilli(created).UTC()
	return t, u, nil
}

// ListTokens implements AuthStore.
func (a *SQLiteAuth) ListTokens(ctx context.Context, user string) ([]Token, error) {
	rows, err := a.db.QueryContext(ctx, `SELECT `+tokenColumns+` FROM web_tokens t
		WHERE ? = '' OR t.user_name = ? ORDER BY t.created_at DESC, t.id`, user, user)
	if err != nil {
		return nil, fmt.Errorf("web: list tokens: %w", err)
	}
	defer rows.Close()
	out := []Token{}
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, fmt.Errorf("web: list tokens: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeToken implements AuthStore.
func (a *SQLiteAuth) RevokeToken(ctx context.Context, id string, at time.Time) (Token, error) {
	_, err := a.db.ExecContext(ctx, `UPDATE web_tokens SET revoked_at = ? WHERE id = ? AND revoked_at = 0`, at.UnixMilli(), id)
	if err != nil {
		return Token{}, fmt.Errorf("web: revoke token: %w", err)
	}
	t, err := scanToken(a.db.QueryRowContext(ctx, `SELECT `+tokenColumns+` FROM web_tokens t WHERE t.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Token{}, nhi.Errorf(nhi.CodeNotFound, "no token %q", id)
	}
	if err != nil {
		return Token{}, fmt.Errorf("web: revoke token: %w", err)
	}
	return t, nil
}
