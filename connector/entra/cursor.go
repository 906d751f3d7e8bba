package entra

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"strings"
	"time"

	"github.com/nhiscope/nhi"
)

// cursorPrefix starts every cursor this connector issues; the digit is its version.
const cursorPrefix = "entra1:"

// maxCursor bounds the text of a cursor (three delta links of a few hundred bytes each).
const maxCursor = 48 << 10

// cursor is where an incremental scan resumes: the delta links Graph gave at the end of
// the last scan for service principals, applications and delegated grants, and the time
// of the last full scan (which the next full scan is due after). Delta links are kept
// relative to the Graph URL, so a cursor never sends the token anywhere else.
//
// Its text form is "entra1:" followed by the unpadded base64url encoding of the JSON
// object
//
//	{"full":<unix seconds>,"sps":"<link>","apps":"<link>","grants":"<link>"}
//
// where each link is relative to the Graph URL, such as
// "v1.0/servicePrincipals/delta?$deltatoken=...".
type cursor struct {
	Full   int64  `json:"full"`
	SPs    string `json:"sps"`
	Apps   string `json:"apps"`
	Grants string `json:"grants"`
}

// String returns the text form of c.
func (c cursor) String() string {
	b, _ := json.Marshal(c) // a struct of strings and an integer always marshals
	return cursorPrefix + base64.RawURLEncoding.EncodeToString(b)
}

// fullAt returns the time of the last full scan.
func (c cursor) fullAt() time.Time { return time.Unix(c.Full, 0).UTC() }

// parseCursor reads the text form of a cursor; anything else is CodeInvalid.
func parseCursor(s nhi.Cursor) (cursor, error) {
	bad := func() (cursor, error) {
		return cursor{}, nhi.Errorf(nhi.CodeInvalid,
			"entra: cursor %q was not issued by this connector (run a full scan)", nhi.CleanText(shorten(string(s), 40)))
	}
	rest, ok := strings.CutPrefix(string(s), cursorPrefix)
	if !ok || len(s) > maxCursor {
		return bad()
	}
	raw, err := base64.RawURLEncoding.DecodeString(rest)
	if err != nil {
		return bad()
	}
	var c cursor
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil || dec.More() || c.Full <= 0 {
		return bad()
	}
	for _, l := range []string{c.SPs, c.Apps, c.Grants} {
		if !validLink(l) {
			return bad()
		}
	}
	return c, nil
}

// validLink reports whether l is a delta link as a cursor keeps it: a Graph v1.0 path
// with a query, relative to the Graph URL, in printable ASCII.
func validLink(l string) bool {
	if !strings.HasPrefix(l, "v1.0/") || !strings.Contains(l, "?") || strings.Contains(l, "..") {
		return false
	}
	for i := 0; i < len(l); i++ {
		if c := l[i]; c <= ' ' || c > '~' || c == '#' || c == '\\' {
			return false
		}
	}
	return true
}
