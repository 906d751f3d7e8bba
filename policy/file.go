package policy

import (
	"regexp"

	"go.yaml.in/yaml/v3"

	"github.com/nhiscope/nhi"
)

// Mode says what becomes of a policy's proposals.
type Mode string

// The modes of a policy.
const (
	// ModeAlert proposals are reported (listed, sent as alerts) and never become a plan.
	ModeAlert Mode = "alert"
	// ModeDryRun proposals become dry-run plans: they can be previewed, not applied. It is
	// the default.
	ModeDryRun Mode = "dry_run"
	// ModeEnforce proposals become plans that change tenants once approved and applied.
	ModeEnforce Mode = "enforce"
)

// PlanMode returns the mode of the plans a policy in mode m proposes; alerts propose none
// and return "".
func (m Mode) PlanMode() nhi.PlanMode {
	switch m {
	case ModeDryRun:
		return nhi.ModeDryRun
	case ModeEnforce:
		return nhi.ModeEnforce
	}
	return ""
}

// Approval says whether a person must approve a policy's plans.
type Approval string

// The approval settings of a policy.
const (
	// ApprovalRequired plans wait for a person's approval. It is the default.
	ApprovalRequired Approval = "required"
	// ApprovalNone plans are approved on creation: an enforce policy with approval none
	// changes tenants without a person in the loop.
	ApprovalNone Approval = "none"
)

// Policy is one policy as written in a file.
type Policy struct {
	// Name identifies the policy: unique across the policies in use, [a-z0-9_.-].
	Name        string
	Description string
	// OWASP lists the OWASP NHI Top 10 (2025) items the policy addresses ("NHI1:2025").
	OWASP []string
	// When is a CEL expression of type bool over identity, app, owner, permissions,
	// findings and now.
	When     string
	Then     []ActionSpec
	Mode     Mode
	Approval Approval
	// Severity ranks the policy's proposals; medium unless the file says otherwise.
	Severity nhi.Severity

	at, whenAt pos
}

// ActionSpec is one entry of a policy's then list: an action type and its parameters.
type ActionSpec struct {
	Type nhi.ActionType
	// Scopes is a CEL expression of type list(string): the scopes reduce_scope removes.
	Scopes string
	// Credentials is a CEL expression of type list(string): the IDs of the credentials
	// remove_credential deletes, one action each.
	Credentials string
	// Message is the text notify_owner sends: literal text with ${expression} parts, each
	// a CEL expression whose value is written in its place ($$ writes a literal $).
	Message string

	at, scopesAt, credentialsAt, messageAt pos
}

// File is a parsed policy file.
type File struct {
	// Name is the name the file was parsed under, used in problems.
	Name     string
	Policies []Policy

	// problems are the file's parse problems; Compile reports them again.
	problems []Problem
}

// pos is where a value starts in its file, and how its YAML scalar was written, so that
// a position inside an expression can be mapped back to the file.
type pos struct {
	line, col int
	style     yaml.Style
}

func posOf(n *yaml.Node) pos { return pos{line: n.Line, col: n.Column, style: n.Style} }

var (
	namePattern  = regexp.MustCompile(`^[a-z0-9_.-]{1,100}$`)
	owaspPattern = regexp.MustCompile(`^NHI([1-9]|10):2025$`)
)

// Parse decodes a policy file:
//
//	policies:
//	  - name: nhi1.offboarding.grant
//	    description: Revoke the grants of people who left.
//	    owasp: [NHI1:2025]
//	    when: owner.status in ["suspended", "departed"]
//	    then: [revoke_grant]            # or {type: reduce_scope, scopes: <CEL>}, ...
//	    mode: dry_run                   # alert | dry_run | enforce
//	    approval: required              # required | none
//	    severity: high
//
// Unknown keys, missing or bad values are problems, each reported with file:line:column;
// all of a file's problems are returned at once in an *Error. The File is returned
// whenever the YAML is readable, so that Compile can report the problems of its
// expressions too; Compile repeats the problems Parse found.
func Parse(name string, b []byte) (*File, error) {
	ps := &problems{}
	d := &decoder{file: name, ps: ps}
	root := d.document(b)
	if root == nil {
		return nil, ps.err()
	}
	f := &File{Name: name}
	items := []*yaml.Node(nil)
	d.mapping(root, "policy file", map[string]func(*yaml.Node){
		"policies": func(v *yaml.Node) { items = d.seq(v, "policies") },
	}, "policies")
	for _, it := range items {
		if p, ok := d.policy(it); ok {
			f.Policies = append(f.Policies, p)
		}
	}
	if len(items) == 0 && len(ps.list) == 0 {
		d.errorf(root, "policies: the list is empty")
	}
	err := ps.err()
	if err != nil {
		f.problems = ps.list
	}
	return f, err
}
