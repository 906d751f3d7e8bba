package postgres

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// The tests of this package run against a throwaway PostgreSQL server that TestMain
// starts and stops:
//
//   - initdb (-A trust -U nhi --no-sync -E UTF8) writes a cluster into a new temporary
//     directory, and postgres serves it on a Unix socket in that directory only
//     (listen_addresses is empty), with fsync, synchronous_commit and full_page_writes
//     off: the data is thrown away anyway.
//   - initdb and postgres refuse to run as root. When the tests run as root, both run as
//     the user "nobody" (or the user NHI_POSTGRES_USER names), through the credential of
//     os/exec (setuid and setgid in the child, no supplementary groups), which needs no
//     su, setpriv or runuser and no PAM. The temporary directory is made world-traversable
//     and the cluster directory is given to that user; every directory above the
//     temporary one (os.TempDir) must be traversable by it, as /tmp is.
//   - Each test gets a database of its own, so tests run in parallel: a copy of a template
//     database migrated once (newDatabase), or an empty one (newEmptyDatabase) for the
//     tests of migrations.
//   - When initdb or postgres is not on PATH, the tests skip with a message, unless
//     NHI_REQUIRE_POSTGRES=1, in which case TestMain fails.

// pg is the server of the package's tests.
var pg struct {
	admin *pgxpool.Pool // connected to the database "postgres"
	host  string        // the socket directory
	port  int
	skip  string // why the tests skip, when there is no server
	n     atomic.Int64
}

func TestMain(m *testing.M) {
	flag.Parse()
	os.Exit(runTests(m))
}

// runTests starts the server, runs the tests and stops the server.
func runTests(m *testing.M) int {
	stop, err := startServer()
	if err != nil {
		if os.Getenv("NHI_REQUIRE_POSTGRES") == "1" || !errors.Is(err, exec.ErrNotFound) {
			fmt.Fprintf(os.Stderr, "postgres tests: %v\n", err)
			return 1
		}
		pg.skip = fmt.Sprintf("no PostgreSQL to test against (%v); set NHI_REQUIRE_POSTGRES=1 to fail instead", err)
	}
	defer stop()
	return m.Run()
}

// startServer initialises and starts the server, and returns the function that stops it
// and removes its files.
func startServer() (stop func(), err error) {
	stop = func() {}
	initdb, err := exec.LookPath("initdb")
	if err != nil {
		return stop, err
	}
	postgres, err := exec.LookPath("postgres")
	if err != nil {
		return stop, err
	}
	dir, err := os.MkdirTemp("", "nhi-pg-")
	if err != nil {
		return stop, err
	}
	stop = func() { _ = os.RemoveAll(dir) }
	data := filepath.Join(dir, "data")
	cred, err := serverCredential(dir, data)
	if err != nil {
		return stop, err
	}
	if out, err := command(cred, initdb, "-D", data, "-A", "trust", "-U", "nhi", "--no-sync", "-E", "UTF8").CombinedOutput(); err != nil {
		return stop, fmt.Errorf("initdb: %w: %s", err, out)
	}
	port, err := freePort()
	if err != nil {
		return stop, err
	}
	cmd := command(cred, postgres, "-D", data, "-k", data, "-c", "listen_addresses=", "-c", "fsync=off",
		"-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=300",
		"-p", strconv.Itoa(port))
	logFile, err := os.Create(filepath.Join(dir, "postgres.log"))
	if err != nil {
		return stop, err
	}
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		return stop, fmt.Errorf("start postgres: %w", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	stop = func() {
		if pg.admin != nil {
			pg.admin.Close()
		}
		_ = cmd.Process.Signal(syscall.SIGINT) // fast shutdown
		select {
		case <-exited:
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
		_ = logFile.Close()
		_ = os.RemoveAll(dir)
	}
	pg.host, pg.port = data, port
	if err := waitReady(exited); err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "postgres.log"))
		return stop, fmt.Errorf("%w\n%s", err, log)
	}
	return stop, migrateTemplate()
}

// template is the database that newDatabase copies: migrated once, so that each test's
// Open finds its schema up to date instead of running every migration again.
const template = "nhi_template"

// migrateTemplate creates and migrates the template database.
func migrateTemplate() error {
	ctx := context.Background()
	if _, err := pg.admin.Exec(ctx, `CREATE DATABASE `+template); err != nil {
		return fmt.Errorf("create template: %w", err)
	}
	db, err := Open(ctx, dsn(template))
	if err != nil {
		return fmt.Errorf("migrate template: %w", err)
	}
	return db.Close() // a template must have no connections while it is copied
}

// serverCredential returns the credential initdb and postgres run with: nil unless the
// tests run as root, else the user "nobody" (or $NHI_POSTGRES_USER), to whom it gives
// data, a new directory under dir.
func serverCredential(dir, data string) (*syscall.Credential, error) {
	if err := os.Mkdir(data, 0o700); err != nil {
		return nil, err
	}
	if os.Geteuid() != 0 {
		return nil, nil
	}
	name := os.Getenv("NHI_POSTGRES_USER")
	if name == "" {
		name = "nobody"
	}
	u, err := user.Lookup(name)
	if err != nil {
		return nil, fmt.Errorf("running as root, and no user to run postgres as: %w", err)
	}
	uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
	gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
	if err := errors.Join(err1, err2); err != nil {
		return nil, fmt.Errorf("user %s: %w", name, err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		return nil, err
	}
	if err := os.Chown(data, int(uid), int(gid)); err != nil {
		return nil, err
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

// command returns the command of name and args, run with cred when it is not nil.
func command(cred *syscall.Credential, name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "LC_ALL=C.UTF-8", "TZ=UTC"}
	if cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	}
	return cmd
}

// freePort returns a TCP port nobody listens on. The server listens on a Unix socket
// only, but the port names the socket.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// waitReady waits until the server accepts connections, and connects pg.admin.
func waitReady(exited <-chan error) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for {
		pool, err := pgxpool.New(ctx, dsn("postgres"))
		if err == nil {
			if err = pool.Ping(ctx); err == nil {
				pg.admin = pool
				return nil
			}
			pool.Close()
		}
		select {
		case werr := <-exited:
			return fmt.Errorf("postgres exited: %v", werr)
		case <-ctx.Done():
			return fmt.Errorf("postgres does not accept connections: %w", err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// dsn returns the DSN of database db on the test server.
func dsn(db string) string {
	return fmt.Sprintf("host=%s port=%d user=nhi dbname=%s", pg.host, pg.port, db)
}

// newDatabase creates a database for tb with the store's schema and no data, and returns
// its DSN. It skips tb when there is no server.
func newDatabase(tb testing.TB) string {
	tb.Helper()
	return createDatabase(tb, template)
}

// newEmptyDatabase creates an empty database for tb, which Open has to migrate, and
// returns its DSN. It skips tb when there is no server.
func newEmptyDatabase(tb testing.TB) string {
	tb.Helper()
	return createDatabase(tb, "template1")
}

// createDatabase creates a copy of database from and returns its DSN.
func createDatabase(tb testing.TB, from string) string {
	tb.Helper()
	if pg.skip != "" {
		tb.Skip(pg.skip)
	}
	name := fmt.Sprintf("nhi_test_%d", pg.n.Add(1))
	if _, err := pg.admin.Exec(context.Background(), `CREATE DATABASE `+name+` TEMPLATE `+from); err != nil {
		tb.Fatalf("create database: %v", err)
	}
	return dsn(name)
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
