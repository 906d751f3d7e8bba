package googleworkspace

import (
	"math"
	"net/netip"
	"sync"
	"time"
)

// lookBack is how far back the Reports API keeps token audit events.
const lookBack = 180 * 24 * time.Hour

// auditOverlap is how far before its cursor an incremental scan reads the token audit log
// again. Google publishes audit events late: its "Data retention and lag times" page
// (support.google.com/a/answer/7061566) gives the OAuth Token log a lag of a couple of
// hours and warns that some events come later still. An event published after a scan but
// dated before its cursor is picked up by the next scan as long as it is at most this late;
// events read twice change nothing (grant times are maxima).
const auditOverlap = 3 * time.Hour

// badTime marks an activity whose time does not parse.
const badTime = math.MinInt64

// grantTimes are the authorization and last-use times of one grant, in Unix milliseconds
// (0 is unknown), and the address of its last use: an index into auditLog.addrs, 0 when
// unknown. Grants share addresses (an app's servers, an office's egress), so each address
// is kept once.
type grantTimes struct {
	authorized, used int64
	usedFrom         uint32
}

// auditLog is what a scan learned from the token audit log, kept compact: two int64s and
// an address index per grant, keyed by a 64-bit hash of user and client ID. A hash collision (about one in
// 10^10 at a million grants) would at worst lend one grant another's times. Pages are
// added concurrently; the log is read once they all are.
type auditLog struct {
	// since is the cursor the scan resumes from; incremental says it is one.
	since       cursor
	incremental bool

	mu     sync.Mutex
	grants map[uint64]grantTimes
	// addrs are the distinct last-use addresses in text, addrs[0] "" (unknown); addrIndex
	// indexes them.
	addrs     []string
	addrIndex map[netip.Addr]uint32
	// addrsDropped counts the new addresses past maxAddrs.
	addrsDropped int
	// clientTypes maps client IDs to their client_type: one entry per app.
	clientTypes map[string]string
	// changed holds, in an incremental scan, the users with events this scan (whom it
	// lists the tokens of).
	changed map[string]struct{}
	// next is the cursor the scan returns: the newest event seen.
	next cursor
	// events counts the activities recorded.
	events int
}

// newAuditLog returns an empty log resuming from since (a full scan when !incremental).
func newAuditLog(since cursor, incremental bool) *auditLog {
	next := cursor{at: since.at, quals: append([]int64(nil), since.quals...)}
	return &auditLog{grants: map[uint64]grantTimes{}, clientTypes: map[string]string{},
		addrs: []string{""}, addrIndex: map[netip.Addr]uint32{},
		changed: map[string]struct{}{}, since: since, next: next, incremental: incremental}
}

// grantKey hashes a (user, client) pair with 64-bit FNV-1a, a zero byte between the two.
func grantKey[T string | []byte](userID, clientID T) uint64 {
	const offset, prime = 14695981039346656037, 1099511628211
	h := uint64(offset)
	for i := 0; i < len(userID); i++ {
		h = (h ^ uint64(userID[i])) * prime
	}
	h *= prime // the zero byte
	for i := 0; i < len(clientID); i++ {
		h = (h ^ uint64(clientID[i])) * prime
	}
	return h
}

// times returns the known times of a grant and the address of its last use ("" when
// unknown). Call it once every page is added.
func (a *auditLog) times(userID, clientID string) (grantTimes, string) {
	g := a.grants[grantKey(userID, clientID)]
	return g, a.addrs[g.usedFrom]
}

// maxAddrs bounds the distinct last-use addresses a scan keeps (about 60 bytes each): web
// apps call from their vendors' servers, but native apps from their users' devices, and
// over the log's 180 days those can be many. Past the bound, a grant whose newest use
// comes from an address not yet kept has no known address.
const maxAddrs = 1 << 18

// addr returns the index of ip in a.addrs, adding it; 0 for the zero Addr and for a new
// address past maxAddrs. Call it with a.mu held.
func (a *auditLog) addr(ip netip.Addr) uint32 {
	if !ip.IsValid() {
		return 0
	}
	i, ok := a.addrIndex[ip]
	if !ok {
		if len(a.addrs) > maxAddrs {
			a.addrsDropped++
			return 0
		}
		i = uint32(len(a.addrs))
		a.addrs = append(a.addrs, ip.String())
		a.addrIndex[ip] = i
	}
	return i
}

// addPage records the activities of one page that lie in [lo, hi): the rest belong to
// another slice of the log. Activities without a parsable time are skipped.
func (a *auditLog) addPage(p *auditPage, lo, hi int64) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for i := range p.acts {
		act := &p.acts[i]
		if act.at == badTime || act.at < lo || act.at >= hi {
			continue
		}
		// An event the cursor names counts toward its grant's times and address (reading it
		// again changes nothing) but not as news: it neither advances the cursor nor makes
		// its user one to list again. Left out, it would let an older use in the overlap
		// stand as the grant's last.
		covered := a.incremental && a.since.covers(act.at, act.qual)
		if !covered {
			a.events++
			a.next.advance(act.at, act.qual)
		}
		if user := p.str(act.user); validID(user) {
			a.addEvents(p, user, act, parseAddr(p.str(act.ip)), covered)
		}
	}
}

// addEvents records the events of one activity of user, from address ip; covered says the
// cursor names the activity. Events without a client ID are skipped: they cannot be tied
// to a grant. A grant's last-use address is that of its newest activity (unknown when that
// one has none); of activities at the same millisecond, the greatest address in text, so
// that the result does not depend on the order pages arrive in.
func (a *auditLog) addEvents(p *auditPage, user []byte, act *auditActivity, ip netip.Addr, covered bool) {
	for _, ev := range p.events[act.ev0:act.ev1] {
		client := p.str(ev.client)
		if ev.name == evOther || !validID(client) {
			continue
		}
		if a.incremental && !covered {
			if _, ok := a.changed[string(user)]; !ok {
				a.changed[string(user)] = struct{}{}
			}
		}
		if ev.clientType.n > 0 {
			if ct := clientType(p.str(ev.clientType)); a.clientTypes[string(client)] != ct {
				a.clientTypes[string(client)] = ct
			}
		}
		k := grantKey(user, client)
		g := a.grants[k]
		switch ev.name {
		case evAuthorize:
			g.authorized = max(g.authorized, act.at)
		case evActivity:
			switch {
			case act.at > g.used:
				g.used, g.usedFrom = act.at, a.addr(ip)
			case act.at == g.used && ip.IsValid() && ip.String() > a.addrs[g.usedFrom]:
				g.usedFrom = a.addr(ip)
			}
		}
		a.grants[k] = g
	}
}

// parseAddr returns the IP address of an activity's ipAddress, or the zero Addr when it
// is missing or not an address (hostile input stays out of the inventory).
func parseAddr(b []byte) netip.Addr {
	if len(b) == 0 || len(b) > len("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255") {
		return netip.Addr{}
	}
	a, err := netip.ParseAddr(string(b))
	if err != nil || a.Zone() != "" {
		return netip.Addr{}
	}
	return a.Unmap()
}

// clientType returns a known client_type as it is and TYPE_UNSPECIFIED for anything else.
func clientType(b []byte) string {
	switch string(b) {
	case "CONNECTED_DEVICE":
		return "CONNECTED_DEVICE"
	case "NATIVE_ANDROID":
		return "NATIVE_ANDROID"
	case "NATIVE_APPLICATION":
		return "NATIVE_APPLICATION"
	case "NATIVE_CHROME_EXTENSION":
		return "NATIVE_CHROME_EXTENSION"
	case "NATIVE_DESKTOP":
		return "NATIVE_DESKTOP"
	case "NATIVE_DEVICE":
		return "NATIVE_DEVICE"
	case "NATIVE_IOS":
		return "NATIVE_IOS"
	case "NATIVE_SONY":
		return "NATIVE_SONY"
	case "NATIVE_UNIVERSAL_WINDOWS_PLATFORM":
		return "NATIVE_UNIVERSAL_WINDOWS_PLATFORM"
	case "WEB":
		return "WEB"
	}
	return "TYPE_UNSPECIFIED"
}

// validID reports whether s can serve as a Google user or client ID: 1 to 256 printable
// ASCII characters other than space and "/" (which separates them in external IDs).
func validID[T string | []byte](s T) bool {
	if len(s) == 0 || len(s) > 256 {
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
