package connectortest

import (
	"net/http"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
)

// testFullScan checks that a full scan reports exactly the ground truth.
func testFullScan(t *testing.T, h Harness) {
	inst, rec, cur := startScan(t, h, Setup{})
	ids := rec.Identities()
	if len(inst.Truth.Identities) == 0 {
		t.Fatal("the harness's ground truth has no identities; the suite needs some")
	}
	if diff := cmp.Diff(normalTruth(inst.Truth.Identities), project(ids)); diff != "" {
		t.Errorf("identities differ from the ground truth (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(normalPeople(inst.Truth.People), projectPeople(rec.People())); diff != "" {
		t.Errorf("people differ from the ground truth (-want +got):\n%s", diff)
	}
	if len(byExternalID(ids)) != len(ids) {
		t.Errorf("%d identities reported but only %d distinct external IDs", len(ids), len(byExternalID(ids)))
	}
	if f := rec.Failures(); len(f) > 0 {
		t.Errorf("full scan reported %d failures, first %s: %v", len(f), f[0].Resource, f[0].Err)
	}
	if !rec.IsComplete(connector.ScopePeople) {
		t.Errorf("scope %q not completed", connector.ScopePeople)
	}
	for _, id := range ids {
		if !rec.IsComplete(id.Scope) {
			t.Errorf("identity %s: its scope %q was not completed", id.ExternalID, id.Scope)
		}
	}
	if cur == "" && inst.Mutate != nil {
		t.Error("full scan returned no cursor, but the harness supports incremental scans")
	}
}

// testRequiredFields checks the fields every identity, app and person must have.
func testRequiredFields(t *testing.T, h Harness) {
	inst, rec, _ := startScan(t, h, Setup{})
	info := inst.Connector.Info()
	if info.Name == "" || info.Platform == "" || info.Tenant != inst.Truth.Tenant {
		t.Errorf("Info() = %+v after a scan; want a name, a platform and tenant %q", info, inst.Truth.Tenant)
	}
	apps := map[string]bool{}
	for _, a := range rec.Apps() {
		if a.Platform != info.Platform || a.Tenant != inst.Truth.Tenant || a.ExternalID == "" || a.Name == "" {
			t.Errorf("app lacks required fields: %+v", a)
		}
		if apps[a.ExternalID] {
			t.Errorf("app %s reported twice", a.ExternalID)
		}
		apps[a.ExternalID] = true
	}
	for _, id := range rec.Identities() {
		if id.ID == "" || id.Platform != info.Platform || id.Tenant != inst.Truth.Tenant || id.ExternalID == "" ||
			id.Name == "" || id.Scope == "" || !slices.Contains(nhi.Kinds(), id.Kind) {
			t.Errorf("identity lacks required fields: %+v", id)
		}
		if want := nhi.NewIdentityID(id.Platform, id.Tenant, id.Kind, id.ExternalID); id.ID != want {
			t.Errorf("identity %s: ID %q, want NewIdentityID = %q", id.ExternalID, id.ID, want)
		}
		if id.Name != nhi.CleanText(id.Name) {
			t.Errorf("identity %s: name %q is not clean text", id.ExternalID, id.Name)
		}
		if id.AppID != "" && !apps[id.AppID] {
			t.Errorf("identity %s: app %s was never reported", id.ExternalID, id.AppID)
		}
	}
	for _, p := range rec.People() {
		if p.Platform != info.Platform || p.Tenant != inst.Truth.Tenant || p.ExternalID == "" || p.Status == "" {
			t.Errorf("person lacks required fields: %+v", p)
		}
	}
}

// testPaging checks that tiny pages give the same result as default ones.
func testPaging(t *testing.T, h Harness) {
	_, base, _ := startScan(t, h, Setup{})
	for _, size := range []int{1, 2} {
		_, rec, _ := startScan(t, h, Setup{PageSize: size})
		if diff := cmp.Diff(sortedIdentities(base.Identities()), sortedIdentities(rec.Identities())); diff != "" {
			t.Errorf("page size %d: identities differ from default paging (-default +small):\n%s", size, diff)
		}
		if diff := cmp.Diff(sortedPeople(base.People()), sortedPeople(rec.People())); diff != "" {
			t.Errorf("page size %d: people differ from default paging (-default +small):\n%s", size, diff)
		}
	}
}

// testIncremental checks that a scan from a cursor picks up an added and a removed
// identity, with fewer requests than a full scan.
func testIncremental(t *testing.T, h Harness) {
	inst := h.Start(t, Setup{})
	if inst.Mutate == nil {
		t.Skip("the harness has no Mutate: the connector makes full scans only")
	}
	n0 := len(inst.Requests())
	full, cur := discover(t, inst, "")
	fullRequests := len(requestsSince(inst, n0))
	change := inst.Mutate(t)
	if len(change.Added) == 0 || len(change.Removed) == 0 {
		t.Fatalf("Mutate added %d and removed %d identities; want at least one of each", len(change.Added), len(change.Removed))
	}
	n1 := len(inst.Requests())
	incr, next := discover(t, inst, cur)
	if n := len(requestsSince(inst, n1)); n >= fullRequests {
		t.Errorf("incremental scan made %d requests, full scan %d; want fewer", n, fullRequests)
	}
	if next == "" {
		t.Error("incremental scan returned no cursor")
	}
	got := byExternalID(incr.Identities())
	want := map[string]TruthIdentity{}
	for _, ti := range change.Truth.Identities {
		want[ti.ExternalID] = ti
	}
	for _, ext := range change.Added {
		id, ok := got[ext]
		if !ok {
			t.Errorf("incremental scan missed added identity %s", ext)
			continue
		}
		if diff := cmp.Diff(normalTruth([]TruthIdentity{want[ext]}), project([]nhi.Identity{id})); diff != "" {
			t.Errorf("added identity %s (-want +got):\n%s", ext, diff)
		}
	}
	before := byExternalID(full.Identities())
	for _, ext := range change.Removed {
		if _, ok := got[ext]; ok {
			t.Errorf("incremental scan reported removed identity %s", ext)
		}
		if id, ok := before[ext]; ok && !incr.IsComplete(id.Scope) {
			t.Errorf("removed identity %s: its scope %q was not completed, so it would never be marked gone", ext, id.Scope)
		}
	}
	if diff := cmp.Diff(normalTruth(change.Truth.Identities), project(apply(full.Identities(), incr))); diff != "" {
		t.Errorf("inventory after the incremental scan differs from the truth (-want +got):\n%s", diff)
	}
	if f := incr.Failures(); len(f) > 0 {
		t.Errorf("incremental scan reported %d failures, first: %v", len(f), f[0].Err)
	}
}

// testReadOnly checks that discovery sends only GET and HEAD requests to the API.
func testReadOnly(t *testing.T, h Harness) {
	inst := h.Start(t, Setup{})
	check := func(what string, reqs []Request) {
		t.Helper()
		api := apiRequests(reqs)
		if len(api) == 0 {
			t.Errorf("%s made no API request", what)
		}
		for _, r := range api {
			if r.Method != http.MethodGet && r.Method != http.MethodHead {
				t.Errorf("%s sent %s %s", what, r.Method, r.Path)
			}
		}
	}
	n0 := len(inst.Requests())
	_, cur := discover(t, inst, "")
	check("full scan", requestsSince(inst, n0))
	if inst.Mutate == nil {
		return
	}
	inst.Mutate(t)
	n1 := len(inst.Requests())
	discover(t, inst, cur)
	check("incremental scan", requestsSince(inst, n1))
}

// testStableIDs checks that IDs survive rescans and fresh instances.
func testStableIDs(t *testing.T, h Harness) {
	inst, first, _ := startScan(t, h, Setup{})
	second, _ := discover(t, inst, "")
	_, other, _ := startScan(t, h, Setup{})
	ids := func(r *Recorder) map[string]string {
		m := map[string]string{}
		for _, id := range r.Identities() {
			m[id.ExternalID] = id.ID
		}
		return m
	}
	if diff := cmp.Diff(ids(first), ids(second)); diff != "" {
		t.Errorf("IDs changed between two scans (-first +second):\n%s", diff)
	}
	if diff := cmp.Diff(ids(first), ids(other)); diff != "" {
		t.Errorf("IDs differ between two instances over the same estate (-first +other):\n%s", diff)
	}
}
