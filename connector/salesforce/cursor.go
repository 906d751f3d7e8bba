package salesforce

import (
	"strings"
	"time"

	"github.com/nhiscope/nhi"
)

// cursorPrefix starts every scan cursor this connector issues; the digit is its version.
const cursorPrefix = "salesforce1:"

// scanCursor returns the cursor of a scan made at t: "salesforce1:" and the time in
// RFC 3339 (UTC, seconds). Salesforce has no delta API for the objects discovery reads,
// so every scan is a full one; the cursor only records when the last one ran.
func scanCursor(t time.Time) nhi.Cursor {
	return nhi.Cursor(cursorPrefix + t.UTC().Truncate(time.Second).Format(time.RFC3339))
}

// parseScanCursor reads a scan cursor; anything else is CodeInvalid.
func parseScanCursor(s nhi.Cursor) (time.Time, error) {
	rest, ok := strings.CutPrefix(string(s), cursorPrefix)
	t, err := time.Parse(time.RFC3339, rest)
	if !ok || len(rest) > 40 || err != nil || t.Year() < 2000 || t.Year() > 9999 || !strings.HasSuffix(rest, "Z") {
		return time.Time{}, nhi.Errorf(nhi.CodeInvalid,
			"salesforce: cursor %q was not issued by this connector (run a full scan)", clip(string(s), 40))
	}
	return t.UTC(), nil
}
