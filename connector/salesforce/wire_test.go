package salesforce_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/connector/connectortest"
	"github.com/nhiscope/nhi/connector/salesforce/salesforcesim"
)

// Error bodies of the REST API.
const (
	sessionBody = `[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]`
	limitBody   = `[{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]`
	queryPath   = "/services/data/v62.0/query"
	tokenPath   = "/services/oauth2/token"
)

// scanOnce runs one scan and returns its recorder and error.
func scanOnce(t *testing.T, c connector.Connector) (*connectortest.Recorder, error) {
	t.Helper()
	rec := connectortest.NewRecorder()
	_, err := c.Discover(t.Context(), "", rec)
	return rec, err
}

// countPath counts the logged requests to path.
func countPath(reqs []connectortest.Request, path string) int {
	n := 0
	for _, r := range reqs {
		if r.Path == path {
			n++
		}
	}
	return n
}

// TestExpiredSessionSignsInAgain checks that INVALID_SESSION_ID makes the connector sign
// in again once and go on, and that a session refused again ends the scan with
// CodeUnauthorized without a storm of sign-ins.
func TestExpiredSessionSignsInAgain(t *testing.T) {
	t.Parallel()
	e := generate(t, 7)
	v := newEnv(t, e, salesforcesim.Options{}, connectortest.Setup{})
	v.sim.InjectFault(salesforcesim.Fault{Path: queryPath, Status: 401, Times: 1, Body: sessionBody})
	rec, err := scanOnce(t, v.connector(t, nil))
	if err != nil || len(rec.Failures()) > 0 {
		t.Fatalf("scan after one expired session = %v, failures %v", err, rec.Failures())
	}
	if n := countPath(v.mw.requests(), tokenPath); n != 2 {
		t.Errorf("%d token requests, want 2 (the first sign-in and one more)", n)
	}
	v = newEnv(t, e, salesforcesim.Options{}, connectortest.Setup{})
	v.sim.InjectFault(salesforcesim.Fault{Path: queryPath, Status: 401, Body: sessionBody})
	_, err = scanOnce(t, v.connector(t, nil))
	if nhi.ErrorCode(err) != nhi.CodeUnauthorized {
		t.Errorf("scan with sessions always refused = %v, want CodeUnauthorized", err)
	}
	if n := countPath(v.mw.requests(), tokenPath); n > 5 {
		t.Errorf("%d token requests after refused sessions, want a few", n)
	}
}

// TestDailyLimit checks that a scan stops with CodeRateLimited and a message about the
// daily API limit, without retrying, both when /limits shows the reserve reached and when
// Salesforce answers REQUEST_LIMIT_EXCEEDED.
func TestDailyLimit(t *testing.T) {
	t.Parallel()
	e := generate(t, 7)
	tests := []struct {
		name   string
		opts   salesforcesim.Options
		fault  *salesforcesim.Fault
		reqs   int // at most this many query requests
		inText string
	}{
		{name: "reserve reached", opts: salesforcesim.Options{DailyLimit: 10}, reqs: 0, inText: "reserve"},
		{name: "limit exceeded", fault: &salesforcesim.Fault{Path: queryPath, Status: 403, Body: limitBody}, reqs: 3,
			inText: "daily API limit is exhausted"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v := newEnv(t, e, tt.opts, connectortest.Setup{})
			if tt.fault != nil {
				v.sim.InjectFault(*tt.fault)
			}
			rec, err := scanOnce(t, v.connector(t, nil))
			if nhi.ErrorCode(err) != nhi.CodeRateLimited || !strings.Contains(nhi.ErrorMessage(err), tt.inText) {
				t.Errorf("Discover = %v (code %s), want CodeRateLimited saying %q", err, nhi.ErrorCode(err), tt.inText)
			}
			if n := countPath(v.mw.requests(), queryPath); n > tt.reqs {
				t.Errorf("%d query requests, want at most %d: no retries once the limit is reached", n, tt.reqs)
			}
			if len(rec.Identities()) > 0 {
				t.Errorf("%d identities reported", len(rec.Identities()))
			}
		})
	}
}

// TestWithoutCustomizeApplication checks that without Customize Application the Metadata
// API refusal is a failure naming the permission, and people are still reported.
func TestWithoutCustomizeApplication(t *testing.T) {
	t.Parallel()
	v := newEnv(t, generate(t, 7), salesforcesim.Options{}, connectortest.Setup{})
	if err := v.sim.SetUserPermissions(v.cfg.Username, false, true, true); err != nil {
		t.Fatal(err)
	}
	rec, err := scanOnce(t, v.connector(t, nil))
	if err != nil {
		t.Fatal(err)
	}
	f := rec.Failures()
	if len(f) == 0 || nhi.ErrorCode(f[0].Err) != nhi.CodeForbidden || !strings.Contains(nhi.ErrorMessage(f[0].Err), "Customize Application") {
		t.Fatalf("failures %+v, want one with CodeForbidden naming Customize Application", f)
	}
	if len(rec.People()) == 0 || !rec.IsComplete(connector.ScopePeople) {
		t.Error("people were not reported")
	}
}

// TestThrottledRequestsAreRetried checks that 503 answers are retried and reported as
// throttling, and the scan ends as an undisturbed one.
func TestThrottledRequestsAreRetried(t *testing.T) {
	t.Parallel()
	e := generate(t, 7)
	base, _ := scanOnce(t, newEnv(t, e, salesforcesim.Options{}, connectortest.Setup{}).connector(t, nil))
	v := newEnv(t, e, salesforcesim.Options{}, connectortest.Setup{})
	v.sim.InjectFault(salesforcesim.Fault{Path: queryPath, Status: 503, Times: 2})
	rec, err := scanOnce(t, v.connector(t, nil))
	if err != nil || len(rec.Failures()) > 0 {
		t.Fatalf("scan = %v, failures %v", err, rec.Failures())
	}
	if len(rec.Identities()) != len(base.Identities()) || rec.Count(connector.ProgressThrottled) == 0 {
		t.Errorf("%d identities (want %d), %d throttled events (want some)", len(rec.Identities()),
			len(base.Identities()), rec.Count(connector.ProgressThrottled))
	}
}

// TestScanDetails checks the facts a token and an integration user carry, that the scan
// never selects DeleteToken, and that Info and Self name the org and nhi's own user.
func TestScanDetails(t *testing.T) {
	t.Parallel()
	e := generate(t, 7)
	sf := e.Salesforce
	v := newEnv(t, e, salesforcesim.Options{}, connectortest.Setup{})
	c := v.connector(t, nil)
	rec, err := scanOnce(t, c)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]nhi.Identity{}
	for _, id := range rec.Identities() {
		ids[id.ExternalID] = id
	}
	tk := sf.Tokens[0]
	app := sf.Apps[tk.App]
	got := ids[sf.TokenSubject(tk)]
	want := map[string]string{"use_count": strconv.Itoa(tk.UseCount), "admin_approved_only": strconv.FormatBool(app.AdminApprovedOnly),
		"internal": strconv.FormatBool(app.Internal), "own_app": strconv.FormatBool(app.Internal), "app_name": app.Name,
		"user_active": strconv.FormatBool(sf.Users[tk.User].IsActive), "ip_relaxation": orDefault(app.IPRelaxation, "ENFORCE"),
		"refresh_token_policy": policyName(app.RefreshTokenPolicy)}
	if diff := cmp.Diff(want, got.Attributes); diff != "" {
		t.Errorf("token attributes (-want +got):\n%s", diff)
	}
	if len(got.Credentials) != 1 || got.Credentials[0].NeverExpires != (policyName(app.RefreshTokenPolicy) == "infinite") ||
		got.Credentials[0].Type != "oauth_refresh_token" {
		t.Errorf("token credentials %+v", got.Credentials)
	}
	for _, r := range v.sim.Requests() {
		if strings.Contains(r.SOQL, "DeleteToken") {
			t.Errorf("scan selected DeleteToken: %s", r.SOQL)
		}
	}
	if info := c.Info(); info.Tenant != sf.OrgID || info.Platform != nhi.PlatformSalesforce {
		t.Errorf("Info() = %+v", info)
	}
	if self := c.Self(); !slices.Contains(self, v.cfg.Username) || len(self) < 3 {
		t.Errorf("Self() = %q, want the username and the user ID", self)
	}
}

// orDefault returns s, or def when s is empty.
func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// policyName returns the refresh token policy the connector reports for an estate policy.
func policyName(p string) string {
	switch p {
	case "", "infinite":
		return "infinite"
	case "inactivity":
		return "specific_inactivity"
	}
	return p
}
