package salesforcesim

import (
	"slices"
	"strconv"
	"strings"
)

// query is a parsed SOQL query of the subset the simulator answers:
//
//	SELECT field, ... FROM object [WHERE cond] [ORDER BY field [ASC|DESC] [NULLS FIRST|LAST], ...] [LIMIT n]
type query struct {
	fields []fieldRef
	object string
	objPos int
	where  expr // nil for none
	order  []orderKey
	limit  int // -1 for none
}

// fieldRef is a field path as written ("Profile.Name") and its offset.
type fieldRef struct {
	path string
	pos  int
}

// orderKey is one ORDER BY key.
type orderKey struct {
	field     fieldRef
	desc      bool
	nullsLast bool
}

// expr is a WHERE condition: *logic, *notExpr or *cond.
type expr interface{ isExpr() }

// logic joins terms with AND (and true) or OR.
type logic struct {
	and   bool
	terms []expr
}

// notExpr negates a condition.
type notExpr struct{ e expr }

// cond compares a field with literals: op is one of = != < <= > >= LIKE IN NOTIN.
type cond struct {
	field fieldRef
	op    string
	lits  []literal
}

func (*logic) isExpr()   {}
func (*notExpr) isExpr() {}
func (*cond) isExpr()    {}

// litKind is the kind of a literal.
type litKind int

// The kinds of literals.
const (
	litString litKind = iota
	litNumber
	litBool
	litNull
	litDate      // 2025-08-01
	litDateTime  // 2025-08-01T00:00:00Z
	litDateRange // TODAY, YESTERDAY, LAST_N_DAYS:n, N_DAYS_AGO:n
)

// literal is a value in a condition; n is the n of a LAST_N_DAYS:n.
type literal struct {
	kind litKind
	text string
	n    int
	pos  int
}

// parseError is a MALFORMED_QUERY failure at a byte offset.
type parseError struct {
	pos int
	msg string
}

// reserved are words that cannot name a field or object, which SOQL constructs the
// simulator does not take begin with.
var reserved = []string{"select", "from", "where", "and", "or", "not", "in", "like", "order", "by", "asc", "desc",
	"nulls", "first", "last", "limit", "offset", "group", "having", "with", "for", "using", "typeof", "includes",
	"excludes", "rollup", "cube", "update", "view", "reference", "tracking", "viewstat", "null", "true", "false"}

// parser is a recursive-descent SOQL parser over tokens.
type parser struct {
	toks []token
	i    int
}

// parseSOQL parses q.
func parseSOQL(q string) (*query, *parseError) {
	toks, lerr := lex(q)
	if lerr != nil {
		return nil, &parseError{lerr.pos, lerr.msg}
	}
	p := &parser{toks: toks}
	return p.parseQuery()
}

func (p *parser) peek() token { return p.toks[p.i] }
func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tokEOF {
		p.i++
	}
	return t
}

// keyword reports whether the next token is the keyword kw, and consumes it if so.
func (p *parser) keyword(kw string) bool {
	if t := p.peek(); t.kind == tokIdent && strings.EqualFold(t.text, kw) {
		p.i++
		return true
	}
	return false
}

// unexpected returns the error for the next token.
func (p *parser) unexpected() *parseError {
	t := p.peek()
	if t.kind == tokEOF {
		return &parseError{t.pos, "unexpected token: '<EOF>'"}
	}
	text := t.text
	if t.kind == tokString {
		text = "'" + text + "'"
	}
	return &parseError{t.pos, "unexpected token: '" + text + "'"}
}

// parseQuery parses the whole query.
func (p *parser) parseQuery() (*query, *parseError) {
	q := &query{limit: -1}
	if !p.keyword("SELECT") {
		return nil, p.unexpected()
	}
	for {
		f, err := p.parseField()
		if err != nil {
			return nil, err
		}
		q.fields = append(q.fields, f)
		if t := p.peek(); t.kind == tokPunct && t.text == "," {
			p.next()
			continue
		}
		break
	}
	if !p.keyword("FROM") {
		return nil, p.unexpected()
	}
	obj := p.peek()
	if obj.kind != tokIdent || isReserved(obj.text) || strings.Contains(obj.text, ".") {
		return nil, p.unexpected()
	}
	p.next()
	q.object, q.objPos = obj.text, obj.pos
	return q, p.parseClauses(q)
}

// parseClauses parses WHERE, ORDER BY and LIMIT, in that order, and the end.
func (p *parser) parseClauses(q *query) *parseError {
	if p.keyword("WHERE") {
		e, err := p.parseExpr()
		if err != nil {
			return err
		}
		q.where = e
	}
	if p.keyword("ORDER") {
		if !p.keyword("BY") {
			return p.unexpected()
		}
		keys, err := p.parseOrder()
		if err != nil {
			return err
		}
		q.order = keys
	}
	if p.keyword("LIMIT") {
		t := p.peek()
		n, err := strconv.Atoi(t.text)
		if t.kind != tokNumber || err != nil || n < 0 || strings.HasPrefix(t.text, "+") {
			return p.unexpected()
		}
		p.next()
		q.limit = n
	}
	if p.peek().kind != tokEOF {
		return p.unexpected()
	}
	return nil
}

// parseField parses a field path.
func (p *parser) parseField() (fieldRef, *parseError) {
	t := p.peek()
	if t.kind != tokIdent || isReserved(t.text) || strings.HasPrefix(t.text, ".") || strings.HasSuffix(t.text, ".") ||
		strings.Contains(t.text, "..") {
		return fieldRef{}, p.unexpected()
	}
	p.next()
	if n := p.peek(); n.kind == tokPunct && n.text == "(" {
		// An aggregate or other function: not part of the subset.
		return fieldRef{}, p.unexpected()
	}
	return fieldRef{path: t.text, pos: t.pos}, nil
}

// parseOrder parses the ORDER BY keys.
func (p *parser) parseOrder() ([]orderKey, *parseError) {
	var keys []orderKey
	for {
		f, err := p.parseField()
		if err != nil {
			return nil, err
		}
		k := orderKey{field: f}
		if p.keyword("DESC") {
			k.desc = true
		} else {
			p.keyword("ASC")
		}
		k.nullsLast = k.desc
		if p.keyword("NULLS") {
			switch {
			case p.keyword("FIRST"):
				k.nullsLast = false
			case p.keyword("LAST"):
				k.nullsLast = true
			default:
				return nil, p.unexpected()
			}
		}
		keys = append(keys, k)
		if t := p.peek(); t.kind == tokPunct && t.text == "," {
			p.next()
			continue
		}
		return keys, nil
	}
}

// isReserved reports whether s is a SOQL reserved word.
func isReserved(s string) bool { return slices.Contains(reserved, strings.ToLower(s)) }
