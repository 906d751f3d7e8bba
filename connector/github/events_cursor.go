package github

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

// EventLateness is how late after its time GitHub may still list an audit-log event that
// Events must not miss: every read looks back this far from the newest event handled and
// skips, by document ID, the events it handled before.
const EventLateness = 15 * time.Minute

// eventCursorPrefix starts every event cursor; the digit is the version.
const eventCursorPrefix = "githubev1:"

// Bounds of an event cursor.
const (
	maxEventCursor = 4 << 20
	maxEventID     = 128
	// maxSeen bounds the events remembered per organization: past it, the floor rises.
	maxSeen = 5000
)

// orgEvents is where Events resumes in one organization's audit log. Floor is the time
// before which every event counts as handled; Seen lists the events at or after Floor
// that were handled, oldest first.
type orgEvents struct {
	Floor time.Time
	Seen  []seenEvent
}

// seenEvent is an event a cursor remembers.
type seenEvent struct {
	At time.Time
	ID string
}

// eventCursor holds the position of each organization's audit log, by organization login
// in lower case. Its text form is "githubev1:" followed by the unpadded base64url
// encoding of the JSON object
//
//	{"orgs":{"<org>":{"floor":"<RFC 3339 time>","seen":[{"at":"<time>","id":"<_document_id>"},...]},...}}
type eventCursor map[string]orgEvents

// wire forms of the cursor.
type (
	wireEventCursor struct {
		Orgs *map[string]wireOrgEvents `json:"orgs"`
	}
	wireOrgEvents struct {
		Floor *string     `json:"floor"`
		Seen  *[]wireSeen `json:"seen"`
	}
	wireSeen struct {
		At *string `json:"at"`
		ID *string `json:"id"`
	}
)

// formatTime formats t for a cursor.
func formatTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// String returns the text form of c.
func (c eventCursor) String() string {
	orgs := map[string]wireOrgEvents{}
	for _, org := range slices.Sorted(maps.Keys(c)) {
		st := c[org]
		floor := formatTime(st.Floor)
		seen := make([]wireSeen, len(st.Seen))
		for i := range st.Seen {
			at := formatTime(st.Seen[i].At)
			seen[i] = wireSeen{At: &at, ID: &st.Seen[i].ID}
		}
		orgs[org] = wireOrgEvents{Floor: &floor, Seen: &seen}
	}
	b, _ := json.Marshal(wireEventCursor{Orgs: &orgs}) // maps of strings always marshal
	return eventCursorPrefix + base64.RawURLEncoding.EncodeToString(b)
}

// handled returns the IDs st remembers, as a set.
func (st orgEvents) handled() map[string]bool {
	m := make(map[string]bool, len(st.Seen))
	for _, s := range st.Seen {
		m[s.ID] = true
	}
	return m
}

// advance returns st with the event with id at t handled: remembered in time order, the
// floor raised to EventLateness before the newest event remembered, and the events below
// the floor forgotten.
func (st orgEvents) advance(t time.Time, id string) orgEvents {
	seen := append(slices.Clip(st.Seen), seenEvent{At: t, ID: id})
	for i := len(seen) - 1; i > 0 && seen[i].At.Before(seen[i-1].At); i-- {
		seen[i], seen[i-1] = seen[i-1], seen[i]
	}
	floor := st.Floor
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
	return orgEvents{Floor: floor, Seen: seen[i:]}
}

// parseEventCursor reads the text form of an event cursor; anything else is CodeInvalid.
func parseEventCursor(s nhi.Cursor) (eventCursor, error) {
	bad := func() (eventCursor, error) {
		return nil, nhi.Errorf(nhi.CodeInvalid,
			"github: event cursor %q was not issued by this connector", nhi.CleanText(shorten(string(s), 40)))
	}
	rest, ok := strings.CutPrefix(string(s), eventCursorPrefix)
	if !ok || len(s) > maxEventCursor {
		return bad()
	}
	raw, err := base64.RawURLEncoding.DecodeString(rest)
	if err != nil {
		return bad()
	}
	var w wireEventCursor
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if dec.Decode(&w) != nil || dec.More() || w.Orgs == nil {
		return bad()
	}
	c := eventCursor{}
	for org, wo := range *w.Orgs {
		st, ok := parseOrgEvents(wo)
		if !ok || !validLogin(org) || org != strings.ToLower(org) {
			return bad()
		}
		c[org] = st
	}
	return c, nil
}

// parseOrgEvents reads one organization's position.
func parseOrgEvents(w wireOrgEvents) (orgEvents, bool) {
	if w.Floor == nil || w.Seen == nil {
		return orgEvents{}, false
	}
	floor, ok := parseCursorTime(*w.Floor)
	if !ok {
		return orgEvents{}, false
	}
	st := orgEvents{Floor: floor, Seen: make([]seenEvent, 0, len(*w.Seen))}
	for _, e := range *w.Seen {
		if e.At == nil || e.ID == nil || !validEventID(*e.ID) {
			return orgEvents{}, false
		}
		at, ok := parseCursorTime(*e.At)
		if !ok || at.Before(floor) || len(st.Seen) > 0 && at.Before(st.Seen[len(st.Seen)-1].At) {
			return orgEvents{}, false
		}
		st.Seen = append(st.Seen, seenEvent{At: at, ID: *e.ID})
	}
	return st, true
}

// parseCursorTime reads a cursor's time: RFC 3339, from the year 2000.
func parseCursorTime(s string) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil || t.Year() < 2000 || t.Year() > 9999 {
		return time.Time{}, false
	}
	return t.UTC(), true
}

// validEventID reports whether id can be an audit event's document ID: short printable ASCII.
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
