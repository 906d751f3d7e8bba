package salesforce

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/nhiscope/nhi"
)

// eventsCursorPrefix starts every events cursor; the digit is its version.
const eventsCursorPrefix = "salesforce-events1:"

// Bounds of an events cursor.
const (
	maxEventsCursor = 1 << 20
	// maxCursorIDs bounds each ID list a cursor keeps.
	maxCursorIDs = 50000
)

// eventsCursor is where an events poll resumes, without losing or repeating events:
//
//   - LoginHistory rows by LoginTime: Login is the time of the last row delivered and
//     LoginIDs the IDs of the rows delivered at or after Login's second (SOQL datetimes
//     have seconds only, so the next poll queries from that second and skips them);
//   - EventLogFile rows by file: FilesFrom is the LogDate the next poll lists files
//     from, Done the files delivered completely (ID -> LogDate in Unix seconds) at or
//     after FilesFrom, and Partial the REQUEST_IDs delivered of files delivered in part.
//     Files appear an hour after their hour ends, so FilesFrom trails the poll by three
//     hours and Done keeps what lies after it.
//
// Its text form is "salesforce-events1:" followed by the unpadded base64url encoding of
// the JSON object of these fields.
type eventsCursor struct {
	Login     time.Time           `json:"login"`
	LoginIDs  []string            `json:"login_ids,omitempty"`
	FilesFrom time.Time           `json:"files_from"`
	Done      map[string]int64    `json:"done,omitempty"`
	Partial   map[string][]string `json:"partial,omitempty"`
}

// String returns the text form of c.
func (c eventsCursor) String() string {
	b, _ := json.Marshal(c) // times, strings and maps of them always marshal
	return eventsCursorPrefix + base64.RawURLEncoding.EncodeToString(b)
}

// parseEventsCursor reads an events cursor; anything else is CodeInvalid.
func parseEventsCursor(s nhi.Cursor) (eventsCursor, error) {
	bad := func() (eventsCursor, error) {
		return eventsCursor{}, nhi.Errorf(nhi.CodeInvalid,
			"salesforce: events cursor %q was not issued by this connector", clip(string(s), 40))
	}
	rest, ok := strings.CutPrefix(string(s), eventsCursorPrefix)
	if !ok || len(s) > maxEventsCursor {
		return bad()
	}
	raw, err := base64.RawURLEncoding.DecodeString(rest)
	if err != nil {
		return bad()
	}
	var c eventsCursor
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil || dec.More() || c.Login.IsZero() || c.FilesFrom.IsZero() ||
		len(c.LoginIDs) > maxCursorIDs || len(c.Done) > maxCursorIDs || len(c.Partial) > maxCursorIDs {
		return bad()
	}
	ids := slices.Concat(c.LoginIDs, slices.Collect(maps.Keys(c.Done)), slices.Collect(maps.Keys(c.Partial)))
	for _, reqs := range c.Partial {
		if len(reqs) > maxCursorIDs {
			return bad()
		}
		ids = append(ids, reqs...)
	}
	for _, id := range ids {
		if !printable(id, 64) {
			return bad()
		}
	}
	c.Login, c.FilesFrom = c.Login.UTC(), c.FilesFrom.UTC()
	return c, nil
}

// startCursor returns the cursor of a first poll: the window of eventWindow before now.
func startCursor(now time.Time) eventsCursor {
	from := now.Add(-eventWindow).UTC().Truncate(time.Second)
	return eventsCursor{Login: from, FilesFrom: from}
}

// deliveredLogin records a LoginHistory row delivered.
func (c *eventsCursor) deliveredLogin(id string, at time.Time) {
	if at.After(c.Login) {
		floor := at.Truncate(time.Second)
		if !floor.Equal(c.Login.Truncate(time.Second)) {
			c.LoginIDs = nil
		}
		c.Login = at
	}
	c.LoginIDs = append(c.LoginIDs, id)
}

// seenLogin reports whether a LoginHistory row was delivered already.
func (c *eventsCursor) seenLogin(id string) bool { return slices.Contains(c.LoginIDs, id) }

// deliveredRow records one row of a file delivered.
func (c *eventsCursor) deliveredRow(file, requestID string) {
	if c.Partial == nil {
		c.Partial = map[string][]string{}
	}
	c.Partial[file] = append(c.Partial[file], requestID)
}

// deliveredFile records a file delivered completely.
func (c *eventsCursor) deliveredFile(file string, logDate time.Time) {
	if c.Done == nil {
		c.Done = map[string]int64{}
	}
	c.Done[file] = logDate.Unix()
	delete(c.Partial, file)
}

// advance moves FilesFrom up to from (never back) and forgets the files before it.
func (c *eventsCursor) advance(from time.Time) {
	if !from.After(c.FilesFrom) {
		return
	}
	c.FilesFrom = from.UTC().Truncate(time.Second)
	for id, at := range c.Done {
		if time.Unix(at, 0).Before(c.FilesFrom) {
			delete(c.Done, id)
		}
	}
}
