package googleworkspace

import (
	"hash/fnv"
	"time"

	reports "google.golang.org/api/admin/reports/v1"
)

// lookBack is how far back the Reports API keeps token audit events.
const lookBack = 180 * 24 * time.Hour

// grantTimes are the authorization and last-use times of one grant, in Unix milliseconds;
// 0 is unknown.
type grantTimes struct {
	authorized, used int64
}

// auditLog is what a scan learned from the token audit log, kept compact: two int64s per
// grant, keyed by a 64-bit hash of user and client ID. A hash collision (about one in
// 10^10 at a million grants) would at worst lend one grant another's times.
type auditLog struct {
	grants map[uint64]grantTimes
	// clientTypes maps client IDs to their client_type: one entry per app.
	clientTypes map[string]string
	// changed holds the users with events this scan (what an incremental scan re-lists).
	changed map[string]struct{}
	// since is the cursor the scan resumes from; next the one it returns.
	since, next cursor
	// incremental says events covered by since are skipped.
	incremental bool
}

// newAuditLog returns an empty log resuming from since (a full scan when !incremental).
func newAuditLog(since cursor, incremental bool) *auditLog {
	next := cursor{at: since.at, quals: append([]int64(nil), since.quals...)}
	return &auditLog{grants: map[uint64]grantTimes{}, clientTypes: map[string]string{},
		changed: map[string]struct{}{}, since: since, next: next, incremental: incremental}
}

// grantKey hashes a (user, client) pair.
func grantKey(userID, clientID string) uint64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte(userID))
	_, _ = h.Write([]byte{0})
	_, _ = h.Write([]byte(clientID))
	return h.Sum64()
}

// times returns the known times of a grant.
func (a *auditLog) times(userID, clientID string) grantTimes {
	return a.grants[grantKey(userID, clientID)]
}

// add records one activity. Activities without a parsable time or an actor's profile ID,
// and events without a client ID, are skipped: they cannot be tied to a grant.
func (a *auditLog) add(act *reports.Activity) {
	if act == nil || act.Id == nil {
		return
	}
	t, err := time.Parse(time.RFC3339Nano, act.Id.Time)
	if err != nil {
		return
	}
	at, q := t.UnixMilli(), act.Id.UniqueQualifier
	if a.incremental && a.since.seen(at, q) {
		return
	}
	a.next.advance(at, q)
	if act.Actor == nil || !validID(act.Actor.ProfileId) {
		return
	}
	user := act.Actor.ProfileId
	for _, ev := range act.Events {
		if ev == nil {
			continue
		}
		client := param(ev, "client_id")
		if !validID(client) {
			continue
		}
		switch ev.Name {
		case "authorize", "revoke", "activity":
		default:
			continue
		}
		a.changed[user] = struct{}{}
		if ct := param(ev, "client_type"); ct != "" {
			a.clientTypes[client] = clientType(ct)
		}
		k := grantKey(user, client)
		g := a.grants[k]
		switch ev.Name {
		case "authorize":
			g.authorized = max(g.authorized, at)
		case "activity":
			g.used = max(g.used, at)
		}
		a.grants[k] = g
	}
}

// param returns the single value of an event parameter, or "".
func param(ev *reports.ActivityEvents, name string) string {
	for _, p := range ev.Parameters {
		if p != nil && p.Name == name {
			return p.Value
		}
	}
	return ""
}

// clientType returns a known client_type unchanged and TYPE_UNSPECIFIED for anything else.
func clientType(s string) string {
	switch s {
	case "CONNECTED_DEVICE", "NATIVE_ANDROID", "NATIVE_APPLICATION", "NATIVE_CHROME_EXTENSION",
		"NATIVE_DESKTOP", "NATIVE_DEVICE", "NATIVE_IOS", "NATIVE_SONY",
		"NATIVE_UNIVERSAL_WINDOWS_PLATFORM", "TYPE_UNSPECIFIED", "WEB":
		return s
	}
	return "TYPE_UNSPECIFIED"
}

// validID reports whether s can serve as a Google user or client ID: 1 to 256 printable
// ASCII characters other than space and "/" (which separates them in external IDs).
func validID(s string) bool {
	if s == "" || len(s) > 256 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c >= 0x7f || c == '/' {
			return false
		}
	}
	return true
}

// unixMilli returns the time of Unix milliseconds ms, or the zero time for 0.
func unixMilli(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}
