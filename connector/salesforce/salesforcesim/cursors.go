package salesforcesim

import (
	"crypto/rand"
	"sync"
)

// maxCursors is how many query cursors stay open; the oldest are closed first.
const maxCursors = 1000

// cursor is an open query result: the records rendered when the query ran, whose user
// opened it and the query's text.
type cursor struct {
	user int
	soql string
	recs []rawRec
}

// cursors are the open query cursors, by locator.
type cursors struct {
	mu    sync.Mutex
	byLoc map[string]*cursor
	order []string
}

// newCursors returns an empty cursor store.
func newCursors() *cursors { return &cursors{byLoc: map[string]*cursor{}} }

// open stores a result and returns its locator, an ID of prefix 01g.
func (cs *cursors) open(user int, soql string, recs []rawRec) string {
	loc := caseSafe("01g" + rand.Text()[:12])
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if len(cs.order) >= maxCursors {
		delete(cs.byLoc, cs.order[0])
		cs.order = cs.order[1:]
	}
	cs.byLoc[loc] = &cursor{user: user, soql: soql, recs: recs}
	cs.order = append(cs.order, loc)
	return loc
}

// get returns the cursor of a locator.
func (cs *cursors) get(loc string) (*cursor, bool) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	c, ok := cs.byLoc[loc]
	return c, ok
}
