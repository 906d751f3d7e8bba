package githubsim

import (
	"net/http"
	"testing"
)

// BenchmarkListTokens measures a full listing of a large organization's fine-grained
// token grants, 100 to a page, as a scan reads them.
func BenchmarkListTokens(b *testing.B) {
	h := newHarness(b, bigEstate(20_000), Options{})
	tok := h.token(orgMain)
	b.ResetTimer()
	for b.Loop() {
		link := "/orgs/acme/personal-access-tokens?per_page=100"
		for link != "" {
			req, _ := http.NewRequest(http.MethodGet, link, nil)
			req.Host = "sim"
			req.Header.Set("X-GitHub-Api-Version", "2022-11-28")
			req.Header.Set("Authorization", "Bearer "+tok)
			rec := &recorderFor{header: http.Header{}}
			h.s.ServeHTTP(rec, req)
			if rec.status != http.StatusOK {
				b.Fatalf("status %d", rec.status)
			}
			link = next(rec.header)
		}
	}
}
