package entra

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"strings"
	"time"

	"github.com/nhiscope/nhi"
)

// EventLateness is how late after its activityDateTime Graph may still list a directory
// audit event that Events must not miss. Microsoft gave the audit log's latency as 2
// minutes at the 95th percentile and 5 at the 99th; operators report 5 to 15 minutes.
// Every read looks back this far from the newest event handled and skips, by ID, the
// events it handled before.
const EventLateness = 30 * time.Minute

// The prefixes of event cursors; the digit is the version. Version 1 kept only the
// events at the newest time; it is still read.
const (
	eventCursorPrefix   = "entraev2:"
	eventCursorPrefixV1 = "entraev1:"
)

// maxEventCursor bounds the text of an event cursor.
const maxEventCursor = 4 << 20

// maxEventID bounds one audit event ID a cursor keeps.
const maxEventID = 256

// maxSeen bounds the events a cursor remembers: past it, the floor rises to the oldest
// remembered time that keeps the list within the bound.
const maxSeen = 10000

// eventCursor is where Events resumes. Floor is the time before which every event counts
// as handled; Seen lists the events at or after Floor that were handled, oldest first.
// The next read asks Graph for the events at or after Floor and drops those in Seen, so
// that events sharing a timestamp, and events Graph lists up to EventLateness late, are
// neither lost nor delivered twice.
//
// Its text form is "entraev2:" followed by the unpadded base64url encoding of the JSON
// object
//
//	{"floor":"<RFC 3339 time, UTC, with nanoseconds>","seen":[{"at":"<time>","id":"<audit event ID>"},...]}
type eventCursor struct {
	Floor time.Time
	Seen  []seenEvent
}

// seenEvent is an event a cursor remembers.
type seenEvent struct {
	At time.Time
	ID string
}

// wireCursor is the JSON of an event cursor.
type wireCursor struct {
	Floor *string     `json:"floor"`
	Seen  *[]wireSeen `json:"seen"`
}

// wireSeen is the JSON of a seenEvent.
type wireSeen struct {
	At *string `json:"at"`
	ID *string `json:"id"`
}

// formatTime formats t for a cursor.
func formatTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// String returns the text form of c.
func (c eventCursor) String() string {
	floor := formatTime(c.Floor)
	seen := make([]wireSeen, len(c.Seen))
	for i := range c.Seen {
		at := formatTime(c.Seen[i].At)
		seen[i] = wireSeen{At: &at, ID: &c.Seen[i].ID}
	}
	b, _ := json.Marshal(wireCursor{Floor: &floor, Seen: &seen})
	return eventCursorPrefix + base64.RawURLEncoding.EncodeToString(b)
}

// handled returns the IDs c remembers, as a set.
func (c eventCursor) handled() map[string]bool {
	m := make(map[string]bool, len(c.Seen))
	for _, s := range c.Seen {
		m[s.ID] = true
	}
	return m
}

// advance returns c with the event with id at t handled: remembered in time order, the
// floor raised to EventLateness before the newest event remembered, and the events below
// the floor forgotten. It may reuse c's list: c must not be used afterwards.
func (c eventCursor) advance(t time.Time, id string) eventCursor {
	seen := append(c.Seen, seenEvent{At: t, ID: id})
	for i := len(seen) - 1; i > 0 && seen[i].At.Before(seen[i-1].At); i-- {
		seen[i], seen[i-1] = seen[i-1], seen[i]
	}
	floor := c.Floor
	if f := seen[len(seen)-1].At.Add(-EventLateness); f.After(floor) {
		floor = f
	}
	if len(seen) > maxSeen && seen[len(seen)-maxSeen].At.After(floor) {
		floor = seen[len(seen)-maxSeen].At
	}
	i := 0
	for i < len(seen) && seen[i].At.Before(floor) {
		i++
	}
	return eventCursor{Floor: floor, Seen: seen[i:]}
}

// parseEventCursor reads the text form of an event cursor (version 2, or 1); anything
// else is CodeInvalid.
func parseEventCursor(s nhi.Cursor) (eventCursor, error) {
	bad := func() (eventCursor, error) {
		return eventCursor{}, nhi.Errorf(nhi.CodeInvalid,
			"entra: event cursor %q was not issued by this connector", nhi.CleanText(shorten(string(s), 40)))
	}
	if len(s) > maxEventCursor {
		return bad()
	}
	if rest, ok := strings.CutPrefix(string(s), eventCursorPrefixV1); ok {
		c, ok := parseV1(rest)
		if !ok {
			return bad()
		}
		return c, nil
	}
	rest, ok := strings.CutPrefix(string(s), eventCursorPrefix)
	var w wireCursor
	if !ok || !decodeStrict(rest, &w) || w.Floor == nil || w.Seen == nil {
		return bad()
	}
	floor, ok := parseCursorTime(*w.Floor)
	if !ok {
		return bad()
	}
	c := eventCursor{Floor: floor, Seen: make([]seenEvent, 0, len(*w.Seen))}
	for _, e := range *w.Seen {
		if e.At == nil || e.ID == nil || !validEventID(*e.ID) {
			return bad()
		}
		at, ok := parseCursorTime(*e.At)
		if !ok || at.Before(floor) || len(c.Seen) > 0 && at.Before(c.Seen[len(c.Seen)-1].At) {
			return bad()
		}
		c.Seen = append(c.Seen, seenEvent{At: at, ID: *e.ID})
	}
	return c, nil
}

// parseV1 reads the JSON of a version 1 cursor, {"at":...,"ids":[...]}: the events at
// its time are remembered.
func parseV1(rest string) (eventCursor, bool) {
	var w struct {
		At  *string   `json:"at"`
		IDs *[]string `json:"ids"`
	}
	if !decodeStrict(rest, &w) || w.At == nil || w.IDs == nil {
		return eventCursor{}, false
	}
	at, ok := parseCursorTime(*w.At)
	if !ok {
		return eventCursor{}, false
	}
	c := eventCursor{Floor: at, Seen: []seenEvent{}}
	for _, id := range *w.IDs {
		if !validEventID(id) {
			return eventCursor{}, false
		}
		c.Seen = append(c.Seen, seenEvent{At: at, ID: id})
	}
	return c, true
}

// decodeStrict decodes the base64url JSON object rest into v, refusing unknown fields
// and trailing data.
func decodeStrict(rest string, v any) bool {
	raw, err := base64.RawURLEncoding.DecodeString(rest)
	if err != nil {
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	return dec.Decode(v) == nil && !dec.More()
}

// parseCursorTime reads a cursor's time: RFC 3339, after 2000.
func parseCursorTime(s string) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil || t.Year() < 2000 || t.Year() > 9999 {
		return time.Time{}, false
	}
	return t.UTC(), true
}

// validEventID reports whether id can be an audit event's ID: short printable ASCII.
func validEventID(id string) bool {
	if id == "" || len(id) > maxEventID {
		return false
	}
	for i := 0; i < len(id); i++ {
		if id[i] <= ' ' || id[i] > '~' {
			return false
		}
	}
	return true
}
