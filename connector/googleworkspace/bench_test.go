package googleworkspace_test

import (
	"context"
	"testing"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/connector/connectortest"
	"github.com/nhiscope/nhi/estate"
)

// countingReporter discards everything but counts identities and requests.
type countingReporter struct {
	identities, requests int
}

func (r *countingReporter) Person(context.Context, nhi.Person) error { return nil }
func (r *countingReporter) App(context.Context, nhi.App) error       { return nil }
func (r *countingReporter) Identity(context.Context, nhi.Identity) error {
	r.identities++ // calls are serialized by the connector
	return nil
}
func (r *countingReporter) ScopeComplete(context.Context, string) error { return nil }
func (r *countingReporter) Fail(context.Context, connector.Failure)     {}
func (r *countingReporter) Progress(p connector.Progress) {
	if p.Kind == connector.ProgressRequest {
		r.requests++
	}
}

// BenchmarkDiscover measures a full scan of a 2,000-person estate against an unthrottled
// simulator on loopback. Run it with
//
//	go test -run '^$' -bench BenchmarkDiscover -benchtime 5x ./connector/googleworkspace/
func BenchmarkDiscover(b *testing.B) {
	e, err := estate.Generate(estate.Options{Seed: 11, People: 2000})
	if err != nil {
		b.Fatal(err)
	}
	inst := start(b, e, connectortest.Setup{})
	rep := &countingReporter{}
	b.ResetTimer()
	for b.Loop() {
		if _, err := inst.Connector.Discover(b.Context(), "", rep); err != nil {
			b.Fatal(err)
		}
	}
	secs := b.Elapsed().Seconds()
	b.ReportMetric(float64(rep.identities)/secs, "identities/s")
	b.ReportMetric(float64(rep.requests)/secs, "requests/s")
	b.ReportMetric(float64(rep.identities)/float64(b.N), "identities/op")
}
