package scan

import (
	"context"
	"errors"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/policy"
	"github.com/nhiscope/nhi/store"
)

// PreviewOptions say which policies a preview evaluates and when it stops.
type PreviewOptions struct {
	// Policy, if set, evaluates only the policy of that name, which must be in the set.
	Policy string
	// MaxIdentities stops the preview after this many identities; zero evaluates them all.
	MaxIdentities int
	// Budget stops the preview once it has run this long; zero sets no time limit.
	Budget time.Duration
	// Sample keeps at most this many proposals of each policy and action in
	// Preview.Proposals; zero keeps them all. The counts count every proposal either way.
	Sample int
	// Now is the time the policies see; zero means time.Now.
	Now time.Time
}

// The reasons a preview stopped early (Preview.Stopped).
const (
	// StoppedIdentities says the preview reached PreviewOptions.MaxIdentities.
	StoppedIdentities = "max_identities"
	// StoppedTime says the preview ran out of PreviewOptions.Budget.
	StoppedTime = "time_budget"
)

// Preview is what policies would propose for the stored inventory: a dry run that
// changes nothing.
type Preview struct {
	// Proposals are the distinct proposals in the order found (each policy and action
	// sampled when PreviewOptions.Sample is set).
	Proposals []PreviewProposal `json:"proposals"`
	// Counts counts the proposals by policy and action, sorted.
	Counts []PolicyCount `json:"counts"`
	// Failures counts the identities each policy failed on, with the first error.
	Failures []PolicyCount `json:"failures,omitempty"`
	// Identities counts the identities evaluated.
	Identities int `json:"identities"`
	// Accepted counts the proposals left out because a person accepted the risk they
	// address (suppressed a finding of the identity or its app with the same OWASP item).
	Accepted int `json:"accepted,omitempty"`
	// Stopped is empty when every present identity was evaluated, else StoppedIdentities
	// or StoppedTime.
	Stopped string `json:"stopped,omitempty"`

	seen     map[string]bool
	counts   map[[2]string]*PolicyCount
	failures map[string]*PolicyCount
}

// PreviewProposal is one proposal of a preview.
type PreviewProposal struct {
	Policy           string       `json:"policy"`
	Mode             policy.Mode  `json:"mode"`
	RequiresApproval bool         `json:"requires_approval"`
	Severity         nhi.Severity `json:"severity"`
	// Action is the proposed action; it names the identity (or app) and its name.
	Action nhi.Action `json:"action"`
}

// PolicyCount counts the proposals of one policy and action and the identities they are
// for, or the identities a policy failed on (with the first error).
type PolicyCount struct {
	Policy string         `json:"policy"`
	Action nhi.ActionType `json:"action,omitempty"`
	Count  int            `json:"count"`
	// IdentityCount is how many identities the policy proposes the action for.
	IdentityCount int    `json:"identity_count,omitempty"`
	Error         string `json:"first_error,omitempty"`
}

// errStop ends a preview's walk early; it is not an error of the preview.
var errStop = errors.New("preview stopped")

// PreviewPolicies evaluates set on the present identities of db, in ID order, and returns
// what it would propose. It reads only: no plan is stored and nothing is audited. A
// policy that fails on an identity is counted in Failures; the others go on.
func PreviewPolicies(ctx context.Context, db store.Store, set *policy.Set, o PreviewOptions) (*Preview, error) {
	owasp, err := previewPolicies(set, o.Policy)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	if o.Now.IsZero() {
		o.Now = start
	}
	in := newInputs(db, o.Now)
	p := &Preview{seen: map[string]bool{}, counts: map[[2]string]*PolicyCount{}, failures: map[string]*PolicyCount{}}
	_, _, err = store.Walk(0, func(lim int, after string) (store.Page[nhi.Identity], error) {
		return db.ListIdentities(ctx, store.IdentityFilter{Limit: lim, After: after})
	}, func(id nhi.Identity) error {
		if err := ctx.Err(); err != nil {
			return nhi.WrapError(nhi.CodeCanceled, err, "policy preview canceled")
		}
		input, accepted, err := in.input(ctx, id)
		if err != nil {
			return err
		}
		props, evalErr := set.Evaluate(input)
		p.add(id, o, owasp, accepted, props, evalErr)
		switch {
		case o.MaxIdentities > 0 && p.Identities >= o.MaxIdentities:
			p.Stopped = StoppedIdentities
		case o.Budget > 0 && time.Since(start) >= o.Budget:
			p.Stopped = StoppedTime
		default:
			return nil
		}
		return errStop
	})
	if err != nil && !errors.Is(err, errStop) {
		return nil, err
	}
	p.finish()
	return p, nil
}

// previewPolicies returns the OWASP items of each policy a preview evaluates: every policy
// of set, or only the one named (CodeNotFound when set has no such policy).
func previewPolicies(set *policy.Set, name string) (map[string][]string, error) {
	owasp := map[string][]string{}
	if set == nil {
		return nil, nhi.Errorf(nhi.CodeNotFound, "no policies are loaded")
	}
	for _, pol := range set.Policies() {
		if name == "" || pol.Name == name {
			owasp[pol.Name] = pol.OWASP
		}
	}
	if len(owasp) == 0 && name != "" {
		return nil, nhi.Errorf(nhi.CodeNotFound, "no policy named %q is loaded", nhi.CleanText(name))
	}
	return owasp, nil
}

// add records the proposals for one identity, each distinct proposal once; policies not
// in owasp are left out, and so are proposals whose risk a person accepted.
func (p *Preview) add(id nhi.Identity, o PreviewOptions, owasp map[string][]string, accepted map[string]map[string]bool,
	props []policy.Proposal, evalErr error) {
	p.Identities++
	counted := map[[2]string]bool{}
	for _, pr := range props {
		items, ok := owasp[pr.Policy]
		if !ok {
			continue
		}
		if acceptedRisk(accepted, items, id.ID, nhi.AppKey(id.Platform, id.Tenant, id.AppID)) {
			p.Accepted++
			continue
		}
		k := [2]string{pr.Policy, string(pr.Action.Type)}
		c := p.counts[k]
		if c == nil {
			c = &PolicyCount{Policy: pr.Policy, Action: pr.Action.Type}
			p.counts[k] = c
		}
		if !counted[k] {
			counted[k] = true
			c.IdentityCount++
		}
		key := pr.Policy + "\x00" + pr.Action.Key()
		if p.seen[key] {
			continue
		}
		p.seen[key] = true
		c.Count++
		if o.Sample == 0 || c.Count <= o.Sample {
			p.Proposals = append(p.Proposals, PreviewProposal{Policy: pr.Policy, Mode: pr.Mode,
				RequiresApproval: pr.RequiresApproval, Severity: pr.Severity, Action: pr.Action})
		}
	}
	for _, ee := range policy.Failures(evalErr) {
		if _, ok := owasp[ee.Policy]; !ok {
			continue
		}
		c := p.failures[ee.Policy]
		if c == nil {
			c = &PolicyCount{Policy: ee.Policy, Error: nhi.CleanText(ee.Err.Error())}
			p.failures[ee.Policy] = c
		}
		c.Count++
	}
}

// finish sorts the counts and failures by policy and action.
func (p *Preview) finish() {
	p.Counts, p.Failures = []PolicyCount{}, nil
	for _, c := range p.counts {
		p.Counts = append(p.Counts, *c)
	}
	sort.Slice(p.Counts, func(i, j int) bool {
		a, b := p.Counts[i], p.Counts[j]
		return a.Policy < b.Policy || a.Policy == b.Policy && a.Action < b.Action
	})
	for _, c := range p.failures {
		p.Failures = append(p.Failures, *c)
	}
	slices.SortFunc(p.Failures, func(a, b PolicyCount) int { return strings.Compare(a.Policy, b.Policy) })
	if p.Proposals == nil {
		p.Proposals = []PreviewProposal{}
	}
}
