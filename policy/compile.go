package policy

import (
	"fmt"
	"strings"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"go.yaml.in/yaml/v3"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/risk"
)

// Options configure Compile.
type Options struct {
	// Catalogue rates the permissions policies see; it is required.
	Catalogue *risk.Catalogue
	// Intel is the threat intelligence app.intel reads; nil lists no app.
	Intel *risk.Intel
}

// Set is a compiled set of policies, ready to evaluate. It is immutable and safe for
// concurrent use.
type Set struct {
	policies []*compiled
	intel    *risk.Intel
	adapter  types.Adapter
	// perms holds the view of every catalogue entry as a CEL value, shared by all
	// evaluations.
	perms map[nhi.Platform]map[string]ref.Val
}

// compiled is one policy ready to evaluate.
type compiled struct {
	Policy
	file    string
	when    *program
	actions []compiledAction
}

// compiledAction is one action of a policy ready to evaluate.
type compiledAction struct {
	ActionSpec
	scopes, credentials *program
	message             *template
}

// compiler compiles the expressions of policies, recording every problem.
type compiler struct {
	env *cel.Env
	ps  *problems
	// quiet leaves empty expressions unreported: Parse reported the file's problems.
	quiet bool
}

// Compile type-checks the policies of files and returns them as a Set. Every problem of
// every file is reported at once, in an *Error: the problems Parse found, expressions that
// do not compile or have the wrong type, and names used twice. Nil files are skipped.
func Compile(o Options, files ...*File) (*Set, error) {
	if o.Catalogue == nil {
		return nil, nhi.Errorf(nhi.CodeInvalid, "policy: no permission catalogue")
	}
	env, err := newEnv()
	if err != nil {
		return nil, fmt.Errorf("policy: cel environment: %w", err)
	}
	c := &compiler{env: env, ps: &problems{}}
	s := &Set{intel: o.Intel, adapter: env.CELTypeAdapter()}
	s.perms = permissionViews(o.Catalogue, s.adapter)
	seen := map[string]string{}
	for _, f := range files {
		if f == nil {
			continue
		}
		c.ps.list = append(c.ps.list, f.problems...)
		c.quiet = len(f.problems) > 0
		for _, p := range f.Policies {
			if len(f.problems) == 0 {
				c.validate(f.Name, p)
			}
			if first, dup := seen[p.Name]; dup && p.Name != "" {
				c.ps.add(f.Name, p.at.line, p.at.col, "policy %q is also defined at %s", p.Name, first)
			}
			seen[p.Name] = fmt.Sprintf("%s:%d", f.Name, p.at.line)
			if cp := c.policy(f.Name, p); cp != nil {
				s.policies = append(s.policies, cp)
			}
		}
	}
	if err := c.ps.err(); err != nil {
		return nil, err
	}
	return s, nil
}

// permissionViews makes the view of every catalogue entry once.
func permissionViews(cat *risk.Catalogue, adapter types.Adapter) map[nhi.Platform]map[string]ref.Val {
	out := map[nhi.Platform]map[string]ref.Val{}
	for _, p := range cat.All() {
		m := out[p.Platform]
		if m == nil {
			m = map[string]ref.Val{}
			out[p.Platform] = m
		}
		m[p.Scope] = adapter.NativeToValue(newPermission(p, true))
	}
	return out
}

// policy compiles one policy; it returns nil when an expression has a problem.
func (c *compiler) policy(file string, p Policy) *compiled {
	what := "policy " + quote(p.Name)
	cp := &compiled{Policy: p, file: file}
	cp.when = c.expr(file, what+": when", p.When, p.whenAt, cel.BoolType)
	ok := cp.when != nil
	for _, a := range p.Then {
		ca := compiledAction{ActionSpec: a}
		switch a.Type {
		case nhi.ActionReduceScope:
			ca.scopes = c.expr(file, what+": scopes", a.Scopes, a.scopesAt, cel.ListType(cel.StringType))
			ok = ok && ca.scopes != nil
		case nhi.ActionRemoveCredential:
			ca.credentials = c.expr(file, what+": credentials", a.Credentials, a.credentialsAt, cel.ListType(cel.StringType))
			ok = ok && ca.credentials != nil
		case nhi.ActionNotifyOwner:
			ca.message = c.template(file, what+": message", a.Message, a.messageAt)
			ok = ok && ca.message != nil
		}
		cp.actions = append(cp.actions, ca)
	}
	if !ok {
		return nil
	}
	return cp
}

// expr compiles one expression that must have type want; it returns nil after recording
// the problems when it cannot.
func (c *compiler) expr(file, what, src string, at pos, want *cel.Type) *program {
	if strings.TrimSpace(src) == "" {
		if !c.quiet {
			c.ps.add(file, at.line, at.col, "%s is empty", what)
		}
		return nil
	}
	ast, iss := c.env.Compile(src)
	if iss.Err() != nil {
		for _, e := range iss.Errors() {
			line, col := at.place(e.Location.Line(), e.Location.Column())
			c.ps.add(file, line, col, "%s: %s", what, e.Message)
		}
		return nil
	}
	if got := ast.OutputType(); !got.IsExactType(want) {
		c.ps.add(file, at.line, at.col, "%s: the expression is a %s, want a %s", what, got, want)
		return nil
	}
	prg, err := newProgram(c.env, ast)
	if err != nil {
		c.ps.add(file, at.line, at.col, "%s: %v", what, err)
		return nil
	}
	return prg
}

// place maps a place inside a scalar's text (line from 1, column from 0, either below
// that when unknown) to its line and column in the file (column 0 when unknown).
func (at pos) place(line, col int) (int, int) {
	if line < 1 {
		return at.line, at.col
	}
	switch at.style {
	case yaml.LiteralStyle:
		return at.line + line, 0
	case yaml.FoldedStyle:
		return at.line + 1, 0
	}
	if line > 1 || col < 0 {
		return at.line + line - 1, 0
	}
	if at.style == yaml.SingleQuotedStyle || at.style == yaml.DoubleQuotedStyle {
		col++
	}
	return at.line, at.col + col
}
