package cluster_test

import (
	"context"
	"flag"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/cluster"
	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/internal/pgtest"
	"github.com/nhiscope/nhi/monitor"
	"github.com/nhiscope/nhi/remediate"
	"github.com/nhiscope/nhi/scan"
	"github.com/nhiscope/nhi/store"
	"github.com/nhiscope/nhi/store/postgres"
)

var pg pgtest.Lazy

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	pg.Stop()
	os.Exit(code)
}

// source is a connector that only names itself; scans go through scanner.
type source struct{ name string }

func (s source) Info() connector.Info {
	return connector.Info{Name: s.name, Platform: nhi.PlatformGoogleWorkspace, Tenant: "example.com"}
}

func (source) Discover(context.Context, nhi.Cursor, connector.Reporter) (nhi.Cursor, error) {
	return "", nil
}

// scanner counts the scans it runs, cluster-wide, and how many run at once.
type scanner struct {
	took    time.Duration
	mu      sync.Mutex
	runs    map[string]int
	running atomic.Int32
	most    atomic.Int32
}

func (s *scanner) Run(ctx context.Context, c connector.Connector, _ scan.Options) (nhi.Scan, error) {
	now := s.running.Add(1)
	defer s.running.Add(-1)
	for m := s.most.Load(); now > m && !s.most.CompareAndSwap(m, now); m = s.most.Load() {
	}
	select {
	case <-ctx.Done():
		return nhi.Scan{}, ctx.Err()
	case <-time.After(s.took):
	}
	s.mu.Lock()
	s.runs[c.Info().Name]++
	s.mu.Unlock()
	return nhi.Scan{ID: "s", Connector: c.Info().Name, Status: nhi.ScanSucceeded}, nil
}

func (s *scanner) count(name string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.runs[name]
}

// node starts an instance on dsn whose service schedules scans every hour.
func node(t *testing.T, dsn, id string, sc *scanner) (*cluster.Node, context.CancelFunc) {
	t.Helper()
	db, err := postgres.Open(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return nodeWith(t, dsn, id, db, sc, func(context.Context, string) (*remediate.Executor, error) {
		return &remediate.Executor{Store: db}, nil
	})
}

// nodeWith starts an instance on dsn over db, with executor for its plans.
func nodeWith(t *testing.T, dsn, id string, db store.Store, sc *scanner,
	executor func(context.Context, string) (*remediate.Executor, error)) (*cluster.Node, context.CancelFunc) {
	t.Helper()
	svc := &monitor.Service{Store: db, Scanner: sc, Connectors: []connector.Connector{source{"google"}},
		Schedule: monitor.Schedule{Full: time.Hour, Scan: time.Hour, Events: time.Hour}, Grace: time.Second}
	n, err := cluster.Open(t.Context(), cluster.Config{DSN: dsn, ID: id, Service: svc, Poll: 100 * time.Millisecond,
		Executor: executor})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = n.Run(ctx, time.Second) }()
	t.Cleanup(func() { cancel(); <-done; n.Close() })
	return n, func() { cancel(); <-done }
}

func eventually(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func leaders(ns ...*cluster.Node) (n int, who *cluster.Node) {
	for _, x := range ns {
		if x.Leader() {
			n, who = n+1, x
		}
	}
	return n, who
}

// TestOneLeaderAndFailover checks that of three instances exactly one leads, that the
// schedule it runs queues the first scan once however many instances there are, and
// that when the leader stops another takes over.
func TestOneLeaderAndFailover(t *testing.T) {
	t.Parallel()
	dsn := pg.DSN(t)
	sc := &scanner{took: 200 * time.Millisecond, runs: map[string]int{}}
	a, stopA := node(t, dsn, "a", sc)
	b, stopB := node(t, dsn, "b", sc)
	c, stopC := node(t, dsn, "c", sc)
	eventually(t, "a leader", func() bool { n, _ := leaders(a, b, c); return n == 1 })
	eventually(t, "the first scan", func() bool { return sc.count("google") == 1 })
	_, first := leaders(a, b, c)
	settled(t, dsn) // a scan queued while the first is still recorded running is not queued
	stops := map[*cluster.Node]context.CancelFunc{a: stopA, b: stopB, c: stopC}
	stops[first]()
	rest := []*cluster.Node{}
	for _, x := range []*cluster.Node{a, b, c} {
		if x != first {
			rest = append(rest, x)
		}
	}
	eventually(t, "a new leader", func() bool { n, _ := leaders(rest...); return n == 1 })
	if first.Leader() {
		t.Error("the stopped instance still says it leads")
	}
	// The new leader's schedule queues a scan at once: one more run.
	eventually(t, "the new leader's scan", func() bool { return sc.count("google") == 2 })
	if m := sc.most.Load(); m != 1 {
		t.Errorf("%d scans of one connector ran at once, want 1", m)
	}
}

// TestQueueScanIsUnique checks that a scan queued while another of the same connector
// waits or runs is not queued again, and that one may be queued once it finished.
func TestQueueScanIsUnique(t *testing.T) {
	t.Parallel()
	dsn := pg.DSN(t)
	sc := &scanner{took: 300 * time.Millisecond, runs: map[string]int{}}
	a, _ := node(t, dsn, "a", sc)
	eventually(t, "the first scan", func() bool { return sc.count("google") == 1 })
	ctx := context.Background()
	settled(t, dsn)
	for range 5 {
		if err := a.QueueScan(ctx, "google", true); err != nil {
			t.Fatal(err)
		}
	}
	eventually(t, "the queued scan", func() bool { return sc.count("google") == 2 })
	time.Sleep(500 * time.Millisecond)
	if n := sc.count("google"); n != 2 {
		t.Errorf("five scans queued at once ran %d times, want once", n)
	}
	settled(t, dsn)
	if err := a.QueueScan(ctx, "google", true); err != nil {
		t.Fatal(err)
	}
	eventually(t, "a scan queued after the last finished", func() bool { return sc.count("google") == 3 })
}

// settled waits until River has recorded every job of dsn as finished.
func settled(t *testing.T, dsn string) {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	eventually(t, "the jobs to be recorded finished", func() bool {
		var n int
		err := conn.QueryRow(t.Context(), `SELECT count(*) FROM river_job WHERE state <> 'completed'`).Scan(&n)
		return err == nil && n == 0
	})
}

// TestOpenRefusesBadConfig checks the errors of Open.
func TestOpenRefusesBadConfig(t *testing.T) {
	t.Parallel()
	if _, err := cluster.Open(t.Context(), cluster.Config{DSN: "postgres://x"}); err == nil {
		t.Error("Open without a service: no error")
	}
	svc := &monitor.Service{}
	exec := func(context.Context, string) (*remediate.Executor, error) { return nil, nil }
	_, err := cluster.Open(t.Context(), cluster.Config{DSN: "postgres://nhi:s3cret@host:notaport/db", Service: svc, Executor: exec})
	if nhi.ErrorCode(err) != nhi.CodeInvalid || err == nil || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("unreadable DSN: %v, want invalid without the password", err)
	}
}

// TestFollowersQueueEventsForTheLeader checks that events pushed to an instance that does
// not lead are queued and judged by the leader.
func TestFollowersQueueEventsForTheLeader(t *testing.T) {
	t.Parallel()
	dsn := pg.DSN(t)
	sc := &scanner{runs: map[string]int{}}
	a, _ := node(t, dsn, "a", sc)
	b, _ := node(t, dsn, "b", sc)
	eventually(t, "a leader", func() bool { n, _ := leaders(a, b); return n == 1 })
	_, leader := leaders(a, b)
	follower := a
	if leader == a {
		follower = b
	}
	ev := nhi.Event{ID: "e1", Platform: nhi.PlatformGoogleWorkspace, Tenant: "example.com", Time: time.Now(),
		Kind: nhi.EventSignIn, Actor: "svc@example.com", AppID: "app-1", SourceIP: "192.0.2.7"}
	if err := follower.Deliver(t.Context(), "google", []nhi.Event{ev}); err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var by string
	eventually(t, "the leader to judge the events", func() bool {
		err := conn.QueryRow(t.Context(), `SELECT attempted_by[array_length(attempted_by, 1)] FROM river_job
			WHERE kind = 'nhi.ingest' AND state = 'completed'`).Scan(&by)
		return err == nil
	})
	if by != leader.ID() {
		t.Errorf("the events were judged by %s, want the leader %s", by, leader.ID())
	}
}
