package policy

import (
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/nhiscope/nhi"
)

// policy decodes one entry of the policies list. ok is false when the entry is not a
// mapping at all.
func (d *decoder) policy(n *yaml.Node) (Policy, bool) {
	p := Policy{Mode: ModeDryRun, Approval: ApprovalRequired, Severity: nhi.SeverityMedium, at: posOf(n)}
	what := "policy"
	if name := mappingValue(n, "name"); name != nil && name.Kind == yaml.ScalarNode {
		what = "policy " + quote(name.Value)
	}
	ok := d.mapping(n, what, map[string]func(*yaml.Node){
		"name": func(v *yaml.Node) {
			if s, ok := d.scalar(v, what+": name"); ok && !namePattern.MatchString(s) {
				d.errorf(v, "%s: name must be 1 to 100 of a-z, 0-9, '_', '.', '-'", what)
			}
			p.Name = v.Value
		},
		"description": func(v *yaml.Node) { p.Description, _ = d.scalar(v, what+": description") },
		"owasp":       func(v *yaml.Node) { p.OWASP = d.owasp(v, what) },
		"when":        func(v *yaml.Node) { p.When, p.whenAt = d.expression(v, what+": when") },
		"then": func(v *yaml.Node) {
			for _, it := range d.seq(v, what+": then") {
				if a, ok := d.action(it, what); ok {
					p.Then = append(p.Then, a)
				}
			}
			if v.Kind == yaml.SequenceNode && len(v.Content) == 0 {
				d.errorf(v, "%s: then: list at least one action", what)
			}
		},
		"mode": func(v *yaml.Node) {
			s, _ := d.oneOf(v, what+": mode", string(ModeAlert), string(ModeDryRun), string(ModeEnforce))
			p.Mode = Mode(s)
		},
		"approval": func(v *yaml.Node) {
			s, _ := d.oneOf(v, what+": approval", string(ApprovalRequired), string(ApprovalNone))
			p.Approval = Approval(s)
		},
		"severity": func(v *yaml.Node) {
			s, _ := d.oneOf(v, what+": severity", severityNames()...)
			p.Severity = nhi.Severity(s)
		},
	}, "name", "description", "when", "then")
	return p, ok
}

// expression decodes the text of an expression or message, which must not be blank.
func (d *decoder) expression(n *yaml.Node, what string) (string, pos) {
	s, ok := d.scalar(n, what)
	if ok && strings.TrimSpace(s) == "" {
		d.errorf(n, "%s is empty", what)
	}
	return s, posOf(n)
}

// owasp decodes a policy's list of OWASP NHI Top 10 items.
func (d *decoder) owasp(n *yaml.Node, what string) []string {
	var out []string
	for _, it := range d.seq(n, what+": owasp") {
		s, ok := d.scalar(it, what+": owasp")
		if ok && !owaspPattern.MatchString(s) {
			d.errorf(it, "%s: owasp: %q is not an OWASP NHI Top 10 item such as NHI1:2025", what, s)
		}
		out = append(out, s)
	}
	return out
}

// action decodes one entry of a then list: an action type alone, or a mapping with the
// type and its parameters.
func (d *decoder) action(n *yaml.Node, what string) (ActionSpec, bool) {
	a := ActionSpec{at: posOf(n)}
	if n.Kind == yaml.ScalarNode {
		a.Type = nhi.ActionType(n.Value)
		return a, d.checkAction(n, what, a, nil)
	}
	set := map[string]*yaml.Node{}
	ok := d.mapping(n, what+": then", map[string]func(*yaml.Node){
		"type": func(v *yaml.Node) {
			s, _ := d.scalar(v, what+": then: type")
			a.Type = nhi.ActionType(s)
		},
		"scopes": func(v *yaml.Node) {
			a.Scopes, a.scopesAt = d.expression(v, what+": then: scopes")
			set["scopes"] = v
		},
		"credentials": func(v *yaml.Node) {
			a.Credentials, a.credentialsAt = d.expression(v, what+": then: credentials")
			set["credentials"] = v
		},
		"message": func(v *yaml.Node) {
			a.Message, a.messageAt = d.expression(v, what+": then: message")
			set["message"] = v
		},
	}, "type")
	return a, ok && d.checkAction(n, what, a, set)
}

// checkAction records what is wrong with an action's type and parameters.
func (d *decoder) checkAction(n *yaml.Node, what string, a ActionSpec, set map[string]*yaml.Node) bool {
	probs := actionProblems(a.Type, func(k string) bool { return set[k] != nil })
	for _, p := range probs {
		at := n
		if set[p.param] != nil {
			at = set[p.param]
		}
		d.errorf(at, "%s: then: %s", what, p.msg)
	}
	return len(probs) == 0
}

// mappingValue returns the value of key in mapping n, or nil.
func mappingValue(n *yaml.Node, key string) *yaml.Node {
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

func severityNames() []string {
	var out []string
	for _, s := range nhi.Severities() {
		out = append(out, string(s))
	}
	return out
}

// quote quotes untrusted text for a problem, cut short.
func quote(s string) string {
	if len(s) > 60 {
		s = s[:60] + "..."
	}
	return strconv.Quote(s)
}
