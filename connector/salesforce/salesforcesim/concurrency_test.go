package salesforcesim

import (
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/nhiscope/nhi/estate"
)

// TestConcurrentUse runs reads, pages, changes and additions at once, for the race
// detector, and checks the org ends in the state the changes made.
func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	sm := newSim(t, nil, Options{MaxBatch: 2})
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for i := range 8 {
		wg.Go(func() {
			q := "/services/data/v62.0/query?q=" + url.QueryEscape("SELECT Id FROM PermissionSetAssignment")
			status, _, body := sm.do(t, http.MethodGet, q, sm.token, "")
			if status != http.StatusOK {
				errs <- string(body)
			}
			if status, _, body := sm.do(t, http.MethodGet, "/services/data/v62.0/query?q="+
				url.QueryEscape("SELECT Id FROM EventLogFile"), sm.token, ""); status != http.StatusOK {
				errs <- string(body)
			}
			if err := sm.AddLogin(estate.SFLogin{User: int32(i % 3), Time: testNow.Add(-time.Duration(i) * time.Minute),
				LoginType: "Application", Status: "Success"}); err != nil {
				errs <- err.Error()
			}
		})
	}
	wg.Go(func() {
		if status, _ := sm.revoke(t, "del-ada-drift"); status != http.StatusOK {
			errs <- "revoke failed"
		}
	})
	wg.Go(func() {
		if status, _, _ := sm.do(t, http.MethodPatch, "/services/data/v62.0/sobjects/UserLogin/"+loginBob, sm.token,
			`{"IsFrozen":true}`); status != http.StatusNoContent {
			errs <- "freeze failed"
		}
	})
	wg.Go(func() {
		if err := sm.SetUserPermissions("ada@example.com", false, false, false); err != nil {
			errs <- err.Error()
		}
	})
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if _, frozen, _ := sm.UserState(userBob); !frozen || sm.TokenCount(appDrift, userAda) != 0 {
		t.Errorf("changes lost: frozen %v, Ada's Drift tokens %d", frozen, sm.TokenCount(appDrift, userAda))
	}
	if r := sm.query(t, sm.token, "SELECT Id FROM LoginHistory"); r.TotalSize != 12 {
		t.Errorf("%d logins, want 4 + 8 added", r.TotalSize)
	}
}
