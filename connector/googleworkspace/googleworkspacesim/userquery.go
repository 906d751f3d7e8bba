package googleworkspacesim

import (
	"cmp"
	"errors"
	"strings"

	"github.com/nhiscope/nhi/estate"
)

// The orders of users.list.
const (
	orderEmail = iota
	orderGivenName
	orderFamilyName
)

// parseOrderBy parses the orderBy parameter.
func parseOrderBy(v string) (int, bool) {
	switch v {
	case "", "email":
		return orderEmail, true
	case "givenName":
		return orderGivenName, true
	case "familyName":
		return orderFamilyName, true
	}
	return 0, false
}

// order returns the people sorted by the given order (ties broken by email), computed once.
func (w *world) order(by int) []int32 {
	if by == orderEmail {
		return w.byEmail
	}
	w.orderOnce[by].Do(func() {
		key := func(p *estate.Person) string {
			if by == orderGivenName {
				return p.GivenName
			}
			return p.FamilyName
		}
		w.orders[by] = sortedIndex(len(w.e.People), func(a, b int32) int {
			pa, pb := &w.e.People[a], &w.e.People[b]
			return cmp.Or(compareFold(key(pa), key(pb)), compareFold(pa.Email, pb.Email))
		})
	})
	return w.orders[by]
}

// queryTerm is one term of the users.list query parameter: field, ":" or "=", value.
type queryTerm struct {
	field, op, value string
}

// errQuery is a query the simulator does not understand.
var errQuery = errors.New("unsupported query")

// parseUserQuery parses the subset of the users.list query language the simulator supports:
// space-separated terms on email, givenName, familyName, orgUnitPath (with = for equality
// or : for equality, a trailing * making it a prefix match) and isAdmin, isSuspended (with
// = and true or false). Values may be single-quoted.
func parseUserQuery(q string) ([]queryTerm, error) {
	var terms []queryTerm
	for _, raw := range splitQuery(q) {
		i := strings.IndexAny(raw, ":=")
		if i <= 0 {
			return nil, errQuery
		}
		t := queryTerm{field: raw[:i], op: raw[i : i+1], value: strings.Trim(raw[i+1:], "'")}
		switch t.field {
		case "email", "givenName", "familyName", "orgUnitPath":
		case "isAdmin", "isSuspended":
			if t.op != "=" || (t.value != "true" && t.value != "false") {
				return nil, errQuery
			}
		default:
			return nil, errQuery
		}
		terms = append(terms, t)
	}
	return terms, nil
}

// splitQuery splits a query on spaces outside single quotes.
func splitQuery(q string) []string {
	var out []string
	var cur strings.Builder
	quoted := false
	for _, r := range q {
		switch {
		case r == '\'':
			quoted = !quoted
			cur.WriteRune(r)
		case r == ' ' && !quoted:
			if cur.Len() > 0 {
				out = append(out, cur.String())
				cur.Reset()
			}
		default:
			cur.WriteRune(r)
		}
	}
	if cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out
}

// matches reports whether a person with status st satisfies the term.
func (t queryTerm) matches(p *estate.Person, st estate.Status) bool {
	var got string
	switch t.field {
	case "isAdmin":
		return (t.value == "true") == p.Admin
	case "isSuspended":
		return (t.value == "true") == (st == estate.Suspended)
	case "email":
		got = p.Email
	case "givenName":
		got = p.GivenName
	case "familyName":
		got = p.FamilyName
	case "orgUnitPath":
		got = orgUnitPath(p.Department)
	}
	if prefix, ok := strings.CutSuffix(t.value, "*"); ok && t.op == ":" {
		return len(got) >= len(prefix) && strings.EqualFold(got[:len(prefix)], prefix)
	}
	return strings.EqualFold(got, t.value)
}
