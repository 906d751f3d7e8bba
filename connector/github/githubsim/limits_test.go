package githubsim

import (
	"net/http"
	"strconv"
	"testing"
	"time"
)

// TestPrimaryLimit checks the hourly budget per installation: headers count down, the
// budget is shared by the installation's tokens, exhaustion is 403 with remaining 0,
// and the next hour refills it.
func TestPrimaryLimit(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil, Options{HourlyLimit: 3})
	tok := h.token(orgMain)
	reset := strconv.FormatInt(h.now().Add(time.Hour).Unix(), 10)
	for i := 1; i <= 3; i++ {
		cred := tok
		if i == 3 {
			cred = h.token(orgMain) // another token of the same installation
		}
		a := h.get("/orgs/acme/members", cred)
		if a.status != 200 || a.header.Get("x-ratelimit-limit") != "3" || a.header.Get("x-ratelimit-used") != strconv.Itoa(i) ||
			a.header.Get("x-ratelimit-remaining") != strconv.Itoa(3-i) || a.header.Get("x-ratelimit-reset") != reset ||
			a.header.Get("x-ratelimit-resource") != "core" {
			t.Fatalf("request %d: %d %v", i, a.status, a.header)
		}
	}
	inst, _ := h.s.InstallationID(orgMain)
	a := h.get("/orgs/acme/members", tok)
	if a.status != http.StatusForbidden || a.header.Get("x-ratelimit-remaining") != "0" ||
		a.message() != "API rate limit exceeded for installation ID "+itoa(inst)+"." {
		t.Errorf("exhausted: %d %s %v", a.status, a.body, a.header)
	}
	if a := h.get("/orgs/acme/audit-log", h.s.OwnerToken()); a.status != 200 {
		t.Errorf("the owner's own budget: %d", a.status)
	}
	if a := h.get("/orgs/acme-labs/members", h.token(orgLabs)); a.status != 200 {
		t.Errorf("another installation's budget: %d", a.status)
	}
	h.advance(time.Hour)
	if a := h.get("/orgs/acme/members", h.token(orgMain)); a.status != 200 || a.header.Get("x-ratelimit-used") != "1" {
		t.Errorf("next hour: %d used %s", a.status, a.header.Get("x-ratelimit-used"))
	}
}

// TestSecondaryLimit checks the per-minute limit: 429 with retry-after, then served
// again a minute later.
func TestSecondaryLimit(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil, Options{SecondaryPerMinute: 2})
	owner := h.s.OwnerToken()
	for i := range 2 {
		if a := h.get("/orgs/acme/hooks", owner); a.status != 200 {
			t.Fatalf("request %d: %d", i, a.status)
		}
	}
	h.advance(20 * time.Second)
	a := h.get("/orgs/acme/hooks", owner)
	if a.status != http.StatusTooManyRequests || a.header.Get("retry-after") != "40" || a.header.Get("x-ratelimit-remaining") == "0" {
		t.Errorf("third request: %d retry-after %q %s", a.status, a.header.Get("retry-after"), a.body)
	}
	h.advance(40 * time.Second)
	if a := h.get("/orgs/acme/hooks", owner); a.status != 200 {
		t.Errorf("a minute later: %d", a.status)
	}
}

// TestAnonymousHeaders checks that answers to unauthenticated requests and to faults
// carry rate limit headers too.
func TestAnonymousHeaders(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil, Options{})
	a := h.get("/orgs/acme/members", "")
	if a.status != 401 || a.header.Get("x-ratelimit-limit") != "60" || a.header.Get("x-ratelimit-used") != "1" {
		t.Errorf("anonymous: %d %v", a.status, a.header)
	}
	h.s.InjectFault(Fault{Status: 502})
	a = h.get("/orgs/acme/members", h.s.OwnerToken())
	if a.status != 502 || a.header.Get("x-ratelimit-limit") != "5000" || a.header.Get("x-ratelimit-used") != "0" {
		t.Errorf("fault: %d %v", a.status, a.header)
	}
}
