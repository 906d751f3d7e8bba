package googleworkspacesim

import (
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/nhiscope/nhi/estate"
)

// world is the tenant the simulator serves: the estate, read-only, plus what changed since
// (grants added or revoked, people suspended, events recorded). Mutable fields are replaced,
// never changed in place, so a reader may keep a slice it read under mu after releasing it.
type world struct {
	e      *estate.Estate
	domain string
	// byEmail lists the people in order of primary email (compared without regard to
	// ASCII case) and byID in order of Google ID, for binary search: at 100,000 people two
	// sorted index slices cost a fraction of two maps.
	byEmail []int32
	byID    []int32
	// orders are the people sorted for users.list, by order kind, computed on first use.
	orderOnce [3]sync.Once
	orders    [3][]int32
	// nGrants and nRevoked are len(e.Grants) and len(e.Revoked): grant index i < nGrants is
	// e.Grants[i], then e.Revoked, then world.extra.
	nGrants, nRevoked int32

	mu         sync.RWMutex
	vendors    []estate.Vendor  // the estate's, then ad-hoc apps added by AddGrant
	vendorIdx  map[string]int32 // client ID -> vendor
	extra      []estate.Grant   // grants added or changed after New
	userGrants [][]int32        // person -> current grants (indices), in a stable order
	suspended  map[int32]time.Time
	// static holds the token events derived from the estate (immutable); dyn those recorded
	// since, and admin the admin audit log. All three are sorted by eventKey.
	static []event
	dyn    []event
	admin  []adminEvent
	seq    uint64 // tells apart events recorded after New
}

// newWorld indexes e.
func newWorld(e *estate.Estate) *world {
	w := &world{
		e:         e,
		domain:    estateDomain(e),
		byEmail:   emailIndex(e),
		byID:      sortedIndex(len(e.People), func(a, b int32) int { return strings.Compare(e.People[a].GoogleID, e.People[b].GoogleID) }),
		nGrants:   int32(len(e.Grants)),
		nRevoked:  int32(len(e.Revoked)),
		vendors:   e.Vendors[:len(e.Vendors):len(e.Vendors)],
		vendorIdx: make(map[string]int32, len(e.Vendors)),
		suspended: map[int32]time.Time{},
	}
	for i, v := range e.Vendors {
		w.vendorIdx[v.GoogleClientID] = int32(i)
	}
	w.userGrants = groupGrants(len(e.People), e.Grants)
	return w
}

// groupGrants returns, per person, the indices of their grants, in estate order. The
// per-person slices share one backing array but have no spare capacity, so appending to one
// never writes into the next. New has checked every grant names a person.
func groupGrants(people int, grants []estate.Grant) [][]int32 {
	counts := make([]int32, people)
	for _, g := range grants {
		counts[g.Person]++
	}
	backing := make([]int32, 0, len(grants))
	out := make([][]int32, people)
	off := 0
	for p, n := range counts {
		out[p] = backing[off : off : off+int(n)]
		off += int(n)
	}
	for i, g := range grants {
		out[g.Person] = append(out[g.Person], int32(i))
	}
	return out
}

// estateDomain returns the estate's primary domain.
func estateDomain(e *estate.Estate) string {
	if e.Options.Domain != "" {
		return strings.ToLower(e.Options.Domain)
	}
	for _, p := range e.People {
		if _, d, ok := strings.Cut(p.Email, "@"); ok && d != "" {
			return strings.ToLower(d)
		}
	}
	return "example.com"
}

// view is a consistent snapshot of the mutable slices, for rendering without the lock.
type view struct {
	vendors []estate.Vendor
	extra   []estate.Grant
	dyn     []event
	admin   []adminEvent
}

// snapshot returns the current view.
func (w *world) snapshot() view {
	w.mu.RLock()
	defer w.mu.RUnlock()
	return view{vendors: w.vendors, extra: w.extra, dyn: w.dyn, admin: w.admin}
}

// grant returns grant i of the world.
func (w *world) grant(v view, i int32) *estate.Grant {
	switch {
	case i < w.nGrants:
		return &w.e.Grants[i]
	case i < w.nGrants+w.nRevoked:
		return &w.e.Revoked[i-w.nGrants]
	}
	return &v.extra[i-w.nGrants-w.nRevoked]
}

// person resolves a userKey: a primary email (without regard to case) or a Google user ID.
func (w *world) person(userKey string) (int32, bool) {
	ps := w.e.People
	if strings.Contains(userKey, "@") {
		k, ok := slices.BinarySearchFunc(w.byEmail, userKey, func(i int32, key string) int { return compareFold(ps[i].Email, key) })
		if ok {
			return w.byEmail[k], true
		}
		return -1, false
	}
	k, ok := slices.BinarySearchFunc(w.byID, userKey, func(i int32, key string) int { return strings.Compare(ps[i].GoogleID, key) })
	if ok {
		return w.byID[k], true
	}
	return -1, false
}

// emailIndex returns the people in order of email: the estate's EmailOrder when it has one
// in that order, else a fresh sort.
func emailIndex(e *estate.Estate) []int32 {
	cmpEmail := func(a, b int32) int { return compareFold(e.People[a].Email, e.People[b].Email) }
	if len(e.EmailOrder) == len(e.People) && slices.IsSortedFunc(e.EmailOrder, cmpEmail) {
		return e.EmailOrder
	}
	return sortedIndex(len(e.People), cmpEmail)
}

// sortedIndex returns 0..n-1 sorted by cmp (stably).
func sortedIndex(n int, cmp func(a, b int32) int) []int32 {
	idx := make([]int32, n)
	for i := range idx {
		idx[i] = int32(i)
	}
	if !slices.IsSortedFunc(idx, cmp) {
		slices.SortStableFunc(idx, cmp)
	}
	return idx
}

// compareFold compares two strings as if ASCII letters were lower case.
func compareFold(a, b string) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		ca, cb := lowerASCII(a[i]), lowerASCII(b[i])
		if ca != cb {
			return int(ca) - int(cb)
		}
	}
	return len(a) - len(b)
}

// lowerASCII lowers an ASCII upper-case letter.
func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// status returns a person's current status and, for suspended and departed people, since
// when.
func (w *world) status(p int32) (estate.Status, time.Time) {
	per := &w.e.People[p]
	if per.Status == estate.Active {
		w.mu.RLock()
		at, ok := w.suspended[p]
		w.mu.RUnlock()
		if ok {
			return estate.Suspended, at
		}
	}
	return per.Status, per.DepartedAt
}

// grantsOf returns the current grants of person p (not to be modified).
func (w *world) grantsOf(p int32) []int32 {
	w.mu.RLock()
	defer w.mu.RUnlock()
	return w.userGrants[p]
}

// firstAdmin returns the first active admin of the estate, the actor of the admin events the
// simulator derives, or -1.
func (w *world) firstAdmin() int32 {
	for i, p := range w.e.People {
		if p.Admin && p.Status == estate.Active {
			return int32(i)
		}
	}
	return -1
}
