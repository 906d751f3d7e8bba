package storetest

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
)

// testPlansAudit checks store.Plans and store.Audit. Beyond their contract, it pins down
// these choices, which every backend makes alike:
//   - CreatePlan defaults an empty Mode to dry_run, an empty State to proposed and an
//     empty action State to pending; an action without an ID gets its position ("1" for
//     the first). An unknown mode, state or action type, an action without a platform or
//     tenant, or two actions with one ID are CodeInvalid; a plan ID already stored is
//     CodeConflict. A zero time is the backend's clock (taken to be the real time).
//   - ListPlans puts plans created at the same time most recently created first.
//   - TransitionPlan with an empty From or an unknown state is CodeInvalid; a conflict's
//     message names the state the plan is in; moves other than to approved keep the
//     approval.
//   - UpdateActions with an action ID the plan lacks is CodeNotFound, and stores nothing;
//     it leaves the plan's own fields (UpdatedAt included) alone.
//   - AppendAudit needs an Actor and a Kind; its Time keeps nanoseconds, comes back in UTC
//     (a zero Time is the clock's) and must lie in the years 0 to 9999. A negative
//     AfterSeq is CodeInvalid.
func testPlansAudit(t *testing.T, s suite) {
	for name, fn := range map[string]func(*testing.T, suite){
		"Plans/RoundTrip":      testPlanRoundTrip,
		"Plans/Invalid":        testCreatePlanInvalid,
		"Plans/List":           testListPlans,
		"Plans/Paging":         testPlanPaging,
		"Plans/Transition":     testTransitionPlan,
		"Plans/TransitionRace": testTransitionRace,
		"Plans/UpdateActions":  testUpdateActions,
		"Plans/OpenActionKeys": testOpenActionKeys,
		"Plans/Canceled":       testPlansCanceled,
		"Audit/Append":         testAppendAudit,
		"Audit/Invalid":        testAppendAuditInvalid,
		"Audit/List":           testListAudit,
		"Audit/Concurrent":     testAuditConcurrent,
		"Audit/Canceled":       testAuditCanceled,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			fn(t, s)
		})
	}
}

// action returns an action of type typ on identity id in gws/C01, changed by opts.
func action(typ nhi.ActionType, id string, opts ...func(*nhi.Action)) nhi.Action {
	a := nhi.Action{Type: typ, Platform: gws, Tenant: "C01", IdentityID: id, Kind: nhi.KindOAuthGrant,
		ExternalID: "ext-" + id, Name: "name of " + id, Reason: nhi.Reason{Kind: nhi.ReasonFinding, FindingID: "fnd_" + id}}
	for _, o := range opts {
		o(&a)
	}
	return a
}

// newPlan returns an enforce plan of policy with actions.
func newPlan(title, policy string, actions ...nhi.Action) nhi.Plan {
	return nhi.Plan{Title: title, Reason: nhi.Reason{Kind: nhi.ReasonPolicy, Policy: policy},
		Mode: nhi.ModeEnforce, RequiresApproval: true, CreatedBy: "nhi scan", Actions: actions}
}

// storedPlan returns p as CreatePlan stores it at at with the ID id: defaults filled in,
// actions numbered by position.
func storedPlan(p nhi.Plan, id string, at time.Time) nhi.Plan {
	p.ID, p.CreatedAt, p.UpdatedAt = id, at, at
	if p.Mode == "" {
		p.Mode = nhi.ModeDryRun
	}
	if p.State == "" {
		p.State = nhi.PlanProposed
	}
	actions := make([]nhi.Action, len(p.Actions))
	for i, a := range p.Actions {
		if a.ID == "" {
			a.ID = strconv.Itoa(i + 1)
		}
		if a.State == "" {
			a.State = nhi.ActionPending
		}
		actions[i] = a
	}
	p.Actions = actions
	return p
}

// createPlan stores p at at, failing t on error.
func createPlan(t *testing.T, st store.Store, p nhi.Plan, at time.Time) nhi.Plan {
	t.Helper()
	got, err := st.CreatePlan(t.Context(), p, at)
	if err != nil {
		t.Fatalf("CreatePlan(%q): %v", p.Title, err)
	}
	return got
}

// getPlan returns plan id, failing t on error.
func getPlan(t *testing.T, st store.Store, id string) nhi.Plan {
	t.Helper()
	p, err := st.Plan(t.Context(), id)
	if err != nil {
		t.Fatalf("Plan(%s): %v", id, err)
	}
	return p
}

// planTimes returns every time of p, its actions' included.
func planTimes(p nhi.Plan) []time.Time {
	out := []time.Time{p.CreatedAt, p.UpdatedAt, p.ApprovedAt}
	for _, a := range p.Actions {
		out = append(out, a.StartedAt, a.FinishedAt, a.VerifiedAt)
	}
	return out
}

// fullPlan returns a plan with every field set, actions with every field, none and some.
func fullPlan() nhi.Plan {
	full := action(nhi.ActionReduceScope, "gws_id1", func(a *nhi.Action) {
		a.ID, a.Name, a.AppID, a.OwnerID = "first", hostile, "client-1.apps.googleusercontent.com", "u1"
		a.Scopes = []string{"https://www.googleapis.com/auth/drive", `é<&>"'`}
		a.CredentialID, a.Message = "k1", hostile
		a.Reason = nhi.Reason{Kind: nhi.ReasonPerson, Person: "alice@example.com", Text: hostile}
		a.State, a.Error, a.Call, a.Attempts = nhi.ActionFailed, hostile, "DELETE /x/{id}", 3
		a.StartedAt, a.FinishedAt, a.VerifiedAt = at(time.Minute), at(2*time.Minute), at(3*time.Minute)
	})
	appWide := nhi.Action{Type: nhi.ActionRevokeAppGrants, Platform: gws, Tenant: "C01", AppID: "client-2"}
	return nhi.Plan{ID: "pln_custom-ID.1", Title: hostile,
		Reason: nhi.Reason{Kind: nhi.ReasonPolicy, Policy: "no-stale-grants", FindingID: "fnd_1", Text: hostile},
		Mode:   nhi.ModeEnforce, RequiresApproval: true, State: nhi.PlanApproved,
		CreatedAt: at(-day), UpdatedAt: at(day), CreatedBy: "carol@example.com",
		ApprovedBy: "dave@example.com", ApprovedAt: at(time.Second),
		Blast: nhi.BlastRadius{Actions: 3, Identities: 2, People: 1, Apps: 2,
			Platforms: []nhi.Platform{gws, gh}},
		Actions: []nhi.Action{full, appWide, action(nhi.ActionNotifyOwner, "gws_id2")},
	}
}

// testPlanRoundTrip checks Plan and CreatePlan's result against what CreatePlan stored.
func testPlanRoundTrip(t *testing.T, s suite) {
	st := s.store(t)
	full := fullPlan()
	minimal := nhi.Plan{Title: "minimal"}
	got := []nhi.Plan{createPlan(t, st, full, at(0)), createPlan(t, st, minimal, at(time.Hour))}
	if !strings.HasPrefix(got[1].ID, "pln_") {
		t.Errorf("CreatePlan without an ID assigned %q, want a pln_ ID", got[1].ID)
	}
	want := []nhi.Plan{storedPlan(full, full.ID, at(0)), storedPlan(minimal, got[1].ID, at(time.Hour))}
	for i, w := range want {
		if d := diff(w, got[i]); d != "" {
			t.Errorf("CreatePlan(%q) returned (-want +got):\n%s", w.Title, d)
		}
		p := getPlan(t, st, w.ID)
		if d := diff(w, p); d != "" {
			t.Errorf("Plan(%q) (-want +got):\n%s", w.Title, d)
		}
		checkUTC(t, "Plan "+w.ID, planTimes(p)...)
	}
	before := wallNow()
	stamped := createPlan(t, st, nhi.Plan{Title: "now"}, time.Time{})
	after := wallNow().Add(time.Millisecond)
	if stamped.CreatedAt.Before(before) || stamped.CreatedAt.After(after) || !stamped.UpdatedAt.Equal(stamped.CreatedAt) {
		t.Errorf("CreatePlan at a zero time: created %v, updated %v; want both between %v and %v",
			stamped.CreatedAt, stamped.UpdatedAt, before, after)
	}
	_, err := st.Plan(t.Context(), "pln_nosuchplan")
	wantCode(t, "Plan of an unknown ID", err, nhi.CodeNotFound)
}

// testCreatePlanInvalid checks that CreatePlan refuses bad plans and stores nothing.
func testCreatePlanInvalid(t *testing.T, s suite) {
	st := s.store(t)
	existing := createPlan(t, st, newPlan("existing", "p"), at(0))
	good := action(nhi.ActionRevokeGrant, "gws_id1")
	with := func(m func(*nhi.Plan)) nhi.Plan { p := newPlan("bad", "p", good); m(&p); return p }
	withAction := func(m func(*nhi.Action)) nhi.Plan {
		return with(func(p *nhi.Plan) { a := good; m(&a); p.Actions = append(p.Actions, a) })
	}
	tests := []struct {
		name string
		p    nhi.Plan
		want nhi.Code
	}{
		{"unknown mode", with(func(p *nhi.Plan) { p.Mode = "yolo" }), nhi.CodeInvalid},
		{"unknown state", with(func(p *nhi.Plan) { p.State = "pending" }), nhi.CodeInvalid},
		{"unknown action type", withAction(func(a *nhi.Action) { a.Type = "delete_everything" }), nhi.CodeInvalid},
		{"action without a type", withAction(func(a *nhi.Action) { a.Type = "" }), nhi.CodeInvalid},
		{"action without a platform", withAction(func(a *nhi.Action) { a.Platform = "" }), nhi.CodeInvalid},
		{"action without a tenant", withAction(func(a *nhi.Action) { a.Tenant = "" }), nhi.CodeInvalid},
		{"unknown action state", withAction(func(a *nhi.Action) { a.State = "proposed" }), nhi.CodeInvalid},
		{"two actions with one ID", withAction(func(a *nhi.Action) { a.ID = "1" }), nhi.CodeInvalid},
		{"an ID that is another's position", with(func(p *nhi.Plan) {
			p.Actions = []nhi.Action{good, good}
			p.Actions[0].ID = "2"
		}), nhi.CodeInvalid},
		{"an ID already stored", with(func(p *nhi.Plan) { p.ID = existing.ID }), nhi.CodeConflict},
	}
	for _, tc := range tests {
		got, err := st.CreatePlan(t.Context(), tc.p, at(time.Hour))
		wantCode(t, "CreatePlan with "+tc.name, err, tc.want)
		if got.ID != "" {
			t.Errorf("CreatePlan with %s returned a plan: %+v", tc.name, got)
		}
	}
	page, err := st.ListPlans(t.Context(), store.PlanFilter{})
	if err != nil || len(page.Items) != 1 {
		t.Fatalf("ListPlans after refused plans = %d plans, %v; want only the existing one", len(page.Items), err)
	}
	existing.Actions = nil
	if d := diff(existing, page.Items[0]); d != "" {
		t.Errorf("the existing plan after refused plans (-want +got):\n%s", d)
	}
}
