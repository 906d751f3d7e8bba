package web_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/web"
)

// authBackend is one AuthStore implementation, opened afresh for each test.
type authBackend struct {
	name string
	// open returns an empty store, closed when t ends.
	open func(t *testing.T) web.AuthStore
	// dump returns every value of every row of one web_ table, as text.
	dump func(t *testing.T, table string) string
}

// authBackends returns the AuthStore implementations every test of this file runs on.
func authBackends() []authBackend {
	return []authBackend{sqliteBackend(), postgresBackend()}
}

// sqliteBackend opens SQLiteAuth on a file in a temporary directory.
func sqliteBackend() authBackend {
	var path string
	return authBackend{name: "sqlite",
		open: func(t *testing.T) web.AuthStore {
			path = filepath.Join(t.TempDir(), "auth.db")
			a, err := web.OpenSQLiteAuth(t.Context(), path)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = a.Close() })
			return a
		},
		dump: func(t *testing.T, table string) string {
			db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			rows, err := db.Query(`SELECT * FROM ` + table)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			cols, _ := rows.Columns()
			var b strings.Builder
			for rows.Next() {
				vals := make([]any, len(cols))
				ptrs := make([]any, len(cols))
				for i := range vals {
					ptrs[i] = &vals[i]
				}
				if err := rows.Scan(ptrs...); err != nil {
					t.Fatal(err)
				}
				fmt.Fprintf(&b, "%s\n", vals)
			}
			return b.String()
		}}
}

// postgresBackend opens PostgresAuth on a new database of the test server.
func postgresBackend() authBackend {
	var dsn string
	return authBackend{name: "postgres",
		open: func(t *testing.T) web.AuthStore {
			dsn = postgresDSN(t)
			a, err := web.OpenPostgresAuth(t.Context(), dsn)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = a.Close() })
			return a
		},
		dump: func(t *testing.T, table string) string {
			conn, err := pgx.Connect(t.Context(), dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close(context.Background())
			rows, err := conn.Query(t.Context(), `SELECT * FROM `+table)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var b strings.Builder
			for rows.Next() {
				vals, err := rows.Values()
				if err != nil {
					t.Fatal(err)
				}
				fmt.Fprintf(&b, "%s\n", vals)
			}
			return b.String()
		}}
}

// forEachBackend runs test on each implementation, in parallel.
func forEachBackend(t *testing.T, test func(t *testing.T, b authBackend, a web.AuthStore)) {
	t.Helper()
	for _, b := range authBackends() {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			test(t, b, b.open(t))
		})
	}
}

// at returns a time n seconds into a fixed day, at the stores' millisecond precision.
func at(n int) time.Time {
	return time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC).Add(time.Duration(n) * time.Second)
}

// wantCode fails t unless err carries code.
func wantCode(t *testing.T, what string, err error, code nhi.Code) {
	t.Helper()
	if got := nhi.ErrorCode(err); got != code {
		t.Errorf("%s: %v (code %q), want code %q", what, err, got, code)
	}
}

// TestAuthStoreUsers creates local and single sign-on users, refuses duplicates and a
// single sign-on save over a local user, and lists users by name, byte-wise.
func TestAuthStoreUsers(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, _ authBackend, a web.AuthStore) {
		ctx := t.Context()
		alice := web.User{Name: "alice", Email: "alice@example.com", Role: web.RoleAdmin, Source: web.SourceLocal, CreatedAt: at(1)}
		if err := a.CreateUser(ctx, alice, "$argon2id$hash"); err != nil {
			t.Fatal(err)
		}
		dup := alice
		dup.Role = web.RoleViewer
		wantCode(t, "a second alice", a.CreateUser(ctx, dup, "other"), nhi.CodeConflict)
		sso := web.User{Name: "Zed", Email: "zed@example.com", Role: web.RoleViewer, Source: web.SourceOIDC, CreatedAt: at(2)}
		if err := a.SaveUser(ctx, sso); err != nil {
			t.Fatal(err)
		}
		sso.Role, sso.Email = web.RoleApprover, "zed@corp.example.com"
		if err := a.SaveUser(ctx, web.User{Name: "Zed", Email: sso.Email, Role: sso.Role, Source: web.SourceOIDC, CreatedAt: at(9)}); err != nil {
			t.Fatalf("SaveUser updating Zed: %v", err)
		}
		wantCode(t, "single sign-on over a local user", a.SaveUser(ctx, web.User{Name: "alice", Role: web.RoleViewer, Source: web.SourceOIDC}), nhi.CodeConflict)
		u, hash, err := a.User(ctx, "alice")
		if err != nil || hash != "$argon2id$hash" {
			t.Fatalf("User(alice) = %+v %q, %v", u, hash, err)
		}
		if diff := cmp.Diff(alice, u); diff != "" {
			t.Errorf("alice changed (-want +got):\n%s", diff)
		}
		if _, hash, err := a.User(ctx, "Zed"); err != nil || hash != "" {
			t.Errorf("User(Zed) hash %q, %v; want no password", hash, err)
		}
		_, _, err = a.User(ctx, "nobody")
		wantCode(t, "User(nobody)", err, nhi.CodeNotFound)
		list, err := a.ListUsers(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]web.User{sso, alice}, list); diff != "" {
			t.Errorf("ListUsers (-want +got):\n%s", diff)
		}
		if n, err := a.CountUsers(ctx); err != nil || n != 2 {
			t.Errorf("CountUsers = %d, %v; want 2", n, err)
		}
	})
}

// TestAuthStoreSessions stores, reads and deletes sessions, prunes expired ones on each
// new session, and refuses a duplicate or a session of a missing user.
func TestAuthStoreSessions(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, _ authBackend, a web.AuthStore) {
		ctx := t.Context()
		bob := web.User{Name: "bob", Role: web.RoleAnalyst, Source: web.SourceLocal, CreatedAt: at(0)}
		if err := a.CreateUser(ctx, bob, "h"); err != nil {
			t.Fatal(err)
		}
		old := web.Session{IDHash: "old", User: "bob", CSRF: "c0", CreatedAt: at(0), ExpiresAt: at(60)}
		cur := web.Session{IDHash: "cur", User: "bob", CSRF: "c1", CreatedAt: at(61), ExpiresAt: at(3600)}
		for _, s := range []web.Session{old, cur} {
			if err := a.CreateSession(ctx, s); err != nil {
				t.Fatal(err)
			}
		}
		_, _, err := a.Session(ctx, "old")
		wantCode(t, "an expired session after a new one", err, nhi.CodeNotFound)
		s, u, err := a.Session(ctx, "cur")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(cur, s); diff != "" {
			t.Errorf("Session (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(bob, u); diff != "" {
			t.Errorf("session user (-want +got):\n%s", diff)
		}
		wantCode(t, "a duplicate session", a.CreateSession(ctx, cur), nhi.CodeConflict)
		ghost := web.Session{IDHash: "ghost", User: "ghost", CSRF: "c", CreatedAt: at(62), ExpiresAt: at(99)}
		wantCode(t, "a session of a missing user", a.CreateSession(ctx, ghost), nhi.CodeNotFound)
		for range 2 { // deleting a missing session is not an error
			if err := a.DeleteSession(ctx, "cur"); err != nil {
				t.Fatalf("DeleteSession: %v", err)
			}
		}
		_, _, err = a.Session(ctx, "cur")
		wantCode(t, "a deleted session", err, nhi.CodeNotFound)
	})
}

// TestAuthStoreTokens stores tokens by the hash of their secret, lists them newest first,
// revokes them once, and refuses duplicates and tokens of missing users.
func TestAuthStoreTokens(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, _ authBackend, a web.AuthStore) {
		ctx := t.Context()
		for _, name := range []string{"ann", "ben"} {
			if err := a.CreateUser(ctx, web.User{Name: name, Role: web.RoleApprover, Source: web.SourceLocal, CreatedAt: at(0)}, "h"); err != nil {
				t.Fatal(err)
			}
		}
		toks := []web.Token{
			{ID: "t1", Name: "ci", User: "ann", Scopes: []string{"read"}, CreatedAt: at(10), ExpiresAt: at(1000)},
			{ID: "t2", Name: "deploy", User: "ann", Scopes: []string{"read", "write"}, CreatedAt: at(20), ExpiresAt: at(1000)},
			{ID: "t3", Name: "bot", User: "ben", Scopes: []string{"read", "approve"}, CreatedAt: at(15), ExpiresAt: at(1000)},
		}
		for _, tok := range toks {
			if err := a.CreateToken(ctx, tok, "hash-"+tok.ID); err != nil {
				t.Fatal(err)
			}
		}
		dup := web.Token{ID: "t4", Name: "x", User: "ann", Scopes: []string{"read"}, CreatedAt: at(30), ExpiresAt: at(90)}
		wantCode(t, "a reused secret hash", a.CreateToken(ctx, dup, "hash-t1"), nhi.CodeConflict)
		wantCode(t, "a reused ID", a.CreateToken(ctx, toks[0], "hash-new"), nhi.CodeConflict)
		dup.User = "ghost"
		wantCode(t, "a token of a missing user", a.CreateToken(ctx, dup, "hash-t4"), nhi.CodeNotFound)
		tok, owner, err := a.TokenByHash(ctx, "hash-t3")
		if err != nil || owner.Name != "ben" || owner.Role != web.RoleApprover {
			t.Fatalf("TokenByHash = %+v %+v, %v", tok, owner, err)
		}
		if diff := cmp.Diff(toks[2], tok); diff != "" {
			t.Errorf("TokenByHash (-want +got):\n%s", diff)
		}
		_, _, err = a.TokenByHash(ctx, "t3") // the ID is not the secret
		wantCode(t, "TokenByHash of an unknown hash", err, nhi.CodeNotFound)
		for user, want := range map[string][]web.Token{"ann": {toks[1], toks[0]}, "": {toks[1], toks[2], toks[0]}, "nobody": {}} {
			got, err := a.ListTokens(ctx, user)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("ListTokens(%q) (-want +got):\n%s", user, diff)
			}
		}
		for _, when := range []time.Time{at(100), at(200)} { // the first revocation stands
			got, err := a.RevokeToken(ctx, "t1", when)
			if err != nil || !got.RevokedAt.Equal(at(100)) {
				t.Errorf("RevokeToken at %v = revoked %v, %v; want %v", when, got.RevokedAt, err, at(100))
			}
		}
		if tok, _, err := a.TokenByHash(ctx, "hash-t1"); err != nil || !tok.RevokedAt.Equal(at(100)) {
			t.Errorf("revoked token = %+v, %v", tok, err)
		}
		_, err = a.RevokeToken(ctx, "t9", at(100))
		wantCode(t, "revoking a missing token", err, nhi.CodeNotFound)
	})
}
