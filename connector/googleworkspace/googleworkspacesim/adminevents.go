package googleworkspacesim

import (
	"sort"
	"time"

	"github.com/nhiscope/nhi/estate"
)

// adminEvent is one event of the admin audit log (applicationName=admin). There are few of
// them, so they are kept whole.
type adminEvent struct {
	key    eventKey
	actor  int32 // the acting admin, a person index
	typ    string
	name   string
	params []param
}

// param is one event parameter: a single value or, when multi is set, a multiValue.
type param struct {
	name  string
	value string
	multi []string
}

// filterValue returns the parameter's value as a filter compares it.
func (p param) filterValue() string {
	if len(p.multi) > 0 {
		return p.multi[0]
	}
	return p.value
}

// newAdminEvent returns an admin event; seq tells apart events at the same time.
func newAdminEvent(at time.Time, seq uint64, actor int32, typ, name string, params ...param) adminEvent {
	a := ms(at)
	return adminEvent{key: eventKey{at: a, qual: int64(mix64(mix64(uint64(a)) ^ seq<<8 ^ 0xad))},
		actor: actor, typ: typ, name: name, params: params}
}

// userEvent is an admin event about one user.
func userEvent(at time.Time, seq uint64, actor int32, name, email string) adminEvent {
	return newAdminEvent(at, seq, actor, "USER_SETTINGS", name, param{name: "USER_EMAIL", value: email})
}

// adminEvents derives the admin audit log of the estate: SUSPEND_USER and DELETE_USER for
// people suspended or departed within the look-back, and AUTHORIZE_API_CLIENT_ACCESS for
// the simulator's own domain-wide delegation client, thirty days before now.
func adminEvents(e *estate.Estate, actor int32, now, cutoff time.Time, dwdClient string, dwdScopes []string) []adminEvent {
	var out []adminEvent
	if actor < 0 {
		return nil
	}
	for i, p := range e.People {
		if p.DepartedAt.Before(cutoff) {
			continue
		}
		switch p.Status {
		case estate.Suspended:
			out = append(out, userEvent(p.DepartedAt, uint64(i), actor, "SUSPEND_USER", p.Email))
		case estate.Departed:
			out = append(out, userEvent(p.DepartedAt, uint64(i), actor, "DELETE_USER", p.Email))
		}
	}
	if at := now.Add(-30 * 24 * time.Hour); !at.Before(cutoff) {
		out = append(out, newAdminEvent(at, uint64(len(e.People))+1, actor, "DOMAIN_SETTINGS",
			"AUTHORIZE_API_CLIENT_ACCESS", param{name: "API_CLIENT_NAME", value: dwdClient},
			param{name: "API_SCOPES", multi: dwdScopes}))
	}
	sortAdmin(out)
	return out
}

// sortAdmin sorts admin events by key.
func sortAdmin(evs []adminEvent) {
	sort.Slice(evs, func(i, j int) bool { return evs[i].key.compare(evs[j].key) < 0 })
}

// insertAdmin returns a copy of the sorted evs with ev inserted in order.
func insertAdmin(evs []adminEvent, ev adminEvent) []adminEvent {
	i := sort.Search(len(evs), func(i int) bool { return evs[i].key.compare(ev.key) >= 0 })
	out := make([]adminEvent, 0, len(evs)+1)
	out = append(out, evs[:i]...)
	out = append(out, ev)
	return append(out, evs[i:]...)
}

// walkAdmin calls f with the admin events below from and at or after lo, newest first,
// until f returns false.
func walkAdmin(evs []adminEvent, from eventKey, lo int64, f func(*adminEvent) bool) {
	i := sort.Search(len(evs), func(i int) bool { return evs[i].key.compare(from) >= 0 }) - 1
	for ; i >= 0; i-- {
		if evs[i].key.at < lo || !f(&evs[i]) {
			return
		}
	}
}
