package googleworkspacesim

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/nhiscope/nhi/estate"
)

// addEvent records a token event of grant gi. w.mu is held for writing.
func (w *world) addEvent(gi int32, kind eventKind, at time.Time) {
	w.seq++
	ev := event{at: ms(at), grant: gi, kind: kind, seq: uint16(16 + w.seq%65_000)}
	w.dyn = insertEvent(w.dyn, ev)
}

// addAdminEvent records an admin event. w.mu is held for writing.
func (w *world) addAdminEvent(at time.Time, actor int32, name, email string) {
	w.seq++
	w.admin = insertAdmin(w.admin, userEvent(at, 1<<40+w.seq, actor, name, email))
}

// activeUser returns the person userKey names if they exist and are active.
func (s *Server) activeUser(userKey string) (int32, error) {
	p, ok := s.w.person(userKey)
	if !ok {
		return 0, fmt.Errorf("no user %q", userKey)
	}
	if st, _ := s.w.status(p); st != estate.Active {
		return 0, fmt.Errorf("user %q is %s", userKey, st)
	}
	return p, nil
}

// AddGrant records that the user (an active person's email or ID) authorized the app
// clientID for scopes at the given time: the grant appears in the user's tokens (scopes
// merged into an existing grant to the same app, as incremental authorization does) and an
// authorize event in the token audit log. An unknown clientID becomes an app whose display
// name is the client ID.
func (s *Server) AddGrant(userEmail, clientID string, scopes []string, at time.Time) error {
	if clientID == "" || len(scopes) == 0 {
		return errors.New("add grant: client ID and scopes are required")
	}
	p, err := s.activeUser(userEmail)
	if err != nil {
		return fmt.Errorf("add grant: %w", err)
	}
	w := s.w
	w.mu.Lock()
	defer w.mu.Unlock()
	vi, ok := w.vendorIdx[clientID]
	if !ok {
		vi = int32(len(w.vendors))
		w.vendors = append(w.vendors[:len(w.vendors):len(w.vendors)],
			estate.Vendor{Product: clientID, GoogleClientID: clientID, ClientType: "WEB"})
		w.vendorIdx[clientID] = vi
	}
	g := estate.Grant{Person: p, Vendor: vi, Scopes: slices.Clone(scopes), AuthorizedAt: at}
	ids := slices.Clone(w.userGrants[p])
	gi := int32(len(w.extra)) + w.nGrants + w.nRevoked
	if i := s.findGrant(view{vendors: w.vendors, extra: w.extra}, ids, clientID); i >= 0 {
		old := w.grant(view{vendors: w.vendors, extra: w.extra}, ids[i])
		g.Scopes = mergeScopes(old.Scopes, scopes)
		g.LastUsedAt = old.LastUsedAt
		ids[i] = gi
	} else {
		ids = append(ids, gi)
	}
	w.extra = append(w.extra, g)
	w.userGrants[p] = slices.Clip(ids)
	w.addEvent(gi, evAuthorize, at)
	return nil
}

// mergeScopes returns a followed by the scopes of b it lacks.
func mergeScopes(a, b []string) []string {
	out := slices.Clone(a)
	for _, sc := range b {
		if !slices.Contains(out, sc) {
			out = append(out, sc)
		}
	}
	return out
}

// RecordActivity records an API call by the app clientID on the user's behalf at the given
// time: an activity event in the token audit log. The user must hold a grant to the app.
func (s *Server) RecordActivity(userEmail, clientID string, at time.Time) error {
	p, ok := s.w.person(userEmail)
	if !ok {
		return fmt.Errorf("record activity: no user %q", userEmail)
	}
	w := s.w
	w.mu.Lock()
	defer w.mu.Unlock()
	ids := w.userGrants[p]
	i := s.findGrant(view{vendors: w.vendors, extra: w.extra}, ids, clientID)
	if i < 0 {
		return fmt.Errorf("record activity: %s has no grant to %s", userEmail, clientID)
	}
	w.addEvent(ids[i], evActivity, at)
	return nil
}

// SuspendUser suspends an active user at the given time and records SUSPEND_USER in the
// admin audit log. Suspending a suspended user does nothing.
func (s *Server) SuspendUser(email string, at time.Time) error {
	p, ok := s.w.person(email)
	if !ok {
		return fmt.Errorf("suspend user: no user %q", email)
	}
	switch st, _ := s.w.status(p); st {
	case estate.Suspended:
		return nil
	case estate.Departed:
		return fmt.Errorf("suspend user: %q is deleted", email)
	}
	w := s.w
	w.mu.Lock()
	defer w.mu.Unlock()
	if _, done := w.suspended[p]; done {
		return nil
	}
	w.suspended[p] = at
	w.addAdminEvent(at, w.firstAdmin(), "SUSPEND_USER", w.e.People[p].Email)
	return nil
}
