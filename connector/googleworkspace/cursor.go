package googleworkspace

import (
	"slices"
	"strconv"
	"strings"

	"github.com/nhiscope/nhi"
)

// cursorPrefix starts every cursor this connector issues; the digit is its version.
const cursorPrefix = "gws1:"

// maxCursorQuals bounds the unique qualifiers a cursor keeps. Events past it that share
// the cursor's millisecond are read again by the next scan, which is harmless: reading an
// event twice changes nothing.
const maxCursorQuals = 64

// cursor is where an incremental scan resumes in the token audit log: the time of the
// newest event seen and the uniqueQualifiers of the events seen at exactly that time. The
// scan reads from auditOverlap before that time and skips the events the cursor names.
//
// Its text form is
//
//	gws1:<unix milliseconds>[:<qualifier>,<qualifier>...]
//
// with decimal integers (qualifiers are signed int64s, as Google's uniqueQualifier), for
// example "gws1:1754992862123:-2817364518273645,5153173006988512167".
type cursor struct {
	at    int64
	quals []int64
}

// String returns the text form of c.
func (c cursor) String() string {
	var b strings.Builder
	b.WriteString(cursorPrefix)
	b.WriteString(strconv.FormatInt(c.at, 10))
	for i, q := range c.quals {
		if i == 0 {
			b.WriteByte(':')
		} else {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(q, 10))
	}
	return b.String()
}

// parseCursor reads the text form of a cursor; anything else is CodeInvalid.
func parseCursor(s nhi.Cursor) (cursor, error) {
	bad := func() (cursor, error) {
		shown := nhi.CleanText(shorten(string(s), 40))
		return cursor{}, nhi.Errorf(nhi.CodeInvalid,
			"googleworkspace: cursor %q was not issued by this connector (run a full scan)", shown)
	}
	rest, ok := strings.CutPrefix(string(s), cursorPrefix)
	if !ok || len(rest) > 64*24 {
		return bad()
	}
	atText, qualText, hasQuals := strings.Cut(rest, ":")
	at, err := strconv.ParseInt(atText, 10, 64)
	if err != nil || at < 0 || strconv.FormatInt(at, 10) != atText {
		return bad()
	}
	c := cursor{at: at}
	if !hasQuals {
		return c, nil
	}
	for q := range strings.SplitSeq(qualText, ",") {
		n, err := strconv.ParseInt(q, 10, 64)
		if err != nil || strconv.FormatInt(n, 10) != q || len(c.quals) == maxCursorQuals {
			return bad()
		}
		c.quals = append(c.quals, n)
	}
	return c, nil
}

// covers reports whether the cursor names the event at (unix ms) with qualifier q: one of
// the newest events the scan that issued it saw. Older events are read again (see
// auditOverlap), since Google may publish them late.
func (c cursor) covers(at, q int64) bool {
	return at == c.at && slices.Contains(c.quals, q)
}

// advance moves the cursor to an event, if it is newer than or as new as the cursor.
func (c *cursor) advance(at, q int64) {
	switch {
	case at > c.at:
		c.at, c.quals = at, []int64{q}
	case at == c.at && len(c.quals) < maxCursorQuals && !slices.Contains(c.quals, q):
		c.quals = append(c.quals, q)
	}
}
