package salesforcesim

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/nhiscope/nhi/estate"
)

// TokenCount returns the number of live OauthToken rows of the connected app with ID
// appID (a ConnectedApplication ID) held for the user with ID userID; "" matches any.
// Rows of a deactivated user count: Salesforce keeps them.
func (s *Server) TokenCount(appID, userID string) int {
	s.w.mu.RLock()
	defer s.w.mu.RUnlock()
	n := 0
	for _, t := range s.w.liveTokens() {
		if appID != "" && id15(s.w.apps[t.app].ID) != id15(appID) {
			continue
		}
		if userID != "" && id15(s.w.users[t.user].ID) != id15(userID) {
			continue
		}
		n++
	}
	return n
}

// UserState reports whether the user with ID userID is active and frozen; ok is false
// when there is no such user.
func (s *Server) UserState(userID string) (active, frozen, ok bool) {
	s.w.mu.RLock()
	defer s.w.mu.RUnlock()
	i, ok := s.w.user(userID)
	if !ok {
		return false, false, false
	}
	u := s.w.users[i]
	return u.IsActive, u.IsFrozen, true
}

// SetUserPermissions sets three system permissions of the user with the given username,
// for testing refusals: Customize Application (needed to see other users' OauthToken
// rows and to read connected apps through the Metadata API), View All Users (needed to
// see other users' LoginHistory) and View Event Log Files (needed for EventLogFile).
// View All Data, when the user holds it, grants the last two anyway.
func (s *Server) SetUserPermissions(username string, customizeApplication, viewAllUsers, viewEventLogFiles bool) error {
	s.w.mu.Lock()
	defer s.w.mu.Unlock()
	i, ok := s.w.byName[strings.ToLower(username)]
	if !ok {
		return fmt.Errorf("salesforcesim: no user %q", username)
	}
	u := s.w.users[i]
	u.CustomizeApplication, u.viewAllUsers, u.viewEventLogFiles = customizeApplication, viewAllUsers, viewEventLogFiles
	s.w.version++
	return nil
}

// AddLogin appends a LoginHistory row (and a row of the hour's Login event log file);
// l.User indexes the estate's Salesforce users. An empty ID is filled in.
func (s *Server) AddLogin(l estate.SFLogin) error {
	s.w.mu.Lock()
	defer s.w.mu.Unlock()
	if l.User < 0 || int(l.User) >= len(s.w.users) {
		return fmt.Errorf("salesforcesim: login user %d out of range", l.User)
	}
	if l.Time.IsZero() {
		return errors.New("salesforcesim: login has no time")
	}
	if l.ID == "" {
		l.ID = hashID("0Ya", s.w.orgID, "added", strconv.Itoa(len(s.w.logins)), l.Time.String())
	}
	s.w.logins = append(s.w.logins, l)
	s.w.version++
	return nil
}

// AddAPIEvent appends an API request to the event log files of its type and hour;
// ev.User and ev.App index the estate's Salesforce users and apps (App -1 for none). An
// empty RequestID is filled in.
func (s *Server) AddAPIEvent(ev estate.SFAPIEvent) error {
	s.w.mu.Lock()
	defer s.w.mu.Unlock()
	switch {
	case ev.User < 0 || int(ev.User) >= len(s.w.users):
		return fmt.Errorf("salesforcesim: API event user %d out of range", ev.User)
	case ev.App < -1 || int(ev.App) >= len(s.w.apps):
		return fmt.Errorf("salesforcesim: API event app %d out of range", ev.App)
	case !knownEventType(ev.EventType):
		return fmt.Errorf("salesforcesim: unknown event type %q", ev.EventType)
	case ev.Time.IsZero():
		return errors.New("salesforcesim: API event has no time")
	}
	if ev.RequestID == "" {
		ev.RequestID = randText(22, "request", s.w.orgID, strconv.Itoa(len(s.w.events)), ev.Time.String())
	}
	s.w.events = append(s.w.events, ev)
	s.w.version++
	return nil
}

// AddToken adds an OauthToken row of the connected app with ID appID for the user with ID
// userID, created (and last used) at at.
func (s *Server) AddToken(appID, userID string, at time.Time) error {
	s.w.mu.Lock()
	defer s.w.mu.Unlock()
	app, ok := s.w.appByID[id15(appID)]
	if !ok {
		return fmt.Errorf("salesforcesim: no connected app %q", appID)
	}
	u, ok := s.w.user(userID)
	if !ok {
		return fmt.Errorf("salesforcesim: no user %q", userID)
	}
	n := strconv.Itoa(len(s.w.tokens))
	s.w.tokens = append(s.w.tokens, &oauthToken{app: app, user: u, created: at, lastUsed: at, useCount: 1,
		id: hashID("0CQ", s.w.orgID, n), deleteToken: "5Aep861" + randText(80, "delete token", s.w.orgID, n)})
	s.w.version++
	return nil
}
