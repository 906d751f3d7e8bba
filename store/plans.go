package store

import (
	"context"
	"time"

	"github.com/nhiscope/nhi"
)

// Plans persists remediation plans and their actions. It is part of Store; storetest
// checks it.
type Plans interface {
	// CreatePlan stores a new plan with its actions. It keeps p.ID when set (else it
	// assigns nhi.NewPlanID()), numbers actions without an ID "1", "2", ... in order, sets
	// CreatedAt and UpdatedAt to at, and returns the stored plan.
	CreatePlan(ctx context.Context, p nhi.Plan, at time.Time) (nhi.Plan, error)
	// Plan returns one plan with all its actions.
	Plan(ctx context.Context, id string) (nhi.Plan, error)
	// ListPlans returns plans matching f without their actions, newest first.
	ListPlans(ctx context.Context, f PlanFilter) (Page[nhi.Plan], error)
	// TransitionPlan moves a plan to t.To if its state is one of t.From (CodeConflict
	// otherwise, CodeNotFound for an unknown plan) and returns it without its actions.
	// Moving to PlanApproved records t.By and t.At as the approval.
	TransitionPlan(ctx context.Context, t Transition) (nhi.Plan, error)
	// UpdateActions stores the state, error, call, attempts and times of actions of one
	// plan (matched by Action.ID) in one transaction; other fields are ignored.
	UpdateActions(ctx context.Context, planID string, actions []nhi.Action) error
	// OpenActionKeys returns the nhi.Action.Key of every action that is pending or failed
	// in a plan that is proposed, approved, running, partial or failed (a plan that can
	// still run), so that a change is not proposed twice. A non-empty mode keeps only
	// plans of that mode.
	OpenActionKeys(ctx context.Context, mode nhi.PlanMode) (map[string]bool, error)
}

// Transition is a compare-and-set change of a plan's state.
type Transition struct {
	PlanID string
	From   []nhi.PlanState
	To     nhi.PlanState
	By     string
	At     time.Time
}

// PlanFilter selects plans. Zero fields do not filter.
type PlanFilter struct {
	State nhi.PlanState
	// Policy matches the policy that proposed the plan.
	Policy string
	Limit  int
	After  string
}

// Audit is the append-only, hash-chained audit trail. It is part of Store; storetest
// checks it. Backends refuse to change or delete entries once appended.
type Audit interface {
	// AppendAudit appends e after the last entry, sealing it (Seq, PrevHash, Hash; see
	// nhi.AuditEntry.Seal) atomically with respect to other appends, also from other
	// processes, and returns the sealed entry. Detail must be a JSON object or empty.
	AppendAudit(ctx context.Context, e nhi.AuditEntry) (nhi.AuditEntry, error)
	// ListAudit returns entries with Seq > f.AfterSeq in ascending Seq order, at most
	// f.Limit (DefaultLimit when zero, at most MaxLimit), exactly as appended.
	ListAudit(ctx context.Context, f AuditFilter) ([]nhi.AuditEntry, error)
}

// AuditFilter selects audit entries. Only AfterSeq and Limit page; PlanID filters.
type AuditFilter struct {
	AfterSeq int64
	PlanID   string
	Limit    int
}
