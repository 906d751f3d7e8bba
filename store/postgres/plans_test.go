package postgres

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
)

// TestTransitionRace moves one plan from proposed from several handles at once (several
// nhi processes): the row lock lets exactly one succeed, and the others see the state it
// left and fail with CodeConflict.
func TestTransitionRace(t *testing.T) {
	t.Parallel()
	a, d := openDB(t)
	b, err := Open(t.Context(), d)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.Close() })
	for round := range 5 {
		p, err := a.CreatePlan(t.Context(), nhi.Plan{Title: "revoke"}, time.Time{})
		if err != nil {
			t.Fatalf("CreatePlan: %v", err)
		}
		var ok, conflict atomic.Int32
		var wg sync.WaitGroup
		for i := range 6 {
			st := []*DB{a, b}[i%2]
			wg.Go(func() {
				_, err := st.TransitionPlan(t.Context(), store.Transition{PlanID: p.ID,
					From: []nhi.PlanState{nhi.PlanProposed}, To: nhi.PlanApproved, By: "alice"})
				switch nhi.ErrorCode(err) {
				case "":
					ok.Add(1)
				case nhi.CodeConflict:
					conflict.Add(1)
				default:
					t.Errorf("TransitionPlan: %v", err)
				}
			})
		}
		wg.Wait()
		if ok.Load() != 1 || conflict.Load() != 5 {
			t.Errorf("round %d: %d transitions succeeded and %d conflicted; want 1 and 5", round, ok.Load(), conflict.Load())
		}
		if _, err := b.CreatePlan(t.Context(), nhi.Plan{ID: p.ID, Title: "again"}, time.Time{}); nhi.ErrorCode(err) != nhi.CodeConflict {
			t.Errorf("CreatePlan of a stored ID = %v, want CodeConflict", err)
		}
	}
}
