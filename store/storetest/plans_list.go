package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
)

// listAllPlans returns every plan matching f, following the cursors page by page, and
// checks that no page is longer than f.Limit and that no plan carries its actions.
func listAllPlans(t *testing.T, st store.Store, f store.PlanFilter) []nhi.Plan {
	t.Helper()
	var all []nhi.Plan
	for range 1000 {
		page, err := st.ListPlans(t.Context(), f)
		if err != nil {
			t.Fatalf("ListPlans(%+v): %v", f, err)
		}
		if f.Limit > 0 && len(page.Items) > f.Limit {
			t.Fatalf("ListPlans(limit %d) returned %d plans", f.Limit, len(page.Items))
		}
		for _, p := range page.Items {
			if len(p.Actions) != 0 {
				t.Errorf("ListPlans returned plan %s with %d actions, want none", p.ID, len(p.Actions))
			}
		}
		all = append(all, page.Items...)
		if page.Next == "" {
			return all
		}
		f.After = page.Next
	}
	t.Fatal("ListPlans: paging does not end")
	return nil
}

// planIDs returns the IDs of plans.
func planIDs(plans []nhi.Plan) []string {
	out := make([]string, len(plans))
	for i, p := range plans {
		out[i] = p.ID
	}
	return out
}

// testListPlans checks the order and the filters of ListPlans.
func testListPlans(t *testing.T, s suite) {
	st := s.store(t)
	mk := func(id, policy string, state nhi.PlanState, created time.Duration) {
		p := newPlan("plan "+id, policy, action(nhi.ActionRevokeGrant, "gws_"+id))
		p.ID, p.State = id, state
		createPlan(t, st, p, at(created))
	}
	mk("pln_a", "stale", nhi.PlanProposed, 0)
	mk("pln_b", "stale", nhi.PlanDone, time.Hour)
	mk("pln_c", "malicious", nhi.PlanProposed, 2*time.Hour)
	mk("pln_e", "", nhi.PlanProposed, 2*time.Hour) // created after pln_c at the same time
	mk("pln_d", "malicious", nhi.PlanFailed, -time.Hour)
	tests := []struct {
		name string
		f    store.PlanFilter
		want []string
	}{
		{"all, newest first", store.PlanFilter{}, []string{"pln_e", "pln_c", "pln_b", "pln_a", "pln_d"}},
		{"state", store.PlanFilter{State: nhi.PlanProposed}, []string{"pln_e", "pln_c", "pln_a"}},
		{"policy", store.PlanFilter{Policy: "malicious"}, []string{"pln_c", "pln_d"}},
		{"state and policy", store.PlanFilter{State: nhi.PlanFailed, Policy: "malicious"}, []string{"pln_d"}},
		{"no match", store.PlanFilter{State: nhi.PlanRejected}, nil},
		{"unknown policy", store.PlanFilter{Policy: "stal"}, nil},
	}
	for _, tc := range tests {
		if d := diff(tc.want, planIDs(listAllPlans(t, st, tc.f))); d != "" {
			t.Errorf("ListPlans %s (-want +got):\n%s", tc.name, d)
		}
	}
	want := getPlan(t, st, "pln_c")
	want.Actions = nil
	got := listAllPlans(t, st, store.PlanFilter{Policy: "malicious", State: nhi.PlanProposed})
	if d := diff([]nhi.Plan{want}, got); d != "" {
		t.Errorf("a listed plan is the plan without its actions (-want +got):\n%s", d)
	}
	for name, f := range map[string]store.PlanFilter{
		"unknown state":  {State: "pending"},
		"negative limit": {Limit: -1},
	} {
		_, err := st.ListPlans(t.Context(), f)
		wantCode(t, "ListPlans with "+name, err, nhi.CodeInvalid)
	}
}

// testPlanPaging checks that pages of any size add up to the whole list, and that
// cursors are checked.
func testPlanPaging(t *testing.T, s suite) {
	st := s.store(t)
	var want []string
	for i := range 23 {
		p := newPlan(fmt.Sprintf("plan %d", i), fmt.Sprintf("policy-%d", i%2))
		p.ID = fmt.Sprintf("pln_%02d", i)
		createPlan(t, st, p, at(time.Duration(i/3)*time.Minute)) // three plans per instant
		want = append([]string{p.ID}, want...)
	}
	for _, limit := range []int{1, 2, 7, len(want), len(want) + 1, 0} {
		if d := diff(want, planIDs(listAllPlans(t, st, store.PlanFilter{Limit: limit}))); d != "" {
			t.Errorf("pages of %d (-want +got):\n%s", limit, d)
		}
	}
	var odd []string
	for _, id := range want {
		if id[len(id)-1]%2 == 1 {
			odd = append(odd, id)
		}
	}
	for _, limit := range []int{1, 4} {
		got := planIDs(listAllPlans(t, st, store.PlanFilter{Policy: "policy-1", Limit: limit}))
		if d := diff(odd, got); d != "" {
			t.Errorf("filtered pages of %d (-want +got):\n%s", limit, d)
		}
	}
	putIDs(t, st, begin(t, st, gws, "C01"), at(0), ident(gws, "C01", nhi.KindAPIKey, "a"), ident(gws, "C01", nhi.KindAPIKey, "b"))
	ids, err := st.ListIdentities(t.Context(), store.IdentityFilter{Limit: 1})
	if err != nil || ids.Next == "" {
		t.Fatalf("ListIdentities(limit 1) = next %q, %v; want a cursor", ids.Next, err)
	}
	first, err := st.ListPlans(t.Context(), store.PlanFilter{Limit: 1})
	if err != nil || first.Next == "" {
		t.Fatalf("ListPlans(limit 1) = next %q, %v; want a cursor", first.Next, err)
	}
	for name, c := range map[string]string{"garbage": "not a cursor!", "of identities": ids.Next} {
		_, err := st.ListPlans(t.Context(), store.PlanFilter{After: c})
		wantCode(t, "ListPlans after a cursor "+name, err, nhi.CodeInvalid)
	}
	_, err = st.ListIdentities(t.Context(), store.IdentityFilter{After: first.Next})
	wantCode(t, "ListIdentities after a cursor of plans", err, nhi.CodeInvalid)
}
