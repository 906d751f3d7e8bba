package googleworkspace

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/connector/googleworkspace/googleworkspacesim"
	"github.com/nhiscope/nhi/estate"
)

// nopReporter discards everything.
type nopReporter struct{}

func (nopReporter) Person(context.Context, nhi.Person) error     { return nil }
func (nopReporter) App(context.Context, nhi.App) error           { return nil }
func (nopReporter) Identity(context.Context, nhi.Identity) error { return nil }
func (nopReporter) ScopeComplete(context.Context, string) error  { return nil }
func (nopReporter) Fail(context.Context, connector.Failure)      {}
func (nopReporter) Progress(connector.Progress)                  {}

// BenchmarkReadAudit measures reading the whole token audit log of a 10,000-person estate
// (about 120,000 events) from the simulator on loopback, both in this process. Run it with
//
//	go test -run '^$' -bench BenchmarkReadAudit -benchtime 10x ./connector/googleworkspace/
func BenchmarkReadAudit(b *testing.B) {
	e, err := estate.Generate(estate.Options{Seed: 7, People: 10_000})
	if err != nil {
		b.Fatal(err)
	}
	sim, err := googleworkspacesim.New(e, googleworkspacesim.Options{MaxRequestLog: 1000})
	if err != nil {
		b.Fatal(err)
	}
	hs := httptest.NewServer(sim)
	defer hs.Close()
	path := filepath.Join(b.TempDir(), "key.json")
	if err := os.WriteFile(path, sim.ServiceAccountKey(hs.URL), 0o600); err != nil {
		b.Fatal(err)
	}
	c, err := New(Config{Name: "bench", AdminEmail: e.FirstAdmin().Email, Credentials: connector.SecretRef("file:" + path),
		BaseURL: hs.URL}, connector.Env{HTTPClient: hs.Client(), Now: func() time.Time { return e.Options.Now }})
	if err != nil {
		b.Fatal(err)
	}
	events := 0
	for b.Loop() {
		rep := newSyncReporter(nopReporter{})
		dir, hc, err := c.services(b.Context(), rep)
		if err != nil {
			b.Fatal(err)
		}
		s := &scan{c: c, dir: dir, hc: hc, rep: rep, audit: newAuditLog(cursor{}, false)}
		if err := s.readAudit(b.Context()); err != nil {
			b.Fatal(err)
		}
		events = s.audit.events
	}
	b.ReportMetric(float64(events)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
}
