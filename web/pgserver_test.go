package web_test

import (
	"testing"

	"github.com/nhiscope/nhi/internal/pgtest"
)

// The PostgresAuth tests run against a throwaway PostgreSQL server (package pgtest),
// started by the first test that needs it; each gets an empty database of its own, so
// tests run in parallel. TestMain calls stopPostgres.
var pg pgtest.Lazy

// postgresDSN returns the DSN of a new, empty database for tb. It skips tb when there is
// no PostgreSQL, unless NHI_REQUIRE_POSTGRES=1.
func postgresDSN(tb testing.TB) string {
	tb.Helper()
	return pg.DSN(tb)
}

// stopPostgres stops the server if a test started it.
func stopPostgres() { pg.Stop() }
