package connectortest

import (
	"context"
	"slices"
	"sync"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
)

// Recorder is a connector.Reporter that records everything it is told, for tests. It is
// safe for concurrent use. Its zero value is ready to use.
type Recorder struct {
	// OnEvent, if set, is called after each call is recorded, with the name of the method
	// ("Person", "App", "Identity", "ScopeComplete", "Fail", "Progress"). It runs without
	// the Recorder's lock held and may be called concurrently.
	OnEvent func(method string)
	// IdentityErr, if set, is returned by Identity (after recording the identity), so a
	// test can check that a connector stops on a Reporter error.
	IdentityErr error

	mu         sync.Mutex
	people     []nhi.Person
	apps       []nhi.App
	identities []nhi.Identity
	completed  []string
	failures   []connector.Failure
	progress   []connector.Progress
}

var _ connector.Reporter = (*Recorder)(nil)

// NewRecorder returns an empty Recorder.
func NewRecorder() *Recorder { return &Recorder{} }

// record runs add under the lock, then OnEvent.
func (r *Recorder) record(method string, add func()) {
	r.mu.Lock()
	add()
	r.mu.Unlock()
	if r.OnEvent != nil {
		r.OnEvent(method)
	}
}

// Person records a person.
func (r *Recorder) Person(_ context.Context, p nhi.Person) error {
	r.record("Person", func() { r.people = append(r.people, p) })
	return nil
}

// App records an app.
func (r *Recorder) App(_ context.Context, a nhi.App) error {
	r.record("App", func() { r.apps = append(r.apps, a) })
	return nil
}

// Identity records an identity and returns IdentityErr.
func (r *Recorder) Identity(_ context.Context, id nhi.Identity) error {
	r.record("Identity", func() { r.identities = append(r.identities, id) })
	return r.IdentityErr
}

// ScopeComplete records a completed scope.
func (r *Recorder) ScopeComplete(_ context.Context, scope string) error {
	r.record("ScopeComplete", func() { r.completed = append(r.completed, scope) })
	return nil
}

// Fail records a failure.
func (r *Recorder) Fail(_ context.Context, f connector.Failure) {
	r.record("Fail", func() { r.failures = append(r.failures, f) })
}

// Progress records a progress event.
func (r *Recorder) Progress(p connector.Progress) {
	r.record("Progress", func() { r.progress = append(r.progress, p) })
}

// People returns the people recorded, in order.
func (r *Recorder) People() []nhi.Person {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.people)
}

// Apps returns the apps recorded, in order.
func (r *Recorder) Apps() []nhi.App {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.apps)
}

// Identities returns the identities recorded, in order.
func (r *Recorder) Identities() []nhi.Identity {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.identities)
}

// Completed returns the scopes reported complete, in order.
func (r *Recorder) Completed() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.completed)
}

// IsComplete reports whether scope was reported complete.
func (r *Recorder) IsComplete(scope string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Contains(r.completed, scope)
}

// Failures returns the failures recorded, in order.
func (r *Recorder) Failures() []connector.Failure {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.failures)
}

// ProgressEvents returns the progress events recorded, in order.
func (r *Recorder) ProgressEvents() []connector.Progress {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.progress)
}

// Count returns how many progress events of kind were recorded.
func (r *Recorder) Count(kind connector.ProgressKind) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, p := range r.progress {
		if p.Kind == kind {
			n++
		}
	}
	return n
}
