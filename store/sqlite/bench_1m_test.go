package sqlite_test

import (
	"path/filepath"
	"testing"

	"github.com/nhiscope/nhi/store/storetest"
)

// BenchmarkOneMillion fills a store with 1,000,000 identities, rescans one tenant of
// 100,000 and measures the inventory's queries at that size (storetest.OneMillion):
//
//	go test ./store/sqlite -run '^$' -bench OneMillion -timeout 30m
func BenchmarkOneMillion(b *testing.B) {
	st := open(b, filepath.Join(b.TempDir(), "nhi.db"))
	b.Cleanup(func() { _ = st.Close() })
	storetest.OneMillion(b, st, nil)
}
