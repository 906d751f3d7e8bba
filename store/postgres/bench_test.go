package postgres

import (
	"fmt"
	"testing"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
	"github.com/nhiscope/nhi/store/storetest"
)

// Run the benchmarks with:
//
//	go test ./store/postgres -run '^$' -bench . -benchtime 20x
//
// and add -short to list identities out of 10,000 instead of 100,000. The identities are
// those of store/sqlite's benchmarks, so the two stores compare.

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

// begin begins a scan of the benchmarks' tenant.
func begin(tb testing.TB, st *DB) string {
	tb.Helper()
	s, err := st.BeginScan(tb.Context(), nhi.Scan{Connector: "bench", Platform: nhi.PlatformGoogleWorkspace, Tenant: "C01"})
	if err != nil {
		tb.Fatalf("BeginScan: %v", err)
	}
	return s.ID
}

// batches returns n batches of size grants: new ones for insert, the same ones for update.
func batches(n, size int, update bool) [][]nhi.Identity {
	out := make([][]nhi.Identity, n)
	for i := range out {
		first := i * size
		if update {
			first = 0
		}
		out[i] = make([]nhi.Identity, size)
		for j := range size {
			out[i][j] = grant(first + j)
		}
	}
	return out
}

// BenchmarkPutIdentities writes batches of 1,000 identities: new ones (insert) and ones
// already stored (update). It reports identities per second.
func BenchmarkPutIdentities(b *testing.B) {
	for _, mode := range []string{"insert", "update"} {
		b.Run(mode, func(b *testing.B) {
			st, _ := openDB(b)
			scan := begin(b, st)
			const batch = 1000
			all := batches(b.N, batch, mode == "update")
			b.ResetTimer()
			for i := range b.N {
				if err := st.PutIdentities(b.Context(), scan, time.Now(), all[i]); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "ids/s")
		})
	}
}

// seed fills a new store with n grants and returns it.
func seed(b *testing.B, n int) *DB {
	b.Helper()
	st, _ := openDB(b)
	scan := begin(b, st)
	ids := make([]nhi.Identity, 0, 10000)
	for i := range n {
		ids = append(ids, grant(i))
		if len(ids) == cap(ids) || i == n-1 {
			if err := st.PutIdentities(b.Context(), scan, time.Now(), ids); err != nil {
				b.Fatal(err)
			}
			ids = ids[:0]
		}
	}
	if _, err := st.pool.Exec(b.Context(), `ANALYZE`); err != nil {
		b.Fatal(err)
	}
	return st
}

// BenchmarkListIdentities lists pages of 100 identities out of 100,000 (10,000 with
// -short).
func BenchmarkListIdentities(b *testing.B) {
	n := 100_000
	if testing.Short() {
		n = 10_000
	}
	b.Run(fmt.Sprint(n), func(b *testing.B) {
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
