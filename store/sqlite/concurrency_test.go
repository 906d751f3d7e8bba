package sqlite_test

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sync/errgroup"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
	"github.com/nhiscope/nhi/store/sqlite"
)

// keys returns n API keys of tenant C01 named prefix-0 ... prefix-(n-1).
func keys(prefix string, n int) []nhi.Identity {
	out := make([]nhi.Identity, n)
	for i := range out {
		out[i] = nhi.Identity{Platform: nhi.PlatformGoogleWorkspace, Tenant: "C01", Kind: nhi.KindAPIKey,
			ExternalID: fmt.Sprintf("%s-%d", prefix, i), Scope: "keys",
			Permissions: []nhi.Permission{{Scope: "read"}, {Scope: "write"}}}
	}
	return out
}

// begin begins a scan, failing t on error.
func begin(t testing.TB, st store.Store) string {
	t.Helper()
	s, err := st.BeginScan(t.Context(), nhi.Scan{Connector: "c", Platform: nhi.PlatformGoogleWorkspace, Tenant: "C01"})
	if err != nil {
		t.Fatalf("BeginScan: %v", err)
	}
	return s.ID
}

// TestReopenKeepsData checks that what one DB wrote, the next DB on the file reads.
func TestReopenKeepsData(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "nhi.db")
	st := open(t, path)
	scan := begin(t, st)
	in := keys("k", 3)
	if err := st.PutIdentities(t.Context(), scan, time.Now(), in); err != nil {
		t.Fatal(err)
	}
	if err := st.SaveCursor(t.Context(), "google-prod", "next-page"); err != nil {
		t.Fatal(err)
	}
	want, err := st.ListIdentities(t.Context(), store.IdentityFilter{})
	if err != nil || len(want.Items) != len(in) {
		t.Fatalf("ListIdentities = %d items, %v; want %d", len(want.Items), err, len(in))
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	st = open(t, path)
	t.Cleanup(func() { _ = st.Close() })
	got, err := st.ListIdentities(t.Context(), store.IdentityFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("ListIdentities after reopening (-want +got):\n%s", d)
	}
	if c, err := st.Cursor(t.Context(), "google-prod"); err != nil || c != "next-page" {
		t.Errorf("Cursor after reopening = %q, %v; want next-page", c, err)
	}
}

// TestReadsDuringWrite checks that readers keep working while a large batch is written and
// only ever see all of it or none of it.
func TestReadsDuringWrite(t *testing.T) {
	t.Parallel()
	st := open(t, filepath.Join(t.TempDir(), "nhi.db"), sqlite.WithReadConns(2))
	t.Cleanup(func() { _ = st.Close() })
	scan := begin(t, st)
	const n = 10_000
	done := make(chan struct{})
	var g errgroup.Group
	g.Go(func() error {
		defer close(done)
		return st.PutIdentities(t.Context(), scan, time.Now(), keys("k", n))
	})
	for range 2 {
		g.Go(func() error {
			for {
				counts, err := st.Counts(t.Context())
				if err != nil {
					return fmt.Errorf("Counts during a write: %w", err)
				}
				if total := sum(counts); total != 0 && total != n {
					return fmt.Errorf("a reader saw %d identities, want 0 or %d", total, n)
				}
				select {
				case <-done:
					return nil
				default:
				}
			}
		})
	}
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
	if counts, err := st.Counts(t.Context()); err != nil || sum(counts) != n {
		t.Errorf("Counts after the write = %v, %v; want %d", counts, err, n)
	}
}

// TestTwoHandlesWrite checks that two DBs on one file (two nhi processes) can write at the
// same time without SQLITE_BUSY failures.
func TestTwoHandlesWrite(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "nhi.db")
	a, b := open(t, path), open(t, path)
	t.Cleanup(func() { _ = a.Close(); _ = b.Close() })
	var g errgroup.Group
	for i, st := range []*sqlite.DB{a, b} {
		g.Go(func() error {
			for j := range 20 {
				scan := begin(t, st)
				if err := st.PutIdentities(t.Context(), scan, time.Now(), keys(fmt.Sprintf("h%d-%d", i, j), 200)); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
	if counts, err := a.Counts(t.Context()); err != nil || sum(counts) != 2*20*200 {
		t.Errorf("Counts = %v, %v; want %d", counts, err, 2*20*200)
	}
}

// sum adds up counts.
func sum(counts []store.KindCount) int {
	n := 0
	for _, c := range counts {
		n += c.Count
	}
	return n
}
