package entrasim

import (
	"fmt"
	"strings"
	"time"
)

// clause is one comparison of a $filter: property, operator and literal. The literal is a
// string, a bool, a time.Time or nil (null).
type clause struct {
	prop, op string
	val      any
}

// maxClauses bounds a $filter, so that a hostile one costs little.
const maxClauses = 8

// parseFilter parses the subset of OData $filter Graph takes on directory objects:
// comparisons joined by "and", with string literals in single quotes (” escapes a quote),
// true, false, null and unquoted DateTimeOffset literals. Properties and operators are
// checked against what res takes.
func parseFilter(src string, res *resource) ([]clause, *graphError) {
	toks, err := lexFilter(src)
	if err != nil {
		e := badRequest("BadRequest", "Invalid filter clause: "+err.Error())
		return nil, &e
	}
	var out []clause
	for i := 0; ; i += 4 {
		if len(toks)-i < 3 || toks[i].quoted || toks[i+1].quoted {
			e := badRequest("BadRequest", "Invalid filter clause: syntax error at position "+fmt.Sprint(i))
			return nil, &e
		}
		c, gerr := makeClause(toks[i].text, strings.ToLower(toks[i+1].text), toks[i+2], res)
		if gerr != nil {
			return nil, gerr
		}
		out = append(out, c)
		if i+3 == len(toks) {
			return out, nil
		}
		if toks[i+3].quoted || !strings.EqualFold(toks[i+3].text, "and") || len(out) == maxClauses {
			e := unsupportedQuery("Unsupported query: only up to 8 comparisons joined by 'and' are supported.")
			return nil, &e
		}
	}
}

// makeClause checks one comparison against res.
func makeClause(prop, op string, lit token, res *resource) (clause, *graphError) {
	name, ok := "", false
	for p := range res.filters {
		if strings.EqualFold(p, prop) {
			name, ok = p, true
		}
	}
	unsupported := func() (clause, *graphError) {
		e := unsupportedQuery(fmt.Sprintf("Unsupported or invalid query filter clause specified for property '%s' of resource '%s'.",
			prop, upperFirst(res.typeName)))
		return clause{}, &e
	}
	if !ok || !containsWord(res.filters[name], op) {
		return unsupported()
	}
	var val any
	switch low := strings.ToLower(lit.text); {
	case lit.quoted:
		val = lit.text
	case low == "true" || low == "false":
		val = low == "true"
	case low == "null":
		val = nil
	default:
		t, err := time.Parse(time.RFC3339Nano, lit.text)
		if err != nil {
			return unsupported()
		}
		val = t
	}
	_, isTime := val.(time.Time)
	if isTime != (op != "eq") {
		return unsupported()
	}
	return clause{prop: name, op: op, val: val}, nil
}

// matches reports whether value v of the clause's property satisfies it.
func (c clause) matches(v any) bool {
	switch want := c.val.(type) {
	case nil:
		return v == nil
	case string:
		s, ok := v.(string)
		return ok && strings.EqualFold(s, want)
	case bool:
		b, ok := v.(bool)
		return ok && b == want
	case time.Time:
		t, ok := v.(time.Time)
		if !ok {
			return false
		}
		switch c.op {
		case "ge":
			return !t.Before(want)
		case "gt":
			return t.After(want)
		case "le":
			return !t.After(want)
		case "lt":
			return t.Before(want)
		}
	}
	return false
}

// token is a word or a quoted string of a $filter.
type token struct {
	text   string
	quoted bool
}

// lexFilter splits a $filter into words and single-quoted strings.
func lexFilter(src string) ([]token, error) {
	var out []token
	for i := 0; i < len(src); {
		switch c := src[i]; {
		case c == ' ' || c == '\t':
			i++
		case c == '\'':
			var b strings.Builder
			for i++; ; i++ {
				if i >= len(src) {
					return nil, fmt.Errorf("unterminated string literal")
				}
				if src[i] == '\'' {
					if i+1 < len(src) && src[i+1] == '\'' {
						b.WriteByte('\'')
						i++
						continue
					}
					i++
					break
				}
				b.WriteByte(src[i])
			}
			out = append(out, token{text: b.String(), quoted: true})
		case c == '(' || c == ')' || c == ',':
			return nil, fmt.Errorf("unexpected %q at position %d", c, i)
		default:
			j := i
			for j < len(src) && !strings.ContainsRune(" \t'(),", rune(src[j])) {
				j++
			}
			out = append(out, token{text: src[i:j]})
			i = j
		}
		if len(out) > 4*maxClauses {
			return nil, fmt.Errorf("too many terms")
		}
	}
	return out, nil
}

// containsWord reports whether the space-separated list holds w.
func containsWord(list, w string) bool {
	for _, f := range strings.Fields(list) {
		if f == w {
			return true
		}
	}
	return false
}

// upperFirst returns s with its first letter upper-cased.
func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
