package googleworkspace_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/connector/connectortest"
	"github.com/nhiscope/nhi/connector/googleworkspace/googleworkspacesim"
	"github.com/nhiscope/nhi/estate"
)

// TestRetryAfterHintIsHonoured throttles one tokens listing with a Retry-After hint through
// the simulator: the connector waits at least that long before the retry (reported as a
// wait), and the scan still finds everything.
func TestRetryAfterHintIsHonoured(t *testing.T) {
	t.Parallel()
	e, err := estate.Generate(estate.Options{Seed: 3, People: 20})
	if err != nil {
		t.Fatal(err)
	}
	inst, sim := startSim(t, e, connectortest.Setup{})
	full := connectortest.NewRecorder()
	if _, err := inst.Connector.Discover(context.Background(), "", full); err != nil {
		t.Fatal(err)
	}
	sim.InjectFault(googleworkspacesim.Fault{Path: "/tokens", Status: http.StatusTooManyRequests,
		RetryAfter: 2 * time.Second, Times: 1})
	rec := connectortest.NewRecorder()
	if _, err := inst.Connector.Discover(context.Background(), "", rec); err != nil {
		t.Fatalf("Discover with a throttled listing: %v", err)
	}
	if len(rec.Identities()) != len(full.Identities()) || len(rec.Failures()) != 0 {
		t.Errorf("identities %d (want %d), failures %v", len(rec.Identities()), len(full.Identities()), rec.Failures())
	}
	var waited time.Duration
	for _, p := range rec.ProgressEvents() {
		if p.Kind == connector.ProgressWait {
			waited = max(waited, p.Wait)
		}
	}
	if waited < 2*time.Second || rec.Count(connector.ProgressThrottled) == 0 {
		t.Errorf("longest reported wait %s, throttled %d: the 2 s hint was not honoured", waited, rec.Count(connector.ProgressThrottled))
	}
}
