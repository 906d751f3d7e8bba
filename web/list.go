package web

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
)

// listBody is the shape of every list answer.
type listBody[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor"`
}

// writeList answers with a page of items; an empty page is an empty array, not null.
func writeList[T any](w http.ResponseWriter, items []T, next string) {
	if items == nil {
		items = []T{}
	}
	writeJSON(w, http.StatusOK, listBody[T]{Items: items, NextCursor: next})
}

// cursor is the API's opaque paging position: the store's cursor of a page and how many
// items of that page were already handed out (lists filtered by the API itself stop
// part-way through a store page).
type cursor struct {
	After string `json:"a,omitempty"`
	Skip  int    `json:"s,omitempty"`
	// Offset is the position in lists the API sorts itself.
	Offset int `json:"o,omitempty"`
}

// encode returns the cursor as an opaque string; the zero cursor is "".
func (c cursor) encode() string {
	if c == (cursor{}) {
		return ""
	}
	b, _ := json.Marshal(c) // a struct of strings and ints always marshals
	return base64.RawURLEncoding.EncodeToString(b)
}

// parseCursor reads a cursor made by encode.
func parseCursor(s string) (cursor, error) {
	var c cursor
	if s == "" {
		return c, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || json.Unmarshal(b, &c) != nil || c.Skip < 0 || c.Offset < 0 {
		return cursor{}, nhi.Errorf(nhi.CodeInvalid, "invalid cursor (use next_cursor of the previous page as it is)")
	}
	return c, nil
}

// The page sizes of lists.
const (
	defaultPage = 50
	maxPage     = 1000
)

// query reads the query parameters of a list, collecting every problem so that a caller
// hears about all of them at once.
type query struct {
	v    url.Values
	errs []string
}

func newQuery(r *http.Request, allowed ...string) *query {
	q := &query{v: r.URL.Query()}
	for k := range q.v {
		if !contains(allowed, k) {
			q.errs = append(q.errs, "unknown parameter "+strconv.Quote(k))
		}
	}
	return q
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// str returns a parameter.
func (q *query) str(k string) string { return q.v.Get(k) }

// oneOf returns a parameter that must be empty or one of the given values.
func (q *query) oneOf(k string, values ...string) string {
	v := q.v.Get(k)
	if v != "" && !contains(values, v) {
		q.errs = append(q.errs, k+" "+strconv.Quote(v)+": want one of "+strings.Join(values, ", "))
	}
	return v
}

// limit returns the page size: defaultPage when absent, at most maxPage.
func (q *query) limit() int {
	v := q.v.Get("limit")
	if v == "" {
		return defaultPage
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > maxPage {
		q.errs = append(q.errs, "limit "+strconv.Quote(v)+": want 1 to "+strconv.Itoa(maxPage))
		return defaultPage
	}
	return n
}

// int64 returns a non-negative integer parameter, 0 when absent.
func (q *query) int64(k string) int64 {
	v := q.v.Get(k)
	if v == "" {
		return 0
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		q.errs = append(q.errs, k+" "+strconv.Quote(v)+": want a non-negative integer")
	}
	return n
}

// cursor returns the cursor parameter.
func (q *query) cursor() cursor {
	c, err := parseCursor(q.v.Get("cursor"))
	if err != nil {
		q.errs = append(q.errs, nhi.ErrorMessage(err))
	}
	return c
}

// err returns every problem found, as one CodeInvalid error.
func (q *query) err() error {
	if len(q.errs) == 0 {
		return nil
	}
	return nhi.Errorf(nhi.CodeInvalid, "%s", strings.Join(q.errs, "; "))
}

// names turns a list of string-like values into strings, for oneOf.
func names[T ~string](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}

// page reads one page of at most limit items from a store list that pages by cursor,
// starting at c and keeping the items keep accepts (nil keeps all). It reads at most
// budget store items, so a filter that matches rarely still answers quickly: the page
// may then hold fewer than limit items, with a cursor to go on.
func page[T any](c cursor, limit, budget int, list func(lim int, after string) (store.Page[T], error), keep func(T) bool) ([]T, string, error) {
	var out []T
	read := 0
	for {
		chunk := limit + c.Skip
		if keep != nil {
			chunk = min(max(chunk, 200), store.MaxLimit)
		}
		p, err := list(chunk, c.After)
		if err != nil {
			return nil, "", err
		}
		for i := c.Skip; i < len(p.Items); i++ {
			read++
			if keep == nil || keep(p.Items[i]) {
				out = append(out, p.Items[i])
			}
			if len(out) == limit || read >= budget {
				if i+1 == len(p.Items) {
					return out, cursor{After: p.Next}.encode(), nil
				}
				return out, cursor{After: c.After, Skip: i + 1}.encode(), nil
			}
		}
		if p.Next == "" {
			return out, "", nil
		}
		c = cursor{After: p.Next}
	}
}
