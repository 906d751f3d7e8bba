package estate

import (
	"fmt"
	"time"
)

// The System Log event types the estate writes.
const (
	OktaEventTokenCreate    = "system.api_token.create"
	OktaEventTokenRevoke    = "system.api_token.revoke"
	OktaEventAppCreate      = "application.lifecycle.create"
	OktaEventAppDeactivate  = "application.lifecycle.deactivate"
	OktaEventConsentGrant   = "app.oauth2.as.consent.grant"
	OktaEventScopeGrant     = "app.oauth2.scope.grant"
	OktaEventAccessTokenApp = "app.oauth2.token.grant.access_token"
)

// addEvents writes the System Log of the last OktaLogWindow: tokens created and
// deprovisioned, service apps created and deactivated, their scope grants, people's
// consents, and service apps' last token requests.
func (g *oktaGen) addEvents() {
	o := g.o
	for _, t := range o.Tokens {
		g.event(OktaEventTokenCreate, t.Created, t.User, -1, "Token", t.ID, t.Name, "")
	}
	for _, t := range o.Revoked {
		g.event(OktaEventTokenCreate, t.Created, t.User, -1, "Token", t.ID, t.Name, "")
		g.event(OktaEventTokenRevoke, t.RevokedAt, 0, -1, "Token", t.ID, t.Name, "")
	}
	for i, a := range o.Apps {
		if !a.Service() {
			continue
		}
		g.event(OktaEventAppCreate, a.Created, a.CreatedBy, -1, "AppInstance", a.ID, a.Label, "")
		if a.Status == OktaAppInactive {
			g.event(OktaEventAppDeactivate, a.LastUpdated, 0, -1, "AppInstance", a.ID, a.Label, "")
		}
		if !a.LastUsed.IsZero() {
			g.event(OktaEventAccessTokenApp, a.LastUsed, -1, int32(i), "AppInstance", a.ID, a.Label, "")
		}
	}
	for _, gr := range o.Grants {
		a := &o.Apps[gr.App]
		g.event(OktaEventScopeGrant, gr.Created, gr.CreatedBy, -1, "AppInstance", a.ID, a.Label, gr.Scope)
	}
	for _, c := range o.Consents {
		a := &o.Apps[c.App]
		for _, s := range c.Scopes {
			g.event(OktaEventConsentGrant, c.Created, c.User, -1, "AppInstance", a.ID, a.Label, s)
		}
	}
}

// event appends an event at t if t lies within the log window.
func (g *oktaGen) event(typ string, t time.Time, actor, actorApp int32, targetType, targetID, targetName, scope string) {
	if g.now.Sub(t) > OktaLogWindow || t.After(g.now) {
		return
	}
	g.o.Events = append(g.o.Events, OktaEvent{UUID: newGUID(g.r), Published: t, EventType: typ,
		Actor: actor, ActorApp: actorApp, TargetType: targetType, TargetID: targetID, TargetName: targetName,
		Scope: scope, IP: fmt.Sprintf("198.51.100.%d", 1+g.r.IntN(254))})
}
