package okta

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"time"

	"github.com/nhiscope/nhi"
)

// FullScanInterval is how old the last full scan may be before an incremental scan turns
// into a full one, picking up what the System Log does not show (people's status, admin
// roles of people who created no token, last uses).
const FullScanInterval = 24 * time.Hour

// scanCursor is the cursor Discover returns: when the last full scan ran and where the
// System Log stood then.
type scanCursor struct {
	Full time.Time   `json:"full"`
	Log  eventCursor `json:"log"`
}

// parseScanCursor reads a cursor Discover returned.
func parseScanCursor(s nhi.Cursor) (scanCursor, error) {
	var c scanCursor
	if err := json.Unmarshal([]byte(s), &c); err != nil || c.Full.IsZero() || c.Log.Since.IsZero() {
		return c, nhi.Errorf(nhi.CodeInvalid, "okta: scan cursor is not one Discover returned")
	}
	return c, nil
}

// String encodes the cursor.
func (c scanCursor) String() string {
	b, _ := json.Marshal(c)
	return string(b)
}

// fullCursor returns the cursor after a full scan started at now: the newest event the
// System Log holds of the types Events reads (one request, newest first). Without
// okta.logs.read the scan still succeeds, with an empty cursor: scans stay full.
func (c *Connector) fullCursor(ctx context.Context, s *scan, now time.Time) (nhi.Cursor, error) {
	cur := eventCursor{Since: now.Add(-EventWindow).UTC().Truncate(time.Second)}
	q := url.Values{"since": {cur.Since.Format(logTime)}, "until": {now.Add(time.Hour).UTC().Format(logTime)},
		"sortOrder": {"DESCENDING"}, "limit": {"1"}, "filter": {logFilter()}}
	var page []logEvent
	if _, err := s.api.send(ctx, "GET", "/api/v1/logs?"+q.Encode(), &page); err != nil {
		if fatal(err) {
			return "", c.mapError(err, "the System Log")
		}
		c.env.Log().WarnContext(ctx, "okta: cannot read the System Log; scans stay full", "connector", c.cfg.Name,
			"error", nhi.ErrorMessage(c.mapError(err, "the System Log")))
		return "", nil
	}
	if len(page) > 0 && !page[0].Published.IsZero() {
		cur = eventCursor{Since: page[0].Published.UTC(), Seen: []string{nhi.CleanText(page[0].UUID)}}
	}
	return nhi.Cursor(scanCursor{Full: now, Log: cur}.String()), nil
}

// incremental reports what changed since cur. The API tokens are always listed again (a
// token that expires leaves no event), with their creators and roles; the System Log
// says whether apps and scope grants changed (then the apps are listed again) and whose
// consents did (then theirs are; all people's when an event does not name the person).
func (c *Connector) incremental(ctx context.Context, s *scan, cur scanCursor) (nhi.Cursor, error) {
	s.partial = true
	var apps, everyone bool
	people := map[string]bool{}
	log, err := c.readLog(ctx, s.api, cur.Log, func(e *logEvent, _ nhi.Event) error {
		switch {
		case strings.HasPrefix(e.EventType, "application.lifecycle."), strings.HasPrefix(e.EventType, "app.oauth2.scope."):
			apps = true
		case strings.HasPrefix(e.EventType, "app.oauth2.as.consent."), e.EventType == "app.oauth2.as.token.revoke":
			if e.Actor.Type == "User" && e.Actor.ID != "" {
				people[e.Actor.ID] = true
			} else {
				everyone = true
			}
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	if err := s.tokens(ctx); err != nil {
		return "", c.mapError(err, "API tokens")
	}
	if apps || everyone || len(people) > 0 {
		if err := s.serviceApps(ctx); err != nil {
			return "", c.mapError(err, "apps")
		}
	}
	if err := s.changedGrants(ctx, everyone, people); err != nil {
		return "", c.mapError(err, "OAuth grants")
	}
	return nhi.Cursor(scanCursor{Full: cur.Full, Log: log}.String()), nil
}

// changedGrants reports the grants of the people named (of everyone, when everyone).
func (s *scan) changedGrants(ctx context.Context, everyone bool, people map[string]bool) error {
	if everyone {
		if err := s.users(ctx); err != nil {
			return err
		}
		return s.grants(ctx)
	}
	for id := range people {
		if err := s.creator(ctx, id); err != nil {
			return err
		}
		if u := s.people[id]; u != nil {
			if err := s.personGrants(ctx, u); err != nil {
				return err
			}
		}
	}
	return nil
}

// creator reads user id and their admin roles, unless known; a user Okta no longer has
// is left unknown.
func (s *scan) creator(ctx context.Context, id string) error {
	if _, ok := s.people[id]; !ok {
		var u user
		_, err := s.api.send(ctx, "GET", "/api/v1/users/"+url.PathEscape(id), &u)
		switch {
		case isNotFound(err):
		case err != nil:
			return err
		default:
			s.people[id] = &u
		}
	}
	if _, ok := s.roles[id]; ok {
		return nil
	}
	var roles []roleAssignment
	if _, err := s.api.send(ctx, "GET", "/api/v1/users/"+url.PathEscape(id)+"/roles", &roles); err != nil && !isNotFound(err) {
		return err
	}
	s.roles[id] = activeRoles(roles)
	return nil
}
