package web

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/remediate"
	"github.com/nhiscope/nhi/store"
)

// maxPlanIdentities bounds the identities one proposed plan may name.
const maxPlanIdentities = 1000

// executeTimeout bounds one plan run started through the API.
const executeTimeout = 30 * time.Minute

func (s *Server) listPlans(w http.ResponseWriter, r *http.Request, _ *principal) error {
	q := newQuery(r, "state", "policy", "limit", "cursor")
	f := store.PlanFilter{State: nhi.PlanState(q.oneOf("state", names(nhi.PlanStates())...)), Policy: q.str("policy")}
	limit, c := q.limit(), q.cursor()
	if err := q.err(); err != nil {
		return err
	}
	items, next, err := page(c, limit, limit, func(lim int, after string) (store.Page[nhi.Plan], error) {
		f.Limit, f.After = lim, after
		return s.st.ListPlans(r.Context(), f)
	}, nil)
	if err != nil {
		return err
	}
	writeList(w, items, next)
	return nil
}

func (s *Server) getPlan(w http.ResponseWriter, r *http.Request, _ *principal) error {
	p, err := s.st.Plan(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

// proposal is the body of POST /api/v1/plans: identities and an action, or a vendor.
type proposal struct {
	IdentityIDs []string       `json:"identity_ids"`
	Action      nhi.ActionType `json:"action"`
	Reason      string         `json:"reason"`
	Vendor      string         `json:"vendor"`
}

// createPlan proposes a plan that needs approval: one action on each named identity, or
// the vendor kill switch.
func (s *Server) createPlan(w http.ResponseWriter, r *http.Request, p *principal) error {
	var in proposal
	if err := decode(w, r, &in); err != nil {
		return err
	}
	ctx := r.Context()
	x, err := s.executor(ctx, p)
	if err != nil {
		return err
	}
	var plan nhi.Plan
	switch {
	case in.Vendor != "" && len(in.IdentityIDs) > 0:
		return nhi.Errorf(nhi.CodeInvalid, "name either identity_ids or a vendor, not both")
	case in.Vendor != "":
		plan, err = remediate.Contain(ctx, s.st, x.Targets, remediate.ContainTarget{Vendor: in.Vendor}, p.actor())
		if err == nil && in.Reason != "" {
			plan.Reason.Text += ": " + nhi.CleanText(in.Reason)
		}
	default:
		plan, err = s.identityPlan(ctx, x.Targets, in, p)
	}
	if err != nil {
		return err
	}
	plan.CreatedBy = p.User.Name
	created, err := x.Create(ctx, plan)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, created)
	return nil
}

// identityPlan builds the plan of one action on each named identity.
func (s *Server) identityPlan(ctx context.Context, targets remediate.Targets, in proposal, p *principal) (nhi.Plan, error) {
	switch {
	case len(in.IdentityIDs) == 0:
		return nhi.Plan{}, nhi.Errorf(nhi.CodeInvalid, "name identity_ids and an action, or a vendor")
	case len(in.IdentityIDs) > maxPlanIdentities:
		return nhi.Plan{}, nhi.Errorf(nhi.CodeInvalid, "at most %d identities per plan", maxPlanIdentities)
	case in.Action != "" && (!in.Action.Valid() || in.Action == nhi.ActionRevokeAppGrants):
		return nhi.Plan{}, nhi.Errorf(nhi.CodeInvalid, "action %q: want one of the identity's actions (GET /api/v1/identities/{id} lists them)", in.Action)
	}
	var actions []nhi.Action
	seen := map[string]bool{}
	for _, idID := range in.IdentityIDs {
		if seen[idID] {
			continue
		}
		seen[idID] = true
		id, err := s.st.Identity(ctx, idID)
		if err != nil {
			return nhi.Plan{}, err
		}
		if !id.GoneAt.IsZero() {
			return nhi.Plan{}, nhi.Errorf(nhi.CodeConflict, "identity %s is gone; there is nothing to act on", id.ID)
		}
		a := remediate.ActionFor(id)
		if in.Action != "" {
			a = remediate.Target(in.Action, id)
		}
		if rem, ok := targets[remediate.Tenant{Platform: id.Platform, Tenant: id.Tenant}]; ok &&
			a.Type != nhi.ActionNotifyOwner && !rem.Supports(a.Type, id.Kind) {
			return nhi.Plan{}, nhi.Errorf(nhi.CodeInvalid, "the %s connector cannot %s a %s (identity %s)", id.Platform, a.Type, id.Kind, id.ID)
		}
		actions = append(actions, a)
	}
	why := nhi.CleanText(in.Reason)
	if why == "" {
		why = "proposed by " + p.User.Name
	}
	reason := nhi.Reason{Kind: nhi.ReasonPerson, Person: p.User.Name, Text: why}
	title := fmt.Sprintf("%s %d identities", actions[0].Type, len(actions))
	if len(actions) == 1 {
		title = fmt.Sprintf("%s %s (%s)", actions[0].Type, actions[0].Name, actions[0].IdentityID)
	}
	return remediate.NewPlan(title, reason, nhi.ModeEnforce, true, p.User.Name, actions), nil
}

// decidePlan approves or rejects a plan. A plan is approved by someone other than who
// proposed it, unless the server allows self-approval.
func (s *Server) decidePlan(approve bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, p *principal) error {
		var in struct {
			Reason string `json:"reason"`
		}
		if r.ContentLength != 0 {
			if err := decode(w, r, &in); err != nil {
				return err
			}
		}
		ctx := r.Context()
		x, err := s.executor(ctx, p)
		if err != nil {
			return err
		}
		id := r.PathValue("id")
		var plan nhi.Plan
		if approve {
			current, err := s.st.Plan(ctx, id)
			if err != nil {
				return err
			}
			if current.CreatedBy == p.User.Name && !s.cfg.AllowSelfApproval {
				return nhi.Errorf(nhi.CodeForbidden, "you proposed this plan: another approver must approve it")
			}
			plan, err = x.Approve(ctx, id, p.User.Name)
			if err != nil {
				return err
			}
		} else if plan, err = x.Reject(ctx, id, p.User.Name, nhi.CleanText(in.Reason)); err != nil {
			return err
		}
		return s.writePlan(w, r, plan.ID)
	}
}

// executePlan runs an approved plan with the configured connectors and answers with the
// plan after the run (409 when it is not approved); with a shared work queue
// (Config.QueuePlan) it queues the run and answers 202 with the plan as it is.
func (s *Server) executePlan(w http.ResponseWriter, r *http.Request, p *principal) error {
	var in struct {
		Force bool `json:"force"`
	}
	if r.ContentLength != 0 {
		if err := decode(w, r, &in); err != nil {
			return err
		}
	}
	if s.cfg.QueuePlan != nil {
		return s.queuePlan(w, r, p, in.Force)
	}
	x, err := s.executor(r.Context(), p)
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	ctx, cancel := detach(r.Context(), executeTimeout)
	defer cancel()
	s.execMu.Lock()
	rep, err := x.Apply(ctx, id, remediate.ApplyOptions{Execute: true, Force: in.Force})
	s.execMu.Unlock()
	if err != nil {
		return err
	}
	if err := appendAudit(ctx, s.st, s.now(), p.actor(), auditPlanExecuted, "plan:"+id, map[string]any{"state": rep.Plan.State,
		"done": rep.Done, "failed": rep.Failed, "skipped": rep.Skipped, "pending": rep.Pending, "stopped": rep.Stopped}); err != nil {
		return err
	}
	return s.writePlan(w, r, id)
}

// queuePlan checks that the plan can run and queues its run for the instances sharing
// the work; the run itself is audited by the executor of the instance that takes it.
func (s *Server) queuePlan(w http.ResponseWriter, r *http.Request, p *principal, force bool) error {
	id := r.PathValue("id")
	ctx, cancel := detach(r.Context(), executeTimeout)
	defer cancel()
	plan, err := s.st.Plan(ctx, id)
	if err != nil {
		return err
	}
	if err := remediate.Runnable(plan); err != nil {
		return err
	}
	before, err := s.cfg.QueuePlan(ctx, id, p.actor(), force)
	if err != nil {
		return err
	}
	if err := appendAudit(ctx, s.st, s.now(), p.actor(), auditPlanExecuted, "plan:"+id,
		map[string]any{"queued": true, "already_queued": before, "force": force}); err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, plan)
	return nil
}

// writePlan answers with a plan and all its actions.
func (s *Server) writePlan(w http.ResponseWriter, r *http.Request, id string) error {
	plan, err := s.st.Plan(context.WithoutCancel(r.Context()), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, plan)
	return nil
}

// executor returns the remediation executor acting for the caller.
func (s *Server) executor(ctx context.Context, p *principal) (*remediate.Executor, error) {
	targets, err := s.targets(ctx)
	if err != nil {
		return nil, err
	}
	return &remediate.Executor{Store: s.st, Targets: targets, Notifier: s.cfg.Notifier, Actor: p.actor(),
		Now: s.cfg.Now, Logger: s.log}, nil
}

// targets maps the tenant of each configured connector that can remediate to it: the
// tenant its latest finished scan recorded, else the configured one.
func (s *Server) targets(ctx context.Context) (remediate.Targets, error) {
	out := remediate.Targets{}
	for _, c := range s.cfg.Connectors {
		rem, ok := c.(connector.Remediator)
		if !ok {
			continue
		}
		info := c.Info()
		tenant, _, err := s.lastScan(ctx, info)
		if err != nil {
			return nil, err
		}
		out[remediate.Tenant{Platform: info.Platform, Tenant: tenant}] = rem
	}
	return out, nil
}

// lastScan returns the tenant of a connector's latest finished scan (else the configured
// one) and its latest scan of any status (zero when it never ran).
func (s *Server) lastScan(ctx context.Context, info connector.Info) (string, nhi.Scan, error) {
	scans, err := s.st.ListScans(ctx, store.ScanFilter{Connector: info.Name, Limit: 50})
	if err != nil {
		return "", nhi.Scan{}, fmt.Errorf("web: scans of %s: %w", info.Name, err)
	}
	var last nhi.Scan
	if len(scans) > 0 {
		last = scans[0]
	}
	for _, sc := range scans {
		if sc.Tenant != "" && (sc.Status == nhi.ScanSucceeded || sc.Status == nhi.ScanPartial) {
			return sc.Tenant, last, nil
		}
	}
	return info.Tenant, last, nil
}
