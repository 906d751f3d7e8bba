package remediate

import (
	"context"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
)

// Create stores a new plan and records it in the audit trail; a plan created approved
// (no approval required) also records its approval.
func (x *Executor) Create(ctx context.Context, p nhi.Plan) (nhi.Plan, error) {
	now := x.now()
	if p.State == nhi.PlanApproved && p.ApprovedAt.IsZero() {
		p.ApprovedAt = now
	}
	stored, err := x.Store.CreatePlan(ctx, p, now)
	if err != nil {
		return nhi.Plan{}, err
	}
	r := newRun(x, stored, nil)
	digest := Digest(stored.Actions)
	if _, err := r.audit(ctx, nhi.AuditPlanCreated, nhi.Action{}, map[string]any{"title": stored.Title,
		"mode": stored.Mode, "reason": stored.Reason, "blast_radius": stored.Blast,
		"requires_approval": stored.RequiresApproval, "created_by": stored.CreatedBy,
		"actions_digest": digest}); err != nil {
		return stored, err
	}
	if stored.State == nhi.PlanApproved {
		_, err = r.audit(ctx, nhi.AuditPlanApproved, nhi.Action{}, map[string]any{"by": stored.ApprovedBy,
			"automatic": true, "actions_digest": digest})
	}
	return stored, err
}

// Approve approves a proposed plan on behalf of by and records it.
func (x *Executor) Approve(ctx context.Context, planID, by string) (nhi.Plan, error) {
	return x.decide(ctx, planID, by, "", nhi.PlanApproved, nhi.AuditPlanApproved)
}

// Reject turns down a plan that has not run or did not finish (proposed, approved,
// partial, failed) on behalf of by and records why; it never runs again.
func (x *Executor) Reject(ctx context.Context, planID, by, why string) (nhi.Plan, error) {
	return x.decide(ctx, planID, by, why, nhi.PlanRejected, nhi.AuditPlanRejected)
}

func (x *Executor) decide(ctx context.Context, planID, by, why string, to nhi.PlanState, kind nhi.AuditKind) (nhi.Plan, error) {
	if by == "" {
		return nhi.Plan{}, nhi.Errorf(nhi.CodeInvalid, "say who decides (--by)")
	}
	current, err := x.Store.Plan(ctx, planID)
	if err != nil {
		return nhi.Plan{}, err
	}
	if to == nhi.PlanApproved && current.Mode != nhi.ModeEnforce {
		return nhi.Plan{}, nhi.Errorf(nhi.CodeInvalid, "plan %s is in %s mode: it only previews, there is nothing to approve (set the policy's mode to enforce)", planID, current.Mode)
	}
	from := []nhi.PlanState{nhi.PlanProposed}
	if to == nhi.PlanRejected {
		from = append(from, nhi.PlanApproved, nhi.PlanPartial, nhi.PlanFailed)
	}
	p, err := x.Store.TransitionPlan(ctx, store.Transition{PlanID: planID, From: from, To: to, By: by, At: x.now()})
	if err != nil {
		return nhi.Plan{}, err
	}
	detail := map[string]any{"by": by}
	if why != "" {
		detail["reason"] = why
	}
	if to == nhi.PlanApproved {
		detail["actions_digest"] = Digest(current.Actions)
	}
	_, err = newRun(x, p, nil).audit(ctx, kind, nhi.Action{}, detail)
	return p, err
}
