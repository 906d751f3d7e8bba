package oktasim

import (
	"fmt"
	"slices"
	"time"

	"github.com/nhiscope/nhi/estate"
)

// Token is an API token as the state accessors show it.
type Token struct {
	ID, Name, UserID string
	ExpiresAt        time.Time
}

// Consent is a person's consent to a client as the state accessors show it.
type Consent struct {
	ClientID string
	Scopes   []string
	// TokenID is the refresh token's ID, empty when there is none.
	TokenID string
}

// Event is a System Log event as the state accessors show it.
type Event struct {
	UUID, EventType, TargetID string
	Published                 time.Time
}

// Token returns the live API token with ID id.
func (s *Server) Token(id string) (Token, bool) {
	s.w.mu.RLock()
	defer s.w.mu.RUnlock()
	t, ok := s.w.tokens[id]
	if !ok {
		return Token{}, false
	}
	return Token{ID: t.id, Name: t.name, UserID: t.userID, ExpiresAt: t.expiresAt}, true
}

// AppStatus returns the status of the app with ID id ("ACTIVE" or "INACTIVE").
func (s *Server) AppStatus(id string) (string, bool) {
	s.w.mu.RLock()
	defer s.w.mu.RUnlock()
	a, ok := s.w.app(id)
	if !ok {
		return "", false
	}
	return a.Status, true
}

// AppScopes returns the okta.* scopes granted to the app with ID id, in grant order.
func (s *Server) AppScopes(id string) []string {
	s.w.mu.RLock()
	defer s.w.mu.RUnlock()
	a, ok := s.w.app(id)
	if !ok {
		return nil
	}
	out := []string{}
	for _, g := range a.grants {
		out = append(out, g.scope)
	}
	return out
}

// Consents returns the consents of the user with ID userID.
func (s *Server) Consents(userID string) []Consent {
	s.w.mu.RLock()
	defer s.w.mu.RUnlock()
	var out []Consent
	for _, c := range s.w.consents[s.w.userIdx[userID]] {
		cs := Consent{ClientID: c.clientID, TokenID: c.tokenID}
		for _, g := range c.scopes {
			cs.Scopes = append(cs.Scopes, g.scope)
		}
		out = append(out, cs)
	}
	return out
}

// Events returns the System Log, oldest first.
func (s *Server) Events() []Event {
	s.w.mu.RLock()
	defer s.w.mu.RUnlock()
	out := make([]Event, len(s.w.events))
	for i, ev := range s.w.events {
		out[i] = Event{UUID: ev.uuid, EventType: ev.eventType, TargetID: ev.targetID, Published: ev.published}
	}
	return out
}

// AddToken adds an API token created now by the user with ID userID, used now, and logs
// system.api_token.create. It returns the token's ID.
func (s *Server) AddToken(userID, name string) (string, error) {
	s.w.mu.Lock()
	defer s.w.mu.Unlock()
	if _, ok := s.w.user(userID); !ok {
		return "", fmt.Errorf("oktasim: no user %q", userID)
	}
	s.w.seq++
	now := s.now()
	t := &token{id: changeID("00T", s.w.seq), name: name, userID: userID, connection: estate.OktaAnywhere,
		created: now, lastUpdated: now, expiresAt: now.Add(estate.OktaTokenWindow)}
	s.w.tokens[t.id] = t
	s.w.log(now, "system.api_token.create", userID, "User", t.id, "Token", name, "")
	return t.id, nil
}

// ExpireToken removes the API token with ID id as Okta does when its window runs out,
// without a log event; false when there is none.
func (s *Server) ExpireToken(id string) bool {
	s.w.mu.Lock()
	defer s.w.mu.Unlock()
	_, ok := s.w.tokens[id]
	delete(s.w.tokens, id)
	return ok
}

// AddServiceApp adds an active OAuth service app created now by the admin with ID
// creatorID and granted scopes, and logs its creation. It returns the app's ID.
func (s *Server) AddServiceApp(label string, scopes []string, creatorID string) (string, error) {
	s.w.mu.Lock()
	defer s.w.mu.Unlock()
	if _, ok := s.w.user(creatorID); !ok {
		return "", fmt.Errorf("oktasim: no user %q", creatorID)
	}
	s.w.seq++
	now := s.now()
	a := &app{OktaApp: estate.OktaApp{ID: changeID("0oa", s.w.seq), Name: "oidc_client", Label: label,
		Status: estate.OktaAppActive, SignOnMode: "OPENID_CONNECT", AppType: estate.OktaService,
		AuthMethod: "private_key_jwt", Vendor: -1, Created: now, LastUpdated: now}}
	for _, sc := range slices.Clone(scopes) {
		s.w.seq++
		a.grants = append(a.grants, &appGrant{id: changeID("oag", s.w.seq), scope: sc, createdBy: creatorID, created: now})
	}
	s.w.appIdx[a.ID] = len(s.w.apps)
	s.w.apps = append(s.w.apps, a)
	s.w.log(now, "application.lifecycle.create", creatorID, "User", a.ID, "AppInstance", label, "")
	return a.ID, nil
}
