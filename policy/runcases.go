package policy

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// CaseResult is the outcome of one case.
type CaseResult struct {
	File string
	Line int
	Case string
	// Policy is the case's policy, if it names one.
	Policy string
	Pass   bool
	// Want and Got are the expected and the proposed actions, sorted.
	Want, Got []Expectation
	// Err says why the case could not run (an unknown policy) or why a policy failed on
	// its input; a case with an error fails.
	Err error
}

// Test runs the cases of files against the set and returns one result per case, in order.
func (s *Set) Test(files ...*CaseFile) []CaseResult {
	var out []CaseResult
	for _, f := range files {
		for _, c := range f.Cases {
			out = append(out, s.runCase(f.Name, c))
		}
	}
	return out
}

// runCase evaluates one case and compares the proposals with its expectations.
func (s *Set) runCase(file string, c Case) CaseResult {
	r := CaseResult{File: file, Line: c.Line, Case: c.Name, Policy: c.Policy, Want: sortExpectations(c.Expect)}
	var unknown []string
	for _, name := range s.names(c) {
		if !slices.ContainsFunc(s.policies, func(p *compiled) bool { return p.Name == name }) {
			unknown = append(unknown, fmt.Sprintf("%q", name))
		}
	}
	if unknown != nil {
		r.Err = fmt.Errorf("no policy %s in the set", strings.Join(unknown, ", "))
		return r
	}
	props, err := s.Evaluate(c.Input)
	r.Err = relevant(err, c.Policy)
	for _, p := range props {
		if c.Policy != "" && p.Policy != c.Policy {
			continue
		}
		a := p.Action
		r.Got = append(r.Got, Expectation{Policy: p.Policy, Type: a.Type, Scopes: a.Scopes,
			CredentialID: a.CredentialID, Message: a.Message})
	}
	r.Got = sortExpectations(dropUnexpectedMessages(r.Got, c.Expect))
	r.Pass = r.Err == nil && slices.EqualFunc(r.Want, r.Got, equalExpectation)
	return r
}

// names lists the policies a case refers to.
func (s *Set) names(c Case) []string {
	var out []string
	if c.Policy != "" {
		out = append(out, c.Policy)
	}
	for _, e := range c.Expect {
		if !slices.Contains(out, e.Policy) {
			out = append(out, e.Policy)
		}
	}
	return out
}

// dropUnexpectedMessages blanks the messages of proposals whose policy and type no
// expectation gives a message for: a case compares only the messages it states.
func dropUnexpectedMessages(got, want []Expectation) []Expectation {
	for i := range got {
		if !slices.ContainsFunc(want, func(w Expectation) bool {
			return w.Policy == got[i].Policy && w.Type == got[i].Type && w.Message != ""
		}) {
			got[i].Message = ""
		}
	}
	return got
}

// sortExpectations returns a sorted copy.
func sortExpectations(es []Expectation) []Expectation {
	out := slices.Clone(es)
	slices.SortFunc(out, func(a, b Expectation) int {
		return cmp.Or(cmp.Compare(a.Policy, b.Policy), cmp.Compare(a.Type, b.Type),
			cmp.Compare(a.CredentialID, b.CredentialID), slices.Compare(a.Scopes, b.Scopes),
			cmp.Compare(a.Message, b.Message))
	})
	return out
}

func equalExpectation(a, b Expectation) bool {
	return a.Policy == b.Policy && a.Type == b.Type && a.CredentialID == b.CredentialID &&
		slices.Equal(a.Scopes, b.Scopes) && a.Message == b.Message
}

// Failed reports whether any result failed.
func Failed(results []CaseResult) bool {
	return slices.ContainsFunc(results, func(r CaseResult) bool { return !r.Pass })
}

// relevant returns the part of an evaluation error about policy, or all of it when
// policy is empty.
func relevant(err error, policy string) error {
	failures := Failures(err)
	if policy == "" || len(failures) == 0 {
		return err
	}
	var keep []error
	for _, ee := range failures {
		if ee.Policy == policy {
			keep = append(keep, ee)
		}
	}
	return errors.Join(keep...)
}
