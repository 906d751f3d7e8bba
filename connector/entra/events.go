package entra

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
)

// EventWindow is how far back Events starts with the zero cursor: the 30 days Entra ID
// keeps directory audit events with a P1 or P2 licence.
const EventWindow = 30 * 24 * time.Hour

// resAudits names the directory audit log in progress events and messages.
const resAudits = "directoryAudits"

var _ connector.EventSource = (*Connector)(nil)

// Events reads the tenant's directory audit log (category ApplicationManagement: consents,
// delegated grants, app role assignments, credentials, owners, service principals) after
// since and calls fn for each event, oldest first; see connector.EventSource. The zero
// cursor starts EventWindow back; later reads look EventLateness back from the newest
// event handled, so that an event Graph lists late is still delivered, once. It needs the Graph application permission
// AuditLog.Read.All. When fn fails, Events stops and returns the cursor of the last event
// fn accepted with fn's error; when the log cannot be read, it returns since.
func (c *Connector) Events(ctx context.Context, since nhi.Cursor, fn func(nhi.Event) error) (nhi.Cursor, error) {
	from := eventCursor{Floor: c.env.Clock()().Add(-EventWindow).UTC().Truncate(time.Second)}
	if since != "" {
		var err error
		if from, err = parseEventCursor(since); err != nil {
			return since, err
		}
	}
	audits, err := c.readAudits(ctx, from.Floor)
	if err != nil {
		return since, err
	}
	cur, accepted, handled := from, 0, from.handled()
	for i := range audits {
		ev, ok := c.toEvent(&audits[i])
		if !ok {
			c.env.Log().WarnContext(ctx, "microsoft entra: skipped a directory audit event without a valid id or time",
				"connector", c.cfg.Name)
			continue
		}
		if ev.Time.Before(cur.Floor) || handled[ev.ID] || !strings.EqualFold(audits[i].Category, auditCategory) {
			continue
		}
		if err := fn(ev); err != nil {
			if accepted == 0 && since != "" {
				return since, err
			}
			return nhi.Cursor(cur.String()), err
		}
		cur, accepted, handled[ev.ID] = cur.advance(ev.Time, ev.ID), accepted+1, true
	}
	return nhi.Cursor(cur.String()), nil
}

// readAudits reads the ApplicationManagement events at or after at, oldest first (Graph
// lists them newest first; events of one time keep Graph's relative order, reversed).
func (c *Connector) readAudits(ctx context.Context, at time.Time) ([]directoryAudit, error) {
	hc, _ := c.client(ctx, func(connector.Progress) {})
	g := &graph{hc: hc, base: c.cfg.GraphURL, progress: func(connector.Progress) {}}
	filter := fmt.Sprintf("activityDateTime ge %s and category eq '%s'", at.UTC().Format(time.RFC3339Nano), auditCategory)
	rel := "v1.0/auditLogs/directoryAudits?$filter=" + strings.ReplaceAll(url.QueryEscape(filter), "+", "%20") +
		"&$top=" + pageSize
	var all []directoryAudit
	_, err := list(ctx, g, resAudits, rel, func(p []directoryAudit) error {
		all = append(all, p...)
		return nil
	})
	if err != nil {
		return nil, c.auditError(err)
	}
	slices.Reverse(all)
	slices.SortStableFunc(all, func(a, b directoryAudit) int {
		return auditTime(a).Compare(auditTime(b))
	})
	return all, nil
}

// auditTime returns the time of an event, or the zero time when it has none.
func auditTime(a directoryAudit) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, a.ActivityDateTime)
	return t
}

// auditError maps an error of reading the audit log: a refusal names the permission the
// log needs; anything else is mapped as any other listing's.
func (c *Connector) auditError(err error) error {
	if ge := asGraph(err); ge != nil && denied(err) {
		return nhi.WrapError(nhi.CodeForbidden, ge, fmt.Sprintf(
			"%s may not read the directory audit log: grant it the Microsoft Graph application permission %s, with admin consent",
			c.describe(), PermissionAuditLog))
	}
	return c.mapError(err, "the directory audit log")
}
