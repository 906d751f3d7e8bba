package monitor

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/policy"
	"github.com/nhiscope/nhi/remediate"
	"github.com/nhiscope/nhi/store"
)

// ContainActor is who plans and runs automatic containment in the audit trail.
const ContainActor = "nhi monitor"

// Containment answers behavioural findings the moment they are made: it evaluates the
// policies on each finding's identity, proposes what they ask (plans, as a scan's policy
// pass does), and runs at once the plans of enforce-mode policies that need no approval
// (approval: none), verifying each change on the platform. Everything else waits for a
// person in nhi plan list. Every change is audited before and after, as any plan's.
type Containment struct {
	Store    store.Store
	Policies *policy.Set
	// Executor carries out the plans; its Targets are the connectors that may act.
	Executor *remediate.Executor
	Now      func() time.Time
	Logger   *slog.Logger
	// Queue, if set, hands the plans to run at once to a work queue several instances
	// share (package cluster), whose worker runs them with an executor of its own, instead
	// of running them here; Respond then reports none.
	Queue func(ctx context.Context, planID string) error
}

// Respond evaluates the policies on the identities of fs (identity findings) and returns
// the reports of the plans it ran.
func (c *Containment) Respond(ctx context.Context, fs []nhi.Finding) ([]remediate.Report, error) {
	bySubject := map[string][]nhi.Finding{}
	var order []string
	for _, f := range fs {
		if f.SubjectKind != nhi.SubjectIdentity {
			continue
		}
		if bySubject[f.SubjectID] == nil {
			order = append(order, f.SubjectID)
		}
		bySubject[f.SubjectID] = append(bySubject[f.SubjectID], f)
	}
	var proposals []policy.Proposal
	var errs []error
	for _, id := range order {
		in, err := c.input(ctx, id, bySubject[id])
		if err != nil {
			errs = append(errs, err)
			continue
		}
		props, err := c.Policies.Evaluate(in)
		if err != nil {
			errs = append(errs, fmt.Errorf("containment: policies on %s: %w", id, err))
		}
		proposals = append(proposals, props...)
	}
	if len(proposals) == 0 {
		return nil, errors.Join(errs...)
	}
	x := *c.Executor
	x.Actor = ContainActor
	proposed, err := x.Propose(ctx, proposals)
	if err != nil {
		return nil, errors.Join(append(errs, err)...)
	}
	var reports []remediate.Report
	for _, p := range proposed.Plans {
		if p.Mode != nhi.ModeEnforce || p.State != nhi.PlanApproved {
			c.log().Info("containment: plan proposed for review", "plan", p.ID, "title", p.Title)
			continue
		}
		if c.Queue != nil {
			if err := c.Queue(ctx, p.ID); err != nil {
				errs = append(errs, fmt.Errorf("containment: plan %s: %w", p.ID, err))
				continue
			}
			c.log().Warn("containment: plan queued to run at once", "plan", p.ID, "title", p.Title)
			continue
		}
		rep, err := x.Apply(ctx, p.ID, remediate.ApplyOptions{Execute: true})
		if err != nil {
			errs = append(errs, fmt.Errorf("containment: plan %s: %w", p.ID, err))
		}
		c.log().Warn("containment: plan executed", "plan", p.ID, "title", p.Title, "state", string(rep.Plan.State))
		reports = append(reports, rep)
	}
	return reports, errors.Join(errs...)
}

// input builds the policy input of identity id with the findings fs.
func (c *Containment) input(ctx context.Context, id string, fs []nhi.Finding) (policy.Input, error) {
	ident, err := c.Store.Identity(ctx, id)
	if err != nil {
		return policy.Input{}, fmt.Errorf("containment: identity %s: %w", id, err)
	}
	in := policy.Input{Identity: ident, Findings: fs, Now: c.now()}
	if ident.AppID != "" {
		if app, err := c.Store.App(ctx, ident.Platform, ident.Tenant, ident.AppID); err == nil {
			in.App = app
		}
	}
	if ident.OwnerID != "" {
		if owner, err := c.Store.Person(ctx, ident.Platform, ident.Tenant, ident.OwnerID); err == nil {
			in.Owner = owner
		}
	}
	return in, nil
}

func (c *Containment) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func (c *Containment) log() *slog.Logger {
	if c.Logger != nil {
		return c.Logger
	}
	return slog.New(slog.DiscardHandler)
}
