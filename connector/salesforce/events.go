package salesforce

import (
	"cmp"
	"context"
	"errors"
	"net/http"
	"slices"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector/internal/answers"
)

// Bounds of an events poll.
const (
	// eventWindow is how far back the first poll reads: event log files are kept 30 days.
	eventWindow = 30 * 24 * time.Hour
	// fileLag is how far FilesFrom trails a poll: a file appears an hour after its hour
	// ends, so no file older than two hours can still appear; one more hour of slack.
	fileLag = 3 * time.Hour
	// maxLoginRows and defaultMaxFiles bound one poll; the next goes on from there.
	maxLoginRows    = 10000
	defaultMaxFiles = 600
	// minEventRequests is the fewest requests a poll needs above the API reserve.
	minEventRequests = 5
)

// The API event types whose files the connector reads.
const soqlEventFiles = "SELECT Id, EventType, LogDate, LogFileLength FROM EventLogFile WHERE EventType IN " +
	"('ApiTotalUsage', 'RestApi', 'BulkApi2') AND Interval = 'Hourly' AND LogDate >= "

// loginRecord is a LoginHistory row.
type loginRecord struct {
	ID          string `json:"Id"`
	UserID      string `json:"UserId"`
	LoginTime   string `json:"LoginTime"`
	LoginType   string `json:"LoginType"`
	Application string `json:"Application"`
	SourceIP    string `json:"SourceIp"`
	Platform    string `json:"Platform"`
	Browser     string `json:"Browser"`
	Status      string `json:"Status"`
	APIType     string `json:"ApiType"`
	CountryISO  string `json:"CountryIso"`
}

// logFileRecord is an EventLogFile row.
type logFileRecord struct {
	ID        string `json:"Id"`
	EventType string `json:"EventType"`
	LogDate   string `json:"LogDate"`
}

// pending is one event to deliver and what delivering it records in the cursor.
type pending struct {
	ev nhi.Event
	// file is the event log file of an API event ("" for a login) and logDate its hour.
	file    string
	logDate time.Time
}

// Events calls fn with the org's sign-ins (LoginHistory) and API requests (the hourly
// ApiTotalUsage, RestApi and BulkApi2 event log files) after since, oldest first; see
// connector.EventSource and eventsCursor. The first poll reads the last 30 days. Without
// View Event Log Files only sign-ins are delivered, and a warning says so once.
func (c *Connector) Events(ctx context.Context, since nhi.Cursor, fn func(nhi.Event) error) (nhi.Cursor, error) {
	now := c.env.Clock()()
	cur := startCursor(now)
	if since != "" {
		var err error
		if cur, err = parseEventsCursor(since); err != nil {
			return "", err
		}
	}
	r := c.newRest(nil, true)
	sess, err := c.currentSession(ctx, nil)
	if err == nil {
		err = c.checkLimits(ctx, r, minEventRequests)
	}
	var evs []pending
	var undone time.Time
	if err == nil {
		evs, undone, err = c.readEvents(ctx, r, sess.orgID, &cur)
	}
	if err != nil {
		return since, c.mapError(err, "the login history and event log files")
	}
	return c.deliver(cur, evs, nextFrom(now, undone), fn)
}

// nextFrom returns where the next poll lists files from: fileLag before now, or the
// LogDate of the oldest file not delivered completely if that is earlier.
func nextFrom(now, undone time.Time) time.Time {
	from := now.Add(-fileLag)
	if !undone.IsZero() && undone.Before(from) {
		return undone
	}
	return from
}

// readEvents reads the logins and the API rows not delivered yet, in time order, and the
// LogDate of the oldest file it could not read completely (zero when none).
func (c *Connector) readEvents(ctx context.Context, r *rest, org string, cur *eventsCursor) ([]pending, time.Time, error) {
	logins, err := c.readLogins(ctx, r, org, cur)
	if err != nil {
		return nil, time.Time{}, err
	}
	rows, undone, err := c.readFiles(ctx, r, org, cur)
	if err != nil {
		return nil, time.Time{}, err
	}
	evs := slices.Concat(logins, rows)
	slices.SortStableFunc(evs, func(a, b pending) int {
		return cmp.Or(a.ev.Time.Compare(b.ev.Time), cmp.Compare(a.ev.ID, b.ev.ID))
	})
	return evs, undone, nil
}

// listFiles lists the API event log files since the cursor not delivered yet, at most
// maxFiles, and the LogDate of the oldest file it leaves for the next poll (zero when
// none). Without View Event Log Files it lists none and warns once.
func (c *Connector) listFiles(ctx context.Context, r *rest, cur *eventsCursor) ([]logFileRecord, time.Time, error) {
	var files []logFileRecord
	var left time.Time
	err := query(ctx, r, "event log files", soqlEventFiles+soqlTime(cur.FilesFrom)+" ORDER BY LogDate ASC",
		func(rs []logFileRecord) error {
			for _, f := range rs {
				if _, done := cur.Done[f.ID]; done || !validSFID(f.ID, "") {
					continue
				}
				if len(files) < c.maxFiles {
					files = append(files, f)
				} else if at := parseTime(f.LogDate); left.IsZero() || at.Before(left) {
					left = at
				}
			}
			return nil
		})
	if err != nil && (isCode(err, "INVALID_TYPE") || isInsufficient(err)) {
		c.noEventFiles.Do(func() {
			c.env.Log().WarnContext(ctx, "salesforce API events unavailable: the integration user lacks View Event "+
				"Log Files (or the org lacks Event Monitoring); delivering LoginHistory sign-ins only", "connector", c.cfg.Name)
		})
		return nil, time.Time{}, nil
	}
	return files, left, err
}

// readFiles reads the rows not yet delivered of the files listFiles gives, and the LogDate
// of the oldest file not delivered completely (zero when none).
func (c *Connector) readFiles(ctx context.Context, r *rest, org string, cur *eventsCursor) ([]pending, time.Time, error) {
	files, undone, err := c.listFiles(ctx, r, cur)
	if err != nil {
		return nil, time.Time{}, err
	}
	var out []pending
	for _, f := range files {
		logDate := parseTime(f.LogDate)
		rows, err := c.readFile(ctx, r, org, f.ID)
		if err != nil {
			return nil, time.Time{}, err
		}
		delivered := map[string]bool{}
		for _, id := range cur.Partial[f.ID] {
			delivered[id] = true
		}
		rows = slices.DeleteFunc(rows, func(p apiRow) bool { return delivered[p.requestID] })
		if len(rows) == 0 {
			cur.deliveredFile(f.ID, logDate)
			continue
		}
		if undone.IsZero() || logDate.Before(undone) {
			undone = logDate
		}
		for _, row := range rows {
			out = append(out, pending{ev: row.ev, file: f.ID, logDate: logDate})
		}
	}
	return out, undone, nil
}

// readFile downloads and parses one event log file.
func (c *Connector) readFile(ctx context.Context, r *rest, org, id string) ([]apiRow, error) {
	resp, err := r.do(ctx, call{method: http.MethodGet, path: c.dataPath("sobjects/EventLogFile/" + id + "/LogFile"),
		resource: "event log files"})
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	rows, err := readAPIFile(resp.Body, org)
	if errors.Is(err, answers.ErrTooLarge) {
		c.env.Log().WarnContext(ctx, "salesforce event log file over the size cap; reading its first rows only",
			"connector", c.cfg.Name, "file", id)
		err = nil
	}
	return rows, err
}
