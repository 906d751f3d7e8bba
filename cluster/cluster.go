// Package cluster shares nhi's work among several instances on one PostgreSQL database,
// on River (github.com/riverqueue/river), whose job tables live beside the inventory:
//
//   - Scans are jobs (ScanArgs), one per connector and kind at a time across the
//     cluster (River's unique jobs), run by whichever instance fetches them, retried with
//     backoff when they fail.
//   - A full scan of a connector whose scans split (connector.Sharder, with Config.Parts)
//     is parts (PartArgs) that any instance runs into one scan record; the instance that
//     began it finishes it once every part is in.
//   - Plan runs are jobs (PlanArgs) keyed by the plan's ID, so that a plan is queued once
//     however many instances or people ask. The instance that takes one begins the run
//     and queues each pending action as a job of its own (ActionArgs), keyed by plan and
//     action (its idempotency key), owners' notices first; any instance carries them out.
//     An action run again after its instance died reads the platform first and calls
//     nothing when the change is already there; a plan whose coordinator died is taken
//     over by another.
//   - One instance at a time is the leader, elected through a PostgreSQL advisory lock
//     held by a connection of its own: it runs the schedule (queueing scans) and judges
//     audit events and pushed deliveries, whose behavioural baselines must live in one
//     process. Deliveries received by the others are queued (IngestArgs) for it. When the
//     leader dies, its connection closes, the lock is free and another instance takes
//     over within Config.Poll, resuming from the cursors and baselines in the store.
//   - A job's worker holds an advisory lock on its work (the connector, the plan) for as
//     long as it runs. A job may run for Config.RescueAfter; River then hands a job whose
//     instance vanished to another instance (within its rescuer's 30-second round). The
//     lock makes a job rescued while its first worker is alive wait instead of running
//     twice.
//
// On SQLite there is one instance, and nhi serve runs the same scans and plans in
// process (monitor.Service, remediate.Executor) without this package.
package cluster

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/monitor"
	"github.com/nhiscope/nhi/remediate"
	"github.com/nhiscope/nhi/scan"
)

// Defaults of Config.
const (
	DefaultRescueAfter = 10 * time.Minute
	DefaultPoll        = 2 * time.Second
	DefaultWorkers     = 4
)

// The queues of nhi's jobs.
const (
	QueueScans  = "nhi_scans"
	QueuePlans  = "nhi_plans"
	QueueEvents = "nhi_events"
	// QueueActions holds the actions of running plans, apart from the plans that wait
	// for them.
	QueueActions = "nhi_actions"
)

// Config configures a Node.
type Config struct {
	// DSN is the inventory's PostgreSQL database.
	DSN string
	// ID names this instance in River's job rows (attempted_by) and in logs; empty means
	// host name and process ID.
	ID string
	// Service runs scans (RunScan) and judges events (Ingest); on the leader, its Run
	// runs the schedule. Its Dispatch is set by Open.
	Service *monitor.Service
	// Executor returns the executor that runs a plan on behalf of actor.
	Executor func(ctx context.Context, actor string) (*remediate.Executor, error)
	// RescueAfter is how long a job may run: its context is canceled then, and River's
	// rescuer (which looks every 30 s) gives a job still marked running to another
	// instance, since its own died. It must exceed the longest scan; default
	// DefaultRescueAfter. A rescued job whose first worker is somehow still alive waits
	// for it.
	RescueAfter time.Duration
	// Poll is how often a follower tries to become the leader and the leader checks its
	// connection; default DefaultPoll.
	Poll time.Duration
	// Workers is how many scans, scan parts and plans one instance runs at once; default
	// DefaultWorkers.
	Workers int
	// Parts splits each full scan of a connector that can split its scans
	// (connector.Sharder: Google Workspace, by user) into that many parts, which any
	// instance runs; 0 or 1 keeps scans whole. Splitting needs the service's Scanner to be
	// a *scan.Runner.
	Parts  int
	Logger *slog.Logger
}

// Node is one nhi instance's part of the cluster.
type Node struct {
	cfg    Config
	pool   *pgxpool.Pool
	client *river.Client[pgx.Tx]
	leader atomic.Bool
	wg     sync.WaitGroup
}

// Open connects to the database, brings River's tables up to date (under a lock, since
// several instances may start at once) and prepares the node; Run starts it.
func Open(ctx context.Context, cfg Config) (*Node, error) {
	if cfg.Service == nil || cfg.Executor == nil {
		return nil, errors.New("cluster: Service and Executor are required")
	}
	if cfg.ID == "" {
		host, _ := os.Hostname()
		cfg.ID = host + "-" + strconv.Itoa(os.Getpid())
	}
	cfg.RescueAfter = orDefault(cfg.RescueAfter, DefaultRescueAfter)
	cfg.Poll = orDefault(cfg.Poll, DefaultPoll)
	cfg.Workers = orDefault(cfg.Workers, DefaultWorkers)
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	// Each running job holds a connection for its lock: scans, parts, plans and actions
	// (twice Workers), besides River's own.
	pool, err := connect(ctx, cfg.DSN, cfg.Logger, int32(5*cfg.Workers+8))
	if err != nil {
		return nil, err
	}
	n := &Node{cfg: cfg, pool: pool}
	workers := river.NewWorkers()
	river.AddWorker(workers, &scanWorker{n: n})
	river.AddWorker(workers, &planWorker{n: n})
	river.AddWorker(workers, &ingestWorker{n: n})
	river.AddWorker(workers, &partWorker{n: n})
	river.AddWorker(workers, &actionWorker{n: n})
	n.client, err = river.NewClient(riverpgxv5.New(pool), &river.Config{
		ID: cfg.ID, Logger: cfg.Logger, Workers: workers, JobTimeout: cfg.RescueAfter, RescueStuckJobsAfter: cfg.RescueAfter,
		Queues: map[string]river.QueueConfig{QueueScans: {MaxWorkers: cfg.Workers}, QueuePlans: {MaxWorkers: cfg.Workers},
			QueueParts: {MaxWorkers: cfg.Workers}, QueueActions: {MaxWorkers: 2 * cfg.Workers}, QueueEvents: {MaxWorkers: 1}},
	})
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("cluster: %w", err)
	}
	cfg.Service.Dispatch = n.QueueScan
	if runner, ok := cfg.Service.Scanner.(*scan.Runner); ok && cfg.Parts > 1 {
		cfg.Service.Scanner = &splitScanner{runner: runner, n: n}
	}
	return n, nil
}

// migrateLock is the advisory lock key under which River's tables are migrated.
var migrateLock = lockKey("nhi:river-migrate")

// connect opens a pool on dsn and brings River's tables up to date. Errors never
// repeat the DSN, which may hold a password.
func connect(ctx context.Context, dsn string, log *slog.Logger, conns int32) (*pgxpool.Pool, error) {
	pcfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, nhi.Errorf(nhi.CodeInvalid, "cluster: the database address cannot be read")
	}
	pcfg.MaxConns = max(pcfg.MaxConns, conns)
	pool, err := pgxpool.NewWithConfig(ctx, pcfg)
	if err != nil {
		return nil, fmt.Errorf("cluster: connect: %s", nhi.ErrorMessage(err))
	}
	if err := migrate(ctx, pool, log); err != nil {
		pool.Close()
		return nil, err
	}
	return pool, nil
}

// QueuePlan queues the run of plan id for the instances of nhi serve sharing the
// PostgreSQL database dsn, from a process that runs no jobs itself (nhi apply --queue);
// see Node.QueuePlan.
func QueuePlan(ctx context.Context, dsn, id, actor string, force bool) (queuedBefore bool, err error) {
	pool, err := connect(ctx, dsn, slog.New(slog.DiscardHandler), 2)
	if err != nil {
		return false, err
	}
	defer pool.Close()
	client, err := river.NewClient(riverpgxv5.New(pool), &river.Config{})
	if err != nil {
		return false, fmt.Errorf("cluster: %w", err)
	}
	res, err := client.Insert(ctx, PlanArgs{PlanID: id, Actor: actor, Force: force}, nil)
	if err != nil {
		return false, fmt.Errorf("cluster: queue plan %s: %w", id, err)
	}
	return res.UniqueSkippedAsDuplicate, nil
}

// migrate brings River's tables up to date, under a session lock (River's migrations
// run one transaction each: some add enum values, which PostgreSQL will not use in the
// transaction that added them).
func migrate(ctx context.Context, pool *pgxpool.Pool, log *slog.Logger) error {
	m, err := rivermigrate.New(riverpgxv5.New(pool), &rivermigrate.Config{Logger: log})
	if err != nil {
		return fmt.Errorf("cluster: %w", err)
	}
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("cluster: migrate: %s", nhi.ErrorMessage(err))
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, migrateLock); err != nil {
		return fmt.Errorf("cluster: migrate: %s", nhi.ErrorMessage(err))
	}
	defer func() { _, _ = conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, migrateLock) }()
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("cluster: migrate River's tables: %w", err)
	}
	return nil
}

// Run works jobs and takes part in the leader election until ctx ends, then lets
// running jobs finish for grace at most (their jobs are retried elsewhere otherwise).
func (n *Node) Run(ctx context.Context, grace time.Duration) error {
	if err := n.client.Start(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("cluster: start: %w", err)
	}
	n.wg.Go(func() { n.lead(ctx) })
	<-ctx.Done()
	n.wg.Wait()
	stop, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := n.client.Stop(stop); err != nil {
		n.cfg.Logger.Warn("cluster: grace over: canceling running jobs", "err", err)
		hard, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = n.client.StopAndCancel(hard)
	}
	return nil
}

// Close closes the node's connections; call it after Run returned.
func (n *Node) Close() { n.pool.Close() }

// Leader reports whether this instance leads the cluster now.
func (n *Node) Leader() bool { return n.leader.Load() }

// ID is this instance's name.
func (n *Node) ID() string { return n.cfg.ID }

// lockKey maps a name to an advisory lock key.
func lockKey(name string) int64 {
	h := fnv.New64a()
	h.Write([]byte(name))
	return int64(h.Sum64())
}

func orDefault[T int | time.Duration](v, d T) T {
	if v <= 0 {
		return d
	}
	return v
}
