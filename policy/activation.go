package policy

import (
	"slices"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/interpreter"
)

// activation resolves the variables of one evaluation, building each view the first time
// an expression reads it, so that policies pay only for what they use. It keeps the CEL
// value of each, so that the views are adapted to CEL once per evaluation, not once per
// policy.
type activation struct {
	s  *Set
	in *Input
	// bounded says the input is within the bounds of the fast programs.
	bounded bool
	vals    [len(varNames)]ref.Val
}

// varNames are the variables, in the order of activation.vals.
var varNames = [...]string{"identity", "app", "owner", "permissions", "findings", "now"}

// ResolveName implements interpreter.Activation.
func (a *activation) ResolveName(name string) (any, bool) {
	i := slices.Index(varNames[:], name)
	if i < 0 {
		return nil, false
	}
	if a.vals[i] == nil {
		a.vals[i] = a.s.adapter.NativeToValue(a.build(i))
	}
	return a.vals[i], true
}

// build makes the view of variable i.
func (a *activation) build(i int) any {
	in := a.in
	switch varNames[i] {
	case "identity":
		return newIdentity(&in.Identity, in.Now)
	case "app":
		return a.newApp()
	case "owner":
		return newOwner(&in.Owner, in.Identity.OwnerID, in.Now)
	case "permissions":
		return a.newPermissions()
	case "findings":
		return a.newFindings()
	}
	return types.Timestamp{Time: in.Now.UTC()}
}

// Parent implements interpreter.Activation.
func (a *activation) Parent() interpreter.Activation { return nil }

func (a *activation) newApp() *app {
	in := a.in
	appID := in.App.ExternalID
	if appID == "" {
		appID = in.Identity.AppID
	}
	entry, listed := a.s.intel.Match(in.Identity.Platform, appID)
	return newApp(&in.App, in.Identity.AppID, in.AppAdmins, entry, listed && appID != "")
}

// newPermissions lists the identity's permissions, each adapted to CEL once: those of
// the catalogue when the set was compiled.
func (a *activation) newPermissions() ref.Val {
	id := &a.in.Identity
	known := a.s.perms[id.Platform]
	out := make([]ref.Val, len(id.Permissions))
	for i, p := range id.Permissions {
		v := known[p.Scope]
		if v == nil {
			v = a.s.adapter.NativeToValue(&permission{Scope: text(p.Scope), Tier: "unknown", Data: []string{}})
		}
		out[i] = v
	}
	return types.NewRefValList(a.s.adapter, out)
}

// newFindings lists the findings, each adapted to CEL once.
func (a *activation) newFindings() ref.Val {
	out := make([]ref.Val, len(a.in.Findings))
	for i := range a.in.Findings {
		out[i] = a.s.adapter.NativeToValue(newFinding(&a.in.Findings[i]))
	}
	return types.NewRefValList(a.s.adapter, out)
}
