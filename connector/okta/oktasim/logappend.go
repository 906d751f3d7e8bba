package oktasim

import (
	"fmt"
	"net/netip"
	"regexp"
	"time"
)

// LogEvent is a System Log event for AppendEvent: something a client of the org did that
// the simulator does not carry out itself, such as an access token a service app got
// from an authorization server (app.oauth2.as.token.grant.access_token).
type LogEvent struct {
	EventType string
	// Published is the event's time; zero means now (Options.Now).
	Published time.Time
	// ActorID is the user or app that acted; TargetID the user, app or API token acted
	// on. Both must exist in the org.
	ActorID, TargetID string
	// IP is the client's address; "" means none.
	IP string
	// Scope is the scope of a grant event, if any.
	Scope string
}

// eventTypeName matches a System Log event type.
var eventTypeName = regexp.MustCompile(`^[a-z0-9_]+(\.[a-z0-9_]+)+$`)

// AppendEvent appends e at the end of the System Log, with its actor and target resolved
// as the log renders them, and returns its UUID. The event is visible, to polls and to
// the event hooks subscribed to its type, from the moment AppendEvent returns, whatever
// its published time: an event published before others already listed is what a late
// event looks like.
func (s *Server) AppendEvent(e LogEvent) (string, error) {
	if !eventTypeName.MatchString(e.EventType) {
		return "", fmt.Errorf("oktasim: bad event type %q", e.EventType)
	}
	if e.IP != "" {
		if _, err := netip.ParseAddr(e.IP); err != nil {
			return "", fmt.Errorf("oktasim: bad client address %q", e.IP)
		}
	}
	s.w.mu.Lock()
	defer s.w.mu.Unlock()
	ev := event{eventType: e.EventType, published: e.Published, scope: e.Scope, ip: e.IP}
	if ev.published.IsZero() {
		ev.published = s.now()
	}
	var ok bool
	if ev.actorID, ev.actorType, ev.actorAlt, ev.actorName, ok = s.w.party(e.ActorID); !ok || ev.actorType == "Token" {
		return "", fmt.Errorf("oktasim: no user or app %q to act", e.ActorID)
	}
	if ev.actorType == "AppInstance" {
		ev.actorType = "PublicClientApp" // an app acts as its OAuth client
	}
	if ev.targetID, ev.targetType, _, ev.targetName, ok = s.w.party(e.TargetID); !ok {
		return "", fmt.Errorf("oktasim: no user, app or API token %q", e.TargetID)
	}
	s.w.seq++
	ev.uuid = changeID("evt", s.w.seq)
	s.w.append(ev)
	return ev.uuid, nil
}

// party resolves the ID of a user, an app or an API token to its ID, log type, alternate
// ID and display name. w.mu is held.
func (w *world) party(id string) (string, string, string, string, bool) {
	if u, ok := w.user(id); ok {
		return u.id, "User", u.person.Email, u.person.GivenName + " " + u.person.FamilyName, true
	}
	if a, ok := w.app(id); ok {
		return a.ID, "AppInstance", a.ID, a.Label, true
	}
	if t, ok := w.tokens[id]; ok {
		return t.id, "Token", t.id, t.name, true
	}
	return "", "", "", "", false
}
