package googleworkspace_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/connector/connectortest"
	"github.com/nhiscope/nhi/connector/googleworkspace/googleworkspacesim"
	"github.com/nhiscope/nhi/estate"
)

// TestRemediateRefuses checks that actions the connector must not carry out are refused
// with CodeInvalid, by Remediate and Verify alike, before any request changes the tenant.
func TestRemediateRefuses(t *testing.T) {
	t.Parallel()
	e := failEstate(t)
	inst, sim := startRemediator(t, e)
	grant, app := inst.Actions[0], inst.Actions[1]
	with := func(a nhi.Action, f func(*nhi.Action)) nhi.Action { f(&a); return a }
	tests := []struct {
		name string
		a    nhi.Action
	}{
		{"reduce scope", with(grant, func(a *nhi.Action) { a.Type = nhi.ActionReduceScope })},
		{"grant of another kind", with(grant, func(a *nhi.Action) { a.Kind = nhi.KindServiceAccount })},
		{"unknown type", with(grant, func(a *nhi.Action) { a.Type = "wipe" })},
		{"other platform", with(grant, func(a *nhi.Action) { a.Platform = "slack" })},
		{"external ID of another owner", with(grant, func(a *nhi.Action) { a.OwnerID = "123" })},
		{"external ID of another app", with(app, func(a *nhi.Action) {
			*a = grantAction(e, grant.OwnerID, grant.AppID)
			a.AppID = app.AppID
		})},
		{"external ID without app", with(grant, func(a *nhi.Action) { a.ExternalID, a.AppID = a.OwnerID, "" })},
		{"no owner", with(grant, func(a *nhi.Action) { a.ExternalID, a.OwnerID = "", "" })},
		{"owner with a slash", with(grant, func(a *nhi.Action) { a.ExternalID, a.OwnerID = "", "a/b" })},
		{"app with a space", with(app, func(a *nhi.Action) { a.AppID = "1 2" })},
		{"no app", with(app, func(a *nhi.Action) { a.AppID = "" })},
		{"own client", with(app, func(a *nhi.Action) { a.AppID = sim.ServiceAccountClientID() })},
		{"own client's grant", grantAction(e, grant.OwnerID, sim.ServiceAccountClientID())},
		{"app of another tenant", with(app, func(a *nhi.Action) { a.Tenant = "C0other00" })},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if _, err := inst.Remediator.Remediate(t.Context(), tt.a); nhi.ErrorCode(err) != nhi.CodeInvalid {
				t.Errorf("Remediate = %v (code %q), want code %s", err, nhi.ErrorCode(err), nhi.CodeInvalid)
			}
			if _, err := inst.Remediator.Verify(t.Context(), tt.a); nhi.ErrorCode(err) != nhi.CodeInvalid {
				t.Errorf("Verify = %v (code %q), want code %s", err, nhi.ErrorCode(err), nhi.CodeInvalid)
			}
		})
	}
	t.Cleanup(func() {
		if n := mutations(sim); n != 0 {
			t.Errorf("refused actions sent %d mutating requests", n)
		}
	})
}

// TestRemediateWrongTenantAfterScan checks that once a scan has found the tenant, a grant
// of another tenant is refused.
func TestRemediateWrongTenantAfterScan(t *testing.T) {
	t.Parallel()
	e := failEstate(t)
	inst, sim := startRemediator(t, e)
	c := inst.Remediator.(connector.Connector)
	if _, err := c.Discover(t.Context(), "", connectortest.NewRecorder()); err != nil {
		t.Fatal(err)
	}
	a := inst.Actions[0]
	a.Tenant = "C0other00"
	if _, err := inst.Remediator.Remediate(t.Context(), a); nhi.ErrorCode(err) != nhi.CodeInvalid {
		t.Errorf("Remediate = %v (code %q), want code %s", err, nhi.ErrorCode(err), nhi.CodeInvalid)
	}
	if n := mutations(sim); n != 0 || !sim.HasGrant(a.OwnerID, a.AppID) {
		t.Errorf("%d mutating requests, grant still there %v", n, sim.HasGrant(a.OwnerID, a.AppID))
	}
}

// TestRemediateAnswers checks how Remediate and Verify of one grant take Google's answers:
// codes, retries of throttled and failed answers, and which 404 means "gone".
func TestRemediateAnswers(t *testing.T) {
	t.Parallel()
	e := failEstate(t)
	fault := func(method string, status int, reason string, times int) googleworkspacesim.Fault {
		return googleworkspacesim.Fault{Method: method, Path: "/tokens/", Status: status, Reason: reason, Times: times}
	}
	del, get := http.MethodDelete, http.MethodGet
	tests := []struct {
		name  string
		fault googleworkspacesim.Fault
		// code is the code of Remediate's error (or of Verify's, for faults on GET).
		code nhi.Code
		// out is Remediate's outcome, without Call, when it succeeds.
		out connector.Outcome
		// held says the grant is still there afterwards.
		held bool
	}{
		{"deleted", googleworkspacesim.Fault{Path: "/no/such/path"}, "", connector.Outcome{Changed: 1}, false},
		{"already gone", fault(del, 404, "notFound", 0), "", connector.Outcome{AlreadyDone: true}, true},
		{"other 404", fault(del, 404, "unknownPath", 0), nhi.CodeNotFound, connector.Outcome{}, true},
		{"server errors retried", fault(del, 503, "", 2), "", connector.Outcome{Changed: 1}, false},
		{"throttling retried", fault(del, 403, "userRateLimitExceeded", 3), "", connector.Outcome{Changed: 1}, false},
		{"429 retried", fault(del, 429, "", 2), "", connector.Outcome{Changed: 1}, false},
		{"server down", fault(del, 500, "", 0), nhi.CodeUnavailable, connector.Outcome{}, true},
		{"forbidden", fault(del, 403, "forbidden", 0), nhi.CodeForbidden, connector.Outcome{}, true},
		{"scope missing", fault(del, 403, "insufficientPermissions", 0), nhi.CodeForbidden, connector.Outcome{}, true},
		{"unauthorized", fault(del, 401, "authError", 0), nhi.CodeUnauthorized, connector.Outcome{}, true},
		{"bad request", fault(del, 400, "", 0), nhi.CodeInvalid, connector.Outcome{}, true},
		{"verify: server down", fault(get, 500, "", 0), nhi.CodeUnavailable, connector.Outcome{Changed: 1}, false},
		{"verify: other 404", fault(get, 404, "unknownPath", 0), nhi.CodeNotFound, connector.Outcome{Changed: 1}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			inst, sim := startRemediator(t, e)
			a := inst.Actions[0]
			sim.InjectFault(tt.fault)
			out, err := inst.Remediator.Remediate(t.Context(), a)
			if tt.fault.Method == get {
				_, err = inst.Remediator.Verify(t.Context(), a)
			}
			if nhi.ErrorCode(err) != tt.code {
				t.Fatalf("error %v (code %q), want code %q", err, nhi.ErrorCode(err), tt.code)
			}
			if tt.code == "" || tt.fault.Method == get {
				out.Call = ""
				if diff := cmp.Diff(tt.out, out); diff != "" {
					t.Errorf("outcome (-want +got):\n%s", diff)
				}
			}
			if held := sim.HasGrant(a.OwnerID, a.AppID); held != tt.held {
				t.Errorf("grant still held %v, want %v", held, tt.held)
			}
		})
	}
}

// TestRevokeAppGrantsPartial checks that a user whose deletion keeps failing does not stop
// the others, leaves an error with the failure's code and the grant for Verify to count,
// and that a rerun finishes.
func TestRevokeAppGrantsPartial(t *testing.T) {
	t.Parallel()
	e := failEstate(t)
	inst, sim := startRemediator(t, e)
	a := inst.Actions[1]
	before := sim.Holders(a.AppID)
	stuck := before[len(before)-1]
	sim.InjectFault(googleworkspacesim.Fault{Method: http.MethodDelete, Path: "/users/" + stuck + "/tokens/", Status: 503})
	out, err := inst.Remediator.Remediate(t.Context(), a)
	if nhi.ErrorCode(err) != nhi.CodeUnavailable || !strings.Contains(nhi.ErrorMessage(err), "of 1 users") {
		t.Errorf("Remediate = %v (code %q), want code %s for 1 user", err, nhi.ErrorCode(err), nhi.CodeUnavailable)
	}
	if out.Changed != len(before)-1 || out.AlreadyDone {
		t.Errorf("outcome %+v, want Changed %d", out, len(before)-1)
	}
	if diff := cmp.Diff([]string{stuck}, sim.Holders(a.AppID)); diff != "" {
		t.Errorf("holders after (-want +got):\n%s", diff)
	}
	if v, err := inst.Remediator.Verify(t.Context(), a); err != nil || v.Gone || v.Remaining != 1 {
		t.Errorf("Verify = %+v, %v; want 1 remaining", v, err)
	}
	sim.ClearFaults()
	if out, err := inst.Remediator.Remediate(t.Context(), a); err != nil || out.Changed != 1 {
		t.Errorf("rerun = %+v, %v; want 1 changed", out, err)
	}
	if v, err := inst.Remediator.Verify(t.Context(), a); err != nil || !v.Gone {
		t.Errorf("Verify after the rerun = %+v, %v; want gone", v, err)
	}
}

// TestRevokeAppGrantsFindsNewGrants checks that an app-wide revocation removes grants
// given after any scan, and those of suspended users.
func TestRevokeAppGrantsFindsNewGrants(t *testing.T) {
	t.Parallel()
	e := failEstate(t)
	inst, sim := startRemediator(t, e)
	a := inst.Actions[1]
	added := 0
	for _, p := range e.People {
		if p.Status == estate.Active && !sim.HasGrant(p.GoogleID, a.AppID) && added < 3 {
			if err := sim.AddGrant(p.Email, a.AppID, []string{"openid"}, e.Options.Now); err != nil {
				t.Fatal(err)
			}
			added++
		}
	}
	want := len(sim.Holders(a.AppID))
	out, err := inst.Remediator.Remediate(t.Context(), a)
	if err != nil || out.Changed != want || want != len(holders(e)[a.AppID])+added {
		t.Errorf("Remediate = %+v, %v; want %d changed (%d in the estate, %d added)", out, err, want,
			len(holders(e)[a.AppID]), added)
	}
	if left := sim.Holders(a.AppID); len(left) != 0 {
		t.Errorf("holders left: %q", left)
	}
}

// TestRemediatorSharesToken checks that many calls obtain one access token, and that no
// secret reaches the logs or errors.
func TestRemediatorSharesToken(t *testing.T) {
	t.Parallel()
	e := failEstate(t)
	var logs bytes.Buffer
	inst, sim := startSim(t, e, connectortest.Setup{Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	r := inst.Connector.(connector.Remediator)
	var errs []string
	for _, a := range remediationActions(e) {
		for range 2 {
			if _, err := r.Remediate(t.Context(), a); err != nil {
				t.Fatal(err)
			}
			if _, err := r.Verify(t.Context(), a); err != nil {
				t.Fatal(err)
			}
		}
		a.Tenant = "C0other00"
		_, err := r.Remediate(t.Context(), a)
		errs = append(errs, err.Error())
	}
	tokens := 0
	for _, req := range sim.Requests() {
		if req.Path == "/token" {
			tokens++
		}
	}
	if tokens != 1 {
		t.Errorf("%d token requests, want 1", tokens)
	}
	text := logs.String() + strings.Join(errs, "\n")
	if !strings.Contains(text, "revoked") {
		t.Errorf("nothing logged: %q", text)
	}
	for _, s := range append(inst.Secrets, "Bearer ") {
		if strings.Contains(text, s) {
			t.Errorf("logs or errors hold the secret %q", s)
		}
	}
	if m := regexp.MustCompile(`ya29\.`).FindString(text); m != "" {
		t.Errorf("logs or errors hold an access token: %q", m)
	}
}
