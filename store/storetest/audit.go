package storetest

import (
	"cmp"
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
)

// appendAudit appends e, failing t on error.
func appendAudit(t *testing.T, st store.Store, e nhi.AuditEntry) nhi.AuditEntry {
	t.Helper()
	got, err := st.AppendAudit(t.Context(), e)
	if err != nil {
		t.Fatalf("AppendAudit(%s): %v", e.Kind, err)
	}
	return got
}

// listAllAudit returns every entry matching f, page by page, and checks that no page is
// longer than f.Limit.
func listAllAudit(t *testing.T, st store.Store, f store.AuditFilter) []nhi.AuditEntry {
	t.Helper()
	limit := cmp.Or(f.Limit, store.DefaultLimit)
	var all []nhi.AuditEntry
	for range 10000 {
		page, err := st.ListAudit(t.Context(), f)
		if err != nil {
			t.Fatalf("ListAudit(%+v): %v", f, err)
		}
		if len(page) > limit {
			t.Fatalf("ListAudit(limit %d) returned %d entries", f.Limit, len(page))
		}
		if len(page) == 0 {
			return all
		}
		all = append(all, page...)
		f.AfterSeq = page[len(page)-1].Seq
	}
	t.Fatal("ListAudit: paging does not end")
	return nil
}

// verifyChain fails t unless entries form an unbroken chain from the first entry.
func verifyChain(t *testing.T, what string, entries []nhi.AuditEntry) {
	t.Helper()
	var prev nhi.AuditEntry
	for _, e := range entries {
		if err := nhi.CheckLink(prev, e); err != nil {
			t.Errorf("%s: %v", what, err)
			return
		}
		prev = e
	}
}

// testAppendAudit checks that AppendAudit seals entries into a chain and that ListAudit
// returns them exactly as appended.
func testAppendAudit(t *testing.T, s suite) {
	st := s.store(t)
	detail := []byte(`{"a":1}`)
	in := []nhi.AuditEntry{
		{Time: time.Date(2026, 3, 14, 9, 26, 53, 123456789, time.FixedZone("UTC-7", -7*3600)),
			Actor: "alice@example.com", Kind: nhi.AuditPlanCreated, PlanID: "pln_1",
			Detail: json.RawMessage(" { \"title\" : \"x\",\n\t\"n\":1.50 } "),
			Seq:    42, PrevHash: "forged", Hash: "forged"},
		{Time: time.Now(), Actor: hostile, Kind: nhi.AuditActionStarted, PlanID: "pln_1", ActionID: "1",
			Target: "gws_id1", Detail: json.RawMessage(`{"before":{"scopes":["a"]},"note":"日本語 \u00e9 ` + "\u2028" + `"}`)},
		{Time: at(0), Actor: "nhi executor", Kind: nhi.AuditActionFinished, Target: "google_workspace/C01/app/x"},
		{Time: at(0), Actor: "nhi executor", Kind: nhi.AuditPolicyChanged, Detail: json.RawMessage(`{}`)},
		{Time: time.Date(2026, 3, 14, 9, 26, 53, 100_000_000, time.UTC), Actor: "bob", Kind: "custom.kind",
			Detail: detail},
	}
	var want []nhi.AuditEntry
	var prev nhi.AuditEntry
	for _, e := range in {
		got := appendAudit(t, st, e)
		e.Time, e.Detail = e.Time.UTC(), slices.Clone(e.Detail)
		w := e.Seal(prev)
		if d := diff(w, got); d != "" {
			t.Errorf("AppendAudit(%s) returned (-want +got):\n%s", e.Kind, d)
		}
		checkUTC(t, "AppendAudit "+string(e.Kind), got.Time)
		want, prev = append(want, w), got
	}
	detail[1] = 'X' // the store keeps its own copy
	got := listAllAudit(t, st, store.AuditFilter{})
	if d := diff(want, got); d != "" {
		t.Errorf("ListAudit (-want +got):\n%s", d)
	}
	for _, e := range got {
		checkUTC(t, "ListAudit", e.Time)
	}
	verifyChain(t, "ListAudit", got)

	before := time.Now()
	stamped := appendAudit(t, st, nhi.AuditEntry{Actor: "a", Kind: nhi.AuditDryRun})
	after := time.Now()
	if stamped.Time.Before(before) || stamped.Time.After(after) || stamped.Seq != int64(len(in)+1) {
		t.Errorf("AppendAudit at a zero time = seq %d at %v; want seq %d between %v and %v",
			stamped.Seq, stamped.Time, len(in)+1, before, after)
	}
	verifyChain(t, "ListAudit after a stamped entry", listAllAudit(t, st, store.AuditFilter{}))
}

// testAppendAuditInvalid checks that AppendAudit refuses bad entries without breaking
// the chain.
func testAppendAuditInvalid(t *testing.T, s suite) {
	st := s.store(t)
	good := nhi.AuditEntry{Time: at(0), Actor: "alice", Kind: nhi.AuditPlanApproved, PlanID: "pln_1",
		Detail: json.RawMessage(`{"ok":true}`)}
	first := appendAudit(t, st, good)
	with := func(m func(*nhi.AuditEntry)) nhi.AuditEntry { e := good; m(&e); return e }
	detail := func(d string) nhi.AuditEntry { return with(func(e *nhi.AuditEntry) { e.Detail = json.RawMessage(d) }) }
	tests := map[string]nhi.AuditEntry{
		"detail an array":           detail(`[{"a":1}]`),
		"detail a string":           detail(`"x"`),
		"detail a number":           detail(`1`),
		"detail null":               detail(`null`),
		"detail blank":              detail(` `),
		"detail unterminated":       detail(`{"a":`),
		"detail with trailing data": detail(`{"a":1} {}`),
		"detail not JSON":           detail(`not json`),
		"no actor":                  with(func(e *nhi.AuditEntry) { e.Actor = "" }),
		"no kind":                   with(func(e *nhi.AuditEntry) { e.Kind = "" }),
		"a time after year 9999":    with(func(e *nhi.AuditEntry) { e.Time = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) }),
		"a time before year 0":      with(func(e *nhi.AuditEntry) { e.Time = time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC) }),
	}
	for name, e := range tests {
		got, err := st.AppendAudit(t.Context(), e)
		wantCode(t, "AppendAudit with "+name, err, nhi.CodeInvalid)
		if got.Seq != 0 {
			t.Errorf("AppendAudit with %s returned an entry: %+v", name, got)
		}
	}
	second := appendAudit(t, st, with(func(e *nhi.AuditEntry) { e.Detail = nil }))
	if d := diff([]nhi.AuditEntry{first, second}, listAllAudit(t, st, store.AuditFilter{})); d != "" {
		t.Errorf("ListAudit after refused entries (-want +got):\n%s", d)
	}
	verifyChain(t, "ListAudit after refused entries", []nhi.AuditEntry{first, second})
}

// testAuditCanceled checks that AppendAudit and ListAudit fail with a cancelled context
// and append nothing.
func testAuditCanceled(t *testing.T, s suite) {
	st := s.store(t)
	first := appendAudit(t, st, nhi.AuditEntry{Time: at(0), Actor: "a", Kind: nhi.AuditPlanCreated})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := st.AppendAudit(ctx, nhi.AuditEntry{Time: at(0), Actor: "a", Kind: nhi.AuditPlanApproved})
	wantCode(t, "AppendAudit with a cancelled context", err, nhi.CodeCanceled)
	_, err = st.ListAudit(ctx, store.AuditFilter{})
	wantCode(t, "ListAudit with a cancelled context", err, nhi.CodeCanceled)
	if d := diff([]nhi.AuditEntry{first}, listAllAudit(t, st, store.AuditFilter{})); d != "" {
		t.Errorf("ListAudit after cancelled calls (-want +got):\n%s", d)
	}
}
