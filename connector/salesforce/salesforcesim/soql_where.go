package salesforcesim

import (
	"strconv"
	"strings"
)

// parseExpr parses conditions joined by AND or by OR; mixing them needs parentheses, as
// in SOQL.
func (p *parser) parseExpr() (expr, *parseError) {
	first, err := p.parseUnary()
	if err != nil {
		return nil, err
	}
	l := &logic{terms: []expr{first}}
	for {
		t := p.peek()
		isAnd, isOr := t.kind == tokIdent && strings.EqualFold(t.text, "AND"), t.kind == tokIdent && strings.EqualFold(t.text, "OR")
		if !isAnd && !isOr {
			break
		}
		if len(l.terms) > 1 && l.and != isAnd {
			return nil, p.unexpected()
		}
		l.and = isAnd
		p.next()
		e, err := p.parseUnary()
		if err != nil {
			return nil, err
		}
		l.terms = append(l.terms, e)
	}
	if len(l.terms) == 1 {
		return first, nil
	}
	return l, nil
}

// parseUnary parses NOT, a parenthesized expression or a condition.
func (p *parser) parseUnary() (expr, *parseError) {
	if p.keyword("NOT") {
		e, err := p.parseUnary()
		if err != nil {
			return nil, err
		}
		return &notExpr{e}, nil
	}
	if t := p.peek(); t.kind == tokPunct && t.text == "(" {
		p.next()
		e, err := p.parseExpr()
		if err != nil {
			return nil, err
		}
		if t := p.peek(); t.kind != tokPunct || t.text != ")" {
			return nil, p.unexpected()
		}
		p.next()
		return e, nil
	}
	return p.parseCond()
}

// parseCond parses "field op literal", "field [NOT] IN (literal, ...)" or "field LIKE
// 'pattern'".
func (p *parser) parseCond() (expr, *parseError) {
	f, err := p.parseField()
	if err != nil {
		return nil, err
	}
	c := &cond{field: f}
	t := p.peek()
	switch {
	case t.kind == tokOp:
		p.next()
		c.op = t.text
		if c.op == "<>" {
			c.op = "!="
		}
	case p.keyword("LIKE"):
		c.op = "LIKE"
	case p.keyword("IN"):
		c.op = "IN"
	case p.keyword("NOT"):
		if !p.keyword("IN") {
			return nil, p.unexpected()
		}
		c.op = "NOTIN"
	default:
		return nil, p.unexpected()
	}
	if c.op == "IN" || c.op == "NOTIN" {
		lits, err := p.parseList()
		if err != nil {
			return nil, err
		}
		c.lits = lits
		return c, nil
	}
	lit, err := p.parseLiteral()
	if err != nil {
		return nil, err
	}
	c.lits = []literal{lit}
	return c, nil
}

// parseList parses "(literal, ...)".
func (p *parser) parseList() ([]literal, *parseError) {
	if t := p.peek(); t.kind != tokPunct || t.text != "(" {
		return nil, p.unexpected()
	}
	p.next()
	var lits []literal
	for {
		lit, err := p.parseLiteral()
		if err != nil {
			return nil, err
		}
		lits = append(lits, lit)
		t := p.peek()
		if t.kind != tokPunct || t.text != ")" && t.text != "," {
			return nil, p.unexpected()
		}
		p.next()
		if t.text == ")" {
			return lits, nil
		}
	}
}

// parseLiteral parses a string, number, date, datetime, boolean, null or date literal
// such as TODAY and LAST_N_DAYS:n.
func (p *parser) parseLiteral() (literal, *parseError) {
	t := p.peek()
	switch t.kind {
	case tokString:
		p.next()
		return literal{kind: litString, text: t.text, pos: t.pos}, nil
	case tokNumber:
		if _, err := strconv.ParseFloat(t.text, 64); err != nil {
			return literal{}, p.unexpected()
		}
		p.next()
		return literal{kind: litNumber, text: t.text, pos: t.pos}, nil
	case tokDate:
		p.next()
		return literal{kind: litDate, text: t.text, pos: t.pos}, nil
	case tokDateTime:
		p.next()
		return literal{kind: litDateTime, text: t.text, pos: t.pos}, nil
	case tokIdent:
		return p.parseWordLiteral()
	}
	return literal{}, p.unexpected()
}

// parseWordLiteral parses true, false, null, TODAY, YESTERDAY, LAST_N_DAYS:n and
// N_DAYS_AGO:n.
func (p *parser) parseWordLiteral() (literal, *parseError) {
	t := p.peek()
	word := strings.ToUpper(t.text)
	switch word {
	case "TRUE", "FALSE":
		p.next()
		return literal{kind: litBool, text: strings.ToLower(word), pos: t.pos}, nil
	case "NULL":
		p.next()
		return literal{kind: litNull, text: "null", pos: t.pos}, nil
	case "TODAY", "YESTERDAY":
		p.next()
		return literal{kind: litDateRange, text: word, pos: t.pos}, nil
	case "LAST_N_DAYS", "N_DAYS_AGO":
		p.next()
		if c := p.peek(); c.kind != tokPunct || c.text != ":" {
			return literal{}, p.unexpected()
		}
		p.next()
		nt := p.peek()
		n, err := strconv.Atoi(nt.text)
		if nt.kind != tokNumber || err != nil || n < 0 || strings.HasPrefix(nt.text, "+") {
			return literal{}, p.unexpected()
		}
		p.next()
		return literal{kind: litDateRange, text: word, n: n, pos: t.pos}, nil
	}
	return literal{}, p.unexpected()
}
