package entrasim

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"
)

// TestIgnoreFault checks that an Ignore fault acknowledges a change without making it,
// once, and leaves reads alone.
func TestIgnoreFault(t *testing.T) {
	t.Parallel()
	h := start(t, smallEstate(), Options{Roles: append(ReadRoles(), RemediationRoles()...)})
	h.s.InjectFault(Fault{Path: "/oauth2PermissionGrants/", Ignore: true, Times: 1})
	before := len(h.s.Audits())
	mustStatus(t, h, http.MethodGet, "/v1.0/oauth2PermissionGrants/"+grantPDF, "", 200)
	mustStatus(t, h, http.MethodDelete, "/v1.0/oauth2PermissionGrants/"+grantPDF, "", 204)
	if !h.s.HasGrant(grantPDF) || len(h.s.Audits()) != before {
		t.Fatal("an ignored revocation took effect or was audited")
	}
	mustStatus(t, h, http.MethodDelete, "/v1.0/oauth2PermissionGrants/"+grantPDF, "", 204)
	if h.s.HasGrant(grantPDF) {
		t.Error("the fault outlived its Times: the second revocation did not take")
	}
}

// TestErrorFaults checks injected failures: status, code, Retry-After, After and Times,
// the token endpoint's OAuth body, and the counts.
func TestErrorFaults(t *testing.T) {
	t.Parallel()
	h := start(t, smallEstate(), Options{})
	h.s.InjectFault(Fault{Method: http.MethodGet, Path: "/servicePrincipals", Status: 503, RetryAfter: 1500 * time.Millisecond,
		After: 1, Times: 2})
	h.s.InjectFault(Fault{Path: "/applications", Status: 429})
	want := []int{200, 503, 503, 200}
	for i, w := range want {
		status, hdr, body := h.do(t, http.MethodGet, "/v1.0/servicePrincipals", "")
		if status != w {
			t.Fatalf("request %d = %d, want %d", i, status, w)
		}
		if w == 503 && (hdr.Get("Retry-After") != "2" || errorCode(body) != "serviceNotAvailable") {
			t.Errorf("fault answer: Retry-After %q, body %s", hdr.Get("Retry-After"), body)
		}
	}
	status, _, body := h.do(t, http.MethodGet, "/v1.0/applications", "")
	if status != 429 || errorCode(body) != "TooManyRequests" {
		t.Errorf("429 fault = %d %s", status, body)
	}
	if st := h.s.Stats(); st.Faults != 3 || st.Throttled != 1 || st.Mutations != 0 || st.Requests != 5 {
		t.Errorf("stats %+v, want 5 requests, 3 faults, 1 throttled, no mutation", st)
	}
	h.s.ClearFaults()
	mustStatus(t, h, http.MethodGet, "/v1.0/applications", "", 200)
	h.s.InjectFault(Fault{Path: "/oauth2/v2.0/token", Status: 500, Times: 1})
	id, secret := h.s.ClientCredentials()
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {id}, "client_secret": {secret}, "scope": {graphDefaultScope}}
	if status, r := postToken(t, h, tenant, form, [2]string{}); status != 500 || r.Error != "server_error" || len(r.Codes) != 1 {
		t.Errorf("token fault = %d %+v, want 500 server_error with an AADSTS code", status, r)
	}
	if status, r := postToken(t, h, tenant, form, [2]string{}); status != 200 || r.AccessToken == "" {
		t.Errorf("after the fault: %d %+v", status, r)
	}
}

// TestRequestLog checks the log records requests with their status and that ResetRequests
// clears it while Stats keep counting.
func TestRequestLog(t *testing.T) {
	t.Parallel()
	h := start(t, smallEstate(), Options{MaxRequestLog: 4, Clock: func() time.Time { return fixedClock }})
	for range 5 {
		mustStatus(t, h, http.MethodGet, "/v1.0/applications?$select=id", "", 200)
	}
	mustStatus(t, h, http.MethodDelete, "/v1.0/oauth2PermissionGrants/"+grantPDF, "", 403)
	log := h.s.Requests()
	last := log[len(log)-1]
	if len(log) > 4 || last.Method != http.MethodDelete || last.Status != 403 || !last.API() || last.At != fixedClock {
		t.Errorf("log %+v, want at most 4 entries ending with the refused DELETE", log)
	}
	if log[0].RawQuery != "$select=id" || log[0].Path != "/v1.0/applications" {
		t.Errorf("first entry %+v", log[0])
	}
	h.s.ResetRequests()
	if n := len(h.s.Requests()); n != 0 {
		t.Errorf("%d entries after ResetRequests", n)
	}
	if st := h.s.Stats(); st.Requests != 6 || st.Mutations != 1 {
		t.Errorf("stats %+v, want 6 requests and 1 mutation", st)
	}
}

// TestLatencyCanceled checks that a client that has given up by the end of the configured
// latency gets no answer and that the log records the request as abandoned (499).
func TestLatencyCanceled(t *testing.T) {
	t.Parallel()
	h := start(t, smallEstate(), Options{Latency: time.Hour})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	req := httptest.NewRequestWithContext(ctx, http.MethodGet, "/v1.0/applications", nil)
	req.Header.Set("Authorization", "Bearer "+h.token)
	rec := httptest.NewRecorder()
	h.s.ServeHTTP(rec, req)
	if rec.Body.Len() != 0 {
		t.Errorf("answered %q to a canceled request", rec.Body.String())
	}
	if log := h.s.Requests(); len(log) != 1 || log[0].Status != 499 {
		t.Errorf("log %+v, want one abandoned request (499)", log)
	}
}
