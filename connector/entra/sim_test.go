package entra_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/connector/connectortest"
	"github.com/nhiscope/nhi/connector/entra"
	"github.com/nhiscope/nhi/connector/entra/entrasim"
	"github.com/nhiscope/nhi/estate"
)

// discover runs a scan that must succeed.
func discover(t *testing.T, c connector.Connector, since nhi.Cursor) (*connectortest.Recorder, nhi.Cursor) {
	t.Helper()
	rec := connectortest.NewRecorder()
	cur, err := c.Discover(t.Context(), since, rec)
	if err != nil {
		t.Fatalf("Discover = %v (code %s)", err, nhi.ErrorCode(err))
	}
	return rec, cur
}

// externalIDs returns the sorted external IDs of the identities recorded.
func externalIDs(rec *connectortest.Recorder) []string {
	var out []string
	for _, id := range rec.Identities() {
		out = append(out, id.ExternalID)
	}
	slices.Sort(out)
	return out
}

// TestFaultsAreRetried checks that transient server errors and throttling with
// Retry-After are retried until the scan ends as an undisturbed one does, and that the
// waits are reported.
func TestFaultsAreRetried(t *testing.T) {
	t.Parallel()
	e := generate(t, 7)
	base, _ := start(t, e, connectortest.Setup{})
	want, _ := discover(t, base.Connector, "")
	tests := []struct {
		name  string
		fault entrasim.Fault
		wait  time.Duration // at least this much waiting must be reported
	}{
		{name: "503 twice", fault: entrasim.Fault{Path: "/servicePrincipals/delta", Status: 503, Times: 2}},
		{name: "502 on owners", fault: entrasim.Fault{Path: "/owners", Status: 502, Times: 3}},
		{name: "429 with Retry-After", wait: time.Second,
			fault: entrasim.Fault{Path: "/oauth2PermissionGrants", Status: 429, Times: 1, RetryAfter: time.Second}},
		{name: "503 with Retry-After", wait: time.Second,
			fault: entrasim.Fault{Path: "/v1.0/users", Status: 503, Times: 1, RetryAfter: time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			inst, sim := start(t, e, connectortest.Setup{})
			sim.InjectFault(tt.fault)
			rec, _ := discover(t, inst.Connector, "")
			if diff := gocmp.Diff(externalIDs(want), externalIDs(rec)); diff != "" {
				t.Errorf("identities differ from an undisturbed scan (-want +got):\n%s", diff)
			}
			if f := rec.Failures(); len(f) > 0 {
				t.Errorf("failures: %+v", f)
			}
			if got := sim.Stats().Faults; got == 0 {
				t.Error("the fault never fired")
			}
			var waited time.Duration
			for _, p := range rec.ProgressEvents() {
				if p.Kind == connector.ProgressWait {
					waited += p.Wait
				}
			}
			if waited < tt.wait || waited == 0 {
				t.Errorf("waits reported: %v, want at least %v and some", waited, tt.wait)
			}
		})
	}
}

// TestPermissions checks that the permissions the connector documents are enough for a
// scan without failures, and that a missing one fails only what needs it, naming it.
func TestPermissions(t *testing.T) {
	t.Parallel()
	e := generate(t, 7)
	tests := []struct {
		name   string
		roles  []string
		failed map[string]string // failure scope -> a permission its message names
	}{
		{name: "documented", roles: entra.Permissions()},
		{name: "without Directory.Read.All", roles: []string{entra.PermissionApplication, entra.PermissionUser, entra.PermissionAuditLog},
			failed: map[string]string{"grants": entra.PermissionDirectory}},
		{name: "only Application.Read.All and User.Read.All", roles: []string{entra.PermissionApplication, entra.PermissionUser},
			failed: map[string]string{"grants": entra.PermissionDirectory, "": entra.PermissionAuditLog}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			inst, sim := startRoles(t, e, tt.roles)
			rec, _ := discover(t, inst.Connector, "")
			got := map[string]string{}
			for _, f := range rec.Failures() {
				for _, p := range entra.Permissions() {
					if strings.Contains(nhi.ErrorMessage(f.Err), p) {
						got[f.Scope] = p
					}
				}
			}
			if diff := gocmp.Diff(tt.failed, got, cmpEmpty); diff != "" {
				t.Errorf("failures by scope and permission named (-want +got):\n%s", diff)
			}
			if sim.Stats().Mutations > 0 {
				t.Errorf("a scan made %d changes", sim.Stats().Mutations)
			}
		})
	}
}

// cmpEmpty treats nil and empty maps alike.
var cmpEmpty = gocmp.Comparer(func(a, b map[string]string) bool { return len(a) == 0 && len(b) == 0 || gocmp.Equal(a, b) })

// startRoles starts a simulator whose client holds roles, and a connector over it.
func startRoles(t *testing.T, e *estate.Estate, roles []string) (*connectortest.Instance, *entrasim.Server) {
	t.Helper()
	sim, err := entrasim.New(e, entrasim.Options{Roles: roles})
	if err != nil {
		t.Fatal(err)
	}
	return serve(t, e, sim)
}

// TestFirstPartyStayQuiet checks that Microsoft's own service principals yield no
// service accounts and appear as apps only when users granted them access.
func TestFirstPartyStayQuiet(t *testing.T) {
	t.Parallel()
	e := generate(t, 7)
	inst, _ := start(t, e, connectortest.Setup{})
	rec, _ := discover(t, inst.Connector, "")
	firstParty, granted := map[string]bool{}, map[string]bool{}
	for _, sp := range e.Microsoft.ServicePrincipals {
		if sp.FirstParty {
			firstParty[sp.AppID] = true
		}
	}
	for _, g := range e.Microsoft.Grants {
		granted[e.Microsoft.ServicePrincipals[g.Client].AppID] = true
	}
	if len(firstParty) < 10 {
		t.Fatalf("the estate has %d first-party service principals; the test needs more", len(firstParty))
	}
	for _, id := range rec.Identities() {
		if firstParty[id.AppID] && id.Kind == nhi.KindServiceAccount {
			t.Errorf("first-party %s reported as a service account", id.Name)
		}
		if id.Kind == nhi.KindOAuthGrant && id.Attributes["first_party"] != "true" && firstParty[id.AppID] {
			t.Errorf("grant %s of first-party app %s not marked first_party", id.ExternalID, id.AppID)
		}
	}
	for _, a := range rec.Apps() {
		if firstParty[a.ExternalID] && !granted[a.ExternalID] {
			t.Errorf("first-party app %s reported without a grant", a.Name)
		}
	}
}

// TestIncrementalCredential checks that a secret added to an app registration is
// reported by an incremental scan, with its owner, its app's other credentials and the
// app's scope complete, and that the scan reads no more than the changed app's owners.
func TestIncrementalCredential(t *testing.T) {
	t.Parallel()
	e := generate(t, 7)
	inst, sim := start(t, e, connectortest.Setup{})
	_, cur := discover(t, inst.Connector, "")
	app := credentialedApp(e)
	key := "5e3c0000-0000-4000-8000-00000000abcd"
	err := sim.AddCredential(app.ObjectID, estate.MSCredential{KeyID: key, DisplayName: "new", Hint: "Zx9",
		Start: e.Options.Now, End: e.Options.Now.AddDate(1, 0, 0)}, e.Options.Now)
	if err != nil {
		t.Fatal(err)
	}
	n := len(sim.Requests())
	rec, next := discover(t, inst.Connector, cur)
	var wantIDs []string
	for _, c := range slices.Concat(app.Passwords, app.Keys) {
		wantIDs = append(wantIDs, app.ObjectID+"/"+c.KeyID)
	}
	wantIDs = append(wantIDs, app.ObjectID+"/"+key)
	slices.Sort(wantIDs)
	if diff := gocmp.Diff(wantIDs, externalIDs(rec)); diff != "" {
		t.Errorf("identities (-want +got):\n%s", diff)
	}
	if !rec.IsComplete("credentials:"+app.ObjectID) || rec.IsComplete("grants") {
		t.Errorf("completed %v; want the app's scope and not the grants'", rec.Completed())
	}
	for _, id := range rec.Identities() {
		if id.OwnerID != firstOwner(e.Microsoft, app.Owners) || strings.Contains(id.Name, "Zx9") {
			t.Errorf("identity %s: owner %q, name %q", id.ExternalID, id.OwnerID, id.Name)
		}
	}
	for _, r := range sim.Requests()[n:] {
		if strings.Contains(r.Path, "/owners") && !strings.Contains(r.Path, app.ObjectID) {
			t.Errorf("incremental scan read %s", r.Path)
		}
	}
	if next == "" || next == cur {
		t.Error("incremental scan returned no new cursor")
	}
}
