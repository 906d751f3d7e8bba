package github

import (
	"strconv"
	"strings"
	"time"

	"github.com/nhiscope/nhi"
)

// cursorPrefix starts every scan cursor this connector issues; the digit is its version.
const cursorPrefix = "github1:"

// cursor is what Discover returns: the start of the scan, in Unix seconds. GitHub has no
// delta API for what nhi reads, so every scan is a full one; the cursor keeps the
// runner's contract (a scan from a cursor returns a cursor) and lets a later version
// read the audit log from that time. Its text form is "github1:<unix seconds>".
type cursor struct {
	At time.Time
}

// String returns the text form of c.
func (c cursor) String() string { return cursorPrefix + strconv.FormatInt(c.At.Unix(), 10) }

// parseCursor reads the text form of a cursor; anything else is CodeInvalid.
func parseCursor(s nhi.Cursor) (cursor, error) {
	rest, ok := strings.CutPrefix(string(s), cursorPrefix)
	n, err := strconv.ParseInt(rest, 10, 64)
	if !ok || err != nil || n <= 0 || n > 1<<40 || rest != strconv.FormatInt(n, 10) {
		return cursor{}, nhi.Errorf(nhi.CodeInvalid,
			"github: cursor %q was not issued by this connector (run a full scan)", nhi.CleanText(shorten(string(s), 40)))
	}
	return cursor{At: time.Unix(n, 0).UTC()}, nil
}
