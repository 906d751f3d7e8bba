package storetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
)

// testUpdateActions checks that UpdateActions stores the progress of actions, and only
// that, and that it stores nothing when it refuses a batch.
func testUpdateActions(t *testing.T, s suite) {
	st := s.store(t)
	p := createPlan(t, st, newPlan("p", "stale", action(nhi.ActionRevokeGrant, "gws_id1"),
		action(nhi.ActionRevokeGrant, "gws_id2"), action(nhi.ActionNotifyOwner, "gws_id3")), at(0))
	want := p
	want.Actions = slices.Clone(p.Actions)
	done := p.Actions[1]
	done.State, done.Call, done.Attempts = nhi.ActionDone, "DELETE /admin/directory/v1/users/u2/tokens/c", 2
	done.StartedAt, done.FinishedAt, done.VerifiedAt = at(time.Minute), at(2*time.Minute), at(3*time.Minute)
	want.Actions[1] = done
	ignored := done
	ignored.Type, ignored.Name, ignored.IdentityID, ignored.Scopes = nhi.ActionUninstallApp, "ignored", "gws_other", []string{"x"}
	ignored.Reason = nhi.Reason{Kind: nhi.ReasonPerson, Person: "mallory"}
	failed := p.Actions[2]
	failed.State, failed.Error, failed.Attempts = nhi.ActionFailed, hostile, 1
	want.Actions[2] = failed
	if err := st.UpdateActions(t.Context(), p.ID, []nhi.Action{ignored, failed}); err != nil {
		t.Fatalf("UpdateActions: %v", err)
	}
	if d := diff(want, getPlan(t, st, p.ID)); d != "" {
		t.Errorf("Plan after UpdateActions (-want +got):\n%s", d)
	}
	again := failed
	again.State, again.Error, again.Attempts = nhi.ActionPending, "", 0
	if err := st.UpdateActions(t.Context(), p.ID, []nhi.Action{again}); err != nil {
		t.Fatalf("UpdateActions back to pending: %v", err)
	}
	want.Actions[2] = again
	if d := diff(want, getPlan(t, st, p.ID)); d != "" {
		t.Errorf("Plan after UpdateActions back to pending (-want +got):\n%s", d)
	}
	testUpdateActionsRefused(t, st, want)
}

// testUpdateActionsRefused checks that UpdateActions refuses bad batches as a whole and
// leaves plan p as it is.
func testUpdateActionsRefused(t *testing.T, st store.Store, p nhi.Plan) {
	t.Helper()
	first := p.Actions[0]
	first.State, first.Error = nhi.ActionFailed, "must not be stored"
	with := func(m func(*nhi.Action)) nhi.Action { a := first; m(&a); return a }
	tests := []struct {
		name    string
		plan    string
		actions []nhi.Action
		want    nhi.Code
	}{
		{"an unknown action", p.ID, []nhi.Action{first, with(func(a *nhi.Action) { a.ID = "99" })}, nhi.CodeNotFound},
		{"an action without an ID", p.ID, []nhi.Action{first, with(func(a *nhi.Action) { a.ID = "" })}, nhi.CodeNotFound},
		{"an unknown plan", "pln_nosuchplan", []nhi.Action{first}, nhi.CodeNotFound},
		{"an empty batch of an unknown plan", "pln_nosuchplan", nil, nhi.CodeNotFound},
		{"an unknown state", p.ID, []nhi.Action{first, with(func(a *nhi.Action) { a.State = "running" })}, nhi.CodeInvalid},
		{"negative attempts", p.ID, []nhi.Action{with(func(a *nhi.Action) { a.Attempts = -1 })}, nhi.CodeInvalid},
	}
	for _, tc := range tests {
		wantCode(t, "UpdateActions with "+tc.name, st.UpdateActions(t.Context(), tc.plan, tc.actions), tc.want)
	}
	if err := st.UpdateActions(t.Context(), p.ID, nil); err != nil {
		t.Errorf("UpdateActions with no actions: %v", err)
	}
	if d := diff(p, getPlan(t, st, p.ID)); d != "" {
		t.Errorf("Plan after refused updates (-want +got):\n%s", d)
	}
}

// testOpenActionKeys checks that OpenActionKeys holds the pending and failed actions of
// plans that can still run, filters by mode, and follows their changes.
func testOpenActionKeys(t *testing.T, s suite) {
	st := s.store(t)
	if keys, err := st.OpenActionKeys(t.Context(), ""); err != nil || len(keys) != 0 {
		t.Errorf("OpenActionKeys of an empty store = %v, %v; want none", keys, err)
	}
	appWide := nhi.Action{Type: nhi.ActionRevokeAppGrants, Platform: gws, Tenant: "C01", AppID: "client-9"}
	cred := action(nhi.ActionRemoveCredential, "gws_sa1", func(a *nhi.Action) { a.CredentialID = "key-1" })
	wantKeys := map[string]bool{}
	ids := map[nhi.PlanState]string{}
	for _, state := range nhi.PlanStates() {
		id := "gws_" + string(state)
		doneAction := action(nhi.ActionDisableIdentity, id+"-done", func(a *nhi.Action) { a.State = nhi.ActionDone })
		p := newPlan(string(state), "p", action(nhi.ActionRevokeGrant, id), doneAction, appWide, cred)
		p.State = state
		ids[state] = createPlan(t, st, p, at(0)).ID
		switch state {
		case nhi.PlanProposed, nhi.PlanApproved, nhi.PlanRunning, nhi.PlanPartial, nhi.PlanFailed:
			wantKeys[p.Actions[0].Key()], wantKeys[appWide.Key()], wantKeys[cred.Key()] = true, true, true
		}
	}
	checkKeys := func(step string) {
		t.Helper()
		got, err := st.OpenActionKeys(t.Context(), "")
		if err != nil {
			t.Fatalf("%s: OpenActionKeys: %v", step, err)
		}
		if d := diff(wantKeys, got); d != "" {
			t.Errorf("%s: OpenActionKeys (-want +got):\n%s", step, d)
		}
		// Every plan here is in enforce mode: asking for dry-run plans finds none.
		if dry, err := st.OpenActionKeys(t.Context(), nhi.ModeDryRun); err != nil || len(dry) != 0 {
			t.Errorf("%s: OpenActionKeys of dry-run plans = %v, %v; want none", step, dry, err)
		}
		if enf, err := st.OpenActionKeys(t.Context(), nhi.ModeEnforce); err != nil || diff(wantKeys, enf) != "" {
			t.Errorf("%s: OpenActionKeys of enforce plans = %v, %v; want all", step, enf, err)
		}
	}
	checkKeys("plans in every state")
	reject := store.Transition{PlanID: ids[nhi.PlanProposed], From: []nhi.PlanState{nhi.PlanProposed}, To: nhi.PlanRejected}
	if _, err := st.TransitionPlan(t.Context(), reject); err != nil {
		t.Fatal(err)
	}
	delete(wantKeys, action(nhi.ActionRevokeGrant, "gws_"+string(nhi.PlanProposed)).Key())
	checkKeys("after a rejection")
	running := getPlan(t, st, ids[nhi.PlanRunning])
	running.Actions[0].State = nhi.ActionDone
	if err := st.UpdateActions(t.Context(), running.ID, running.Actions[:1]); err != nil {
		t.Fatal(err)
	}
	delete(wantKeys, running.Actions[0].Key())
	checkKeys("after an action is done")
	running.Actions[1].State, running.Actions[1].Error = nhi.ActionFailed, "backend error"
	if err := st.UpdateActions(t.Context(), running.ID, running.Actions[1:2]); err != nil {
		t.Fatal(err)
	}
	wantKeys[running.Actions[1].Key()] = true
	checkKeys("after an action failed (a rerun retries it)")
}

// testPlansCanceled checks that every method of store.Plans fails with a cancelled
// context and changes nothing.
func testPlansCanceled(t *testing.T, s suite) {
	st := s.store(t)
	p := createPlan(t, st, newPlan("p", "stale", action(nhi.ActionRevokeGrant, "gws_id1")), at(0))
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	done := p.Actions[0]
	done.State = nhi.ActionDone
	calls := map[string]func() error{
		"CreatePlan": func() error { _, err := st.CreatePlan(ctx, newPlan("q", "stale"), at(0)); return err },
		"Plan":       func() error { _, err := st.Plan(ctx, p.ID); return err },
		"ListPlans":  func() error { _, err := st.ListPlans(ctx, store.PlanFilter{}); return err },
		"TransitionPlan": func() error {
			_, err := st.TransitionPlan(ctx, store.Transition{PlanID: p.ID,
				From: []nhi.PlanState{nhi.PlanProposed}, To: nhi.PlanApproved, By: "alice"})
			return err
		},
		"UpdateActions":  func() error { return st.UpdateActions(ctx, p.ID, []nhi.Action{done}) },
		"OpenActionKeys": func() error { _, err := st.OpenActionKeys(ctx, ""); return err },
	}
	for name, call := range calls {
		wantCode(t, name+" with a cancelled context", call(), nhi.CodeCanceled)
	}
	if d := diff(p, getPlan(t, st, p.ID)); d != "" {
		t.Errorf("Plan after cancelled calls (-want +got):\n%s", d)
	}
	if got := listAllPlans(t, st, store.PlanFilter{}); len(got) != 1 {
		t.Errorf("ListPlans after cancelled calls = %d plans, want 1", len(got))
	}
}
