// Package pgtest starts a throwaway PostgreSQL server for tests, from the machine's own
// initdb and postgres binaries, and gives each test a database of its own.
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
//   - When initdb or postgres is not on PATH, the tests skip with a message, unless
//     NHI_REQUIRE_POSTGRES=1, in which case Main fails.
//
// It is imported by tests only.
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Server is a running throwaway PostgreSQL server.
type Server struct {
	// Admin is connected to the database "postgres".
	Admin *pgxpool.Pool
	// Host is the socket directory; Port names the socket.
	Host string
	Port int

	skip string
	n    atomic.Int64
	stop func()
}

// Main starts a server, calls setup (if not nil) with it, runs the tests and stops the
// server; TestMain returns its result to os.Exit. The server is in *srv for the tests;
// when there is none, srv's tests skip (NewDatabase says why), or, with
// NHI_REQUIRE_POSTGRES=1, Main fails.
func Main(m *testing.M, srv **Server, setup func(*Server) error) int {
	s, err := Start()
	if err != nil {
		if os.Getenv("NHI_REQUIRE_POSTGRES") == "1" || !errors.Is(err, exec.ErrNotFound) {
			fmt.Fprintf(os.Stderr, "postgres tests: %v\n", err)
			return 1
		}
		s = &Server{skip: fmt.Sprintf("no PostgreSQL to test against (%v); set NHI_REQUIRE_POSTGRES=1 to fail instead", err), stop: func() {}}
	}
	defer s.Stop()
	*srv = s
	if setup != nil && s.skip == "" {
		if err := setup(s); err != nil {
			fmt.Fprintf(os.Stderr, "postgres tests: setup: %v\n", err)
			return 1
		}
	}
	return m.Run()
}

// Start initialises and starts a server.
func Start() (*Server, error) {
	s := &Server{stop: func() {}}
	initdb, err := exec.LookPath("initdb")
	if err != nil {
		return s, err
	}
	postgres, err := exec.LookPath("postgres")
	if err != nil {
		return s, err
	}
	dir, err := os.MkdirTemp("", "nhi-pg-")
	if err != nil {
		return s, err
	}
	s.stop = func() { _ = os.RemoveAll(dir) }
	data := filepath.Join(dir, "data")
	cred, err := serverCredential(dir, data)
	if err != nil {
		return s, err
	}
	if out, err := command(cred, initdb, "-D", data, "-A", "trust", "-U", "nhi", "--no-sync", "-E", "UTF8").CombinedOutput(); err != nil {
		return s, fmt.Errorf("initdb: %w: %s", err, out)
	}
	port, err := freePort()
	if err != nil {
		return s, err
	}
	cmd := command(cred, postgres, "-D", data, "-k", data, "-c", "listen_addresses=", "-c", "fsync=off",
		"-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=300",
		"-p", strconv.Itoa(port))
	logFile, err := os.Create(filepath.Join(dir, "postgres.log"))
	if err != nil {
		return s, err
	}
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		return s, fmt.Errorf("start postgres: %w", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	s.stop = func() {
		if s.Admin != nil {
			s.Admin.Close()
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
	s.Host, s.Port = data, port
	if err := s.waitReady(exited); err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "postgres.log"))
		return s, fmt.Errorf("%w\n%s", err, log)
	}
	return s, nil
}

// Stop stops the server and removes its files.
func (s *Server) Stop() { s.stop() }

// DSN returns the key=value DSN of database db.
func (s *Server) DSN(db string) string {
	return fmt.Sprintf("host=%s port=%d user=nhi dbname=%s", s.Host, s.Port, db)
}

// URL returns the postgres:// URL of database db, the form nhi's --db takes.
func (s *Server) URL(db string) string {
	q := url.Values{"host": {s.Host}, "port": {strconv.Itoa(s.Port)}}
	return "postgres://nhi@/" + db + "?" + q.Encode()
}

// CreateDatabase creates a database named for its order as a copy of from ("template1"
// for an empty one), and returns its name. It skips tb when there is no server.
func (s *Server) CreateDatabase(tb testing.TB, from string) string {
	tb.Helper()
	s.SkipIfNone(tb)
	name := fmt.Sprintf("nhi_test_%d", s.n.Add(1))
	if _, err := s.Admin.Exec(context.Background(), `CREATE DATABASE `+name+` TEMPLATE `+from); err != nil {
		tb.Fatalf("create database: %v", err)
	}
	return name
}

// SkipIfNone skips tb when there is no server.
func (s *Server) SkipIfNone(tb testing.TB) {
	tb.Helper()
	switch {
	case s == nil:
		tb.Skip("no PostgreSQL server")
	case s.skip != "":
		tb.Skip(s.skip)
	}
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

// waitReady waits until the server accepts connections, and connects s.Admin.
func (s *Server) waitReady(exited <-chan error) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for {
		pool, err := pgxpool.New(ctx, s.DSN("postgres"))
		if err == nil {
			if err = pool.Ping(ctx); err == nil {
				s.Admin = pool
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

// Lazy is a server started by the first test that needs one, so that the tests of a
// package that need none do not pay for initdb. Its zero value is ready to use; the
// package's TestMain calls Stop.
type Lazy struct {
	once sync.Once
	srv  *Server
	err  error
}

// URL returns the postgres:// URL of a new, empty database for tb, starting the server on
// first use. It skips tb when there is no PostgreSQL, unless NHI_REQUIRE_POSTGRES=1, in
// which case tb fails.
func (l *Lazy) URL(tb testing.TB) string {
	tb.Helper()
	s := l.server(tb)
	return s.URL(s.CreateDatabase(tb, "template1"))
}

// DSN is URL in key=value form.
func (l *Lazy) DSN(tb testing.TB) string {
	tb.Helper()
	s := l.server(tb)
	return s.DSN(s.CreateDatabase(tb, "template1"))
}

func (l *Lazy) server(tb testing.TB) *Server {
	tb.Helper()
	l.once.Do(func() { l.srv, l.err = Start() })
	if l.err != nil {
		if os.Getenv("NHI_REQUIRE_POSTGRES") == "1" || !errors.Is(l.err, exec.ErrNotFound) {
			tb.Fatalf("postgres: %v", l.err)
		}
		tb.Skipf("no PostgreSQL to test against (%v); set NHI_REQUIRE_POSTGRES=1 to fail instead", l.err)
	}
	return l.srv
}

// Stop stops the server if a test started it, and removes its files.
func (l *Lazy) Stop() {
	if l.srv != nil {
		l.srv.Stop()
	}
}
