package salesforcesim

import (
	"strconv"
	"strings"
	"time"
)

// value is a literal converted to its field's type: a string (IDs in 15-character form),
// a boolean, a number, an instant, or a range of instants for date literals such as
// TODAY.
type value struct {
	null     bool
	s        string
	b        bool
	n        float64
	t        time.Time
	from, to time.Time
	isRange  bool
}

// value converts lit for comparison with field fd, with Salesforce's errors for a literal
// of the wrong type.
func (pl *planner) value(fd fieldDef, lit literal) (value, *apiError) {
	if lit.kind == litNull {
		return value{null: true}, nil
	}
	wrong := func() (value, *apiError) {
		quoting := "should not be enclosed in quotes"
		if fd.kind == kString || fd.kind == kID {
			quoting = "should be enclosed in quotes"
		}
		e := soqlError(pl.src, lit.pos, "INVALID_FIELD", "value of filter criterion for field '"+fd.name+
			"' must be of type "+fd.kind.String()+" and "+quoting)
		return value{}, &e
	}
	switch fd.kind {
	case kString:
		if lit.kind != litString {
			return wrong()
		}
		return value{s: lit.text}, nil
	case kID:
		if lit.kind != litString {
			return wrong()
		}
		if !validID(lit.text) {
			e := soqlError(pl.src, lit.pos, "INVALID_QUERY_FILTER_OPERATOR", "invalid ID field: "+lit.text)
			return value{}, &e
		}
		return value{s: id15(lit.text)}, nil
	case kBool:
		if lit.kind != litBool {
			return wrong()
		}
		return value{b: lit.text == "true"}, nil
	case kBase64:
		return wrong()
	case kInt, kDouble:
		n, err := strconv.ParseFloat(lit.text, 64)
		if lit.kind != litNumber || err != nil {
			return wrong()
		}
		return value{n: n}, nil
	}
	return pl.timeValue(lit, wrong)
}

// timeValue converts a datetime literal or a date literal such as TODAY.
func (pl *planner) timeValue(lit literal, wrong func() (value, *apiError)) (value, *apiError) {
	switch lit.kind {
	case litDateTime:
		t, err := time.Parse(time.RFC3339Nano, lit.text)
		if err != nil {
			e := soqlError(pl.src, lit.pos, "INVALID_FIELD", "line 1:"+strconv.Itoa(lit.pos)+" no viable alternative at character ' '")
			return value{}, &e
		}
		return value{t: t}, nil
	case litDateRange:
		day := 24 * time.Hour
		today := pl.now.UTC().Truncate(day)
		v := value{isRange: true}
		switch lit.text {
		case "TODAY":
			v.from, v.to = today, today.Add(day)
		case "YESTERDAY":
			v.from, v.to = today.Add(-day), today
		case "LAST_N_DAYS":
			v.from, v.to = today.Add(-time.Duration(lit.n)*day), today.Add(day)
		case "N_DAYS_AGO":
			v.from = today.Add(-time.Duration(lit.n) * day)
			v.to = v.from.Add(day)
		}
		return v, nil
	}
	return wrong()
}

// idValue is the 15-character form of an ID field's value, compared case-sensitively.
type idValue string

// fieldValue returns the value of field idx of r for comparison.
func fieldValue(r row, idx int, k kind) any {
	v := r.vals[idx]
	if s, ok := v.(string); ok && k == kID {
		return idValue(id15(s))
	}
	return v
}

// test applies op to a field's value v and the literal values.
func test(op string, v any, vals []value) bool {
	switch op {
	case "IN":
		for _, lv := range vals {
			if compare(v, lv) == 0 {
				return true
			}
		}
		return false
	case "NOTIN":
		return !test("IN", v, vals)
	}
	lv := vals[0]
	if lv.null || v == nil {
		switch op {
		case "=":
			return lv.null == (v == nil)
		case "!=":
			return lv.null != (v == nil)
		}
		return false
	}
	if lv.isRange {
		return inRange(op, v.(time.Time), lv)
	}
	c := compare(v, lv)
	switch op {
	case "=":
		return c == 0
	case "!=":
		return c != 0
	case "<":
		return c < 0
	case "<=":
		return c <= 0
	case ">":
		return c > 0
	case ">=":
		return c >= 0
	}
	return false
}

// inRange applies op to an instant and a date literal's range.
func inRange(op string, t time.Time, lv value) bool {
	in := !t.Before(lv.from) && t.Before(lv.to)
	switch op {
	case "=":
		return in
	case "!=":
		return !in
	case "<":
		return t.Before(lv.from)
	case "<=":
		return t.Before(lv.to)
	case ">":
		return !t.Before(lv.to)
	case ">=":
		return !t.Before(lv.from)
	}
	return false
}

// compare orders a field's value and a literal value of the same type: -1, 0, 1; 2 when
// they cannot be compared (a null on either side, a range).
func compare(v any, lv value) int {
	if lv.null || v == nil {
		if lv.null && v == nil {
			return 0
		}
		return 2
	}
	switch x := v.(type) {
	case idValue:
		return strings.Compare(string(x), lv.s)
	case string:
		return strings.Compare(strings.ToLower(x), strings.ToLower(lv.s))
	case bool:
		if x == lv.b {
			return 0
		}
		return 2
	case int64:
		return cmpFloat(float64(x), lv.n)
	case float64:
		return cmpFloat(x, lv.n)
	case time.Time:
		if lv.isRange {
			if !x.Before(lv.from) && x.Before(lv.to) {
				return 0
			}
			return 2
		}
		return x.Compare(lv.t)
	}
	return 2
}

// cmpFloat orders two numbers.
func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
