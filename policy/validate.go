package policy

import (
	"fmt"
	"slices"
	"strings"

	"github.com/nhiscope/nhi"
)

// paramOf names the parameter an action type requires; the others take none.
func paramOf(t nhi.ActionType) string {
	switch t {
	case nhi.ActionReduceScope:
		return "scopes"
	case nhi.ActionRemoveCredential:
		return "credentials"
	case nhi.ActionNotifyOwner:
		return "message"
	}
	return ""
}

// paramProblem is what is wrong with an action: about param when set, else the action.
type paramProblem struct {
	param, msg string
}

// actionProblems returns what is wrong with an action's type and parameters; given
// reports whether a parameter is set.
func actionProblems(t nhi.ActionType, given func(param string) bool) []paramProblem {
	if !t.Valid() {
		names := make([]string, 0, len(nhi.ActionTypes()))
		for _, t := range nhi.ActionTypes() {
			names = append(names, string(t))
		}
		return []paramProblem{{msg: fmt.Sprintf("unknown action %q (want %s)", t, strings.Join(names, ", "))}}
	}
	var out []paramProblem
	want := paramOf(t)
	if want != "" && !given(want) {
		out = append(out, paramProblem{msg: fmt.Sprintf("%s needs %q", t, want)})
	}
	for _, k := range []string{"scopes", "credentials", "message"} {
		if k != want && given(k) {
			out = append(out, paramProblem{param: k, msg: fmt.Sprintf("%s takes no %q", t, k)})
		}
	}
	return out
}

// validate records what is wrong with a policy that was not parsed from a file (Parse
// checks the same as it decodes), at the policy's place.
func (c *compiler) validate(file string, p Policy) {
	what := "policy " + quote(p.Name)
	add := func(format string, args ...any) {
		c.ps.add(file, p.at.line, p.at.col, "%s: %s", what, fmt.Sprintf(format, args...))
	}
	if !namePattern.MatchString(p.Name) {
		add("name must be 1 to 100 of a-z, 0-9, '_', '.', '-'")
	}
	if strings.TrimSpace(p.Description) == "" || len(p.Then) == 0 {
		add("description and then are required")
	}
	for _, o := range p.OWASP {
		if !owaspPattern.MatchString(o) {
			add("owasp: %q is not an OWASP NHI Top 10 item such as NHI1:2025", o)
		}
	}
	if !slices.Contains([]Mode{ModeAlert, ModeDryRun, ModeEnforce}, p.Mode) ||
		!slices.Contains([]Approval{ApprovalRequired, ApprovalNone}, p.Approval) || p.Severity.Rank() == 0 {
		add("bad mode %q, approval %q or severity %q", p.Mode, p.Approval, p.Severity)
	}
	for _, a := range p.Then {
		set := map[string]bool{"scopes": a.Scopes != "", "credentials": a.Credentials != "", "message": a.Message != ""}
		for _, pp := range actionProblems(a.Type, func(k string) bool { return set[k] }) {
			add("then: %s", pp.msg)
		}
	}
}
