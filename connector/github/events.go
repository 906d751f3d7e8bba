package github

import (
	"context"
	"slices"
	"strings"
	"time"

	gh "github.com/google/go-github/v89/github"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
)

// EventWindow is how far back Events starts with the zero cursor: the 90 days GitHub's
// API keeps web events of the audit log.
const EventWindow = 90 * 24 * time.Hour

var _ connector.EventSource = (*Connector)(nil)

// orgEvent is an audit-log event with its organization.
type orgEvent struct {
	org string
	ev  nhi.Event
}

// Events reads the audit log of every configured organization after since and calls fn
// for each event about tokens, credential authorizations, app installations, deploy and
// SSH keys, webhooks and Actions secrets, oldest first; see connector.EventSource. It
// needs the owner token (scope read:audit_log). The zero cursor starts EventWindow back;
// later reads look EventLateness back from the newest event handled in each
// organization and skip the events handled before, so that events sharing a millisecond
// and events listed late are delivered once. When fn fails, Events stops and returns
// the cursor of the last event fn accepted with fn's error; when a log cannot be read,
// it returns since.
func (c *Connector) Events(ctx context.Context, since nhi.Cursor, fn func(nhi.Event) error) (nhi.Cursor, error) {
	if c.creds.owner == "" {
		return since, nhi.Errorf(nhi.CodeForbidden, "github: reading the audit log needs an organization owner's "+
			"classic token with scope read:audit_log: configure token")
	}
	cur := eventCursor{}
	if since != "" {
		var err error
		if cur, err = parseEventCursor(since); err != nil {
			return since, err
		}
	}
	start := c.env.Clock()().Add(-EventWindow).UTC().Truncate(time.Second)
	cl := c.clients(func(connector.Progress) {})
	var all []orgEvent
	for _, org := range c.cfg.Organizations {
		k := strings.ToLower(org)
		st, ok := cur[k]
		if !ok {
			st = orgEvents{Floor: start}
		}
		evs, err := c.readAudit(ctx, cl.owner, org, st)
		if err != nil {
			return since, err
		}
		cur[k] = st
		all = append(all, evs...)
	}
	slices.SortStableFunc(all, func(a, b orgEvent) int { return a.ev.Time.Compare(b.ev.Time) })
	for _, e := range all {
		if err := fn(e.ev); err != nil {
			return nhi.Cursor(cur.String()), err
		}
		k := strings.ToLower(e.org)
		cur[k] = cur[k].advance(e.ev.Time, e.ev.ID)
	}
	return nhi.Cursor(cur.String()), nil
}

// readAudit reads org's audit log from st's floor, oldest first, and returns the events
// of interest not handled before.
func (c *Connector) readAudit(ctx context.Context, owner *gh.Client, org string, st orgEvents) ([]orgEvent, error) {
	phrase := "created:>=" + st.Floor.UTC().Format(time.RFC3339)
	order := "asc"
	opts := &gh.GetAuditLogOptions{Phrase: &phrase, Order: &order, ListCursorOptions: gh.ListCursorOptions{PerPage: perPage}}
	handled, seen := st.handled(), map[string]bool{}
	var out []orgEvent
	for range maxPages {
		entries, resp, err := owner.Organizations.GetAuditLog(ctx, org, opts)
		if err != nil {
			return nil, c.mapError(err, resAudit)
		}
		for _, e := range entries {
			ev, ok := toEvent(org, e)
			if !ok || ev.Time.Before(st.Floor) || handled[ev.ID] {
				continue
			}
			handled[ev.ID] = true
			out = append(out, orgEvent{org: org, ev: ev})
		}
		if resp == nil || resp.After == "" {
			return out, nil
		}
		if seen[resp.After] {
			return nil, c.mapError(errPageLoop, resAudit)
		}
		seen[resp.After], opts.After = true, resp.After
	}
	return nil, c.mapError(errPageLoop, resAudit)
}
