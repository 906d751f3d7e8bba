package storetest

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
)

// testListAudit checks the pages and the plan filter of ListAudit.
func testListAudit(t *testing.T, s suite) {
	st := s.store(t)
	const n = store.DefaultLimit + 30
	plans := []string{"pln_a", "pln_b", ""}
	var all []nhi.AuditEntry
	for i := range n {
		all = append(all, appendAudit(t, st, nhi.AuditEntry{Time: at(time.Duration(i) * time.Second),
			Actor: "nhi executor", Kind: nhi.AuditActionFinished, PlanID: plans[i%len(plans)],
			ActionID: fmt.Sprint(i), Detail: []byte(fmt.Sprintf(`{"i":%d}`, i))}))
	}
	first, err := st.ListAudit(t.Context(), store.AuditFilter{})
	if err != nil || len(first) != store.DefaultLimit {
		t.Fatalf("ListAudit without a limit = %d entries, %v; want %d", len(first), err, store.DefaultLimit)
	}
	if d := diff(all[:store.DefaultLimit], first); d != "" {
		t.Errorf("ListAudit without a limit (-want +got):\n%s", d)
	}
	for _, limit := range []int{1, 7, n, n + 1} {
		got := listAllAudit(t, st, store.AuditFilter{Limit: limit})
		if d := diff(all, got); d != "" {
			t.Errorf("pages of %d (-want +got):\n%s", limit, d)
		}
		verifyChain(t, fmt.Sprintf("pages of %d", limit), got)
	}
	var ofA []nhi.AuditEntry
	for _, e := range all {
		if e.PlanID == "pln_a" && e.Seq > 10 {
			ofA = append(ofA, e)
		}
	}
	for _, limit := range []int{1, 5, 0} {
		got := listAllAudit(t, st, store.AuditFilter{PlanID: "pln_a", AfterSeq: 10, Limit: limit})
		if d := diff(ofA, got); d != "" {
			t.Errorf("entries of a plan after 10, pages of %d (-want +got):\n%s", limit, d)
		}
	}
	if got, err := st.ListAudit(t.Context(), store.AuditFilter{AfterSeq: n}); err != nil || len(got) != 0 {
		t.Errorf("ListAudit after the last entry = %d entries, %v; want none", len(got), err)
	}
	if got, err := st.ListAudit(t.Context(), store.AuditFilter{PlanID: "pln_nosuchplan"}); err != nil || len(got) != 0 {
		t.Errorf("ListAudit of an unknown plan = %d entries, %v; want none", len(got), err)
	}
	for name, f := range map[string]store.AuditFilter{"negative limit": {Limit: -1}, "negative position": {AfterSeq: -1}} {
		_, err := st.ListAudit(t.Context(), f)
		wantCode(t, "ListAudit with "+name, err, nhi.CodeInvalid)
	}
}

// testAuditConcurrent checks that entries appended at once by many goroutines form one
// unbroken chain that holds each of them once.
func testAuditConcurrent(t *testing.T, s suite) {
	st := s.store(t)
	const writers, each = 4, 20
	sealed := make([][]nhi.AuditEntry, writers)
	errs := make([]error, writers)
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				e, err := st.AppendAudit(t.Context(), nhi.AuditEntry{Time: at(0),
					Actor: fmt.Sprintf("writer-%d", w), Kind: nhi.AuditActionStarted, ActionID: fmt.Sprint(i)})
				if err != nil {
					errs[w] = err
					return
				}
				sealed[w] = append(sealed[w], e)
			}
		})
	}
	wg.Wait()
	for w, err := range errs {
		if err != nil {
			t.Fatalf("writer %d: AppendAudit: %v", w, err)
		}
	}
	want := slices.Concat(sealed...)
	slices.SortFunc(want, func(a, b nhi.AuditEntry) int { return int(a.Seq - b.Seq) })
	got := listAllAudit(t, st, store.AuditFilter{})
	if d := diff(want, got); d != "" {
		t.Errorf("ListAudit after concurrent appends (-want +got):\n%s", d)
	}
	if len(got) != writers*each {
		t.Errorf("ListAudit after concurrent appends = %d entries, want %d", len(got), writers*each)
	}
	verifyChain(t, "chain of concurrent appends", got)
}
