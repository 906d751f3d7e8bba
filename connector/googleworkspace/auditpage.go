package googleworkspace

import "strings"

// auditPage is one activities.list page reduced to what the audit log needs, decoded by
// decode. Its slices are reused from page to page.
type auditPage struct {
	next   string
	acts   []auditActivity
	events []auditEvent
	// arena holds the bytes of the strings kept (user and client IDs, client types).
	arena []byte
	body  []byte
	// null says the answer was JSON null, which Google never sends.
	null bool
}

// span is a string kept in a page's arena.
type span struct{ off, n int32 }

// auditActivity is one activity: its time (badTime without a parsable id.time), unique
// qualifier, actor's profile ID, the IP address it came from and events
// (page.events[ev0:ev1]).
type auditActivity struct {
	at, qual int64
	user, ip span
	ev0, ev1 int32
}

// The event names the audit log reads.
const (
	evOther = iota
	evAuthorize
	evRevoke
	evActivity
)

// auditEvent is one event of an activity: its name and the first client_id and
// client_type parameters.
type auditEvent struct {
	name               uint8
	client, clientType span
}

// str returns the bytes of a kept string.
func (p *auditPage) str(sp span) []byte { return p.arena[sp.off : sp.off+sp.n] }

// keep copies b into the arena.
func (p *auditPage) keep(b []byte) span {
	sp := span{off: int32(len(p.arena)), n: int32(len(b))}
	p.arena = append(p.arena, b...)
	return sp
}

// keyIs reports whether a member's key names field: equal, or equal but for case, as
// encoding/json matches keys.
func keyIs(key []byte, field string) bool {
	return string(key) == field || strings.EqualFold(string(key), field)
}

// decode reads p.body, an activities.list answer: {"items":[...],"nextPageToken":...}.
func (p *auditPage) decode() error {
	p.next, p.acts, p.events, p.arena, p.null = "", p.acts[:0], p.events[:0], p.arena[:0], false
	s := &jsonScanner{b: p.body}
	return s.document(func() bool {
		if s.null() {
			p.null = true
			return true
		}
		return s.object(func(k []byte) bool {
			switch {
			case keyIs(k, "items"):
				p.acts = p.acts[:0] // a repeated member replaces the first, as in encoding/json
				return s.array(func() bool { return p.activity(s) })
			case keyIs(k, "nextPageToken"):
				v, ok := s.str()
				p.next = string(v)
				return ok
			}
			return s.skip()
		})
	})
}

// activity reads one element of items.
func (p *auditPage) activity(s *jsonScanner) bool {
	if s.null() {
		return true // no activity, as a nil *Activity
	}
	a := auditActivity{at: badTime, ev0: int32(len(p.events)), ev1: int32(len(p.events))}
	ok := s.object(func(k []byte) bool {
		switch {
		case keyIs(k, "id"):
			return p.activityID(s, &a)
		case keyIs(k, "actor"):
			if s.null() {
				a.user = span{}
				return true
			}
			return s.object(func(k []byte) bool {
				if !keyIs(k, "profileId") {
					return s.skip()
				}
				v, ok := s.str()
				a.user = p.keep(v)
				return ok
			})
		case keyIs(k, "ipAddress"):
			v, ok := s.str()
			a.ip = p.keep(v)
			return ok
		case keyIs(k, "events"):
			a.ev0 = int32(len(p.events))
			ok := s.array(func() bool { return p.event(s) })
			a.ev1 = int32(len(p.events))
			return ok
		}
		return s.skip()
	})
	p.acts = append(p.acts, a)
	return ok
}

// activityID reads an activity's id: its time and unique qualifier.
func (p *auditPage) activityID(s *jsonScanner, a *auditActivity) bool {
	if s.null() {
		a.at, a.qual = badTime, 0
		return true
	}
	return s.object(func(k []byte) bool {
		switch {
		case keyIs(k, "time"):
			v, ok := s.str()
			a.at = parseMillis(v)
			return ok
		case keyIs(k, "uniqueQualifier"):
			v, ok := s.str() // an int64 as a JSON string, as Google sends int64s
			if !ok {
				return false
			}
			if a.qual, ok = parseInt64(v); !ok {
				return s.fail("uniqueQualifier is not an int64")
			}
			return true
		}
		return s.skip()
	})
}

// event reads one event of an activity.
func (p *auditPage) event(s *jsonScanner) bool {
	if s.null() {
		return true
	}
	var ev auditEvent
	var haveClient, haveType bool
	ok := s.object(func(k []byte) bool {
		switch {
		case keyIs(k, "name"):
			v, ok := s.str()
			ev.name = eventName(v)
			return ok
		case keyIs(k, "parameters"):
			ev.client, ev.clientType, haveClient, haveType = span{}, span{}, false, false
			return s.array(func() bool {
				name, value, ok := p.parameter(s)
				switch {
				case name == "client_id" && !haveClient:
					ev.client, haveClient = value, true
				case name == "client_type" && !haveType:
					ev.clientType, haveType = value, true
				}
				return ok
			})
		}
		return s.skip()
	})
	p.events = append(p.events, ev)
	return ok
}

// parameter reads one parameter of an event and returns its name, if it is one the audit
// log reads, and its value.
func (p *auditPage) parameter(s *jsonScanner) (name string, value span, ok bool) {
	if s.null() {
		return "", span{}, true
	}
	var v span
	ok = s.object(func(k []byte) bool {
		switch {
		case keyIs(k, "name"):
			b, ok := s.str()
			switch string(b) {
			case "client_id":
				name = "client_id"
			case "client_type":
				name = "client_type"
			default:
				name = ""
			}
			return ok
		case keyIs(k, "value"):
			b, ok := s.str()
			v = p.keep(b)
			return ok
		}
		return s.skip()
	})
	return name, v, ok
}
