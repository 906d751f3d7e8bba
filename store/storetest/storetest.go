// Package storetest is the conformance suite every store.Store backend passes. A backend's
// test calls Run with a function that opens a new, empty store:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) store.Store {
//			db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "nhi.db"))
//			if err != nil {
//				t.Fatal(err)
//			}
//			return db
//		})
//	}
//
// Beyond the contract of package store, the suite pins down these choices, which every
// backend makes alike:
//   - Timestamps come back in UTC, at millisecond precision or better; empty slices and
//     maps may come back nil.
//   - A Limit above store.MaxLimit is clamped to it; a negative Limit, an unknown Kind,
//     PersonStatus, AppSort or IdentitySort, and a cursor of another list (or of another
//     sort or direction of the identities) are CodeInvalid.
//   - Lists order text byte-wise.
//   - An empty Identity.ID is derived with nhi.NewIdentityID; any other ID is CodeInvalid.
//     Puts under an unknown scan are CodeNotFound.
//   - BeginScan keeps a non-zero StartedAt; ListScans puts the scan begun last first among
//     scans started at the same time. FinishScan takes only final statuses.
//   - OwnerStatus unknown also matches identities whose owner has no person record.
//   - People keep their CreatedAt over a zero one, and LastLogin never moves backwards.
//   - A cancelled context makes every method fail with an error nhi.ErrorCode reports as
//     nhi.CodeCanceled.
//
// The store must implement store.Findings too, with these choices:
//   - An empty Finding.ID is derived with nhi.NewFindingID; any other ID, a missing signal,
//     subject, platform or tenant, an unknown SubjectKind or Severity are CodeInvalid.
//     PutFindings and ResolveFindings under an unknown evaluation (scan) are CodeNotFound.
//   - A finding carries a Suppression exactly while it is suppressed: a suppression that
//     lapses (at the first PutFindings whose seen is at or after its Until) or a
//     resolution clears it, and a finding produced again after its resolution opens.
//   - SuppressFinding needs a Reason and an Author that are not blank and an Until that is
//     zero or after the backend's clock, which the suite takes to be the real time (else
//     CodeInvalid); a zero At is stamped with the clock. A resolved finding is CodeConflict. An empty Reason with a zero Until lifts:
//     a suppressed finding opens, others come back unchanged.
//   - The OWASP filter matches an item case-insensitively, whole or by the part before
//     its colon ("NHI1" matches "NHI1:2025", not "NHI10:2025"); "%" and "_" match only
//     themselves.
package storetest

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
)

// Run runs the conformance suite against the backend open creates. Every call of open must
// return a new, empty store; Run closes the stores it opens. The subtests run in parallel.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	t.Helper()
	s := suite{open: open}
	tests := []struct {
		name string
		fn   func(*testing.T, suite)
	}{
		{"Scans", testScans},
		{"RoundTrip", testRoundTrip},
		{"PutInvalid", testPutInvalid},
		{"UpsertIdentity", testUpsertIdentity},
		{"UpsertPersonAndApp", testUpsertPersonAndApp},
		{"MarkGone", testMarkGone},
		{"PartialScanHidesNothing", testPartialScan},
		{"EndedScanWritesNoInventory", testEndedScanWritesNoInventory},
		{"ListIdentities", testListIdentities},
		{"Paging", testPaging},
		{"IdentitySorts", testIdentitySorts},
		{"People", testPeople},
		{"Apps", testApps},
		{"Counts", testCounts},
		{"Totals", testTotals},
		{"Cursors", testCursors},
		{"Findings", testFindings},
		{"Changes", testChanges},
		{"PlansAudit", testPlansAudit},
		{"Canceled", testCanceled},
		{"Close", testClose},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, s)
		})
	}
}

// suite opens the stores of the subtests.
type suite struct {
	open func(t *testing.T) store.Store
}

// store opens a new store that is closed when t ends.
func (s suite) store(t *testing.T) store.Store {
	t.Helper()
	st := s.open(t)
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return st
}

// The platforms of the fixtures.
const (
	gws = nhi.PlatformGoogleWorkspace
	gh  = nhi.Platform("github")
)

// day is a day, for readable offsets.
const day = 24 * time.Hour

// at returns a fixed instant plus d, at millisecond precision and outside UTC, so that round
// trips check both the precision kept and the normalisation to UTC.
func at(d time.Duration) time.Time {
	return time.Date(2026, 3, 14, 9, 26, 53, 589_000_000, time.FixedZone("UTC+1", 3600)).Add(d)
}

// begin begins a scan of tenant on platform p and returns its ID.
func begin(t *testing.T, st store.Store, p nhi.Platform, tenant string) string {
	t.Helper()
	s, err := st.BeginScan(t.Context(), nhi.Scan{Connector: string(p) + "-" + tenant, Platform: p, Tenant: tenant})
	if err != nil {
		t.Fatalf("BeginScan: %v", err)
	}
	return s.ID
}

// putIDs upserts ids as seen by scan at seen.
func putIDs(t *testing.T, st store.Store, scan string, seen time.Time, ids ...nhi.Identity) {
	t.Helper()
	if err := st.PutIdentities(t.Context(), scan, seen, ids); err != nil {
		t.Fatalf("PutIdentities: %v", err)
	}
}

// putPeople upserts people as seen by scan at seen.
func putPeople(t *testing.T, st store.Store, scan string, seen time.Time, people ...nhi.Person) {
	t.Helper()
	if err := st.PutPeople(t.Context(), scan, seen, people); err != nil {
		t.Fatalf("PutPeople: %v", err)
	}
}

// putApps upserts apps as seen by scan at seen.
func putApps(t *testing.T, st store.Store, scan string, seen time.Time, apps ...nhi.App) {
	t.Helper()
	if err := st.PutApps(t.Context(), scan, seen, apps); err != nil {
		t.Fatalf("PutApps: %v", err)
	}
}

// ident returns an identity with the required fields set and a name, changed by opts.
func ident(p nhi.Platform, tenant string, k nhi.Kind, ext string, opts ...func(*nhi.Identity)) nhi.Identity {
	id := nhi.Identity{Platform: p, Tenant: tenant, Kind: k, ExternalID: ext, Name: "name of " + ext}
	for _, o := range opts {
		o(&id)
	}
	return id
}

// stored returns id as the store gives it back when first seen at seen.
func stored(id nhi.Identity, seen time.Time) nhi.Identity {
	id.ID = nhi.NewIdentityID(id.Platform, id.Tenant, id.Kind, id.ExternalID)
	id.FirstSeen, id.LastSeen = seen, seen
	return id
}

// person returns a person with the required fields set.
func person(p nhi.Platform, tenant, ext, email string, status nhi.PersonStatus) nhi.Person {
	return nhi.Person{Platform: p, Tenant: tenant, ExternalID: ext, Email: email,
		Name: "person " + ext, Status: status}
}

// listAll returns every identity matching f, following the cursors page by page, and
// checks that no page is longer than f.Limit.
func listAll(t *testing.T, st store.Store, f store.IdentityFilter) []nhi.Identity {
	t.Helper()
	var all []nhi.Identity
	for range 1000 {
		page, err := st.ListIdentities(t.Context(), f)
		if err != nil {
			t.Fatalf("ListIdentities(%+v): %v", f, err)
		}
		if f.Limit > 0 && len(page.Items) > f.Limit {
			t.Fatalf("ListIdentities(limit %d) returned %d items", f.Limit, len(page.Items))
		}
		all = append(all, page.Items...)
		if page.Next == "" {
			return all
		}
		f.After = page.Next
	}
	t.Fatal("ListIdentities: paging does not end")
	return nil
}

// idsOf returns the IDs of ids.
func idsOf(ids []nhi.Identity) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = id.ID
	}
	return out
}

// sortedIDs returns the nhi IDs of ids, sorted as ListIdentities orders them.
func sortedIDs(ids ...nhi.Identity) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = nhi.NewIdentityID(id.Platform, id.Tenant, id.Kind, id.ExternalID)
	}
	slices.Sort(out)
	return out
}

// wantCode fails t unless err carries code.
func wantCode(t *testing.T, what string, err error, code nhi.Code) {
	t.Helper()
	if got := nhi.ErrorCode(err); got != code {
		t.Errorf("%s: error %v has code %q, want %q", what, err, got, code)
	}
}

// checkUTC fails t if any non-zero time of id is not in UTC.
func checkUTC(t *testing.T, what string, times ...time.Time) {
	t.Helper()
	for i, tm := range times {
		if !tm.IsZero() && tm.Location() != time.UTC {
			t.Errorf("%s: time %d is %v, not in UTC", what, i, tm)
		}
	}
}

// identityTimes returns every time of id, its credentials' included.
func identityTimes(id nhi.Identity) []time.Time {
	out := []time.Time{id.CreatedAt, id.LastUsedAt, id.ExpiresAt, id.FirstSeen, id.LastSeen, id.GoneAt}
	for _, c := range id.Credentials {
		out = append(out, c.CreatedAt, c.LastUsedAt, c.ExpiresAt)
	}
	return out
}

// diff returns the go-cmp diff of want and got, which treats nil and empty alike.
func diff(want, got any) string {
	return strings.TrimSpace(cmp.Diff(want, got, cmpopts.EquateEmpty()))
}
