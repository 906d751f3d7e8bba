package main

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/policy"
	"github.com/nhiscope/nhi/store"
)

// preview is what the policies would propose for the stored inventory.
type preview struct {
	Proposals []proposalJSON `json:"proposals"`
	Counts    []policyCount  `json:"counts"`
	Failures  []policyCount  `json:"failures,omitempty"`
	// Identities counts the identities evaluated.
	Identities int `json:"identities"`

	seen     map[string]bool
	counts   map[[2]string]int
	failures map[string]*policyCount
}

// proposalJSON is one proposal as JSON.
type proposalJSON struct {
	Policy           string       `json:"policy"`
	Mode             policy.Mode  `json:"mode"`
	RequiresApproval bool         `json:"requires_approval"`
	Severity         nhi.Severity `json:"severity"`
	Action           nhi.Action   `json:"action"`
}

// policyCount counts the proposals of one policy and action, or the identities a policy
// failed on (with the first error).
type policyCount struct {
	Policy string         `json:"policy"`
	Action nhi.ActionType `json:"action,omitempty"`
	Count  int            `json:"count"`
	Error  string         `json:"first_error,omitempty"`
}

// previewPolicies evaluates the policies on every present identity of the inventory and
// prints what they would propose. It changes nothing.
func (a *app) previewPolicies(ctx context.Context, paths []string, f policyTestFlags) error {
	path, err := a.inventoryPath()
	if err != nil {
		return err
	}
	intel, err := loadIntel(path)
	if err != nil {
		return err
	}
	set, _, err := a.compilePolicies(paths, intel)
	if err != nil {
		return err
	}
	db, err := a.openInventory(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	in, err := newInputs(ctx, db, time.Now())
	if err != nil {
		return err
	}
	p := &preview{seen: map[string]bool{}, counts: map[[2]string]int{}, failures: map[string]*policyCount{}}
	_, _, err = store.Walk(0, func(lim int, after string) (store.Page[nhi.Identity], error) {
		return db.ListIdentities(ctx, store.IdentityFilter{Limit: lim, After: after})
	}, func(id nhi.Identity) error {
		input, err := in.input(ctx, id)
		if err != nil {
			return err
		}
		props, evalErr := set.Evaluate(input)
		p.add(props, evalErr)
		return nil
	})
	if err != nil {
		return err
	}
	p.finish()
	if f.output == formatJSON {
		return newJSONArray(a.stdout).enc.Encode(p)
	}
	return p.writeTable(a, rowLimit(f.limit, f.output))
}

// add records the proposals for one identity, each distinct proposal once.
func (p *preview) add(props []policy.Proposal, evalErr error) {
	p.Identities++
	for _, pr := range props {
		k := pr.Policy + "\x00" + pr.Action.Key()
		if p.seen[k] {
			continue
		}
		p.seen[k] = true
		p.counts[[2]string{pr.Policy, string(pr.Action.Type)}]++
		p.Proposals = append(p.Proposals, proposalJSON{Policy: pr.Policy, Mode: pr.Mode,
			RequiresApproval: pr.RequiresApproval, Severity: pr.Severity, Action: pr.Action})
	}
	for _, ee := range policy.Failures(evalErr) {
		c := p.failures[ee.Policy]
		if c == nil {
			c = &policyCount{Policy: ee.Policy, Error: ee.Err.Error()}
			p.failures[ee.Policy] = c
		}
		c.Count++
	}
}

// finish sorts the counts and failures by policy and action.
func (p *preview) finish() {
	for k, n := range p.counts {
		p.Counts = append(p.Counts, policyCount{Policy: k[0], Action: nhi.ActionType(k[1]), Count: n})
	}
	sort.Slice(p.Counts, func(i, j int) bool {
		a, b := p.Counts[i], p.Counts[j]
		return a.Policy < b.Policy || a.Policy == b.Policy && a.Action < b.Action
	})
	for _, c := range p.failures {
		p.Failures = append(p.Failures, *c)
	}
	sort.Slice(p.Failures, func(i, j int) bool { return p.Failures[i].Policy < p.Failures[j].Policy })
}

// writeTable prints at most limit proposals (0 for all), the counts and the failures.
func (p *preview) writeTable(a *app, limit int) error {
	t := newTable(a.stdout)
	t.row("POLICY", "MODE", "ACTION", "TARGET", "NAME", "DETAIL")
	for i, pr := range p.Proposals {
		if limit > 0 && i == limit {
			fmt.Fprintf(a.stderr, "showing the first %d proposals; use --limit 0 for all\n", limit)
			break
		}
		act := pr.Action
		target := act.IdentityID
		if target == "" {
			target = "app " + act.AppID
		}
		t.row(pr.Policy, string(pr.Mode), string(act.Type), target, act.Name, actionDetail(act))
	}
	if err := t.flush(); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "\n%d identities evaluated, %d proposals. By policy and action:\n", p.Identities, len(p.Proposals))
	c := newIndentedTable(a.stdout)
	c.row("POLICY", "ACTION", "COUNT")
	for _, n := range p.Counts {
		c.row(n.Policy, string(n.Action), fmt.Sprint(n.Count))
	}
	if len(p.Counts) == 0 {
		c.row("(no policy proposes anything)")
	}
	for _, f := range p.Failures {
		fmt.Fprintf(a.stderr, "policy %s failed on %d identities; first error: %s\n", f.Policy, f.Count, nhi.CleanText(f.Error))
	}
	return c.flush()
}

// actionDetail is the parameter of an action, short.
func actionDetail(act nhi.Action) string {
	s := strings.Join(act.Scopes, " ")
	switch {
	case act.CredentialID != "":
		s = "credential " + act.CredentialID
	case act.Message != "":
		s = act.Message
	}
	if r := []rune(s); len(r) > 60 {
		s = string(r[:57]) + "..."
	}
	return s
}

// inputs builds the policy inputs of stored identities: owners and apps looked up once
// each, the open findings of identities and apps, and how many identities of each app
// administrators granted.
type inputs struct {
	db       store.Store
	now      time.Time
	people   map[string]nhi.Person
	apps     map[string]nhi.App
	admins   map[string]int
	findings map[string][]nhi.Finding
}

func newInputs(ctx context.Context, db store.Store, now time.Time) (*inputs, error) {
	in := &inputs{db: db, now: now, people: map[string]nhi.Person{}, apps: map[string]nhi.App{},
		admins: map[string]int{}, findings: map[string][]nhi.Finding{}}
	_, _, err := store.Walk(0, func(lim int, after string) (store.Page[nhi.Finding], error) {
		return db.ListFindings(ctx, store.FindingFilter{Status: nhi.FindingOpen, Limit: lim, After: after})
	}, func(f nhi.Finding) error {
		in.findings[f.SubjectID] = append(in.findings[f.SubjectID], f)
		return nil
	})
	if err != nil {
		return nil, err
	}
	_, _, err = store.Walk(0, func(lim int, after string) (store.Page[nhi.Identity], error) {
		return db.ListIdentities(ctx, store.IdentityFilter{Limit: lim, After: after})
	}, func(id nhi.Identity) error {
		owner, err := in.person(ctx, id)
		if err == nil && owner.IsAdmin && id.AppID != "" {
			in.admins[nhi.AppKey(id.Platform, id.Tenant, id.AppID)]++
		}
		return err
	})
	return in, err
}

// input returns the policy input of one identity.
func (in *inputs) input(ctx context.Context, id nhi.Identity) (policy.Input, error) {
	owner, err := in.person(ctx, id)
	if err != nil {
		return policy.Input{}, err
	}
	key := nhi.AppKey(id.Platform, id.Tenant, id.AppID)
	app, ok := in.apps[key]
	if !ok && id.AppID != "" {
		app, err = in.db.App(ctx, id.Platform, id.Tenant, id.AppID)
		switch {
		case nhi.ErrorCode(err) == nhi.CodeNotFound:
			app = nhi.App{}
		case err != nil:
			return policy.Input{}, err
		}
		in.apps[key] = app
	}
	findings := append(append([]nhi.Finding(nil), in.findings[id.ID]...), in.findings[key]...)
	return policy.Input{Identity: id, App: app, AppAdmins: in.admins[key], Owner: owner,
		Findings: findings, Now: in.now}, nil
}

// person returns the owner of an identity; zero when it has none or nhi has no record.
func (in *inputs) person(ctx context.Context, id nhi.Identity) (nhi.Person, error) {
	if id.OwnerID == "" {
		return nhi.Person{}, nil
	}
	key := nhi.AppKey(id.Platform, id.Tenant, id.OwnerID)
	if p, ok := in.people[key]; ok {
		return p, nil
	}
	p, err := in.db.Person(ctx, id.Platform, id.Tenant, id.OwnerID)
	switch {
	case nhi.ErrorCode(err) == nhi.CodeNotFound:
		p = nhi.Person{}
	case err != nil:
		return p, err
	}
	in.people[key] = p
	return p, nil
}
