package policy

import (
	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/cost"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
)

// Bounds on the inputs an evaluation may take without counting its cost. Counting the
// cost of every operation doubles the time of an evaluation, so each expression is
// compiled twice: a program that counts (CostLimit) and, when the expression's worst-case
// cost over inputs within these bounds is under CostLimit, one that does not. An input
// within the bounds runs the fast program; any other runs the counting one.
const (
	// maxFastList is the most elements a list or map of the input may hold.
	maxFastList = 256
	// maxFastString is the most bytes a text of the input holds: the views cut longer ones.
	maxFastString = 1024
)

// program is a compiled expression: safe counts its cost, fast is set when the
// expression's cost is bounded over inputs within the bounds.
type program struct {
	fast, safe cel.Program
}

// eval runs the program on an activation.
func (p *program) eval(act *activation) (ref.Val, error) {
	prg := p.safe
	if p.fast != nil && act.bounded {
		prg = p.fast
	}
	v, _, err := prg.Eval(act)
	if err != nil {
		return nil, err
	}
	return v, nil
}

// newProgram plans a checked expression.
func newProgram(env *cel.Env, ast *cel.Ast) (*program, error) {
	safe, err := env.Program(ast, cel.CostLimit(CostLimit), cel.EvalOptions(cel.OptOptimize))
	if err != nil {
		return nil, err
	}
	p := &program{safe: safe}
	est, err := env.EstimateCost(ast, boundedSizes{})
	if err != nil || est.Max > CostLimit {
		return p, nil
	}
	if p.fast, err = env.Program(ast, cel.EvalOptions(cel.OptOptimize)); err != nil {
		return nil, err
	}
	return p, nil
}

// boundedSizes sizes every list, map and text reachable from the variables by the bounds.
type boundedSizes struct{}

// EstimateSize implements cost.Estimator.
func (boundedSizes) EstimateSize(n cost.AstNode) *cost.SizeEstimate {
	if n.Path() == nil {
		return nil
	}
	switch n.Type().Kind() {
	case types.StringKind, types.BytesKind:
		e := cost.RangedSizeEstimate(0, maxFastString)
		return &e
	case types.ListKind, types.MapKind:
		e := cost.RangedSizeEstimate(0, maxFastList)
		return &e
	}
	return nil
}

// EstimateCallCost implements cost.Estimator.
func (boundedSizes) EstimateCallCost(string, string, *cost.AstNode, []cost.AstNode) *cost.CallEstimate {
	return nil
}

// bounded reports whether an input is within the bounds (texts are cut by the views).
func bounded(in *Input) bool {
	id := &in.Identity
	if len(id.Permissions) > maxFastList || len(id.Credentials) > maxFastList ||
		len(id.Attributes) > maxFastList || len(in.App.Scopes) > maxFastList || len(in.Findings) > maxFastList {
		return false
	}
	for i := range in.Findings {
		f := &in.Findings[i]
		if len(f.OWASP) > maxFastList || len(f.Evidence) > maxFastList {
			return false
		}
	}
	return true
}
