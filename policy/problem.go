package policy

import (
	"fmt"
	"sort"
	"strings"

	"github.com/nhiscope/nhi"
)

// Problem is one thing wrong with a policy or case file, at its place in the file.
type Problem struct {
	File string
	// Line and Column are 1-based; 0 means unknown.
	Line, Column int
	Message      string
}

// String formats the problem as "file:line:column: message", leaving out what is unknown.
func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		fmt.Fprintf(&b, ":%d", p.Line)
		if p.Column > 0 {
			fmt.Fprintf(&b, ":%d", p.Column)
		}
	}
	b.WriteString(": ")
	b.WriteString(p.Message)
	return b.String()
}

// Error is what Parse, Compile and ParseCases return when a file is invalid: every problem
// found, in file and line order. Its code is nhi.CodeInvalid, and its user-safe message is
// the list of problems, one a line.
type Error struct {
	Problems []Problem
}

// Error returns the problems, one a line.
func (e *Error) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// Unwrap returns an *nhi.Error with CodeInvalid and the problems as its message, so that
// nhi.ErrorCode and nhi.ErrorMessage work on an *Error.
func (e *Error) Unwrap() error { return nhi.Errorf(nhi.CodeInvalid, "%s", e.Error()) }

// problems collects the problems of one or more files.
type problems struct {
	list []Problem
}

// add records a problem.
func (ps *problems) add(file string, line, col int, format string, args ...any) {
	ps.list = append(ps.list, Problem{File: file, Line: line, Column: col, Message: fmt.Sprintf(format, args...)})
}

// err returns the problems as an *Error sorted by file and place, or nil when there are none.
func (ps *problems) err() error {
	if len(ps.list) == 0 {
		return nil
	}
	sort.SliceStable(ps.list, func(i, j int) bool {
		a, b := ps.list[i], ps.list[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
	return &Error{Problems: ps.list}
}
