package entrasim

import (
	"net/http"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

// TestThrottling checks the resource-unit budget: costs per call, the 429 with its
// headers once spent, and the refill over 10 seconds.
func TestThrottling(t *testing.T) {
	t.Parallel()
	var clock atomic.Int64
	clock.Store(fixedClock.UnixNano())
	h := start(t, smallEstate(), Options{ResourceUnits: 10, Clock: func() time.Time { return time.Unix(0, clock.Load()) }})
	costs := []struct {
		path string
		cost int
	}{
		{"/v1.0/applications", 2},
		{"/v1.0/applications?$select=id", 1},
		{"/v1.0/oauth2PermissionGrants?$top=50", 2},
		{"/v1.0/oauth2PermissionGrants?$top=5", 1},
		{"/v1.0/servicePrincipals/" + billingSP + "/appRoleAssignments", 2},
	}
	spent := 0
	for _, c := range costs {
		status, hdr, _ := h.do(t, http.MethodGet, c.path, "")
		spent += c.cost
		if status != 200 || hdr.Get("x-ms-resource-unit") != strconv.Itoa(c.cost) {
			t.Errorf("GET %s = %d costing %q, want 200 costing %d", c.path, status, hdr.Get("x-ms-resource-unit"), c.cost)
		}
		if (spent > 8) != (hdr.Get("x-ms-throttle-limit-percentage") != "") {
			t.Errorf("after %d of 10 units, x-ms-throttle-limit-percentage = %q", spent, hdr.Get("x-ms-throttle-limit-percentage"))
		}
	}
	// 8 units spent: a call of 2 passes, the next is throttled.
	mustStatus(t, h, http.MethodGet, "/v1.0/applications", "", 200)
	status, hdr, body := h.do(t, http.MethodGet, "/v1.0/applications", "")
	if status != 429 || errorCode(body) != "TooManyRequests" || hdr.Get("Retry-After") != "2" ||
		hdr.Get("x-ms-throttle-information") != "ResourceUnitLimitExceeded" || hdr.Get("x-ms-throttle-scope") == "" {
		t.Fatalf("over budget: %d %s, headers %v", status, body, hdr)
	}
	if st := h.s.Stats(); st.Throttled != 1 {
		t.Errorf("stats %+v, want 1 throttled", st)
	}
	clock.Add(int64(2 * time.Second))
	mustStatus(t, h, http.MethodGet, "/v1.0/applications", "", 200)
}

// TestUnlimitedBudget checks that without ResourceUnits nothing is throttled.
func TestUnlimitedBudget(t *testing.T) {
	t.Parallel()
	h := start(t, smallEstate(), Options{})
	for range 200 {
		mustStatus(t, h, http.MethodGet, "/v1.0/oauth2PermissionGrants", "", 200)
	}
	if st := h.s.Stats(); st.Throttled != 0 {
		t.Errorf("stats %+v, want nothing throttled", st)
	}
}
