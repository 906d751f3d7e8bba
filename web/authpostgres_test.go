package web_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/web"
)

// TestOpenPostgresAuthConcurrently opens the tables from many instances at once on one
// new database: the advisory lock lets one create them while the others wait, and every
// instance then sees what another wrote.
func TestOpenPostgresAuthConcurrently(t *testing.T) {
	t.Parallel()
	dsn := postgresDSN(t)
	const n = 8
	stores := make([]*web.PostgresAuth, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { stores[i], errs[i] = web.OpenPostgresAuth(t.Context(), dsn) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("instance %d: %v", i, err)
		}
		t.Cleanup(func() { _ = stores[i].Close() })
	}
	u := web.User{Name: "carol", Role: web.RoleViewer, Source: web.SourceLocal, CreatedAt: at(0)}
	if err := stores[0].CreateUser(t.Context(), u, "h"); err != nil {
		t.Fatal(err)
	}
	if got, _, err := stores[n-1].User(t.Context(), "carol"); err != nil || got.Name != "carol" {
		t.Errorf("another instance reads %+v, %v", got, err)
	}
	conn, err := pgx.Connect(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var tables int
	err = conn.QueryRow(t.Context(), `SELECT count(*) FROM pg_tables WHERE tablename IN ('web_users', 'web_sessions', 'web_tokens')`).Scan(&tables)
	if err != nil || tables != 3 {
		t.Errorf("%d web_ tables, %v; want 3", tables, err)
	}
}

// TestOpenPostgresAuthErrors refuses an empty or unparsable DSN and reports a server it
// cannot reach, never repeating the DSN's password.
func TestOpenPostgresAuthErrors(t *testing.T) {
	t.Parallel()
	dsn := postgresDSN(t) // the socket directory of a live server, so that only the password is wrong
	const secret = "pa55-w0rd-XYZ"
	for _, tc := range []struct {
		name, dsn string
		code      nhi.Code
	}{
		{"empty", " ", nhi.CodeInvalid},
		{"unparsable", "postgres://nhi:" + secret + "@localhost:notaport/db", nhi.CodeInvalid},
		{"no such socket", "postgres://nhi:" + secret + "@/db?host=/nonexistent/nhi&connect_timeout=5", nhi.CodeInternal},
		{"no such database", strings.Replace(dsn, "dbname=", "password="+secret+" dbname=missing_", 1), nhi.CodeInternal},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a, err := web.OpenPostgresAuth(t.Context(), tc.dsn)
			if err == nil {
				_ = a.Close()
				t.Fatal("opened")
			}
			if got := nhi.ErrorCode(err); got != tc.code {
				t.Errorf("code %q, want %q: %v", got, tc.code, err)
			}
			if strings.Contains(err.Error(), secret) || strings.Contains(nhi.ErrorMessage(err), secret) {
				t.Errorf("the error repeats the password: %v", err)
			}
			var ce *pgconn.ConnectError
			var pe *pgconn.ParseConfigError
			if errors.As(err, &ce) || errors.As(err, &pe) {
				t.Errorf("the error wraps the parsed configuration, password included: %v", err)
			}
		})
	}
}
