package monitor

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/scan"
	"github.com/nhiscope/nhi/store"
)

// Scanner runs one scan of a connector; *scan.Runner is one.
type Scanner interface {
	Run(ctx context.Context, c connector.Connector, o scan.Options) (nhi.Scan, error)
}

// DefaultGrace is how long running work may go on after shutdown begins.
const DefaultGrace = 30 * time.Second

// Service runs each connector's work on its schedule until its context ends: full and
// incremental scans, and, for event sources, audit-event polls whose events go through
// the behavioural Detector; detections become findings. Cursors live in the store, so a
// restart resumes where the last run stopped, with no event lost or read twice.
type Service struct {
	Store      store.Store
	Scanner    Scanner
	Connectors []connector.Connector
	Schedule   Schedule
	// Detect configures the behavioural detector (Owners is set by the service from the
	// store when nil).
	Detect Config
	// Metrics, if set, records runs, events and detections.
	Metrics *Metrics
	// Logger receives structured logs; nil discards them.
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Grace is how long running work may go on once the context is canceled before it is
	// canceled too; zero means DefaultGrace.
	Grace time.Duration
	// OnFindings, if set, receives each batch of behavioural findings after they are
	// stored.
	OnFindings func(ctx context.Context, fs []nhi.Finding)
	// Alerts, if set, routes the behavioural findings and the new high and critical
	// findings of each scan to the alert sinks; waiting alerts are flushed every
	// AlertFlush (default 15 s).
	Alerts     *Router
	AlertFlush time.Duration
	// Dispatch, if set, hands each scheduled scan to a work queue that several nhi
	// instances share (package cluster) instead of running it here: it queues a scan of
	// the named connector and returns, and the queue runs it, on this instance or
	// another, through RunScan. Event polls and pushed events are judged here. Readiness
	// then comes from the scans recorded in the store by any instance.
	Dispatch func(ctx context.Context, connector string, full bool) error

	once     sync.Once
	mu       sync.Mutex
	detector *Detector
	ingest   *ingester
	ready    map[string]bool
	lastScan map[string]nhi.Scan
}

// Ready reports whether every connector has finished a scan (succeeded or partial)
// since the service started.
func (s *Service) Ready() bool {
	s.once.Do(s.init)
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.Connectors {
		name := c.Info().Name
		if !s.ready[name] && (s.Dispatch == nil || !s.scannedOnce(name)) {
			return false
		}
		s.ready[name] = true
	}
	return len(s.Connectors) > 0
}

// scannedOnce reports whether the store records a finished scan of connector name, by
// any instance.
func (s *Service) scannedOnce(name string) bool {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	scans, err := s.Store.ListScans(ctx, store.ScanFilter{Connector: name, Limit: 20})
	if err != nil {
		return false
	}
	for _, sc := range scans {
		if sc.Status == nhi.ScanSucceeded || sc.Status == nhi.ScanPartial {
			return true
		}
	}
	return false
}

// Run runs the schedules until ctx ends, then lets running work finish for Grace at
// most, and returns.
func (s *Service) Run(ctx context.Context) error {
	s.once.Do(s.init)
	s.loadBaselines(ctx)
	work, stop := context.WithCancel(context.WithoutCancel(ctx))
	defer stop()
	var wg sync.WaitGroup
	for i, c := range s.Connectors {
		r := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), uint64(i)))
		wg.Go(func() { s.loop(ctx, work, c, r) })
	}
	if s.Alerts != nil {
		wg.Go(func() { s.flushAlerts(ctx) })
	}
	finished := make(chan struct{})
	go func() { wg.Wait(); close(finished) }()
	select {
	case <-finished:
		return nil
	case <-ctx.Done():
	}
	grace := s.Grace
	if grace <= 0 {
		grace = DefaultGrace
	}
	s.log().Info("shutting down: waiting for running work", "grace", grace)
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case <-finished:
	case <-t.C:
		s.log().Warn("shutdown grace over: canceling running work")
		stop()
		<-finished
	}
	return nil
}

// flushAlerts flushes waiting alerts until ctx ends.
func (s *Service) flushAlerts(ctx context.Context) {
	every := s.AlertFlush
	if every <= 0 {
		every = 15 * time.Second
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			s.Alerts.Flush(ctx)
		}
	}
}

// init prepares the service's state.
func (s *Service) init() {
	s.mu.Lock()
	defer s.mu.Unlock()
	cfg := s.Detect
	s.ingest = &ingester{db: s.Store, people: map[personKey]personSeen{}, seeded: map[Subject]bool{}}
	if cfg.Owners == nil {
		cfg.Owners = s.ingest.owner
	}
	s.detector = NewDetector(cfg)
	s.ready, s.lastScan = map[string]bool{}, map[string]nhi.Scan{}
}

// loop runs one connector's timetable until ctx ends; its work runs under work.
func (s *Service) loop(ctx, work context.Context, c connector.Connector, r *rand.Rand) {
	sched := s.Schedule.withDefaults()
	name := c.Info().Name
	tt := &timetable{}
	tt.on[taskFull], tt.on[taskScan] = true, true
	_, tt.on[taskEvents] = c.(connector.EventSource)
	now := s.now()
	cur, err := s.Store.Cursor(ctx, name)
	if err == nil && cur != "" {
		tt.next[taskFull] = now.Add(sched.jittered(sched.Full, r))
	}
	tt.next[taskScan], tt.next[taskEvents] = now, now
	for {
		t, at, ok := tt.due()
		if !ok {
			return
		}
		if wait := at.Sub(s.now()); wait > 0 {
			timer := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				timer.Stop()
				return
			case <-timer.C:
			}
		}
		if ctx.Err() != nil {
			return
		}
		failed := s.runTask(work, c, t)
		tt.done(t, s.now(), failed, sched, r)
	}
}

// runTask runs task t of c and reports whether it failed.
func (s *Service) runTask(ctx context.Context, c connector.Connector, t task) bool {
	name := c.Info().Name
	start := time.Now()
	if t == taskEvents {
		n, err := s.poll(ctx, c)
		s.Metrics.polled(name, c.Info().Platform, err != nil, time.Since(start).Seconds())
		if err != nil {
			s.log().Warn("event poll failed", "connector", name, "err", nhi.ErrorMessage(err))
			return true
		}
		s.log().Debug("event poll", "connector", name, "events", n)
		return false
	}
	if s.Dispatch != nil {
		if err := s.Dispatch(ctx, name, t == taskFull); err != nil {
			s.log().Warn("queueing a scan failed", "connector", name, "task", t.String(), "err", nhi.ErrorMessage(err))
			return true
		}
		return false
	}
	_, err := s.scan(ctx, c, t)
	return err != nil
}

// RunScan runs a full or incremental scan of the connector named name now, as the
// schedule would, and returns its record; a scan that ends failed is an error. It is
// how a shared work queue's worker runs the scans Dispatch queued.
func (s *Service) RunScan(ctx context.Context, name string, full bool) (nhi.Scan, error) {
	s.once.Do(s.init)
	for _, c := range s.Connectors {
		if c.Info().Name == name {
			t := taskScan
			if full {
				t = taskFull
			}
			return s.scan(ctx, c, t)
		}
	}
	return nhi.Scan{}, nhi.Errorf(nhi.CodeNotFound, "no connector %q in this instance's configuration", name)
}

// scan runs scan task t of c, records its metrics, alerts and readiness, and returns its
// record; a scan that ends failed is an error.
func (s *Service) scan(ctx context.Context, c connector.Connector, t task) (nhi.Scan, error) {
	name := c.Info().Name
	start := time.Now()
	rec, err := s.Scanner.Run(ctx, c, scan.Options{Full: t == taskFull})
	s.Metrics.scanned(name, t, rec, time.Since(start).Seconds())
	if err == nil && rec.Status == nhi.ScanFailed {
		err = nhi.Errorf(nhi.CodeUnavailable, "scan %s of %s failed", rec.ID, name)
	}
	if err != nil {
		s.log().Warn("scheduled scan failed", "connector", name, "task", t.String(), "err", nhi.ErrorMessage(err))
		return rec, err
	}
	s.log().Info("scheduled scan", "connector", name, "task", t.String(), "status", string(rec.Status),
		"identities", rec.Counts.Identities, "findings", rec.Counts.Findings)
	s.refreshGauges(ctx)
	s.alertScan(ctx, rec)
	s.mu.Lock()
	s.ready[name], s.lastScan[name] = true, rec
	s.mu.Unlock()
	return rec, nil
}

// alertScan routes the high and critical findings first seen in scan rec, unless rec is
// its connector's first finished scan: everything is new then, and the inventory, not a
// flood of alerts, is the way to review it.
func (s *Service) alertScan(ctx context.Context, rec nhi.Scan) {
	if s.Alerts == nil {
		return
	}
	scans, err := s.Store.ListScans(ctx, store.ScanFilter{Connector: rec.Connector, Limit: 50})
	if err != nil {
		s.log().Warn("alerts: list scans", "err", nhi.ErrorMessage(err))
		return
	}
	earlier := false
	for _, sc := range scans {
		if sc.ID != rec.ID && sc.StartedAt.Before(rec.StartedAt) && (sc.Status == nhi.ScanSucceeded || sc.Status == nhi.ScanPartial) {
			earlier = true
		}
	}
	if !earlier {
		return
	}
	var fresh []nhi.Finding
	f := store.FindingFilter{Platform: rec.Platform, Tenant: rec.Tenant, MinSeverity: nhi.SeverityHigh, Status: nhi.FindingOpen}
	_, _, err = store.Walk(0, func(lim int, after string) (store.Page[nhi.Finding], error) {
		f.Limit, f.After = lim, after
		return s.Store.ListFindings(ctx, f)
	}, func(x nhi.Finding) error {
		if !x.FirstSeen.Before(rec.StartedAt) {
			fresh = append(fresh, x)
		}
		return nil
	})
	if err != nil {
		s.log().Warn("alerts: list new findings", "err", nhi.ErrorMessage(err))
		return
	}
	n := s.Alerts.Send(ctx, fresh)
	s.log().Debug("alerts of a scan", "connector", rec.Connector, "new_findings", len(fresh), "sent", n)
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Service) log() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.New(slog.DiscardHandler)
}
