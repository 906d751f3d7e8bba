package okta

import (
	"context"
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
)

// EventWindow is how far back Events starts with the zero cursor: the 90 days Okta keeps
// the System Log.
const EventWindow = 90 * 24 * time.Hour

var _ connector.EventSource = (*Connector)(nil)

// eventKinds maps the System Log event types Events reads to nhi's kinds: API tokens,
// apps, their okta.* scope grants, people's consents and token grants.
func eventKinds() map[string]nhi.EventKind {
	return map[string]nhi.EventKind{
		"system.api_token.create":                nhi.EventCredentialAdded,
		"system.api_token.revoke":                nhi.EventCredentialRemoved,
		"application.lifecycle.create":           nhi.EventAppAdded,
		"application.lifecycle.update":           nhi.EventAppChanged,
		"application.lifecycle.activate":         nhi.EventAppChanged,
		"application.lifecycle.deactivate":       nhi.EventAppChanged,
		"application.lifecycle.delete":           nhi.EventAppChanged,
		"app.oauth2.scope.grant":                 nhi.EventPermissionAdded,
		"app.oauth2.scope.revoke":                nhi.EventGrantRemoved,
		"app.oauth2.as.consent.grant":            nhi.EventConsentGranted,
		"app.oauth2.as.consent.revoke":           nhi.EventGrantRemoved,
		"app.oauth2.as.token.revoke":             nhi.EventGrantRemoved,
		"app.oauth2.token.grant.access_token":    nhi.EventSignIn,
		"app.oauth2.as.token.grant":              nhi.EventSignIn,
		"app.oauth2.as.token.grant.access_token": nhi.EventSignIn,
		"user.account.privilege.grant":           nhi.EventPermissionAdded,
	}
}

// eventCursor is where Events resumes: the time of the last event delivered and the
// UUIDs of the events delivered at that time (the System Log's since is inclusive).
type eventCursor struct {
	Since time.Time `json:"since"`
	Seen  []string  `json:"seen,omitempty"`
}

// parseEventCursor reads a cursor Events returned.
func parseEventCursor(s nhi.Cursor) (eventCursor, error) {
	var c eventCursor
	if err := json.Unmarshal([]byte(s), &c); err != nil || c.Since.IsZero() {
		return c, nhi.Errorf(nhi.CodeInvalid, "okta: event cursor %q is not one Events returned", shorten(nhi.CleanText(string(s)), 80))
	}
	return c, nil
}

// String encodes the cursor.
func (c eventCursor) String() string {
	b, _ := json.Marshal(c)
	return string(b)
}

// Events reads the System Log (polling mode: since, ascending, no until) after since and
// calls fn for each event about API tokens, apps, their grants and people's consents,
// oldest first; see connector.EventSource. It needs okta.logs.read. When fn fails,
// Events stops and returns the cursor of the last event fn accepted with fn's error; when
// the log cannot be read, it returns that cursor too, so nothing is lost or repeated.
func (c *Connector) Events(ctx context.Context, since nhi.Cursor, fn func(nhi.Event) error) (nhi.Cursor, error) {
	cur := eventCursor{Since: c.env.Clock()().Add(-EventWindow).UTC().Truncate(time.Second)}
	if since != "" {
		var err error
		if cur, err = parseEventCursor(since); err != nil {
			return since, err
		}
	}
	cur, err := c.readLog(ctx, c.newAPI(ctx, nil), cur, func(_ *logEvent, ev nhi.Event) error { return fn(ev) })
	return nhi.Cursor(cur.String()), err
}

// readLog reads the System Log after cur and calls fn with each event Events reads, raw
// and converted, oldest first. It returns the cursor of the last event fn accepted, with
// fn's error or the log's, mapped.
func (c *Connector) readLog(ctx context.Context, api *api, cur eventCursor, fn func(*logEvent, nhi.Event) error) (eventCursor, error) {
	kinds := eventKinds()
	q := url.Values{"since": {cur.Since.Format(logTime)}, "sortOrder": {"ASCENDING"}, "limit": {"1000"}, "filter": {logFilter()}}
	rel := "/api/v1/logs?" + q.Encode()
	for rel != "" {
		var page []logEvent
		h, err := api.send(ctx, "GET", rel, &page)
		if err != nil {
			return cur, c.mapError(err, "the System Log")
		}
		for i := range page {
			ev, ok := c.toEvent(&page[i], kinds)
			if !ok || ev.Time.Before(cur.Since) || ev.Time.Equal(cur.Since) && slices.Contains(cur.Seen, ev.ID) {
				continue
			}
			if err := fn(&page[i], ev); err != nil {
				return cur, err
			}
			cur = cur.advance(ev)
		}
		if len(page) == 0 { // polling mode always links to a next page: stop when caught up
			break
		}
		if rel, err = api.next(h); err != nil {
			return cur, c.mapError(err, "the System Log")
		}
	}
	return cur, nil
}

// logTime is how System Log queries write times.
const logTime = "2006-01-02T15:04:05.000Z"

// logFilter returns the System Log filter of the event types Events reads.
func logFilter() string {
	types := make([]string, 0, len(eventKinds()))
	for t := range eventKinds() {
		types = append(types, `eventType eq "`+t+`"`)
	}
	slices.Sort(types)
	return strings.Join(types, " or ")
}

// advance returns the cursor after ev.
func (c eventCursor) advance(ev nhi.Event) eventCursor {
	if ev.Time.After(c.Since) {
		return eventCursor{Since: ev.Time, Seen: []string{ev.ID}}
	}
	c.Seen = append(slices.Clone(c.Seen), ev.ID)
	return c
}

// toEvent converts a System Log event; false for one without a UUID or time, or of a type
// Events does not read.
func (c *Connector) toEvent(e *logEvent, kinds map[string]nhi.EventKind) (nhi.Event, bool) {
	kind, ok := kinds[e.EventType]
	if !ok || e.UUID == "" || e.Published.IsZero() {
		return nhi.Event{}, false
	}
	ev := nhi.Event{ID: nhi.CleanText(e.UUID), Platform: nhi.PlatformOkta, Tenant: c.tenant, Time: e.Published.UTC(),
		Kind: kind, Activity: e.EventType, Actor: nhi.CleanText(firstOf(e.Actor.AlternateID, e.Actor.ID)),
		Result: strings.ToLower(nhi.CleanText(e.Outcome.Result)), SourceIP: nhi.CleanText(e.Client.IPAddress),
		UserAgent: shorten(nhi.CleanText(e.Client.UserAgent.Raw), 200)}
	if len(e.Target) > 0 {
		t := e.Target[0]
		ev.TargetID, ev.Target = nhi.CleanText(t.ID), shorten(nhi.CleanText(t.DisplayName), 200)
		if t.Type == "AppInstance" {
			ev.AppID = ev.TargetID
		}
	}
	for k, v := range e.DebugContext.DebugData {
		if s, ok := v.(string); ok && len(ev.Details) < 10 {
			if ev.Details == nil {
				ev.Details = map[string]string{}
			}
			ev.Details[shorten(nhi.CleanText(k), 64)] = shorten(nhi.CleanText(s), 500)
		}
	}
	return ev, true
}

// firstOf returns the first non-empty string, "unknown" aside.
func firstOf(ss ...string) string {
	for _, s := range ss {
		if s != "" && s != "unknown" {
			return s
		}
	}
	return ""
}
