package googleworkspacesim

import (
	"cmp"
	"slices"
	"sort"
	"time"

	"github.com/nhiscope/nhi/estate"
)

// lookBack is how far back the Reports API serves token and admin events.
const lookBack = 180 * 24 * time.Hour

// eventKind is the name of a token audit event.
type eventKind uint8

// The token audit events (applicationName=token, type "auth").
const (
	evAuthorize eventKind = iota + 1
	evActivity
	evRevoke
)

// String returns the Reports API name of the event.
func (k eventKind) String() string {
	switch k {
	case evAuthorize:
		return "authorize"
	case evActivity:
		return "activity"
	case evRevoke:
		return "revoke"
	}
	return "unknown"
}

// event is one token audit event, kept small: at 100,000 people the estate yields well over
// a million of them. Everything else (actor, app, scopes, IP) is derived when rendering.
type event struct {
	at    int64 // Unix milliseconds
	grant int32
	kind  eventKind
	seq   uint16 // tells apart events of the same kind of one grant
}

// eventKey orders events: by time, then by unique qualifier.
type eventKey struct {
	at   int64
	qual int64
}

// compare orders keys ascending.
func (k eventKey) compare(o eventKey) int {
	if c := cmp.Compare(k.at, o.at); c != 0 {
		return c
	}
	return cmp.Compare(k.qual, o.qual)
}

// mix64 is the splitmix64 finalizer: a cheap, well-spread hash of x.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}

// qual returns the event's uniqueQualifier: a deterministic int64, often negative.
func (e *event) qual() int64 {
	return int64(mix64(mix64(uint64(e.at)) ^ uint64(e.grant)<<24 ^ uint64(e.kind)<<16 ^ uint64(e.seq)))
}

// key returns the event's sort key.
func (e *event) key() eventKey { return eventKey{e.at, e.qual()} }

// ms returns t in Unix milliseconds.
func ms(t time.Time) int64 { return t.UnixMilli() }

// sortEvents sorts events by key.
func sortEvents(evs []event) {
	slices.SortFunc(evs, func(a, b event) int {
		if c := cmp.Compare(a.at, b.at); c != 0 {
			return c
		}
		return cmp.Compare(a.qual(), b.qual())
	})
}

// tokenEvents derives the token audit log of the estate: an authorize event per grant given
// within the look-back, an activity event at each grant's LastUsedAt plus zero to two earlier
// ones, and authorize and revoke events (at RevokedAt) for the estate's revoked grants. Events before
// cutoff are dropped.
func tokenEvents(e *estate.Estate, now, cutoff time.Time) []event {
	out := make([]event, 0, len(e.Grants)+len(e.Revoked))
	add := func(t time.Time, i int32, k eventKind, seq uint16) {
		if !t.IsZero() && !t.Before(cutoff) {
			out = append(out, event{at: ms(t), grant: i, kind: k, seq: seq})
		}
	}
	grantEvents := func(g *estate.Grant, i int32) {
		add(g.AuthorizedAt, i, evAuthorize, 0)
		if g.LastUsedAt.IsZero() {
			return
		}
		add(g.LastUsedAt, i, evActivity, 0)
		span := min(g.LastUsedAt.Sub(g.AuthorizedAt), 90*24*time.Hour) / time.Millisecond
		for k := range int(mix64(uint64(i)<<8|1) % 3) {
			if span <= 1 {
				break
			}
			off := time.Duration(1+mix64(uint64(i)<<8|uint64(k+2))%uint64(span-1)) * time.Millisecond
			add(g.LastUsedAt.Add(-off), i, evActivity, uint16(k+1))
		}
	}
	for i := range e.Grants {
		grantEvents(&e.Grants[i], int32(i))
	}
	for j := range e.Revoked {
		i := int32(len(e.Grants) + j)
		grantEvents(&e.Revoked[j], i)
		add(revokedAt(&e.Revoked[j], i, now), i, evRevoke, 0)
	}
	sortEvents(out)
	return slices.Clip(out)
}

// revokedAt returns when a revoked grant of the estate was revoked: its RevokedAt or, for an
// estate without one, one to 72 hours after it was last authorized or used, not after now.
func revokedAt(g *estate.Grant, i int32, now time.Time) time.Time {
	if !g.RevokedAt.IsZero() {
		return g.RevokedAt
	}
	base := g.AuthorizedAt
	if g.LastUsedAt.After(base) {
		base = g.LastUsedAt
	}
	t := base.Add(time.Duration(1+mix64(uint64(i)<<8|7)%72) * time.Hour)
	if t.After(now) {
		t = now.Add(-time.Minute)
	}
	if t.Before(base) {
		t = base
	}
	return t
}

// insertEvent returns a copy of the sorted evs with ev inserted in order.
func insertEvent(evs []event, ev event) []event {
	k := ev.key()
	i := sort.Search(len(evs), func(i int) bool { return evs[i].key().compare(k) >= 0 })
	out := make([]event, 0, len(evs)+1)
	out = append(out, evs[:i]...)
	out = append(out, ev)
	return append(out, evs[i:]...)
}

// walkEvents calls f with the events of the sorted slices a and b, merged, newest first:
// only events with a key below from and a time at or after lo. It stops when f returns false.
func walkEvents(a, b []event, from eventKey, lo int64, f func(*event) bool) {
	below := func(evs []event) int {
		return sort.Search(len(evs), func(i int) bool { return evs[i].key().compare(from) >= 0 }) - 1
	}
	i, j := below(a), below(b)
	for i >= 0 || j >= 0 {
		var ev *event
		if j < 0 || (i >= 0 && a[i].key().compare(b[j].key()) > 0) {
			ev, i = &a[i], i-1
		} else {
			ev, j = &b[j], j-1
		}
		if ev.at < lo || !f(ev) {
			return
		}
	}
}
