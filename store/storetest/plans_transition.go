package storetest

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
)

// testTransitionPlan walks a plan through its states and checks the refusals on the way.
func testTransitionPlan(t *testing.T, s suite) {
	st := s.store(t)
	created := createPlan(t, st, newPlan("p", "stale", action(nhi.ActionRevokeGrant, "gws_id1")), at(0))
	want := created
	steps := []struct {
		name string
		tr   store.Transition
		// approve says the step records an approval.
		approve bool
	}{
		{"approve", store.Transition{From: []nhi.PlanState{nhi.PlanProposed}, To: nhi.PlanApproved,
			By: "alice@example.com", At: at(time.Minute)}, true},
		{"start", store.Transition{From: []nhi.PlanState{nhi.PlanApproved, nhi.PlanPartial}, To: nhi.PlanRunning,
			By: "nhi executor", At: at(2 * time.Minute)}, false},
		{"finish partially", store.Transition{From: []nhi.PlanState{nhi.PlanRunning}, To: nhi.PlanPartial,
			At: at(3 * time.Minute)}, false},
		{"approve the rerun", store.Transition{From: []nhi.PlanState{nhi.PlanPartial, nhi.PlanFailed},
			To: nhi.PlanApproved, By: "bob@example.com", At: at(4 * time.Minute)}, true},
		{"run again to the same state", store.Transition{From: []nhi.PlanState{nhi.PlanApproved}, To: nhi.PlanApproved,
			By: "carol@example.com", At: at(5 * time.Minute)}, true},
	}
	for _, step := range steps {
		step.tr.PlanID = created.ID
		got, err := st.TransitionPlan(t.Context(), step.tr)
		if err != nil {
			t.Fatalf("%s: TransitionPlan: %v", step.name, err)
		}
		want.State, want.UpdatedAt, want.Actions = step.tr.To, step.tr.At, nil
		if step.approve {
			want.ApprovedBy, want.ApprovedAt = step.tr.By, step.tr.At
		}
		if d := diff(want, got); d != "" {
			t.Errorf("%s: TransitionPlan returned (-want +got):\n%s", step.name, d)
		}
		want.Actions = created.Actions
		if d := diff(want, getPlan(t, st, created.ID)); d != "" {
			t.Errorf("%s: Plan after TransitionPlan (-want +got):\n%s", step.name, d)
		}
	}
	testTransitionRefused(t, st, want)
}

// testTransitionRefused checks that TransitionPlan refuses conflicts, unknown plans and
// bad transitions, and leaves plan p, approved, as it is.
func testTransitionRefused(t *testing.T, st store.Store, p nhi.Plan) {
	t.Helper()
	tests := []struct {
		name string
		tr   store.Transition
		want nhi.Code
	}{
		{"from another state", store.Transition{PlanID: p.ID, From: []nhi.PlanState{nhi.PlanProposed, nhi.PlanRunning},
			To: nhi.PlanRejected, By: "mallory"}, nhi.CodeConflict},
		{"an unknown plan", store.Transition{PlanID: "pln_nosuchplan", From: []nhi.PlanState{nhi.PlanApproved},
			To: nhi.PlanRunning}, nhi.CodeNotFound},
		{"no state to move from", store.Transition{PlanID: p.ID, To: nhi.PlanRunning}, nhi.CodeInvalid},
		{"an unknown target state", store.Transition{PlanID: p.ID, From: []nhi.PlanState{nhi.PlanApproved},
			To: "paused"}, nhi.CodeInvalid},
		{"an unknown source state", store.Transition{PlanID: p.ID, From: []nhi.PlanState{"paused"},
			To: nhi.PlanRunning}, nhi.CodeInvalid},
	}
	for _, tc := range tests {
		got, err := st.TransitionPlan(t.Context(), tc.tr)
		wantCode(t, "TransitionPlan "+tc.name, err, tc.want)
		if got.ID != "" {
			t.Errorf("TransitionPlan %s returned a plan: %+v", tc.name, got)
		}
	}
	_, err := st.TransitionPlan(t.Context(), store.Transition{PlanID: p.ID,
		From: []nhi.PlanState{nhi.PlanProposed}, To: nhi.PlanApproved})
	if msg := nhi.ErrorMessage(err); !strings.Contains(msg, string(nhi.PlanApproved)) {
		t.Errorf("conflict message %q does not name the plan's state %q", msg, nhi.PlanApproved)
	}
	if d := diff(p, getPlan(t, st, p.ID)); d != "" {
		t.Errorf("Plan after refused transitions (-want +got):\n%s", d)
	}
	before := wallNow()
	got, err := st.TransitionPlan(t.Context(), store.Transition{PlanID: p.ID,
		From: []nhi.PlanState{nhi.PlanApproved}, To: nhi.PlanRunning})
	after := wallNow().Add(time.Millisecond)
	if err != nil || got.UpdatedAt.Before(before) || got.UpdatedAt.After(after) || !got.ApprovedAt.Equal(p.ApprovedAt) {
		t.Errorf("TransitionPlan at a zero time = %+v, %v; want UpdatedAt between %v and %v, approval kept",
			got, err, before, after)
	}
}

// testTransitionRace checks that of many callers approving one proposed plan at once,
// exactly one succeeds and its approval is the one stored.
func testTransitionRace(t *testing.T, s suite) {
	st := s.store(t)
	p := createPlan(t, st, newPlan("p", "stale", action(nhi.ActionRevokeGrant, "gws_id1")), at(0))
	const callers = 8
	errs := make([]error, callers)
	var wg sync.WaitGroup
	for i := range callers {
		wg.Go(func() {
			_, errs[i] = st.TransitionPlan(t.Context(), store.Transition{PlanID: p.ID,
				From: []nhi.PlanState{nhi.PlanProposed}, To: nhi.PlanApproved,
				By: fmt.Sprintf("approver-%d", i), At: at(time.Duration(i) * time.Second)})
		})
	}
	wg.Wait()
	winner := -1
	for i, err := range errs {
		switch nhi.ErrorCode(err) {
		case "":
			if winner >= 0 {
				t.Errorf("callers %d and %d both approved the plan", winner, i)
			}
			winner = i
		case nhi.CodeConflict:
		default:
			t.Errorf("caller %d: %v, want success or CodeConflict", i, err)
		}
	}
	if winner < 0 {
		t.Fatal("no caller approved the plan")
	}
	got := getPlan(t, st, p.ID)
	if got.State != nhi.PlanApproved || got.ApprovedBy != fmt.Sprintf("approver-%d", winner) ||
		!got.ApprovedAt.Equal(at(time.Duration(winner)*time.Second)) {
		t.Errorf("Plan after the race = %s approved by %q at %v; want approved by approver-%d",
			got.State, got.ApprovedBy, got.ApprovedAt, winner)
	}
}
