package sqlite_test

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/nhiscope/nhi"
)

// Run the plan and audit benchmarks with:
//
//	go test ./store/sqlite -run '^$' -bench 'CreatePlan|UpdateActions|AppendAudit'

// killSwitchActions is the size of the plan a vendor kill switch builds for a vendor
// with 5,000 grants.
const killSwitchActions = 5000

// killSwitchPlan returns a plan that revokes n grants of one vendor's app.
func killSwitchPlan(n int) nhi.Plan {
	actions := make([]nhi.Action, n)
	for i := range actions {
		g := grant(i)
		actions[i] = nhi.Action{Type: nhi.ActionRevokeGrant, Platform: g.Platform, Tenant: g.Tenant,
			IdentityID: nhi.NewIdentityID(g.Platform, g.Tenant, g.Kind, g.ExternalID), Kind: g.Kind,
			ExternalID: g.ExternalID, Name: g.Name, AppID: "client-7", OwnerID: g.OwnerID,
			Reason: nhi.Reason{Kind: nhi.ReasonPerson, Person: "alice@example.com", Text: "contain vendor Acme"}}
	}
	return nhi.Plan{Title: "Contain vendor Acme", Mode: nhi.ModeEnforce, RequiresApproval: true,
		Reason:  nhi.Reason{Kind: nhi.ReasonPerson, Person: "alice@example.com"},
		Blast:   nhi.BlastRadius{Actions: n, Identities: n, People: n / 10, Apps: 1},
		Actions: actions}
}

// BenchmarkCreatePlan stores kill-switch plans of 5,000 actions, each in one transaction.
// It reports actions per second.
func BenchmarkCreatePlan(b *testing.B) {
	st := open(b, filepath.Join(b.TempDir(), "nhi.db"))
	b.Cleanup(func() { _ = st.Close() })
	p := killSwitchPlan(killSwitchActions)
	for b.Loop() {
		if _, err := st.CreatePlan(b.Context(), p, time.Now()); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*killSwitchActions)/b.Elapsed().Seconds(), "actions/s")
}

// BenchmarkUpdateActions records the outcome of every action of a 5,000-action plan in
// one call, as an executor that flushes its progress in one batch would. It reports
// actions per second.
func BenchmarkUpdateActions(b *testing.B) {
	st := open(b, filepath.Join(b.TempDir(), "nhi.db"))
	b.Cleanup(func() { _ = st.Close() })
	p, err := st.CreatePlan(b.Context(), killSwitchPlan(killSwitchActions), time.Now())
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now()
	for i := range p.Actions {
		a := &p.Actions[i]
		a.State, a.Call, a.Attempts = nhi.ActionDone, "DELETE /admin/directory/v1/users/{userKey}/tokens/{clientId}", 1
		a.StartedAt, a.FinishedAt, a.VerifiedAt = now, now, now
	}
	for b.Loop() {
		if err := st.UpdateActions(b.Context(), p.ID, p.Actions); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*killSwitchActions)/b.Elapsed().Seconds(), "actions/s")
}

// BenchmarkAppendAudit appends audit entries one by one, each in its own transaction, as
// the executor does before and after every action. It reports entries per second.
func BenchmarkAppendAudit(b *testing.B) {
	st := open(b, filepath.Join(b.TempDir(), "nhi.db"))
	b.Cleanup(func() { _ = st.Close() })
	detail := json.RawMessage(`{"before":{"scopes":["https://www.googleapis.com/auth/drive"]},"result":"revoked"}`)
	i := 0
	for b.Loop() {
		e := nhi.AuditEntry{Time: time.Now(), Actor: "nhi executor", Kind: nhi.AuditActionFinished,
			PlanID: "pln_bench", ActionID: fmt.Sprint(i), Target: "gws_id", Detail: detail}
		if _, err := st.AppendAudit(b.Context(), e); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "entries/s")
}
