package scan_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/scan"
	"github.com/nhiscope/nhi/store"
	"github.com/nhiscope/nhi/store/sqlite"
)

// scripted is a connector whose tenant is a list of users with grants, some of whose
// scopes fail. It stands in for a platform so the pipeline's rules can be tested exactly.
type scripted struct {
	tenant  string
	users   map[string][]string // user -> client IDs
	failing map[string]bool     // users whose grants cannot be read
	fatal   error               // returned after reporting everything
	cursor  nhi.Cursor
	since   []nhi.Cursor
}

func (s *scripted) Info() connector.Info {
	return connector.Info{Name: "test", Platform: nhi.PlatformGoogleWorkspace, Tenant: "my_customer"}
}

func (s *scripted) Discover(ctx context.Context, since nhi.Cursor, r connector.Reporter) (nhi.Cursor, error) {
	s.since = append(s.since, since)
	users := make([]string, 0, len(s.users))
	for u := range s.users {
		users = append(users, u)
	}
	sort.Strings(users)
	for _, u := range users {
		if err := r.Person(ctx, nhi.Person{Platform: nhi.PlatformGoogleWorkspace, Tenant: s.tenant,
			ExternalID: u, Email: u + "@example.com", Status: nhi.PersonActive}); err != nil {
			return "", err
		}
	}
	if err := r.ScopeComplete(ctx, connector.ScopePeople); err != nil {
		return "", err
	}
	for _, u := range users {
		if s.failing[u] {
			r.Fail(ctx, connector.Failure{Scope: "user:" + u, Resource: "tokens of " + u,
				Err: nhi.Errorf(nhi.CodeUnavailable, "backend error")})
			continue
		}
		for _, c := range s.users[u] {
			ext := u + "/" + c
			if err := r.Identity(ctx, nhi.Identity{
				ID:       nhi.NewIdentityID(nhi.PlatformGoogleWorkspace, s.tenant, nhi.KindOAuthGrant, ext),
				Platform: nhi.PlatformGoogleWorkspace, Tenant: s.tenant, Kind: nhi.KindOAuthGrant,
				ExternalID: ext, Name: c, AppID: c, OwnerID: u, Scope: "user:" + u,
				Permissions: []nhi.Permission{{Scope: "openid"}},
			}); err != nil {
				return "", err
			}
		}
		if err := r.ScopeComplete(ctx, "user:"+u); err != nil {
			return "", err
		}
	}
	r.Progress(connector.Progress{Kind: connector.ProgressRequest})
	r.Progress(connector.Progress{Kind: connector.ProgressThrottled})
	return s.cursor, s.fatal
}

func openStore(t *testing.T) store.Store {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "nhi.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// present returns the external IDs of the present identities.
func present(t *testing.T, db store.Store) []string {
	t.Helper()
	var out []string
	for _, id := range allIdentities(t, db) {
		out = append(out, id.ExternalID)
	}
	sort.Strings(out)
	return out
}

func newRunner(db store.Store) *scan.Runner {
	now := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	return &scan.Runner{Store: db, BatchSize: 2, Now: func() time.Time { now = now.Add(time.Second); return now }}
}

func TestRunRecordsAndMarksGoneOnlyCompletedScopes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openStore(t)
	r := newRunner(db)
	c := &scripted{tenant: "C01", cursor: "c1", users: map[string][]string{
		"alice": {"zoom", "slack", "miro"}, "bob": {"zoom"}, "carol": {"docusign"}}}
	rec, err := r.Run(ctx, c, scan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := nhi.ScanCounts{People: 3, Identities: 5, Requests: 1, Throttled: 1}
	if diff := cmp.Diff(want, rec.Counts); diff != "" || rec.Status != nhi.ScanSucceeded || rec.Tenant != "C01" {
		t.Fatalf("first scan: status %s tenant %s counts (-want +got):\n%s", rec.Status, rec.Tenant, diff)
	}

	// Second scan: alice dropped miro, bob's grants cannot be read and he lost zoom,
	// carol left the directory entirely.
	c.users = map[string][]string{"alice": {"zoom", "slack"}, "bob": {}}
	c.failing = map[string]bool{"bob": true}
	rec, err = r.Run(ctx, c, scan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rec.Status != nhi.ScanPartial || rec.Counts.Failures != 1 || len(rec.Errors) != 1 {
		t.Fatalf("second scan = %+v, want partial with one failure", rec)
	}
	// miro is gone (alice's scope complete); bob's zoom stays (his scope failed); carol
	// left the directory, so her account's grants went with it.
	wantIDs := []string{"alice/slack", "alice/zoom", "bob/zoom"}
	if diff := cmp.Diff(wantIDs, present(t, db)); diff != "" {
		t.Errorf("present after partial scan (-want +got):\n%s", diff)
	}
	if rec.Counts.Gone != 3 {
		t.Errorf("gone = %d, want 3 (alice/miro, person carol, carol/docusign)", rec.Counts.Gone)
	}
	if diff := cmp.Diff([]nhi.Cursor{"", "c1"}, c.since); diff != "" {
		t.Errorf("cursors passed (-want +got):\n%s", diff)
	}
	saved, _ := db.Cursor(ctx, "test")
	if saved != "c1" {
		t.Errorf("a partial scan must keep the last clean cursor; saved %q", saved)
	}
}

func TestFailedScanHidesNothingAndKeepsCursor(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openStore(t)
	r := newRunner(db)
	c := &scripted{tenant: "C01", cursor: "c1", users: map[string][]string{"alice": {"zoom", "slack"}}}
	if _, err := r.Run(ctx, c, scan.Options{}); err != nil {
		t.Fatal(err)
	}
	c.users = map[string][]string{"alice": {}}
	c.cursor = "c2"
	c.fatal = nhi.Errorf(nhi.CodeUnauthorized, "credentials rejected")
	rec, err := r.Run(ctx, c, scan.Options{Full: true})
	if nhi.ErrorCode(err) != nhi.CodeUnauthorized || rec.Status != nhi.ScanFailed {
		t.Fatalf("Run = %v (%s), want unauthorized failure", err, rec.Status)
	}
	if diff := cmp.Diff([]string{"alice/slack", "alice/zoom"}, present(t, db)); diff != "" {
		t.Errorf("a failed scan hid inventory (-want +got):\n%s", diff)
	}
	if saved, _ := db.Cursor(ctx, "test"); saved != "c1" {
		t.Errorf("cursor = %q after a failed scan, want c1", saved)
	}
	if c.since[1] != "" {
		t.Errorf("Full scan passed cursor %q", c.since[1])
	}
	got, err := db.Scan(ctx, rec.ID)
	if err != nil || got.Status != nhi.ScanFailed || len(got.Errors) == 0 || got.Errors[0] != "credentials rejected" {
		t.Errorf("stored scan = %+v, %v", got, err)
	}
}

// failingStore fails identity writes after the first batch.
type failingStore struct {
	store.Store
	writes int
}

func (f *failingStore) PutIdentities(ctx context.Context, scanID string, seen time.Time, ids []nhi.Identity) error {
	f.writes++
	if f.writes > 1 {
		return errors.New("disk full")
	}
	return f.Store.PutIdentities(ctx, scanID, seen, ids)
}

func TestStoreFailureFailsTheScan(t *testing.T) {
	t.Parallel()
	db := &failingStore{Store: openStore(t)}
	users := map[string][]string{}
	for i := range 20 {
		users[fmt.Sprintf("u%02d", i)] = []string{"zoom", "slack"}
	}
	rec, err := newRunner(db).Run(context.Background(), &scripted{tenant: "C01", users: users}, scan.Options{})
	if err == nil || rec.Status != nhi.ScanFailed {
		t.Fatalf("Run = %v, %s; want a failed scan", err, rec.Status)
	}
	if rec.Counts.Gone != 0 {
		t.Errorf("a failed scan marked %d records gone", rec.Counts.Gone)
	}
	if got := present(t, db); len(got) != 2 {
		t.Errorf("the first batch written before the failure was lost: %v", got)
	}
}

func TestCancelledScanFails(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	db := openStore(t)
	_, err := newRunner(db).Run(ctx, &scripted{tenant: "C01", users: map[string][]string{"a": {"x"}}}, scan.Options{})
	if err == nil {
		t.Fatal("a cancelled scan succeeded")
	}
}

func TestManyFailuresAreCountedNotAllKept(t *testing.T) {
	t.Parallel()
	users := map[string][]string{}
	failing := map[string]bool{}
	for i := range 120 {
		u := fmt.Sprintf("u%03d", i)
		users[u], failing[u] = []string{"zoom"}, true
	}
	db := openStore(t)
	rec, err := newRunner(db).Run(context.Background(), &scripted{tenant: "C01", users: users, failing: failing}, scan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rec.Counts.Failures != 120 || len(rec.Errors) != 51 || rec.Errors[50] != "... and 70 more failures" {
		t.Errorf("failures %d, %d messages, last %q", rec.Counts.Failures, len(rec.Errors), rec.Errors[len(rec.Errors)-1])
	}
	stored, err := db.Scan(context.Background(), rec.ID)
	if err != nil || stored.Tenant != "C01" {
		t.Errorf("stored scan tenant = %q, %v; want the tenant the connector reported", stored.Tenant, err)
	}
}

// flakyGone fails the first MarkGone of identity scopes, after people were marked.
type flakyGone struct {
	store.Store
	failed bool
}

func (f *flakyGone) MarkGone(ctx context.Context, g store.MarkGone) (int, error) {
	if !f.failed && !slices.Contains(g.Scopes, connector.ScopePeople) {
		f.failed = true
		return 0, errors.New("database is locked")
	}
	return f.Store.MarkGone(ctx, g)
}

func TestInterruptedRemovalIsCompletedByTheNextScan(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := &flakyGone{Store: openStore(t), failed: true}
	r := newRunner(db)
	c := &scripted{tenant: "C01", users: map[string][]string{"alice": {"zoom"}, "carol": {"docusign"}}}
	if _, err := r.Run(ctx, c, scan.Options{}); err != nil {
		t.Fatal(err)
	}
	db.failed = false // the next identity removal fails
	c.users = map[string][]string{"alice": {"zoom"}}
	rec, _ := r.Run(ctx, c, scan.Options{})
	if rec.Status != nhi.ScanFailed {
		t.Fatalf("status %s, want failed when recording removals fails", rec.Status)
	}
	if diff := cmp.Diff([]string{"alice/zoom", "carol/docusign"}, present(t, db)); diff != "" {
		t.Fatalf("after the failed removal (-want +got):\n%s", diff)
	}
	if _, err := r.Run(ctx, c, scan.Options{}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"alice/zoom"}, present(t, db)); diff != "" {
		t.Errorf("the next scan did not finish the removal (-want +got):\n%s", diff)
	}
}

// blocking reports one user, then waits for its context to end.
type blocking struct{ scripted }

func (b *blocking) Discover(ctx context.Context, since nhi.Cursor, r connector.Reporter) (nhi.Cursor, error) {
	if err := r.Identity(ctx, nhi.Identity{Platform: nhi.PlatformGoogleWorkspace, Tenant: "C01",
		Kind: nhi.KindOAuthGrant, ExternalID: "alice/new", Name: "new", Scope: "user:alice"}); err != nil {
		return "", err
	}
	if err := r.ScopeComplete(ctx, "user:alice"); err != nil {
		return "", err
	}
	<-ctx.Done()
	return "", ctx.Err()
}

func TestCancelMidScanKeepsInventoryAndRecordsTheScan(t *testing.T) {
	t.Parallel()
	db := openStore(t)
	r := newRunner(db)
	c := &scripted{tenant: "C01", cursor: "c1", users: map[string][]string{"alice": {"zoom", "slack"}}}
	if _, err := r.Run(context.Background(), c, scan.Options{}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	rec, err := r.Run(ctx, &blocking{}, scan.Options{})
	if nhi.ErrorCode(err) != nhi.CodeCanceled || rec.Status != nhi.ScanFailed {
		t.Fatalf("Run = %v (%s), want a canceled, failed scan", err, rec.Status)
	}
	if diff := cmp.Diff([]string{"alice/slack", "alice/zoom"}, present(t, db)[:2]); diff != "" {
		t.Errorf("a cancelled scan hid inventory (-want +got):\n%s", diff)
	}
	stored, err := db.Scan(context.Background(), rec.ID)
	if err != nil || stored.Status != nhi.ScanFailed || stored.FinishedAt.IsZero() {
		t.Errorf("the cancelled scan was not recorded as failed: %+v, %v", stored, err)
	}
	if saved, _ := db.Cursor(context.Background(), "test"); saved != "c1" {
		t.Errorf("cursor = %q after a cancelled scan, want c1", saved)
	}
}
