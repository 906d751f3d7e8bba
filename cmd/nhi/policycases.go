package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/policy"
	"github.com/nhiscope/nhi/risk"
)

// testCases runs the policies against case files and prints a line per case.
func (a *app) testCases(paths []string, f policyTestFlags) error {
	intel, err := risk.DefaultIntel()
	if err != nil {
		return err
	}
	set, _, err := a.compilePolicies(paths, intel)
	if err != nil {
		return err
	}
	cases, err := readCases(f.cases)
	if err != nil {
		return err
	}
	results := set.Test(cases...)
	if f.output == formatJSON {
		if err := writeCaseJSON(a, results); err != nil {
			return err
		}
	} else if err := writeCaseTable(a, results); err != nil {
		return err
	}
	failed := 0
	for _, r := range results {
		if !r.Pass {
			failed++
		}
	}
	if failed > 0 {
		return &exitStatus{code: exitError, msg: fmt.Sprintf("%d of %d cases failed", failed, len(results))}
	}
	return nil
}

// readCases parses the case files at path (a file or a directory), or the built-in
// cases when path is empty. Every problem of every file is printed before giving up.
func readCases(path string) ([]*policy.CaseFile, error) {
	if path == "" {
		return policy.DefaultCases()
	}
	names, err := expandPaths([]string{path})
	if err != nil {
		return nil, err
	}
	var out []*policy.CaseFile
	var problems []policy.Problem
	for _, name := range names {
		b, err := os.ReadFile(name)
		if err != nil {
			return nil, nhi.WrapError(nhi.CodeInvalid, err, "cannot read "+name)
		}
		cf, err := policy.ParseCases(name, b)
		var pe *policy.Error
		if errors.As(err, &pe) {
			problems = append(problems, pe.Problems...)
			continue
		}
		out = append(out, cf)
	}
	if len(problems) > 0 {
		return nil, &policy.Error{Problems: problems}
	}
	return out, nil
}

// writeCaseTable prints PASS or FAIL per case, with what differs, and a summary.
func writeCaseTable(a *app, results []policy.CaseResult) error {
	failed := 0
	for _, r := range results {
		mark := "PASS"
		if !r.Pass {
			mark, failed = "FAIL", failed+1
		}
		fmt.Fprintf(a.stdout, "%s  %s:%d  %s\n", mark, r.File, r.Line, nhi.CleanText(r.Case))
		if r.Pass {
			continue
		}
		if r.Err != nil {
			fmt.Fprintf(a.stdout, "      error: %s\n", nhi.CleanText(r.Err.Error()))
		}
		fmt.Fprintf(a.stdout, "      want: %s\n      got:  %s\n", expectationList(r.Want), expectationList(r.Got))
	}
	_, err := fmt.Fprintf(a.stdout, "%d cases: %d passed, %d failed\n", len(results), len(results)-failed, failed)
	return err
}

// expectationList formats proposals as a case compares them.
func expectationList(es []policy.Expectation) string {
	if len(es) == 0 {
		return "nothing"
	}
	parts := make([]string, len(es))
	for i, e := range es {
		s := e.Policy + " " + string(e.Type)
		switch {
		case len(e.Scopes) > 0:
			s += " " + strings.Join(e.Scopes, " ")
		case e.CredentialID != "":
			s += " " + e.CredentialID
		case e.Message != "":
			s += fmt.Sprintf(" %q", e.Message)
		}
		parts[i] = nhi.CleanText(s)
	}
	return strings.Join(parts, "; ")
}

// caseJSON is one case result as JSON.
type caseJSON struct {
	File  string               `json:"file"`
	Line  int                  `json:"line"`
	Case  string               `json:"case"`
	Pass  bool                 `json:"pass"`
	Error string               `json:"error,omitempty"`
	Want  []policy.Expectation `json:"want"`
	Got   []policy.Expectation `json:"got"`
}

func writeCaseJSON(a *app, results []policy.CaseResult) error {
	arr := newJSONArray(a.stdout)
	for _, r := range results {
		c := caseJSON{File: r.File, Line: r.Line, Case: r.Case, Pass: r.Pass, Want: r.Want, Got: r.Got}
		if r.Err != nil {
			c.Error = r.Err.Error()
		}
		if err := arr.add(c); err != nil {
			return err
		}
	}
	return arr.close()
}
