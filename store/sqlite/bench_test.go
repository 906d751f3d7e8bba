package sqlite_test

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
	"github.com/nhiscope/nhi/store/sqlite"
	"github.com/nhiscope/nhi/store/storetest"
)

// Run the benchmarks with:
//
//	go test ./store/sqlite -run '^$' -bench . -benchtime 20x
//
// and add -short to skip the variants over 1,000,000 identities.

// grant returns the i-th OAuth grant of a realistic tenant, in the order a connector
// discovers them: user by user (10 grants each), each grant to one of 500 apps.
func grant(i int) nhi.Identity {
	u, a := i/10, (i*7919)%500
	return nhi.Identity{
		Platform: nhi.PlatformGoogleWorkspace, Tenant: "C01", Kind: nhi.KindOAuthGrant,
		ExternalID: fmt.Sprintf("user-%d:client-%d-%d.apps.googleusercontent.com", u, a, i),
		Name:       fmt.Sprintf("App %d", a), AppID: fmt.Sprintf("client-%d", a),
		OwnerID: fmt.Sprintf("user-%d", u), Scope: fmt.Sprintf("user:user-%d", u),
		Permissions: []nhi.Permission{
			{Scope: "https://www.googleapis.com/auth/drive.readonly"},
			{Scope: "https://www.googleapis.com/auth/gmail.readonly"}, {Scope: "openid"},
		},
		Credentials: []nhi.Credential{{ID: "t", Type: "oauth_refresh_token"}},
		Attributes:  map[string]string{"client_type": "web"},
		LastUsedAt:  time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Minute),
	}
}

// BenchmarkPutIdentities writes batches of 1,000 identities: new ones (insert) and ones
// already stored (update). It reports identities per second.
func BenchmarkPutIdentities(b *testing.B) {
	for _, mode := range []string{"insert", "update"} {
		b.Run(mode, func(b *testing.B) {
			st := open(b, filepath.Join(b.TempDir(), "nhi.db"))
			b.Cleanup(func() { _ = st.Close() })
			scan := begin(b, st)
			const batch = 1000
			batches := make([][]nhi.Identity, b.N)
			for i := range batches {
				first := i * batch
				if mode == "update" {
					first = 0
				}
				batches[i] = make([]nhi.Identity, batch)
				for j := range batch {
					batches[i][j] = grant(first + j)
				}
			}
			b.ResetTimer()
			for i := range b.N {
				if err := st.PutIdentities(b.Context(), scan, time.Now(), batches[i]); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "ids/s")
		})
	}
}

// seed fills a new store with n grants and returns it.
func seed(b *testing.B, n int) *sqlite.DB {
	b.Helper()
	st := open(b, filepath.Join(b.TempDir(), "nhi.db"))
	b.Cleanup(func() { _ = st.Close() })
	scan := begin(b, st)
	ids := make([]nhi.Identity, 0, 1000)
	for i := range n {
		ids = append(ids, grant(i))
		if len(ids) == cap(ids) || i == n-1 {
			if err := st.PutIdentities(b.Context(), scan, time.Now(), ids); err != nil {
				b.Fatal(err)
			}
			ids = ids[:0]
		}
	}
	return st
}

// BenchmarkListIdentities lists pages of 100 identities out of 100,000 and 1,000,000.
func BenchmarkListIdentities(b *testing.B) {
	for _, n := range []int{100_000, 1_000_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			if n > 100_000 && testing.Short() {
				b.Skip("skipping 1,000,000 identities in short mode")
			}
			st := seed(b, n)
			filters := map[string]store.IdentityFilter{
				"first page":   {Limit: 100},
				"app":          {AppID: "client-7", Limit: 100},
				"owner":        {Owner: "user-42", Limit: 100},
				"unused since": {LastUsedBefore: time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC), Limit: 100},
			}
			for _, sort := range store.IdentitySorts()[1:] {
				filters["sort "+string(sort)] = store.IdentityFilter{Sort: sort, Limit: 100}
				filters["sort -"+string(sort)] = store.IdentityFilter{Sort: sort, Desc: true, Limit: 100}
				filters["sort "+string(sort)+" resumed half-way"] = storetest.HalfWay(b, st, store.IdentityFilter{Sort: sort, Limit: 100}, n)
			}
			for name, f := range filters {
				b.Run(name, func(b *testing.B) {
					for b.Loop() {
						page, err := st.ListIdentities(b.Context(), f)
						if err != nil || len(page.Items) == 0 {
							b.Fatalf("ListIdentities = %d items, %v", len(page.Items), err)
						}
					}
				})
			}
		})
	}
}

// BenchmarkMarkGone marks 100,000 scopes of 100,000 identities complete by a scan that saw
// none of them.
func BenchmarkMarkGone(b *testing.B) {
	const n = 100_000
	scopes := make([]string, n)
	for i := range scopes {
		scopes[i] = fmt.Sprintf("user:user-%d", i)
	}
	for b.Loop() {
		b.StopTimer()
		st := seed(b, n)
		scan := begin(b, st)
		b.StartTimer()
		g := store.MarkGone{ScanID: scan, Platform: nhi.PlatformGoogleWorkspace, Tenant: "C01", Scopes: scopes}
		if marked, err := st.MarkGone(b.Context(), g); err != nil || marked != n {
			b.Fatalf("MarkGone = %d, %v; want %d", marked, err, n)
		}
	}
}
