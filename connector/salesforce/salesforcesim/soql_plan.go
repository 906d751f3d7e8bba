package salesforcesim

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// plan is a query checked against its object: the selected fields, the compiled
// condition, the order and the limit.
type plan struct {
	obj   *sobject
	sel   []int
	where pred
	order []sortKey
	limit int
}

// pred is a compiled condition.
type pred func(r row) bool

// sortKey is a compiled ORDER BY key.
type sortKey struct {
	idx             int
	desc, nullsLast bool
}

// soqlError returns Salesforce's error for a query at a byte offset: the query's line,
// a caret under the offset, "ERROR at Row:r:Column:c" and the message.
func soqlError(q string, pos int, code, msg string) apiError {
	pos = min(max(pos, 0), len(q))
	start := strings.LastIndexByte(q[:pos], '\n') + 1
	end := strings.IndexByte(q[pos:], '\n')
	if end < 0 {
		end = len(q)
	} else {
		end += pos
	}
	row, col := strings.Count(q[:pos], "\n")+1, pos-start+1
	return apiError{Code: code, Message: "\n" + q[start:end] + "\n" + strings.Repeat(" ", col-1) + "^\nERROR at Row:" +
		strconv.Itoa(row) + ":Column:" + strconv.Itoa(col) + "\n" + msg}
}

// planner checks a parsed query against the catalog for one caller at one time.
type planner struct {
	src  string
	objs map[string]*sobject
	c    caller
	now  time.Time
}

// plan checks q: the object exists and the caller may see it, every field exists and
// every literal has its field's type.
func (pl *planner) plan(q *query) (*plan, *apiError) {
	o, ok := pl.objs[strings.ToLower(q.object)]
	if !ok || o.hidden != nil && o.hidden(pl.c) {
		e := soqlError(pl.src, q.objPos, "INVALID_TYPE", "sObject type '"+q.object+"' is not supported. If you are "+
			"attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference "+
			"your WSDL or the describe call for the appropriate names.")
		return nil, &e
	}
	p := &plan{obj: o, limit: q.limit}
	seen := map[int]bool{}
	for _, fr := range q.fields {
		i, err := pl.field(o, fr)
		if err != nil {
			return nil, err
		}
		if seen[i] {
			e := soqlError(pl.src, fr.pos, "MALFORMED_QUERY", "duplicate field selected: "+o.fields[i].name)
			return nil, &e
		}
		seen[i] = true
		p.sel = append(p.sel, i)
	}
	if q.where != nil {
		w, err := pl.compile(o, q.where)
		if err != nil {
			return nil, err
		}
		p.where = w
	}
	for _, k := range q.order {
		i, err := pl.field(o, k.field)
		if err != nil {
			return nil, err
		}
		if o.fields[i].kind == kBase64 {
			e := soqlError(pl.src, k.field.pos, "INVALID_FIELD", "field '"+o.fields[i].name+"' can not be sorted in a query call")
			return nil, &e
		}
		p.order = append(p.order, sortKey{idx: i, desc: k.desc, nullsLast: k.nullsLast})
	}
	return p, nil
}

// field resolves a field path with Salesforce's INVALID_FIELD messages.
func (pl *planner) field(o *sobject, fr fieldRef) (int, *apiError) {
	if i, ok := o.field(fr.path); ok {
		return i, nil
	}
	rel, rest, dotted := strings.Cut(fr.path, ".")
	var msg string
	switch canon, known := o.rels[strings.ToLower(rel)]; {
	case !dotted:
		msg = "No such column '" + fr.path + "' on entity '" + o.name + "'. If you are attempting to use a custom field, " +
			"be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call " +
			"for the appropriate names."
	case !known || strings.Contains(rest, "."):
		bad := rel
		if known {
			bad, _, _ = strings.Cut(rest, ".")
		}
		msg = "Didn't understand relationship '" + bad + "' in field path. If you are attempting to use a custom " +
			"relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL " +
			"or the describe call for the appropriate names."
	default:
		msg = "No such column '" + rest + "' on entity '" + o.relTo[canon] + "'. If you are attempting to use a custom " +
			"field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the " +
			"describe call for the appropriate names."
	}
	e := soqlError(pl.src, fr.pos, "INVALID_FIELD", msg)
	return 0, &e
}

// compile turns a condition into a predicate.
func (pl *planner) compile(o *sobject, e expr) (pred, *apiError) {
	switch e := e.(type) {
	case *logic:
		var ps []pred
		for _, t := range e.terms {
			p, err := pl.compile(o, t)
			if err != nil {
				return nil, err
			}
			ps = append(ps, p)
		}
		if e.and {
			return func(r row) bool {
				for _, p := range ps {
					if !p(r) {
						return false
					}
				}
				return true
			}, nil
		}
		return func(r row) bool {
			for _, p := range ps {
				if p(r) {
					return true
				}
			}
			return false
		}, nil
	case *notExpr:
		p, err := pl.compile(o, e.e)
		if err != nil {
			return nil, err
		}
		return func(r row) bool { return !p(r) }, nil
	case *cond:
		return pl.compileCond(o, e)
	}
	return nil, &apiError{Code: "MALFORMED_QUERY", Message: fmt.Sprintf("unexpected condition %T", e)}
}

// compileCond compiles one comparison.
func (pl *planner) compileCond(o *sobject, c *cond) (pred, *apiError) {
	idx, err := pl.field(o, c.field)
	if err != nil {
		return nil, err
	}
	fd := o.fields[idx]
	if fd.kind == kBase64 {
		e := soqlError(pl.src, c.field.pos, "INVALID_FIELD", "field '"+fd.name+"' can not be filtered in a query call")
		return nil, &e
	}
	if bad := badOperator(fd.kind, c.op); bad {
		e := soqlError(pl.src, c.field.pos, "INVALID_QUERY_FILTER_OPERATOR", "invalid operator on "+fd.kind.String()+" field")
		return nil, &e
	}
	vals := make([]value, 0, len(c.lits))
	for _, lit := range c.lits {
		v, err := pl.value(fd, lit)
		if err != nil {
			return nil, err
		}
		vals = append(vals, v)
	}
	if c.op == "LIKE" {
		return likePred(idx, vals[0]), nil
	}
	return func(r row) bool { return test(c.op, fieldValue(r, idx, fd.kind), vals) }, nil
}

// badOperator reports whether op cannot compare fields of kind k.
func badOperator(k kind, op string) bool {
	switch op {
	case "LIKE":
		return k != kString
	case "<", "<=", ">", ">=":
		return k == kBool
	}
	return false
}

// likePred matches a string field against a LIKE pattern: % any run, _ any character,
// \% and \_ themselves; case-insensitive.
func likePred(idx int, v value) pred {
	var sb strings.Builder
	sb.WriteString("(?is)^")
	pat := v.s
	for i := 0; i < len(pat); i++ {
		switch c := pat[i]; {
		case c == '\\' && i+1 < len(pat) && (pat[i+1] == '%' || pat[i+1] == '_'):
			sb.WriteString(regexp.QuoteMeta(pat[i+1 : i+2]))
			i++
		case c == '%':
			sb.WriteString(".*")
		case c == '_':
			sb.WriteString(".")
		default:
			sb.WriteString(regexp.QuoteMeta(pat[i : i+1]))
		}
	}
	sb.WriteString("$")
	re := regexp.MustCompile(sb.String()) // every metacharacter of the pattern is quoted
	return func(r row) bool {
		s, ok := r.vals[idx].(string)
		return ok && !v.null && re.MatchString(s)
	}
}
