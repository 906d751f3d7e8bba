package policy

import (
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/nhiscope/nhi"
)

// CaseFile is a parsed case file: inputs with the actions policies must propose for them.
//
//	now: 2026-06-01T00:00:00Z         # the evaluation time of every case (a case may override it)
//	base:                             # the input every case starts from (optional)
//	  identity: {platform: google_workspace, tenant: C01, kind: oauth_grant, ...}
//	  app: {...}
//	  owner: {...}
//	cases:
//	  - name: a suspended owner's grant is revoked
//	    policy: nhi1.offboarded_owner_grant   # compare only this policy's proposals
//	    owner: {status: suspended}            # keys override the base's
//	    expect: [revoke_grant]                # or {policy, type, scopes, credential, message}
//	  - name: an active owner's grant is kept
//	    policy: nhi1.offboarded_owner_grant
//	    expect: []
//
// identity, app, owner and findings use the field names of nhi's JSON output (nhi
// inventory show --output json); an identity without an id gets the one nhi derives.
type CaseFile struct {
	Name  string
	Cases []Case
}

// Case is one input and the proposals expected for it.
type Case struct {
	Name string
	// Policy, when set, limits the comparison to that policy's proposals; a case with a
	// Policy and no expectations is a miss of that policy.
	Policy string
	Input  Input
	Expect []Expectation
	// Line is where the case starts in its file.
	Line int
}

// Expectation is one proposal a case expects, or one a policy made, in the terms a case
// file compares.
type Expectation struct {
	Policy string         `json:"policy"`
	Type   nhi.ActionType `json:"type"`
	// Scopes are reduce_scope's scopes, CredentialID remove_credential's credential.
	Scopes       []string `json:"scopes,omitempty"`
	CredentialID string   `json:"credential,omitempty"`
	// Message is notify_owner's message; a case that leaves it out does not compare it.
	Message string `json:"message,omitempty"`
}

// ParseCases decodes a case file, reporting all of its problems at once in an *Error.
func ParseCases(name string, b []byte) (*CaseFile, error) {
	ps := &problems{}
	d := &decoder{file: name, ps: ps}
	root := d.document(b)
	if root == nil {
		return nil, ps.err()
	}
	cf := &CaseFile{Name: name}
	var now time.Time
	var base, items *yaml.Node
	d.mapping(root, "case file", map[string]func(*yaml.Node){
		"now":   func(v *yaml.Node) { now = d.time(v, "now") },
		"base":  func(v *yaml.Node) { base = v },
		"cases": func(v *yaml.Node) { items = v },
	}, "cases")
	b0 := d.inputFields(base, "base")
	if items != nil {
		for _, it := range d.seq(items, "cases") {
			if c, ok := d.testCase(it, b0, now); ok {
				cf.Cases = append(cf.Cases, c)
			}
		}
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	return cf, nil
}

// time decodes an RFC 3339 time.
func (d *decoder) time(n *yaml.Node, what string) time.Time {
	s, ok := d.scalar(n, what)
	if !ok {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		d.errorf(n, "%s: %q is not an RFC 3339 time such as 2026-06-01T00:00:00Z", what, s)
	}
	return t
}

// testCase decodes one case over the base input fields.
func (d *decoder) testCase(n *yaml.Node, base map[string]map[string]any, now time.Time) (Case, bool) {
	c := Case{Line: n.Line}
	what := "case"
	if v := mappingValue(n, "name"); v != nil && v.Kind == yaml.ScalarNode {
		what = "case " + quote(v.Value)
	}
	fields := map[string]map[string]any{}
	var findings, expect *yaml.Node
	expected := false
	n0 := len(d.ps.list)
	ok := d.mapping(n, what, map[string]func(*yaml.Node){
		"name":     func(v *yaml.Node) { c.Name, _ = d.scalar(v, what+": name") },
		"policy":   func(v *yaml.Node) { c.Policy, _ = d.scalar(v, what+": policy") },
		"now":      func(v *yaml.Node) { now = d.time(v, what+": now") },
		"identity": func(v *yaml.Node) { fields["identity"] = d.object(v, what+": identity") },
		"app":      func(v *yaml.Node) { fields["app"] = d.object(v, what+": app") },
		"owner":    func(v *yaml.Node) { fields["owner"] = d.object(v, what+": owner") },
		"findings": func(v *yaml.Node) { findings = v },
		"expect":   func(v *yaml.Node) { expect, expected = v, true },
	}, "name", "expect")
	if !ok {
		return c, false
	}
	if now.IsZero() {
		d.errorf(n, "%s: no evaluation time: set now in the case or at the top of the file", what)
	}
	c.Input = d.input(n, what, merge(base, fields), findings, now)
	if expected {
		for _, it := range d.seq(expect, what+": expect") {
			c.Expect = append(c.Expect, d.expectation(it, what, c.Policy))
		}
	}
	return c, len(d.ps.list) == n0
}

// expectation decodes one entry of expect: an action type alone (of the case's policy)
// or a mapping.
func (d *decoder) expectation(n *yaml.Node, what, policy string) Expectation {
	e := Expectation{Policy: policy}
	if n.Kind == yaml.ScalarNode {
		e.Type = nhi.ActionType(n.Value)
	} else {
		d.mapping(n, what+": expect", map[string]func(*yaml.Node){
			"policy": func(v *yaml.Node) { e.Policy, _ = d.scalar(v, what+": expect: policy") },
			"type": func(v *yaml.Node) {
				s, _ := d.scalar(v, what+": expect: type")
				e.Type = nhi.ActionType(s)
			},
			"scopes": func(v *yaml.Node) {
				for _, it := range d.seq(v, what+": expect: scopes") {
					s, _ := d.scalar(it, what+": expect: scopes")
					e.Scopes = append(e.Scopes, s)
				}
			},
			"credential": func(v *yaml.Node) { e.CredentialID, _ = d.scalar(v, what+": expect: credential") },
			"message":    func(v *yaml.Node) { e.Message, _ = d.scalar(v, what+": expect: message") },
		}, "type")
	}
	if !e.Type.Valid() {
		d.errorf(n, "%s: expect: unknown action %q", what, e.Type)
	}
	if e.Policy == "" {
		d.errorf(n, "%s: expect: say which policy proposes %s (policy: NAME here or in the case)", what, e.Type)
	}
	return e
}
