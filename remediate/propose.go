package remediate

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/nhiscope/nhi/store"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/policy"
)

// Proposed is what Propose did with a batch of policy proposals.
type Proposed struct {
	// Plans are the plans created, one per policy with new actions.
	Plans []nhi.Plan
	// Alerts counts the proposals of alert-mode policies, by policy; they change nothing
	// and make no plan.
	Alerts map[string]int
	// Known counts the proposals left out because an open plan already holds the change.
	Known int
}

// Propose turns policy proposals into plans: one plan per policy (and mode), holding the
// actions no open plan already holds, so that a policy that keeps matching across scans
// does not propose the same change again. An enforce-mode proposal is held back only by
// an open enforce-mode plan: a dry-run plan never runs, so it must not shadow it. Plans of policies that need no approval are
// created approved; alert-mode proposals are only counted.
func (x *Executor) Propose(ctx context.Context, proposals []policy.Proposal) (Proposed, error) {
	out := Proposed{Alerts: map[string]int{}}
	if err := x.supersede(ctx, proposals); err != nil {
		return out, err
	}
	openAny, err := x.Store.OpenActionKeys(ctx, "")
	if err != nil {
		return out, fmt.Errorf("propose: %w", err)
	}
	openEnforce, err := x.Store.OpenActionKeys(ctx, nhi.ModeEnforce)
	if err != nil {
		return out, fmt.Errorf("propose: %w", err)
	}
	type group struct {
		first   policy.Proposal
		actions []nhi.Action
	}
	var order []string
	groups := map[string]*group{}
	// Enforce proposals go first: a change an enforce policy asks for is not held back by
	// a dry-run plan (which can never run), only by another enforceable plan.
	sorted := slices.Clone(proposals)
	slices.SortStableFunc(sorted, func(a, b policy.Proposal) int {
		return cmp.Compare(modeRank(a.Mode), modeRank(b.Mode))
	})
	for _, p := range sorted {
		if p.Mode == policy.ModeAlert {
			out.Alerts[p.Policy]++
			continue
		}
		key := p.Action.Key()
		held := openAny
		if p.Mode == policy.ModeEnforce {
			held = openEnforce
		}
		if held[key] {
			out.Known++
			continue
		}
		openAny[key] = true
		if p.Mode == policy.ModeEnforce {
			openEnforce[key] = true
		}
		gk := p.Policy + "\x00" + string(p.Mode)
		g := groups[gk]
		if g == nil {
			g = &group{first: p}
			groups[gk] = g
			order = append(order, gk)
		}
		g.actions = append(g.actions, p.Action)
	}
	for _, gk := range order {
		g := groups[gk]
		reason := nhi.Reason{Kind: nhi.ReasonPolicy, Policy: g.first.Policy, Text: g.first.Action.Reason.Text}
		title := fmt.Sprintf("Policy %s: %d actions", g.first.Policy, len(g.actions))
		plan := NewPlan(title, reason, g.first.Mode.PlanMode(), g.first.RequiresApproval, x.Actor, g.actions)
		created, err := x.Create(ctx, plan)
		if err != nil {
			return out, fmt.Errorf("propose: plan of policy %s: %w", g.first.Policy, err)
		}
		out.Plans = append(out.Plans, created)
	}
	return out, nil
}

// supersede rejects the open dry-run plans of policies that now propose in enforce mode,
// so that their changes are proposed again as enforceable.
func (x *Executor) supersede(ctx context.Context, proposals []policy.Proposal) error {
	done := map[string]bool{}
	for _, p := range proposals {
		if p.Mode != policy.ModeEnforce || done[p.Policy] {
			continue
		}
		done[p.Policy] = true
		var stale []string
		_, _, err := store.Walk(0, func(lim int, after string) (store.Page[nhi.Plan], error) {
			return x.Store.ListPlans(ctx, store.PlanFilter{Policy: p.Policy, Limit: lim, After: after})
		}, func(pl nhi.Plan) error {
			if pl.Mode == nhi.ModeDryRun && (pl.State == nhi.PlanProposed || pl.State == nhi.PlanApproved) {
				stale = append(stale, pl.ID)
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("propose: plans of policy %s: %w", p.Policy, err)
		}
		for _, id := range stale {
			if _, err := x.Reject(ctx, id, x.Actor, "superseded: the policy now runs in enforce mode"); err != nil {
				return fmt.Errorf("propose: supersede plan %s: %w", id, err)
			}
		}
	}
	return nil
}

// modeRank orders proposals: enforce before dry run before alerts.
func modeRank(m policy.Mode) int {
	switch m {
	case policy.ModeEnforce:
		return 0
	case policy.ModeDryRun:
		return 1
	}
	return 2
}
