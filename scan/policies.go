package scan

import (
	"context"
	"fmt"

	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/policy"
	"github.com/nhiscope/nhi/remediate"
	"github.com/nhiscope/nhi/risk"
	"github.com/nhiscope/nhi/store"
)

// PolicyActor is who the audit trail names as the author of policy-proposed plans.
const PolicyActor = "nhi policy engine"

// policyPass evaluates the policies over a tenant's present identities once their
// findings and their apps' findings are known, and turns the proposals into plans.
type policyPass struct {
	db          store.Store
	engine      *risk.Engine
	set         *policy.Set
	people      map[string]*nhi.Person
	apps        map[string]*nhi.App
	tallies     map[string]*risk.AppInput
	appFindings map[string][]nhi.Finding
	now         time.Time
}

// run walks the identities again (re-scoring one costs microseconds; keeping every
// identity's findings from the first pass would cost memory in proportion to the
// inventory), evaluates the policies and stores the plans. A risk someone accepted does
// not drive a change: suppressed findings are left out of the policies' input, and a
// policy proposes nothing for an identity whose (or whose app's) suppressed findings
// share an OWASP item with the policy.
func (pp *policyPass) run(ctx context.Context, ev *Evaluation, p nhi.Platform, tenant string) error {
	suppressed, accepted, err := pp.suppressed(ctx, p, tenant)
	if err != nil {
		return err
	}
	policyOWASP := map[string][]string{}
	for _, pol := range pp.set.Policies() {
		policyOWASP[pol.Name] = pol.OWASP
	}
	var proposals []policy.Proposal
	in := risk.IdentityInput{Now: pp.now}
	f := store.IdentityFilter{Platform: p, Tenant: tenant}
	_, _, err = store.Walk(0, func(lim int, after string) (store.Page[nhi.Identity], error) {
		f.Limit, f.After = lim, after
		return pp.db.ListIdentities(ctx, f)
	}, func(id nhi.Identity) error {
		in.Identity, in.Owner, in.App = id, ownerOf(pp.people, &id), pp.apps[id.AppID]
		s := pp.engine.ScoreIdentity(&in)
		fs := s.Findings(nhi.SubjectIdentity, id.ID, id.Platform, id.Tenant, id.AppID, id.OwnerID)
		fs = append(fs, pp.appFindings[id.AppID]...)
		props, err := pp.set.Evaluate(pp.input(id, in.Owner, in.App, unsuppressed(fs, suppressed)))
		if err != nil {
			ev.PolicyErrors += max(1, len(policy.Failures(err)))
		}
		for _, pr := range props {
			if acceptedRisk(accepted, policyOWASP[pr.Policy], id.ID, nhi.AppKey(p, tenant, id.AppID)) {
				ev.Accepted++
				continue
			}
			proposals = append(proposals, pr)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("evaluate policies: %w", err)
	}
	x := &remediate.Executor{Store: pp.db, Actor: PolicyActor, Now: func() time.Time { return pp.now }}
	ev.Proposed, err = x.Propose(ctx, proposals)
	return err
}

// input builds one identity's policy input.
func (pp *policyPass) input(id nhi.Identity, owner *nhi.Person, app *nhi.App, fs []nhi.Finding) policy.Input {
	in := policy.Input{Identity: id, Findings: fs, Now: pp.now}
	if owner != nil {
		in.Owner = *owner
	}
	if app != nil {
		in.App = *app
		if t := pp.tallies[app.ExternalID]; t != nil {
			in.AppAdmins = t.Admins
		}
	}
	return in
}

// suppressed returns the IDs of the tenant's suppressed findings, and for each subject
// (identity ID or app key) the OWASP items of its suppressed findings: the risks a person
// accepted for it.
func (pp *policyPass) suppressed(ctx context.Context, p nhi.Platform, tenant string) (map[string]bool, map[string]map[string]bool, error) {
	ids, accepted := map[string]bool{}, map[string]map[string]bool{}
	f := store.FindingFilter{Platform: p, Tenant: tenant, Status: nhi.FindingSuppressed}
	_, _, err := store.Walk(0, func(lim int, after string) (store.Page[nhi.Finding], error) {
		f.Limit, f.After = lim, after
		return pp.db.ListFindings(ctx, f)
	}, func(fd nhi.Finding) error {
		ids[fd.ID] = true
		if accepted[fd.SubjectID] == nil {
			accepted[fd.SubjectID] = map[string]bool{}
		}
		for _, o := range fd.OWASP {
			accepted[fd.SubjectID][o] = true
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("evaluate policies: suppressed findings: %w", err)
	}
	return ids, accepted, nil
}

// acceptedRisk reports whether a person accepted, by suppressing a finding of the
// identity or of its app, a risk of an OWASP item the policy addresses: the policy then
// proposes nothing for that identity.
func acceptedRisk(accepted map[string]map[string]bool, owasp []string, subjects ...string) bool {
	for _, s := range subjects {
		for _, o := range owasp {
			if accepted[s][o] {
				return true
			}
		}
	}
	return false
}

// unsuppressed drops the suppressed findings from fs.
func unsuppressed(fs []nhi.Finding, suppressed map[string]bool) []nhi.Finding {
	if len(suppressed) == 0 {
		return fs
	}
	out := fs[:0:0]
	for _, f := range fs {
		if !suppressed[nhi.NewFindingID(f.Signal, f.SubjectKind, f.SubjectID)] {
			out = append(out, f)
		}
	}
	return out
}
