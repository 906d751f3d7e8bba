// Package connectortest is the conformance suite every connector and its simulator pass:
// a full scan finds exactly the estate's ground truth, paging and throttling change
// nothing, incremental scans pick up changes with fewer requests, discovery never
// mutates, IDs are stable, and bad credentials, failing sub-resources and cancellation
// are handled as the connector.Connector contract says.
//
// A connector's test supplies a Harness that starts the connector over a fresh simulator,
// then calls Run:
//
//	func TestConformance(t *testing.T) {
//		connectortest.Run(t, connectortest.Harness{Start: start})
//	}
//
// The package is meant for _test.go files only.
package connectortest

import (
	"log/slog"
	"regexp"
	"testing"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
)

// Harness starts connector instances for the suite.
type Harness struct {
	// Start returns a connector wired to a fresh simulator set up as s says. It fails t
	// when it cannot, and registers cleanups with t.
	Start func(t *testing.T, s Setup) *Instance
	// Quota is the per-minute request quota the throttling test sets up: low enough that
	// a scan is throttled, high enough that it ends in a few seconds. 0 means 1200.
	Quota int
}

// Setup says how Harness.Start sets up the simulator and the connector. The zero value
// is a default simulator and good credentials.
type Setup struct {
	// PageSize caps the simulator's page sizes; 0 means the simulator's default.
	PageSize int
	// Quota is the simulator's request quota per minute; 0 means unlimited.
	Quota int
	// Latency is added to every answer of the simulator.
	Latency time.Duration
	// FailScope makes every request for one sub-resource fail, persistently, with a
	// server error; Instance.FailedScope names the scope it belongs to.
	FailScope bool
	// BadCredentials gives the connector credentials the simulator rejects.
	BadCredentials bool
	// Logger, if set, is the logger the connector must log to.
	Logger *slog.Logger
}

// Instance is a connector wired to a simulator.
type Instance struct {
	Connector connector.Connector
	// Truth is what a full scan must find.
	Truth Truth
	// Requests returns the simulator's request log so far, oldest first.
	Requests func() []Request
	// Mutate changes the tenant underneath the connector: it adds at least one identity
	// and removes at least one, and returns what changed. nil skips the incremental test.
	Mutate func(t *testing.T) Change
	// FailedScope is the scope whose sub-resource fails when Setup.FailScope is set.
	FailedScope string
	// Secrets are strings (key material, access tokens) that must appear in no error, log
	// line or reported record.
	Secrets []string
	// SecretPatterns match secrets not known in advance (the access tokens the connector
	// obtains while it runs, "ya29\\..." at Google); none may match an error, log line or
	// record. The suite always adds a pattern of HTTP bearer credentials.
	SecretPatterns []*regexp.Regexp
}

// Request is one request the simulator answered.
type Request struct {
	Method, Path string
	// API says the path is the platform's API (as opposed to, say, its token endpoint):
	// discovery must send only GET and HEAD requests there.
	API bool
	// Throttled says the simulator throttled the request.
	Throttled bool
}

// Truth is the ground truth a full scan must find.
type Truth struct {
	// Tenant is the tenant the identities and people must carry.
	Tenant     string
	Identities []TruthIdentity
	People     []TruthPerson
}

// TruthIdentity is an identity as the ground truth knows it.
type TruthIdentity struct {
	ExternalID string
	Kind       nhi.Kind
	OwnerID    string
	AppID      string
	// Scopes are the identity's permission scopes; order does not matter.
	Scopes []string
	// CreatedAt and LastUsedAt are the times the platform shows, to the second (the suite
	// truncates what the connector reports); zero where it shows none.
	CreatedAt, LastUsedAt time.Time
	// Attributes are the identity's attributes among ComparedAttributes; nil for none.
	Attributes map[string]string
}

// ComparedAttributes returns the identity attributes the suite compares with the truth;
// other attributes are left out of the comparison.
func ComparedAttributes() []string { return []string{"anonymous", "client_type", "native_app"} }

// TruthPerson is a person as the ground truth knows it.
type TruthPerson struct {
	ExternalID string
	Status     nhi.PersonStatus
	IsAdmin    bool
	Email      string
	Name       string
}

// Change is what Instance.Mutate did.
type Change struct {
	// Added and Removed are the external IDs of the identities added and removed.
	Added, Removed []string
	// Truth is the ground truth after the change.
	Truth Truth
}

// Run runs the conformance suite against the connectors h starts. Subtests run in
// parallel, each with instances of its own.
func Run(t *testing.T, h Harness) {
	t.Helper()
	if h.Quota == 0 {
		h.Quota = 1200
	}
	tests := []struct {
		name string
		run  func(t *testing.T, h Harness)
	}{
		{"FullScanMatchesTruth", testFullScan},
		{"RequiredFields", testRequiredFields},
		{"PagingIsTransparent", testPaging},
		{"Incremental", testIncremental},
		{"ReadOnly", testReadOnly},
		{"StableIDs", testStableIDs},
		{"BadCredentials", testBadCredentials},
		{"Throttling", testThrottling},
		{"FailingScope", testFailingScope},
		{"Cancellation", testCancellation},
		{"ReporterError", testReporterError},
		{"NoSecrets", testNoSecrets},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.run(t, h)
		})
	}
}
