package entra

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/nhiscope/nhi"
)

// eventCursorPrefix starts every event cursor this connector issues; the digit is its
// version.
const eventCursorPrefix = "entraev1:"

// maxEventCursor bounds the text of an event cursor.
const maxEventCursor = 64 << 10

// maxEventID bounds one audit event ID a cursor keeps.
const maxEventID = 256

// eventCursor is where Events resumes: the activityDateTime of the last event it handled
// and the IDs of every event it handled at exactly that time, so that events sharing a
// timestamp are neither lost nor delivered twice. The next read asks Graph for the events
// at or after At and drops those whose IDs are listed.
//
// Its text form is "entraev1:" followed by the unpadded base64url encoding of the JSON
// object
//
//	{"at":"<RFC 3339 time, UTC, with nanoseconds>","ids":["<audit event ID>",...]}
type eventCursor struct {
	At  time.Time `json:"at"`
	IDs []string  `json:"ids"`
}

// String returns the text form of c.
func (c eventCursor) String() string {
	b, _ := json.Marshal(struct {
		At  string   `json:"at"`
		IDs []string `json:"ids"`
	}{c.At.UTC().Format(time.RFC3339Nano), nonNil(c.IDs)})
	return eventCursorPrefix + base64.RawURLEncoding.EncodeToString(b)
}

// nonNil returns s, or an empty slice for nil.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// seen reports whether the event with id at t was handled before c: it is older, or
// one of those at c's time.
func (c eventCursor) seen(t time.Time, id string) bool {
	return t.Before(c.At) || t.Equal(c.At) && slices.Contains(c.IDs, id)
}

// advance returns c moved past the event with id at t, which is not older than c.At.
func (c eventCursor) advance(t time.Time, id string) eventCursor {
	if t.Equal(c.At) {
		return eventCursor{At: c.At, IDs: append(slices.Clip(c.IDs), id)}
	}
	return eventCursor{At: t, IDs: []string{id}}
}

// parseEventCursor reads the text form of an event cursor; anything else is CodeInvalid.
func parseEventCursor(s nhi.Cursor) (eventCursor, error) {
	bad := func() (eventCursor, error) {
		return eventCursor{}, nhi.Errorf(nhi.CodeInvalid,
			"entra: event cursor %q was not issued by this connector", nhi.CleanText(shorten(string(s), 40)))
	}
	rest, ok := strings.CutPrefix(string(s), eventCursorPrefix)
	if !ok || len(s) > maxEventCursor {
		return bad()
	}
	raw, err := base64.RawURLEncoding.DecodeString(rest)
	if err != nil {
		return bad()
	}
	var w struct {
		At  *string   `json:"at"`
		IDs *[]string `json:"ids"`
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil || dec.More() || w.At == nil || w.IDs == nil {
		return bad()
	}
	at, err := time.Parse(time.RFC3339Nano, *w.At)
	if err != nil || at.IsZero() || at.Year() < 2000 {
		return bad()
	}
	for _, id := range *w.IDs {
		if !validEventID(id) {
			return bad()
		}
	}
	return eventCursor{At: at.UTC(), IDs: *w.IDs}, nil
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
