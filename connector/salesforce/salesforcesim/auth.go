package salesforcesim

import (
	"crypto/rand"
	"sync"
	"time"
)

// maxSessions is how many sessions are remembered; the oldest are forgotten first.
const maxSessions = 10_000

// session is what the simulator remembers of an access token: whose it is and until when.
type session struct {
	user    int
	expires time.Time
}

// sessions are the access tokens the token endpoint issued.
type sessions struct {
	mu    sync.Mutex
	byTok map[string]session
	order []string
}

// newSessions returns an empty session store.
func newSessions() *sessions { return &sessions{byTok: map[string]session{}} }

// issue returns a new access token for user, shaped like Salesforce's:
// "<15-character org ID>!<random>".
func (ss *sessions) issue(orgID string, user int, expires time.Time) string {
	tok := id15(orgID) + "!AQ" + rand.Text() + rand.Text() + rand.Text()
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if len(ss.order) >= maxSessions {
		delete(ss.byTok, ss.order[0])
		ss.order = ss.order[1:]
	}
	ss.byTok[tok] = session{user: user, expires: expires}
	ss.order = append(ss.order, tok)
	return tok
}

// lookup returns the session of tok if it is known and unexpired at now.
func (ss *sessions) lookup(tok string, now time.Time) (session, bool) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	s, ok := ss.byTok[tok]
	if !ok || !now.Before(s.expires) {
		return session{}, false
	}
	return s, true
}

// caller is the user an API request runs as, with the permissions the simulator checks.
type caller struct {
	user   int
	userID string
	// version is the API version of the request's path ("v62.0").
	version                                                            string
	customizeApplication, viewAllUsers, viewEventLogFiles, viewAllData bool
}

// callerOf returns the live session user of tok: false when the token is unknown or
// expired, or its user was deactivated or frozen since.
func (s *Server) callerOf(tok string) (caller, bool) {
	sess, ok := s.sessions.lookup(tok, s.now())
	if !ok {
		return caller{}, false
	}
	s.w.mu.RLock()
	defer s.w.mu.RUnlock()
	u := s.w.users[sess.user]
	if !u.IsActive || u.IsFrozen {
		return caller{}, false
	}
	return caller{user: sess.user, userID: u.ID, customizeApplication: u.CustomizeApplication,
		viewAllUsers: u.viewAllUsers || u.ManageUsers || u.ViewAllData, viewEventLogFiles: u.viewEventLogFiles || u.ViewAllData,
		viewAllData: u.ViewAllData}, true
}

// end forgets the session of tok; false when there is none.
func (ss *sessions) end(tok string) bool {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if _, ok := ss.byTok[tok]; !ok {
		return false
	}
	delete(ss.byTok, tok)
	return true
}
