package postgres

import (
	"testing"

	"github.com/nhiscope/nhi/store/storetest"
)

// BenchmarkOneMillion fills a store with 1,000,000 identities, rescans one tenant of
// 100,000 and measures the inventory's queries at that size (storetest.OneMillion); the
// fill ends with an ANALYZE, which autovacuum would run soon after such a load. It takes
// two to four minutes on an idle 2-core machine:
//
//	NHI_REQUIRE_POSTGRES=1 go test ./store/postgres -run '^$' -bench OneMillion -timeout 30m
func BenchmarkOneMillion(b *testing.B) {
	st, _ := openDB(b)
	storetest.OneMillion(b, st, func(b *testing.B) {
		if _, err := st.pool.Exec(b.Context(), `ANALYZE`); err != nil {
			b.Fatal(err)
		}
	})
}
