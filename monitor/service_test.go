package monitor_test

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/monitor"
	"github.com/nhiscope/nhi/scan"
	"github.com/nhiscope/nhi/store"
	"github.com/nhiscope/nhi/store/sqlite"
)

// fakeSource is a connector with one identity (a vendor's token acting as one user) and
// an audit log that grows; its event cursor is the index of the next event.
type fakeSource struct {
	mu    sync.Mutex
	log   []nhi.Event
	scans int
	// failScans makes Discover fail.
	failScans bool
	// block makes Discover wait for its context.
	block bool
	reads map[string]int
}

func (f *fakeSource) Info() connector.Info {
	return connector.Info{Name: "sf-test", Platform: nhi.PlatformSalesforce, Tenant: "00Dtest"}
}

func (f *fakeSource) Discover(ctx context.Context, _ nhi.Cursor, r connector.Reporter) (nhi.Cursor, error) {
	f.mu.Lock()
	f.scans++
	fail, block := f.failScans, f.block
	f.mu.Unlock()
	if block {
		<-ctx.Done()
		return "", ctx.Err()
	}
	if fail {
		return "", nhi.Errorf(nhi.CodeUnavailable, "platform down")
	}
	id := nhi.Identity{Platform: nhi.PlatformSalesforce, Tenant: "00Dtest", Kind: nhi.KindOAuthGrant,
		ExternalID: "005drift/0Jm1/1", Name: "Drift", AppID: "0H4drift", OwnerID: "005drift",
		LastUsedAt: time.Now().Add(-time.Hour)}
	id.ID = nhi.NewIdentityID(id.Platform, id.Tenant, id.Kind, id.ExternalID)
	if err := r.Identity(ctx, id); err != nil {
		return "", err
	}
	return "c1", nil
}

func (f *fakeSource) Events(_ context.Context, since nhi.Cursor, fn func(nhi.Event) error) (nhi.Cursor, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	from := 0
	if since != "" {
		from, _ = strconv.Atoi(string(since))
	}
	next := from
	for _, ev := range f.log[from:] {
		if err := fn(ev); err != nil {
			return nhi.Cursor(strconv.Itoa(next)), err
		}
		f.reads[ev.ID]++
		next++
	}
	return nhi.Cursor(strconv.Itoa(next)), nil
}

// add appends an export and its deletion seconds later to the audit log.
func (f *fakeSource) add(job string, at time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	mk := func(id string, k nhi.EventKind, t time.Time) nhi.Event {
		return nhi.Event{ID: id, Platform: nhi.PlatformSalesforce, Tenant: "00Dtest", Time: t, Kind: k,
			Actor: "005drift", AppID: "0H4drift", SourceIP: "192.0.2.9",
			Details: map[string]string{"uri": "/services/data/v62.0/jobs/query/" + job, "entity": "Account"}}
	}
	f.log = append(f.log, mk(job+"-x", nhi.EventExport, at), mk(job+"-d", nhi.EventExportDeleted, at.Add(20*time.Second)))
}

// open opens a SQLite store in dir.
func open(t *testing.T, dir string) store.Store {
	t.Helper()
	db, err := sqlite.Open(t.Context(), filepath.Join(dir, "nhi.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// eventually waits up to 10 s for cond.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

// behaviourFindings returns the open behavioural findings in db.
func behaviourFindings(t *testing.T, db store.Store) []nhi.Finding {
	t.Helper()
	page, err := db.ListFindings(context.Background(), store.FindingFilter{Signal: "behavior.export_deleted", Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	return page.Items
}

// TestServiceRunsAndResumes runs the schedules, checks that scans and polls happen, that
// a detection becomes a finding on the identity, and that a restart on the same database
// reads each event exactly once.
func TestServiceRunsAndResumes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	src := &fakeSource{reads: map[string]int{}}
	src.add("750A", time.Now().Add(-time.Minute))
	sched := monitor.Schedule{Full: time.Hour, Scan: 50 * time.Millisecond, Events: 20 * time.Millisecond}
	m := monitor.NewMetrics()
	run := func(until func(db store.Store) bool) {
		db := open(t, dir)
		svc := &monitor.Service{Store: db, Scanner: &scan.Runner{Store: db}, Connectors: []connector.Connector{src},
			Schedule: sched, Metrics: m, Grace: time.Second}
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error)
		go func() { done <- svc.Run(ctx) }()
		eventually(t, "the service's work", func() bool { return svc.Ready() && until(db) })
		cancel()
		if err := <-done; err != nil {
			t.Fatalf("Run = %v", err)
		}
	}
	run(func(db store.Store) bool { return len(behaviourFindings(t, db)) == 1 })
	src.add("750B", time.Now())
	run(func(db store.Store) bool {
		cur, _ := db.Cursor(context.Background(), "sf-test"+monitor.EventsCursorSuffix)
		return cur == "4"
	})
	for id, n := range src.reads {
		if n != 1 {
			t.Errorf("event %s read %d times, want once", id, n)
		}
	}
	db := open(t, dir)
	fs := behaviourFindings(t, db)
	if len(fs) != 1 || fs[0].SubjectKind != nhi.SubjectIdentity || fs[0].Severity != nhi.SeverityHigh ||
		!strings.Contains(strings.Join(fs[0].Evidence, " "), "750B") {
		// One finding per signal and identity: the second detection updates it.
		t.Errorf("findings = %+v, want one export_deleted on the identity naming the latest job, 750B", fs)
	}
	if src.scans < 2 {
		t.Errorf("%d scans, want the schedule to repeat them", src.scans)
	}
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	for _, want := range []string{`nhi_runs_total{connector="sf-test",platform="salesforce",status="succeeded",task="scan"}`,
		`nhi_detections_total{signal="behavior.export_deleted"} 2`, `nhi_events_total{connector="sf-test",kind="data.export"} 2`} {
		if !strings.Contains(rec.Body.String(), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

// TestServiceBacksOffAndShutsDown checks that failing scans are retried with backoff and
// that shutdown cancels work still running after the grace period.
func TestServiceBacksOffAndShutsDown(t *testing.T) {
	t.Parallel()
	db := open(t, t.TempDir())
	src := &fakeSource{reads: map[string]int{}, failScans: true}
	svc := &monitor.Service{Store: db, Scanner: &scan.Runner{Store: db}, Connectors: []connector.Connector{src},
		Schedule: monitor.Schedule{Scan: time.Millisecond, RetryMin: 30 * time.Millisecond, RetryMax: 60 * time.Millisecond, Jitter: 0.01},
		Grace:    50 * time.Millisecond}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error)
	go func() { done <- svc.Run(ctx) }()
	time.Sleep(300 * time.Millisecond)
	src.mu.Lock()
	n := src.scans
	src.failScans, src.block = false, true
	src.mu.Unlock()
	// Without backoff a 1 ms schedule would have run hundreds of scans; with it, about
	// 300 ms / 60 ms.
	if n < 2 || n > 20 {
		t.Errorf("%d scans in 300 ms of failures, want a few (backoff 30-60 ms)", n)
	}
	if svc.Ready() {
		t.Error("ready although no scan succeeded")
	}
	eventually(t, "a blocking scan", func() bool { src.mu.Lock(); defer src.mu.Unlock(); return src.scans > n })
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run = %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after the grace period")
	}
	recs, err := db.ListScans(context.Background(), store.ScanFilter{})
	if err != nil || len(recs) == 0 || recs[0].Status != nhi.ScanFailed {
		t.Errorf("scans = %v, %v; want the canceled scan recorded as failed first", recs, err)
	}
}
