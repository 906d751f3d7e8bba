package googleworkspacesim

import (
	"net/http"
	"strings"
)

// Google's partial responses: the standard fields parameter names the members an answer
// keeps, in a syntax loosely based on XPath ("Performance tips" of every Google API):
//
//	a,b          the members a and b
//	a/b          member b of the object (or of each element of the array) a
//	a(b,c)       members b and c of a; a(b/c,d(e)) nests
//	*            every member at that level (a/* is the same as a)
//
// A name that the resource does not have, or a sub-selection of a plain value, is a 400
// with reason invalidParameter and the message "Invalid field selection <name>", as Google
// answers it. Objects and arrays of objects are filtered member by member; an answer keeps
// the objects that lead to a selected member.

// fieldMask is a parsed fields parameter: the selected members of an object, each with the
// mask of its own members. A nil *fieldMask selects every member, recursively, so the
// answers to requests without fields take no detour.
type fieldMask struct {
	members map[string]*fieldMask
	// names and subs list members for rendering, where a short scan beats a map; "*", if
	// selected, is last.
	names []string
	subs  []*fieldMask
}

// has reports whether the member name is selected.
func (m *fieldMask) has(name string) bool {
	if m == nil {
		return true
	}
	for _, n := range m.names {
		if n == name || n == "*" {
			return true
		}
	}
	return false
}

// sub returns the mask of the member name's own members (nil: all of them). Call it only
// for a member has reports.
func (m *fieldMask) sub(name string) *fieldMask {
	if m == nil {
		return nil
	}
	for i, n := range m.names {
		if n == name || n == "*" {
			return m.subs[i]
		}
	}
	return nil
}

// freeze fills names and subs from members, recursively.
func (m *fieldMask) freeze() {
	star, hasStar := m.members["*"]
	for name, sub := range m.members {
		if name != "*" {
			m.names, m.subs = append(m.names, name), append(m.subs, sub)
		}
		if sub != nil {
			sub.freeze()
		}
	}
	if hasStar {
		m.names, m.subs = append(m.names, "*"), append(m.subs, star)
	}
}

// fieldsError is the 400 Google gives an invalid fields parameter.
func fieldsError(name string) *apiError {
	e := apiError{Code: http.StatusBadRequest, Message: "Invalid field selection " + name,
		Reason: "invalidParameter", Location: "fields", LocationType: "parameter"}
	return &e
}

// parseFields parses a fields parameter and checks it against the resource's schema (a
// mask whose nil members are plain values). The empty parameter selects everything.
func parseFields(v string, schema *fieldMask) (*fieldMask, *apiError) {
	if v == "" {
		return nil, nil
	}
	p := fieldParser{s: v}
	m := &fieldMask{members: map[string]*fieldMask{}}
	if !p.list(m, 0) || p.i != len(p.s) {
		return nil, fieldsError(v)
	}
	if name, ok := checkFields(m, schema); !ok {
		return nil, fieldsError(name)
	}
	if star, all := m.members["*"]; all && star == nil {
		return nil, nil
	}
	m.freeze()
	return m, nil
}

// maxFieldsDepth bounds the nesting of a fields parameter.
const maxFieldsDepth = 16

// fieldParser reads the fields syntax from s, at position i.
type fieldParser struct {
	s string
	i int
}

// list reads "selector,selector..." into m.
func (p *fieldParser) list(m *fieldMask, depth int) bool {
	if depth > maxFieldsDepth {
		return false
	}
	for {
		if !p.selector(m, depth) {
			return false
		}
		if p.i == len(p.s) || p.s[p.i] != ',' {
			return true
		}
		p.i++
	}
}

// selector reads "name/name...[(list)]" into m.
func (p *fieldParser) selector(m *fieldMask, depth int) bool {
	var path []string
	for {
		name := p.name()
		if name == "" {
			return false
		}
		path = append(path, name)
		if p.i == len(p.s) || p.s[p.i] != '/' {
			break
		}
		p.i++
	}
	var sel *fieldMask // nil: the whole member
	if p.i < len(p.s) && p.s[p.i] == '(' {
		p.i++
		sel = &fieldMask{members: map[string]*fieldMask{}}
		if !p.list(sel, depth+1) || p.i == len(p.s) || p.s[p.i] != ')' {
			return false
		}
		p.i++
	}
	m.insert(path, sel)
	return true
}

// name reads a member name: letters, digits, "_", "-", "." and "@", or "*".
func (p *fieldParser) name() string {
	start := p.i
	for p.i < len(p.s) {
		c := p.s[p.i]
		if c == '*' && p.i == start {
			p.i++
			break
		}
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("_-.@", c) >= 0) {
			break
		}
		p.i++
	}
	return p.s[start:p.i]
}

// insert selects path (with sel for its last member; nil: all of it) in m, merging it with
// what m selects already.
func (m *fieldMask) insert(path []string, sel *fieldMask) {
	for i, name := range path {
		cur, ok := m.members[name]
		switch {
		case ok && cur == nil:
			return // the whole member is selected already
		case i == len(path)-1 && sel == nil:
			m.members[name] = nil
			return
		case !ok:
			cur = &fieldMask{members: map[string]*fieldMask{}}
			m.members[name] = cur
		}
		m = cur
	}
	for name, s := range sel.members {
		m.insert([]string{name}, s)
	}
}

// checkFields reports the first selected name the schema lacks, if any.
func checkFields(m, schema *fieldMask) (string, bool) {
	for name, sub := range m.members {
		if name == "*" {
			continue // any member, so any sub-selection of one
		}
		sch, ok := schema.members[name]
		if !ok {
			return name, false
		}
		if sub == nil {
			continue
		}
		if sch == nil { // a sub-selection of a plain value
			for inner := range sub.members {
				return inner, false
			}
		}
		if bad, ok := checkFields(sub, sch); !ok {
			return bad, false
		}
	}
	return "", true
}
