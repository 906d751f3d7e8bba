package googleworkspacesim

import (
	"net/http"
	"net/url"
	"runtime"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/nhiscope/nhi/estate"
)

// generated returns a generated estate.
func generated(t testing.TB, people int) *estate.Estate {
	t.Helper()
	e, err := estate.Generate(estate.Options{Seed: 1, People: people})
	if err != nil {
		t.Fatalf("estate.Generate: %v", err)
	}
	return e
}

// TestGeneratedEstate checks the simulator against a generated estate end to end: every
// user listed, every user's tokens as the estate has them, and one authorize and one revoke
// event per revoked grant in the look-back.
func TestGeneratedEstate(t *testing.T) {
	t.Parallel()
	e := generated(t, 50)
	s, u, tok := newTestServer(t, e, Options{})
	got := listAllUsers(t, u, tok, url.Values{"customer": {"my_customer"}, "maxResults": {"7"}})
	if diff := cmp.Diff(wantUserIDs(e, false), got); diff != "" {
		t.Errorf("users (-want +got):\n%s", diff)
	}
	for i, p := range e.People {
		status, body := call(t, http.MethodGet, u+"/admin/directory/v1/users/"+url.PathEscape(p.Email)+"/tokens", tok)
		if p.Status == estate.Departed {
			if status != http.StatusNotFound {
				t.Errorf("tokens of deleted %s: %d", p.Email, status)
			}
			continue
		}
		if status != http.StatusOK {
			t.Fatalf("tokens of %s: %d %s", p.Email, status, body)
		}
		toks, err := s.Tokens(p.GoogleID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(wantTokens(e, i), toks, ignoreEtag, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("tokens of %s (-want +got):\n%s", p.Email, diff)
		}
	}
	cutoff := e.Options.Now.Add(-lookBack)
	wantRevokes := 0
	for _, g := range e.Revoked {
		if !g.RevokedAt.Before(cutoff) {
			wantRevokes++
		}
	}
	revokes := listActivities(t, u, tok, "all", "token", url.Values{"eventName": {"revoke"}})
	if len(revokes) != wantRevokes || wantRevokes == 0 {
		t.Errorf("%d revoke events, want %d (and some)", len(revokes), wantRevokes)
	}
	for i := range revokes {
		at := parseTime(t, revokes[i].ID.Time)
		if at.After(e.Options.Now) || at.Before(cutoff) {
			t.Errorf("revoke at %s outside the window", at)
		}
	}
}

// BenchmarkNewGenerated100k builds a simulator over a generated estate of 100,000 people
// and reports the heap it holds beyond the estate, and its token events.
func BenchmarkNewGenerated100k(b *testing.B) {
	e := generated(b, 100_000)
	var before, after runtime.MemStats
	for b.Loop() {
		runtime.GC()
		runtime.ReadMemStats(&before)
		start := time.Now()
		s, err := New(e, Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(time.Since(start).Seconds(), "s-build")
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "MiB-held")
		b.ReportMetric(float64(len(s.w.static)), "events")
		b.ReportMetric(float64(len(e.Grants)), "grants")
		runtime.KeepAlive(s)
	}
}
