package postgres

import (
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
)

// The lists a page cursor can belong to. A cursor of one list is refused by another.
const (
	listIdentities  = "identities"
	listPeople      = "people"
	listAppsByUsers = "apps_by_users"
	listAppsByName  = "apps_by_name"
)

// A cursor is the list's name followed by the sort key of the last item of the previous
// page, each part base64url-encoded (so any bytes survive) and joined by dots.

// encodeCursor returns the opaque cursor that resumes list after the item with keys.
func encodeCursor(list string, keys ...string) string {
	parts := make([]string, 0, len(keys)+1)
	parts = append(parts, base64.RawURLEncoding.EncodeToString([]byte(list)))
	for _, k := range keys {
		parts = append(parts, base64.RawURLEncoding.EncodeToString([]byte(k)))
	}
	return strings.Join(parts, ".")
}

// decodeCursor decodes cursor s of list, which must carry n keys. Any other cursor is
// refused with CodeInvalid.
func decodeCursor(s, list string, n int) ([]string, error) {
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

// decodeUsersCursor decodes a cursor of apps by users: the user count, then the name and
// the app's key.
func decodeUsersCursor(s string) (users int64, keys []string, err error) {
	keys, err = decodeCursor(s, listAppsByUsers, 5)
	if err != nil {
		return 0, nil, err
	}
	users, err = strconv.ParseInt(keys[0], 10, 64)
	if err != nil || users < 0 {
		return 0, nil, nhi.Errorf(nhi.CodeInvalid, "invalid page cursor: bad user count")
	}
	return users, keys[1:], nil
}

// pageLimit returns the page size for limit: DefaultLimit for 0, at most store.MaxLimit.
// A negative limit is refused with CodeInvalid.
func pageLimit(limit int) (int, error) {
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
