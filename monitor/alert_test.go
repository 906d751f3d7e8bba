package monitor

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/notify"
)

// sinkRec records alerts; fail makes it fail.
type sinkRec struct {
	mu   sync.Mutex
	got  []notify.Alert
	fail bool
}

func (s *sinkRec) Alert(_ context.Context, a notify.Alert) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail {
		return errors.New("down")
	}
	s.got = append(s.got, a)
	return nil
}

func (s *sinkRec) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.got)
}

// fnd returns a finding.
func fnd(id string, sev nhi.Severity, signal string) nhi.Finding {
	return nhi.Finding{ID: id, Signal: signal, Severity: sev, Title: signal, Platform: nhi.PlatformSalesforce, Tenant: "00D"}
}

// TestRouter checks routing by severity and signal, deduplication within the window
// with the repeats reported later, the rate limit with Flush, and retries of failures.
func TestRouter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	all, behaviour := &sinkRec{}, &sinkRec{}
	r := &Router{Now: func() time.Time { return now }, PerMinute: 3,
		OwnerEmail: func(_ context.Context, f nhi.Finding) string { return "owner-of-" + f.ID },
		Routes: []Route{{Name: "soc", MinSeverity: nhi.SeverityHigh, Sink: all},
			{Name: "behaviour", MinSeverity: nhi.SeverityLow, Signals: []string{"behavior."}, Sink: behaviour}}}
	if n := r.Send(context.Background(), []nhi.Finding{fnd("f1", nhi.SeverityCritical, "behavior.recon_then_export"),
		fnd("f2", nhi.SeverityMedium, "usage.stale"), fnd("f3", nhi.SeverityLow, "behavior.new_client")}); n != 3 {
		t.Errorf("first Send sent %d, want 3 (f1 to both routes, f3 to behaviour)", n)
	}
	// The same finding again within the window: held and counted.
	for range 5 {
		r.Send(context.Background(), []nhi.Finding{fnd("f1", nhi.SeverityCritical, "behavior.recon_then_export")})
	}
	if all.count() != 1 || behaviour.count() != 2 {
		t.Fatalf("alerts %d and %d after repeats, want 1 and 2", all.count(), behaviour.count())
	}
	now = now.Add(25 * time.Hour)
	r.Send(context.Background(), []nhi.Finding{fnd("f1", nhi.SeverityCritical, "behavior.recon_then_export")})
	if a := all.got[len(all.got)-1]; a.Repeats != 5 || !a.Update || a.OwnerEmail != "owner-of-f1" {
		t.Errorf("alert after the window = %+v, want 5 repeats, an update, the owner", a)
	}
	// A burst: ten new findings in one minute go three at a time.
	var burst []nhi.Finding
	for i := range 10 {
		burst = append(burst, fnd(fmt.Sprintf("b%d", i), nhi.SeverityHigh, "behavior.volume_spike"))
	}
	before := all.count()
	r.Send(context.Background(), burst)
	if got := all.count() - before; got != 2 { // one of the minute's three went to f1 above
		t.Errorf("burst sent %d in the first minute, want 2", got)
	}
	now = now.Add(time.Minute)
	r.Flush(context.Background())
	if got := all.count() - before; got != 5 {
		t.Errorf("after a minute %d sent, want 5", got)
	}
	// A failing sink keeps its alert for the next flush.
	all.fail = true
	now = now.Add(time.Minute)
	r.Flush(context.Background())
	all.fail = false
	now = now.Add(time.Minute)
	r.Flush(context.Background())
	now = now.Add(time.Minute)
	r.Flush(context.Background())
	if got := all.count() - before; got != 10 {
		t.Errorf("after the failure and more minutes %d sent, want all 10", got)
	}
	if r.Dropped() != 0 {
		t.Errorf("dropped %d", r.Dropped())
	}
}
