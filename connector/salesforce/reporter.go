package salesforce

import (
	"context"
	"sync"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
)

// syncReporter serializes calls into a Reporter, which need not be safe for concurrent
// use, reports each app once, before its first identity, and wraps the Reporter's errors.
type syncReporter struct {
	mu       sync.Mutex
	r        connector.Reporter
	apps     map[string]bool
	failures int
}

// newSyncReporter wraps r.
func newSyncReporter(r connector.Reporter) *syncReporter {
	return &syncReporter{r: r, apps: map[string]bool{}}
}

// person reports a person.
func (s *syncReporter) person(ctx context.Context, p nhi.Person) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return wrapReporter(s.r.Person(ctx, p))
}

// identity reports an identity, preceded by its app (if it has one) the first time the
// app is seen.
func (s *syncReporter) identity(ctx context.Context, a nhi.App, id nhi.Identity) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a.ExternalID != "" && !s.apps[a.ExternalID] {
		if err := s.r.App(ctx, a); err != nil {
			return wrapReporter(err)
		}
		s.apps[a.ExternalID] = true
	}
	return wrapReporter(s.r.Identity(ctx, id))
}

// app reports an app once, whether or not identities of it follow.
func (s *syncReporter) app(ctx context.Context, a nhi.App) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.apps[a.ExternalID] {
		return nil
	}
	s.apps[a.ExternalID] = true
	return wrapReporter(s.r.App(ctx, a))
}

// complete reports a scope complete.
func (s *syncReporter) complete(ctx context.Context, scope string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return wrapReporter(s.r.ScopeComplete(ctx, scope))
}

// fail reports a per-item failure.
func (s *syncReporter) fail(ctx context.Context, f connector.Failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures++
	s.r.Fail(ctx, f)
}

// progress reports a progress event.
func (s *syncReporter) progress(p connector.Progress) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.r.Progress(p)
}

// counts returns how many apps and failures were reported.
func (s *syncReporter) counts() (apps, failures int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.apps), s.failures
}

// reporterError is an error of the Reporter, which ends a scan as it is.
type reporterError struct{ err error }

// Error describes the error.
func (e *reporterError) Error() string { return "salesforce: report: " + e.err.Error() }

// Unwrap returns the Reporter's error.
func (e *reporterError) Unwrap() error { return e.err }

// wrapReporter wraps an error of the Reporter, keeping its code.
func wrapReporter(err error) error {
	if err == nil {
		return nil
	}
	return &reporterError{err: err}
}
