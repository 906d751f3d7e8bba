package policy

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"cel.dev/cel-go/common/types"

	"github.com/nhiscope/nhi"
)

// Input is what policies are evaluated on: one identity and what nhi knows around it.
type Input struct {
	Identity nhi.Identity
	// App is the identity's app; zero when it has none or nhi has no record of it.
	App nhi.App
	// AppAdmins counts the app's identities granted by administrators (app.admins); zero
	// when the caller did not count them.
	AppAdmins int
	// Owner is the identity's owner; zero when unknown.
	Owner nhi.Person
	// Findings are the open findings of the identity and of its app.
	Findings []nhi.Finding
	// Now is the time of the evaluation; it is required.
	Now time.Time
}

// Proposal is one action a policy proposes for an input.
type Proposal struct {
	Policy string
	Mode   Mode
	// RequiresApproval says a person must approve the plan before it runs: false for
	// alerts and for policies with approval none.
	RequiresApproval bool
	Severity         nhi.Severity
	// Action is the proposed action, pending, without an ID (the plan numbers its actions).
	Action nhi.Action
}

// EvalError says that a policy could not be evaluated on an input: a map key that is not
// there, a value of the wrong kind, the cost limit. The other policies still run.
type EvalError struct {
	Policy string
	Err    error
}

// Error implements error.
func (e *EvalError) Error() string { return fmt.Sprintf("policy %q: %v", e.Policy, e.Err) }

// Unwrap returns the cause.
func (e *EvalError) Unwrap() error { return e.Err }

// Failures returns the *EvalErrors an error of Evaluate joins, in policy order.
func Failures(err error) []*EvalError {
	var out []*EvalError
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			var ee *EvalError
			if errors.As(e, &ee) {
				out = append(out, ee)
			}
		}
	}
	return out
}

// Policies returns the compiled policies in the order they were given, as written.
func (s *Set) Policies() []Policy {
	out := make([]Policy, len(s.policies))
	for i, p := range s.policies {
		out[i] = p.Policy
	}
	return out
}

// Evaluate runs every policy on in and returns the proposals of those whose when holds,
// in policy order, each policy's actions in the order written. A policy that fails on in
// proposes nothing; the returned error joins an *EvalError for each such policy, and the
// proposals of the others are still returned.
func (s *Set) Evaluate(in Input) ([]Proposal, error) {
	if in.Now.IsZero() {
		return nil, nhi.Errorf(nhi.CodeInvalid, "policy: evaluation without a time")
	}
	act := &activation{s: s, in: &in, bounded: bounded(&in)}
	var out []Proposal
	var errs []error
	for _, p := range s.policies {
		props, err := p.evaluate(act)
		if err != nil {
			errs = append(errs, &EvalError{Policy: p.Name, Err: err})
			continue
		}
		out = append(out, props...)
	}
	return out, errors.Join(errs...)
}

// evaluate runs one policy.
func (p *compiled) evaluate(act *activation) ([]Proposal, error) {
	v, err := p.when.eval(act)
	if err != nil {
		return nil, err
	}
	if hit, ok := v.(types.Bool); !ok || !bool(hit) {
		return nil, nil
	}
	var out []Proposal
	for i := range p.actions {
		acts, err := p.actions[i].build(act)
		if err != nil {
			return nil, err
		}
		for _, a := range acts {
			a.Reason = nhi.Reason{Kind: nhi.ReasonPolicy, Policy: p.Name, Text: p.Description}
			if a.Type != nhi.ActionNotifyOwner && slices.ContainsFunc(out, func(o Proposal) bool { return o.Action.Key() == a.Key() }) {
				continue // the same change named twice
			}
			out = append(out, Proposal{Policy: p.Name, Mode: p.Mode, Severity: p.Severity, Action: a,
				RequiresApproval: p.Mode != ModeAlert && p.Approval != ApprovalNone})
		}
	}
	return out, nil
}
