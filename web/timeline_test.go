package web_test

import (
	"context"
	"net/http"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store/sqlite"
	"github.com/nhiscope/nhi/web"
)

// eventJSON is one event of a timeline.
type eventJSON struct {
	At                         time.Time
	Kind, Title, Detail, Actor string
	FindingID                  string `json:"finding_id"`
	PlanID                     string `json:"plan_id"`
}

// timelineJSON is the answer of GET /api/v1/identities/{id}/timeline.
type timelineJSON struct {
	Items    []eventJSON
	Complete bool
	Notes    []string
}

// kinds returns the kinds of the events about a plan ("" for the identity's own).
func (tl timelineJSON) kinds(planID string) []string {
	var out []string
	for _, e := range tl.Items {
		if e.PlanID == planID {
			out = append(out, e.Kind)
		}
	}
	return out
}

func TestIdentityTimeline(t *testing.T) {
	t.Parallel()
	w := sharedWorld(t)
	ts := w.server(t, web.Config{})
	analyst, approver, viewer := signIn(t, ts, "analyst"), signIn(t, ts, "approver"), signIn(t, ts, "viewer")
	ran, waiting := someGrant(t, w, 10), someGrant(t, w, 11)
	planRan := proposePlan(t, analyst, ran.ID)
	for _, verb := range []string{"approve", "execute"} {
		if r := approver.do("POST", "/api/v1/plans/"+planRan+"/"+verb, nil); r.status != http.StatusOK {
			t.Fatalf("%s: %d %s", verb, r.status, r.body)
		}
	}
	planWaiting := proposePlan(t, analyst, waiting.ID)

	var tl timelineJSON
	viewer.get("/api/v1/identities/"+pathEscape(ran.ID)+"/timeline", &tl)
	if !tl.Complete || len(tl.Notes) != 0 {
		t.Errorf("complete %v, notes %v", tl.Complete, tl.Notes)
	}
	for _, want := range []string{"first_seen", "finding.opened", "plan.created", "plan.approved", "action.started", "action.finished", "plan.finished"} {
		if !slices.ContainsFunc(tl.Items, func(e eventJSON) bool {
			return e.Kind == want && e.Title != ""
		}) {
			t.Errorf("no %s event in %+v", want, tl.Items)
		}
	}
	if !slices.IsSortedFunc(tl.Items, func(a, b eventJSON) int {
		return a.At.Compare(b.At)
	}) {
		t.Error("events are not oldest first")
	}
	if k := tl.kinds(planWaiting); len(k) != 0 {
		t.Errorf("the other identity's plan is on this timeline: %v", k)
	}
	var other timelineJSON
	viewer.get("/api/v1/identities/"+pathEscape(waiting.ID)+"/timeline", &other)
	if k := other.kinds(planWaiting); !slices.Equal(k, []string{"plan.created"}) {
		t.Errorf("a plan proposed and not run: events %v, want plan.created", k)
	}
	if k := other.kinds(planRan); len(k) != 0 {
		t.Errorf("another identity's plan is on this timeline: %v", k)
	}

	r := viewer.do("GET", "/api/v1/identities/no-such-id/timeline", nil)
	if code, _ := errorOf(t, r); r.status != http.StatusNotFound || code != string(nhi.CodeNotFound) {
		t.Errorf("unknown identity: %d %s", r.status, code)
	}
	if r := viewer.do("GET", "/api/v1/identities/"+pathEscape(ran.ID)+"/timeline?limit=3", nil); r.status != http.StatusBadRequest {
		t.Errorf("unknown parameter: %d", r.status)
	}
	if r := newClient(t, ts).do("GET", "/api/v1/identities/"+pathEscape(ran.ID)+"/timeline", nil); r.status != http.StatusUnauthorized {
		t.Errorf("signed out: %d", r.status)
	}
}

// TestTimelineShowsDrift records two scans of a tenant in a store of its own, the second
// adding a scope to an identity, and finds the change (and the hostile name as plain
// JSON text) on the identity's timeline.
func TestTimelineShowsDrift(t *testing.T) {
	t.Parallel()
	w := sharedWorld(t)
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "drift.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	auth, err := web.OpenSQLiteAuth(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { auth.Close() })
	if err := web.CreateUser(ctx, auth, db, "test", web.User{Name: "viewer", Email: "v@example.com", Role: web.RoleViewer}, password, time.Now()); err != nil {
		t.Fatal(err)
	}
	t0 := time.Now().Add(-2 * time.Hour).UTC().Truncate(time.Second)
	id := nhi.Identity{Platform: nhi.PlatformGoogleWorkspace, Tenant: "C1", Kind: nhi.KindOAuthGrant, ExternalID: "g1", Name: hostile,
		CreatedAt: t0.Add(-24 * time.Hour), Permissions: []nhi.Permission{{Scope: "openid"}}}
	id.ID = nhi.NewIdentityID(id.Platform, id.Tenant, id.Kind, id.ExternalID)
	for i, scopes := range [][]string{{"openid"}, {"openid", "https://mail.google.com/"}} {
		at := t0.Add(time.Duration(i) * time.Hour)
		sc, err := db.BeginScan(ctx, nhi.Scan{Connector: "g", Platform: id.Platform, Tenant: id.Tenant, StartedAt: at})
		if err != nil {
			t.Fatal(err)
		}
		id.Permissions = nil
		for _, s := range scopes {
			id.Permissions = append(id.Permissions, nhi.Permission{Scope: s})
		}
		if err := db.PutIdentities(ctx, sc.ID, at, []nhi.Identity{id}); err != nil {
			t.Fatal(err)
		}
		sc.Status, sc.FinishedAt = nhi.ScanSucceeded, at.Add(time.Minute)
		if err := db.FinishScan(ctx, sc); err != nil {
			t.Fatal(err)
		}
	}
	viewer := signIn(t, w.server(t, web.Config{Store: db, Auth: auth}), "viewer")
	var tl timelineJSON
	viewer.get("/api/v1/identities/"+pathEscape(id.ID)+"/timeline", &tl)
	var kinds []string
	for _, e := range tl.Items {
		kinds = append(kinds, e.Kind)
		if e.Kind == string(nhi.ChangePermissionsChanged) && e.Detail != "+https://mail.google.com/" {
			t.Errorf("change detail = %q", e.Detail)
		}
	}
	if !slices.Equal(kinds, []string{"created", "first_seen", string(nhi.ChangePermissionsChanged)}) || !tl.Complete {
		t.Errorf("timeline kinds %v (complete %v), want created, first_seen, permissions.changed", kinds, tl.Complete)
	}
}
