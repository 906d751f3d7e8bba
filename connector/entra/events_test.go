package entra_test

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/connector/connectortest"
	"github.com/nhiscope/nhi/connector/entra"
	"github.com/nhiscope/nhi/connector/entra/entrasim"
	"github.com/nhiscope/nhi/estate"
)

// graphAppID is Microsoft Graph's app ID.
const graphAppID = "00000003-0000-0000-c000-000000000000"

// wantKinds are the kinds the brief assigns to the activities the simulator logs.
var wantKinds = map[string]nhi.EventKind{
	estate.ActivityConsent:              nhi.EventConsentGranted,
	estate.ActivityAddGrant:             nhi.EventGrantAdded,
	estate.ActivityAddAssignment:        nhi.EventPermissionAdded,
	estate.ActivityAddSP:                nhi.EventAppAdded,
	estate.ActivityUpdateCredential:     nhi.EventCredentialAdded,
	estate.ActivityAddOwner:             nhi.EventOwnerChanged,
	"Add service principal credentials": nhi.EventCredentialAdded,
}

// brief is an event as the tests compare it.
type brief struct {
	ID       string
	Kind     nhi.EventKind
	Activity string
	TargetID string
}

// eventsOf returns the event source of a connector over a fresh simulator of e.
func eventsOf(t *testing.T, e *estate.Estate) (connector.EventSource, *entrasim.Server) {
	t.Helper()
	inst, sim := start(t, e, connectortest.Setup{})
	src, ok := inst.Connector.(connector.EventSource)
	if !ok {
		t.Fatal("the connector is no EventSource")
	}
	return src, sim
}

// collect calls Events from since, returning the events delivered and the cursor.
func collect(t *testing.T, src connector.EventSource, since nhi.Cursor) ([]nhi.Event, nhi.Cursor) {
	t.Helper()
	var got []nhi.Event
	next, err := src.Events(t.Context(), since, func(ev nhi.Event) error {
		got = append(got, ev)
		return nil
	})
	if err != nil {
		t.Fatalf("Events(%q) = %v", since, err)
	}
	return got, next
}

// briefs reduces events for comparison, checking what every event must carry (an
// event of an app the log does not name has no actor).
func briefs(t *testing.T, evs []nhi.Event, tenant string) []brief {
	t.Helper()
	out := []brief{}
	for i, ev := range evs {
		if ev.Platform != nhi.PlatformEntra || ev.Tenant != tenant || ev.Result != "success" {
			t.Errorf("event %d = %+v: want platform, tenant, actor and result", i, ev)
		}
		if i > 0 && ev.Time.Before(evs[i-1].Time) {
			t.Errorf("event %d at %v is older than the one before", i, ev.Time)
		}
		out = append(out, brief{ev.ID, ev.Kind, ev.Activity, ev.TargetID})
	}
	return out
}

// simBriefs returns the simulator's audit log from index from on, as expected events.
func simBriefs(sim *entrasim.Server, from int) []brief {
	out := []brief{}
	for _, a := range sim.Audits()[from:] {
		out = append(out, brief{a.ID, wantKinds[a.Activity], a.Activity, a.TargetID})
	}
	return out
}

// TestEventsFollowTheLog reads the estate's audit log, then nothing, then exactly the
// events of changes made meanwhile.
func TestEventsFollowTheLog(t *testing.T) {
	t.Parallel()
	e := generate(t, 7)
	src, sim := eventsOf(t, e)
	if len(e.Microsoft.Audits) == 0 {
		t.Fatal("the estate has no audit events")
	}
	got, cur := collect(t, src, "")
	if diff := cmp.Diff(simBriefs(sim, 0), briefs(t, got, sim.TenantID())); diff != "" {
		t.Errorf("first call (-want +got):\n%s", diff)
	}
	if again, next := collect(t, src, cur); len(again) != 0 || next != cur {
		t.Errorf("second call = %d events, cursor %q; want none and %q", len(again), next, cur)
	}
	n := len(sim.Audits())
	client, graph := customSP(e), spByAppID(e, graphAppID)
	if _, err := sim.AddGrant(client.ObjectID, graph.ObjectID, "", []string{"Mail.Read"}, time.Time{}); err != nil {
		t.Fatal(err)
	}
	app := credentialedApp(e)
	if err := sim.AddCredential(app.ObjectID, estate.MSCredential{KeyID: "0f0e0d0c-0b0a-4909-8807-060504030201",
		DisplayName: "new"}, time.Time{}); err != nil {
		t.Fatal(err)
	}
	got, _ = collect(t, src, cur)
	want := simBriefs(sim, n)
	if len(want) != 3 {
		t.Fatalf("the changes logged %d events, want 3", len(want))
	}
	if diff := cmp.Diff(want, briefs(t, got, sim.TenantID())); diff != "" {
		t.Errorf("third call (-want +got):\n%s", diff)
	}
	scope := strings.Fields(got[1].Details["DelegatedPermissionGrant.Scope"])
	if !slices.Contains(scope, "Mail.Read") || got[0].AppID != client.AppID || got[0].Actor == "" {
		t.Errorf("consent events = %+v, want the scope, the client's app ID and the admin", got[:2])
	}
}

// TestEventsLate checks events Graph lists late: one that appears after the cursor has
// passed its time, but within EventLateness of the newest event handled, is delivered
// once; one later than that is beyond the window and is not.
func TestEventsLate(t *testing.T) {
	t.Parallel()
	e := generate(t, 7)
	src, sim := eventsOf(t, e)
	_, cur := collect(t, src, "")
	audits := sim.Audits()
	newest := audits[0].Time
	for _, a := range audits {
		if a.Time.After(newest) {
			newest = a.Time
		}
	}
	client, graph := customSP(e), spByAppID(e, graphAppID)
	if _, err := sim.AddGrant(client.ObjectID, graph.ObjectID, "", []string{"Sites.Read.All"}, newest.Add(-10*time.Minute)); err != nil {
		t.Fatal(err)
	}
	var late []brief
	for _, b := range simBriefs(sim, 0) {
		if !slices.ContainsFunc(audits, func(a entrasim.AuditEvent) bool { return a.ID == b.ID }) {
			late = append(late, b)
		}
	}
	app := credentialedApp(e)
	if err := sim.AddCredential(app.ObjectID, estate.MSCredential{KeyID: "0f0e0d0c-0b0a-4909-8807-060504030209",
		DisplayName: "too late"}, newest.Add(-entra.EventLateness-time.Minute)); err != nil {
		t.Fatal(err)
	}
	got, next := collect(t, src, cur)
	if diff := cmp.Diff(late, briefs(t, got, sim.TenantID())); diff != "" || len(late) == 0 {
		t.Errorf("late events (-want +got):\n%s", diff)
	}
	if again, _ := collect(t, src, next); len(again) != 0 {
		t.Errorf("the late events came again: %d events", len(again))
	}
}

// customSP returns the first service principal of an app that is not Microsoft's.
func customSP(e *estate.Estate) estate.MSServicePrincipal {
	for _, sp := range e.Microsoft.ServicePrincipals {
		if sp.AppOwnerOrganizationID != estate.MicrosoftTenantID && sp.AppID != graphAppID {
			return sp
		}
	}
	panic("the estate has only Microsoft's service principals")
}

// spByAppID returns the service principal of an app.
func spByAppID(e *estate.Estate, appID string) estate.MSServicePrincipal {
	for _, sp := range e.Microsoft.ServicePrincipals {
		if sp.AppID == appID {
			return sp
		}
	}
	panic("no service principal of " + appID)
}

// errStop is the error the tests' fn fails with.
var errStop = errors.New("stop")

// TestEventsResume fails fn after some events, resumes from the cursor returned, and
// checks that nothing is lost or repeated, also across events sharing a timestamp.
func TestEventsResume(t *testing.T) {
	t.Parallel()
	e := generate(t, 7)
	src, sim := eventsOf(t, e)
	client, graph := customSP(e), spByAppID(e, graphAppID)
	// A consent logs two events at one time: stopping between them must resume right.
	if _, err := sim.AddGrant(client.ObjectID, graph.ObjectID, "", []string{"Files.Read.All"}, time.Time{}); err != nil {
		t.Fatal(err)
	}
	all, _ := collect(t, src, "")
	want := briefs(t, all, sim.TenantID())
	for _, stopAt := range []int{0, 1, len(all) / 2, len(all) - 1} {
		var got []nhi.Event
		cur, k := nhi.Cursor(""), 0
		for round := 0; round < 3; round++ {
			next, err := src.Events(t.Context(), cur, func(ev nhi.Event) error {
				if round == 0 && k == stopAt {
					return errStop
				}
				k++
				got = append(got, ev)
				return nil
			})
			if round == 0 && !errors.Is(err, errStop) || round > 0 && err != nil {
				t.Fatalf("stop at %d, round %d: Events = %v", stopAt, round, err)
			}
			cur = next
		}
		if diff := cmp.Diff(want, briefs(t, got, sim.TenantID())); diff != "" {
			t.Errorf("stop at %d: resumed events (-want +got):\n%s", stopAt, diff)
		}
	}
}

// TestEventsErrors checks malformed cursors, retried faults and a refused permission.
func TestEventsErrors(t *testing.T) {
	t.Parallel()
	e := generate(t, 7)
	tests := []struct {
		name   string
		since  nhi.Cursor
		fault  *entrasim.Fault
		roles  []string
		code   nhi.Code
		phrase string
	}{
		{name: "foreign cursor", since: "entra1:abc", code: nhi.CodeInvalid, phrase: "cursor"},
		{name: "bad base64", since: "entraev1:!!", code: nhi.CodeInvalid, phrase: "cursor"},
		{name: "no time", since: "entraev1:eyJpZHMiOltdfQ", code: nhi.CodeInvalid, phrase: "cursor"},
		{name: "bad id", since: "entraev1:" + "eyJhdCI6IjIwMjYtMDEtMDFUMDA6MDA6MDBaIiwiaWRzIjpbIiJdfQ", code: nhi.CodeInvalid},
		{name: "429 retried", fault: &entrasim.Fault{Path: "/auditLogs/", Status: http.StatusTooManyRequests, Times: 1}},
		{name: "503 retried", fault: &entrasim.Fault{Path: "/auditLogs/", Status: http.StatusServiceUnavailable, Times: 1}},
		{name: "permission refused", roles: []string{entrasim.RoleApplicationRead}, code: nhi.CodeForbidden,
			phrase: "AuditLog.Read.All"},
		{name: "server down", fault: &entrasim.Fault{Path: "/auditLogs/", Status: http.StatusInternalServerError},
			code: nhi.CodeUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			src, sim := eventsOf(t, e)
			if tt.fault != nil {
				sim.InjectFault(*tt.fault)
			}
			if tt.roles != nil {
				id, _ := sim.ClientCredentials()
				if err := sim.SetRoles(id, tt.roles...); err != nil {
					t.Fatal(err)
				}
			}
			n := 0
			next, err := src.Events(t.Context(), tt.since, func(nhi.Event) error { n++; return nil })
			if tt.code == "" {
				if err != nil || n != len(sim.Audits()) || !strings.HasPrefix(string(next), "entraev2:") {
					t.Errorf("Events = %q, %v after %d events; want all %d", next, err, n, len(sim.Audits()))
				}
				return
			}
			if nhi.ErrorCode(err) != tt.code || !strings.Contains(err.Error(), tt.phrase) || n != 0 || next != tt.since {
				t.Errorf("Events = %q, %v (code %q) after %d events; want code %s mentioning %q and the cursor back",
					next, err, nhi.ErrorCode(err), n, tt.code, tt.phrase)
			}
		})
	}
}
