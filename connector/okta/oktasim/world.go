package oktasim

import (
	"slices"
	"sync"
	"time"

	"github.com/nhiscope/nhi/estate"
)

// world is the org's mutable state, built from the estate. mu guards everything but the
// fields set in newWorld and never changed (issuer, users' identity, people).
type world struct {
	mu      sync.RWMutex
	issuer  string
	users   []user
	userIdx map[string]int
	tokens  map[string]*token
	apps    []*app
	appIdx  map[string]int
	// consents are people's consents, by Users index.
	consents map[int][]*consent
	events   []event
	// seq counts IDs made by changes, so that they are unique and reproducible.
	seq int
	// onLog, if set, is told of each event appended after the org was built, as it
	// becomes visible (the Server's event hooks).
	onLog func(*event)
}

// user is a user of the org.
type user struct {
	id            string
	person        estate.Person
	status        string
	roles         []string
	statusChanged time.Time
}

// token is a live API token.
type token struct {
	id, name, userID, connection string
	include, exclude             []string
	created, lastUpdated         time.Time
	expiresAt                    time.Time
}

// app is an app with its okta.* scope grants.
type app struct {
	estate.OktaApp
	grants []*appGrant
}

// appGrant is an okta.* scope granted to an app.
type appGrant struct {
	id, scope, createdBy string
	created              time.Time
}

// consent is a person's consent to a user-facing app: a grant per scope and an optional
// refresh token.
type consent struct {
	clientID string
	scopes   []scopeGrant
	created  time.Time
	// tokenID is empty once the refresh token is revoked (or for none).
	tokenID      string
	tokenUpdated time.Time
}

// scopeGrant is one scope of a consent.
type scopeGrant struct{ id, scope string }

// event is a System Log event, its actor and target resolved.
type event struct {
	uuid, eventType               string
	published                     time.Time
	actorID, actorType, actorName string
	actorAlt                      string
	targetID, targetType          string
	targetName, scope, ip         string
}

// newWorld copies the estate's org.
func newWorld(e *estate.Estate) *world {
	o := e.Okta
	w := &world{issuer: "https://" + o.OrgName + ".okta.com", userIdx: map[string]int{},
		tokens: map[string]*token{}, appIdx: map[string]int{}, consents: map[int][]*consent{}}
	for i, u := range o.Users {
		w.users = append(w.users, user{id: u.ID, person: e.People[u.Person], status: u.Status,
			roles: slices.Clone(u.Roles), statusChanged: u.StatusChanged})
		w.userIdx[u.ID] = i
	}
	for _, t := range o.Tokens {
		tk := &token{id: t.ID, name: t.Name, userID: o.Users[t.User].ID, connection: t.Connection,
			created: t.Created, lastUpdated: t.Created, expiresAt: t.ExpiresAt()}
		for _, z := range t.Include {
			tk.include = append(tk.include, o.Zones[z].ID)
		}
		for _, z := range t.Exclude {
			tk.exclude = append(tk.exclude, o.Zones[z].ID)
		}
		w.tokens[t.ID] = tk
	}
	for i, a := range o.Apps {
		w.appIdx[a.ID] = i
		w.apps = append(w.apps, &app{OktaApp: a})
	}
	for _, g := range o.Grants {
		a := w.apps[g.App]
		a.grants = append(a.grants, &appGrant{id: g.ID, scope: g.Scope, createdBy: o.Users[g.CreatedBy].ID, created: g.Created})
	}
	for _, c := range o.Consents {
		cs := &consent{clientID: o.Apps[c.App].ID, created: c.Created, tokenID: c.TokenID, tokenUpdated: c.LastUsed}
		for k, s := range c.Scopes {
			cs.scopes = append(cs.scopes, scopeGrant{id: c.GrantIDs[k], scope: s})
		}
		w.consents[int(c.User)] = append(w.consents[int(c.User)], cs)
	}
	for _, ev := range o.Events {
		w.events = append(w.events, w.eventOf(o, ev))
	}
	return w
}

// eventOf resolves an estate event.
func (w *world) eventOf(o *estate.Okta, ev estate.OktaEvent) event {
	out := event{uuid: ev.UUID, eventType: ev.EventType, published: ev.Published, targetID: ev.TargetID,
		targetType: ev.TargetType, targetName: ev.TargetName, scope: ev.Scope, ip: ev.IP}
	if ev.Actor >= 0 {
		u := &w.users[ev.Actor]
		out.actorID, out.actorType, out.actorAlt = u.id, "User", u.person.Email
		out.actorName = u.person.GivenName + " " + u.person.FamilyName
	} else {
		a := &o.Apps[ev.ActorApp]
		out.actorID, out.actorType, out.actorAlt, out.actorName = a.ID, "PublicClientApp", a.ID, a.Label
	}
	return out
}

// user returns the user with ID id. w.mu is held.
func (w *world) user(id string) (*user, bool) {
	i, ok := w.userIdx[id]
	if !ok {
		return nil, false
	}
	return &w.users[i], true
}

// app returns the app with ID id. w.mu is held.
func (w *world) app(id string) (*app, bool) {
	i, ok := w.appIdx[id]
	if !ok {
		return nil, false
	}
	return w.apps[i], true
}

// log appends an event made by a change at t. w.mu is held for writing.
func (w *world) log(t time.Time, eventType, actorID, actorType, targetID, targetType, targetName, scope string) {
	w.seq++
	w.append(event{uuid: changeID("evt", w.seq), eventType: eventType, published: t,
		actorID: actorID, actorType: actorType, actorAlt: actorID, actorName: actorID,
		targetID: targetID, targetType: targetType, targetName: targetName, scope: scope, ip: "127.0.0.1"})
}

// append makes ev visible at the end of the System Log and tells onLog. w.mu is held for
// writing.
func (w *world) append(ev event) {
	w.events = append(w.events, ev)
	if w.onLog != nil {
		w.onLog(&w.events[len(w.events)-1])
	}
}
