package googleworkspace_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/connector/connectortest"
	"github.com/nhiscope/nhi/connector/googleworkspace"
	"github.com/nhiscope/nhi/connector/googleworkspace/googleworkspacesim"
	"github.com/nhiscope/nhi/estate"
)

// failEstate generates the estate of the failure tests.
func failEstate(t *testing.T) *estate.Estate {
	t.Helper()
	e, err := estate.Generate(estate.Options{Seed: 11, People: 60})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// denied is the 403 Google answers an admin without a privilege with.
func denied(path string) googleworkspacesim.Fault {
	return googleworkspacesim.Fault{Method: http.MethodGet, Path: path, Status: http.StatusForbidden,
		Reason: "forbidden", Message: "Not Authorized to access this resource/api"}
}

// TestTokensDeniedTenantWide checks that a 403 for every user's tokens ends the scan with
// one error naming the privilege and scope, after few failures.
func TestTokensDeniedTenantWide(t *testing.T) {
	t.Parallel()
	e := failEstate(t)
	inst, sim := startSim(t, e, connectortest.Setup{})
	sim.InjectFault(denied("/tokens"))
	rec := connectortest.NewRecorder()
	_, err := inst.Connector.Discover(t.Context(), "", rec)
	if code := nhi.ErrorCode(err); code != nhi.CodeForbidden {
		t.Fatalf("Discover = %v (code %q), want code %q", err, code, nhi.CodeForbidden)
	}
	for _, want := range []string{"User Security", googleworkspace.ScopeUserSecurity, e.FirstAdmin().Email} {
		if !strings.Contains(nhi.ErrorMessage(err), want) {
			t.Errorf("message %q does not mention %q", nhi.ErrorMessage(err), want)
		}
	}
	if n, users := len(rec.Failures()), len(rec.People()); n >= 20+googleworkspace.DefaultConcurrency || n >= users {
		t.Errorf("%d failures reported for %d users before the scan ended", n, users)
	}
}

// TestTokensDeniedOneUser checks that one user's 403 is that user's failure only.
func TestTokensDeniedOneUser(t *testing.T) {
	t.Parallel()
	e := failEstate(t)
	inst, sim := startSim(t, e, connectortest.Setup{})
	id := inst.Truth.Identities[0].OwnerID
	sim.InjectFault(denied("/users/" + id + "/tokens"))
	rec := connectortest.NewRecorder()
	if _, err := inst.Connector.Discover(t.Context(), "", rec); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range rec.Failures() {
		got = append(got, f.Scope+" "+string(nhi.ErrorCode(f.Err)))
	}
	if diff := cmp.Diff([]string{connector.PersonScope(id) + " " + string(nhi.CodeForbidden)}, got); diff != "" {
		t.Errorf("failures (-want +got):\n%s", diff)
	}
}

// TestAuditLogUnreadable checks that a full scan that cannot read the audit log reports
// one failure without a scope and still lists every grant, and that 401 stays fatal.
func TestAuditLogUnreadable(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		fault googleworkspacesim.Fault
		fatal nhi.Code
	}{
		{"403", denied("/admin/reports/"), ""},
		{"500", googleworkspacesim.Fault{Path: "/admin/reports/", Status: 500}, ""},
		{"401", googleworkspacesim.Fault{Path: "/admin/reports/", Status: 401}, nhi.CodeUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := failEstate(t)
			inst, sim := startSim(t, e, connectortest.Setup{})
			sim.InjectFault(tt.fault)
			rec := connectortest.NewRecorder()
			cur, err := inst.Connector.Discover(t.Context(), "", rec)
			if code := nhi.ErrorCode(err); code != tt.fatal {
				t.Fatalf("Discover = %v (code %q), want code %q", err, code, tt.fatal)
			}
			if tt.fatal != "" {
				return
			}
			checkAuditFailure(t, rec)
			if cur != "" && cur != "gws1:0" { // the cursor of an empty log: read it all next time
				t.Errorf("cursor %q, want one before every event: no audit event was read", cur)
			}
			checkAllGrants(t, inst, rec)
		})
	}
}

// TestAuditLogUnreadableIncremental checks that an incremental scan that cannot read the
// audit log lists every user's grants and returns the cursor it was given.
func TestAuditLogUnreadableIncremental(t *testing.T) {
	t.Parallel()
	e := failEstate(t)
	inst, sim := startSim(t, e, connectortest.Setup{})
	rec := connectortest.NewRecorder()
	cur, err := inst.Connector.Discover(t.Context(), "", rec)
	if err != nil || cur == "" {
		t.Fatalf("full scan: cursor %q, error %v", cur, err)
	}
	sim.InjectFault(denied("/admin/reports/"))
	rec = connectortest.NewRecorder()
	next, err := inst.Connector.Discover(t.Context(), cur, rec)
	if err != nil {
		t.Fatal(err)
	}
	if next != cur {
		t.Errorf("cursor %q, want the old one %q", next, cur)
	}
	checkAuditFailure(t, rec)
	checkAllGrants(t, inst, rec)
}

// checkAuditFailure checks that the only failure is the audit log's.
func checkAuditFailure(t *testing.T, rec *connectortest.Recorder) {
	t.Helper()
	f := rec.Failures()
	if len(f) != 1 || f[0].Scope != "" || f[0].Resource != "token audit log" ||
		!strings.Contains(nhi.ErrorMessage(f[0].Err), "unknown") {
		t.Fatalf("failures %+v, want one for the token audit log, without scope", f)
	}
}

// checkAllGrants checks that every grant of the truth was reported and its scope
// completed.
func checkAllGrants(t *testing.T, inst *connectortest.Instance, rec *connectortest.Recorder) {
	t.Helper()
	got := map[string]bool{}
	for _, id := range rec.Identities() {
		got[id.ExternalID] = true
	}
	want := map[string]bool{}
	for _, ti := range inst.Truth.Identities {
		want[ti.ExternalID] = true
		if !rec.IsComplete(connector.PersonScope(ti.OwnerID)) {
			t.Errorf("scope of %s not completed", ti.ExternalID)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("identities (-want +got):\n%s", diff)
	}
}
