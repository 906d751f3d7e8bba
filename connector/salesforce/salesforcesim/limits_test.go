package salesforcesim

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestDailyLimit(t *testing.T) {
	t.Parallel()
	sm := newSim(t, nil, Options{DailyLimit: 3})
	status, hdr, body := sm.do(t, http.MethodGet, "/services/data/v62.0/limits", sm.token, "")
	var lim map[string]limit
	if status != 200 || json.Unmarshal(body, &lim) != nil || lim["DailyApiRequests"] != (limit{Max: 3, Remaining: 2}) {
		t.Errorf("limits: %d %s", status, body)
	}
	if got := hdr.Get("Sforce-Limit-Info"); got != "api-usage=1/3" {
		t.Errorf("Sforce-Limit-Info %q, want api-usage=1/3", got)
	}
	sm.query(t, sm.token, "SELECT Id FROM User")
	sm.query(t, sm.token, "SELECT Id FROM User")
	status, hdr, body = sm.do(t, http.MethodGet, "/services/data/v62.0/query?q=SELECT+Id+FROM+User", sm.token, "")
	var errs []apiError
	if status != http.StatusForbidden || json.Unmarshal(body, &errs) != nil || errs[0].Code != "REQUEST_LIMIT_EXCEEDED" ||
		errs[0].Message != "TotalRequests Limit exceeded." {
		t.Errorf("over the limit: %d %s", status, body)
	}
	if got := hdr.Get("Sforce-Limit-Info"); got != "api-usage=3/3" {
		t.Errorf("Sforce-Limit-Info over the limit %q", got)
	}
	if used, max := sm.APIUsage(); used != 3 || max != 3 {
		t.Errorf("APIUsage %d/%d, want 3/3", used, max)
	}
	_, soap := sm.soapCall(t, sm.token, `<met:listMetadata><met:queries><met:type>ConnectedApp</met:type></met:queries></met:listMetadata>`)
	if !strings.Contains(soap, "sf:REQUEST_LIMIT_EXCEEDED") {
		t.Errorf("Metadata API over the limit: %s", soap)
	}
	if _, max := newSim(t, nil, Options{}).APIUsage(); max != 100000 {
		t.Errorf("default daily limit %d", max)
	}
}

func TestDailyLimitRefills(t *testing.T) {
	t.Parallel()
	var offset atomic.Int64
	sm := newSim(t, nil, Options{DailyLimit: 2, Now: func() time.Time { return testNow.Add(time.Duration(offset.Load())) }})
	limits := func() int {
		status, _, _ := sm.do(t, http.MethodGet, "/services/data/v62.0/limits", sm.token, "")
		return status
	}
	got := []int{limits(), limits(), limits()}
	offset.Store(int64(time.Hour))
	sm.token = sm.signIn(t, "")
	got = append(got, limits())
	offset.Store(int64(24 * time.Hour))
	sm.token = sm.signIn(t, "")
	got = append(got, limits())
	if diff := cmp.Diff([]int{200, 200, 403, 403, 200}, got); diff != "" {
		t.Errorf("statuses over a day (-want +got):\n%s", diff)
	}
	if used, _ := sm.APIUsage(); used != 1 {
		t.Errorf("used %d after the refill, want 1", used)
	}
}

func TestFaults(t *testing.T) {
	t.Parallel()
	sm := newSim(t, nil, Options{})
	const body = `[{"message":"Server busy","errorCode":"SERVER_UNAVAILABLE"}]`
	sm.InjectFault(Fault{Method: http.MethodGet, Path: "/services/data/v62.0/query", Status: 503, Body: body, Times: 1, After: 1})
	sm.InjectFault(Fault{Path: "/services/data/v62.0/limits", Status: 500})
	q := "/services/data/v62.0/query?q=SELECT+Id+FROM+User"
	var got []int
	for range 3 {
		status, _, b := sm.do(t, http.MethodGet, q, sm.token, "")
		got = append(got, status)
		if status == 503 && string(b) != body {
			t.Errorf("fault body %s", b)
		}
	}
	if got[0] != 200 || got[1] != 503 || got[2] != 200 {
		t.Errorf("statuses %v, want [200 503 200] (After 1, Times 1)", got)
	}
	status, _, b := sm.do(t, http.MethodGet, "/services/data/v62.0/limits", sm.token, "")
	var errs []apiError
	if status != 500 || json.Unmarshal(b, &errs) != nil || errs[0].Code != "UNKNOWN_EXCEPTION" {
		t.Errorf("default fault body: %d %s", status, b)
	}
	sm.ClearFaults()
	if status, _, _ := sm.do(t, http.MethodGet, "/services/data/v62.0/limits", sm.token, ""); status != 200 {
		t.Errorf("after ClearFaults: %d", status)
	}
	reqs := sm.Requests()
	if len(reqs) < 5 || reqs[len(reqs)-1].Status != 200 || reqs[len(reqs)-2].Status != 500 {
		t.Errorf("request log %+v", reqs)
	}
}

func TestUnroutedAndVersions(t *testing.T) {
	t.Parallel()
	sm := newSim(t, nil, Options{})
	tests := []struct {
		method, path string
		status       int
		code         string
	}{
		{http.MethodGet, "/services/data/v62.0/sobjects/Account", 404, "NOT_FOUND"},
		{http.MethodDelete, "/services/data/v62.0/query", 405, "METHOD_NOT_ALLOWED"},
		{http.MethodGet, "/services/data/v20.0/limits", 404, "NOT_FOUND"},
		{http.MethodGet, "/services/data/latest/limits", 404, "NOT_FOUND"},
	}
	for _, tt := range tests {
		status, _, b := sm.do(t, tt.method, tt.path, sm.token, "")
		var errs []apiError
		if status != tt.status || json.Unmarshal(b, &errs) != nil || errs[0].Code != tt.code {
			t.Errorf("%s %s: %d %s, want %d %s", tt.method, tt.path, status, b, tt.status, tt.code)
		}
	}
	if status, _, _ := sm.do(t, http.MethodGet, "/services/data/v58.0/limits", sm.token, ""); status != 200 {
		t.Errorf("v58.0: %d", status)
	}
}
