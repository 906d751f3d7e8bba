// Package sqlq holds what the SQL stores (store/sqlite, store/postgres) share and what
// does not depend on the database: page cursors and limits, WHERE clauses built from
// filters, the JSON of the JSON columns, times as the stores keep them, and the queries
// both dialects write alike. Each store runs the queries with its own driver.
package sqlq

import (
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
)

// The lists a page cursor can belong to. A cursor of one list is refused by another.
const (
	ListIdentities  = "identities"
	ListPeople      = "people"
	ListAppsByUsers = "apps_by_users"
	ListAppsByName  = "apps_by_name"
	// ListFindings' cursors carry the severity rank and the ID of a page's last finding.
	ListFindings = "findings"
	// ListPlans' cursors carry the creation time and the sequence number of a page's last
	// plan.
	ListPlans = "plans"
)

// A cursor is the list's name followed by the sort key of the last item of the previous
// page, each part base64url-encoded (so any bytes survive) and joined by dots.

// EncodeCursor returns the opaque cursor that resumes list after the item with keys.
func EncodeCursor(list string, keys ...string) string {
	parts := make([]string, 0, len(keys)+1)
	parts = append(parts, base64.RawURLEncoding.EncodeToString([]byte(list)))
	for _, k := range keys {
		parts = append(parts, base64.RawURLEncoding.EncodeToString([]byte(k)))
	}
	return strings.Join(parts, ".")
}

// DecodeCursor decodes cursor s of list, which must carry n keys. Any other cursor is
// refused with CodeInvalid.
func DecodeCursor(s, list string, n int) ([]string, error) {
	parts := strings.Split(s, ".")
	if len(parts) != n+1 {
		return nil, nhi.Errorf(nhi.CodeInvalid, "invalid page cursor")
	}
	keys := make([]string, len(parts))
	for i, p := range parts {
		b, err := base64.RawURLEncoding.Strict().DecodeString(p)
		if err != nil {
			return nil, nhi.WrapError(nhi.CodeInvalid, err, "invalid page cursor")
		}
		keys[i] = string(b)
	}
	if keys[0] != list {
		return nil, nhi.Errorf(nhi.CodeInvalid, "invalid page cursor: not a cursor of %s", list)
	}
	return keys[1:], nil
}

// DecodeUsersCursor decodes a cursor of apps by users: the user count, then the name and
// the app's key.
func DecodeUsersCursor(s string) (users int64, keys []string, err error) {
	keys, err = DecodeCursor(s, ListAppsByUsers, 5)
	if err != nil {
		return 0, nil, err
	}
	users, err = strconv.ParseInt(keys[0], 10, 64)
	if err != nil || users < 0 {
		return 0, nil, nhi.Errorf(nhi.CodeInvalid, "invalid page cursor: bad user count")
	}
	return users, keys[1:], nil
}

// PageLimit returns the page size for limit: DefaultLimit for 0, at most store.MaxLimit.
// A negative limit is refused with CodeInvalid.
func PageLimit(limit int) (int, error) {
	switch {
	case limit < 0:
		return 0, nhi.Errorf(nhi.CodeInvalid, "invalid limit %d: must not be negative", limit)
	case limit == 0:
		return store.DefaultLimit, nil
	case limit > store.MaxLimit:
		return store.MaxLimit, nil
	}
	return limit, nil
}

// Where collects the conditions of a WHERE clause and their arguments.
type Where struct {
	Conds []string
	Args  []any
}

// Add adds a condition.
func (w *Where) Add(cond string, args ...any) {
	w.Conds = append(w.Conds, cond)
	w.Args = append(w.Args, args...)
}

// AddIf adds a condition when ok.
func (w *Where) AddIf(ok bool, cond string, args ...any) {
	if ok {
		w.Add(cond, args...)
	}
}

// SQL returns " WHERE ..." or "" when there is no condition.
func (w *Where) SQL() string {
	if len(w.Conds) == 0 {
		return ""
	}
	return ` WHERE ` + strings.Join(w.Conds, ` AND `)
}

// MS converts t to unix milliseconds; the zero time is 0.
func MS(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// FromMS converts unix milliseconds to a UTC time; 0 is the zero time.
func FromMS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v).UTC()
}

// NormTime returns t at millisecond precision in UTC, as the stores keep it.
func NormTime(t time.Time) time.Time {
	return FromMS(MS(t))
}
