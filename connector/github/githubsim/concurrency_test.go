package githubsim

import (
	"net/http"
	"sync"
	"testing"
	"time"
)

// TestConcurrentUse reads, pages and changes at once; run with -race.
func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	h := newHarness(t, bigEstate(300), Options{})
	tok, owner := h.token(orgMain), h.s.OwnerToken()
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := range 20 {
				switch (w + i) % 5 {
				case 0:
					h.walk("/orgs/acme/personal-access-tokens?per_page=100", tok)
				case 1:
					h.walk("/orgs/acme/audit-log?per_page=100", owner)
				case 2:
					h.do(http.MethodPost, "/orgs/acme/personal-access-tokens/"+itoa(int64(200000+w*20+i)), tok, map[string]any{"action": "revoke"})
				case 3:
					_, _ = h.s.AddHook(orgMain, "https://c.example/", []string{"push"}, "ada", time.Now())
					h.s.HookActive(orgMain, hookSlack)
				case 4:
					h.do(http.MethodPatch, "/orgs/acme/hooks/9001", tok, map[string]any{"active": i%2 == 0})
					h.s.Audits(orgMain)
					h.token(orgMain)
				}
			}
		})
	}
	wg.Wait()
	items, _ := h.walk("/orgs/acme/personal-access-tokens?per_page=100", tok)
	revoked := 0
	for i := range 300 {
		if !h.s.HasToken(orgMain, int64(200000+i)) {
			revoked++
		}
	}
	if len(items) != 302-revoked || revoked != 32 {
		t.Errorf("%d grants listed, %d revoked; want 302-32", len(items), revoked)
	}
}
