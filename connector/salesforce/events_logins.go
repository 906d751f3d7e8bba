package salesforce

import (
	"context"
	"strconv"
	"time"

	"github.com/nhiscope/nhi"
)

// soqlLogins reads the LoginHistory rows from a time on, oldest first.
const soqlLogins = "SELECT Id, UserId, LoginTime, LoginType, Application, SourceIp, Platform, Browser, Status, ApiType, " +
	"CountryIso FROM LoginHistory WHERE LoginTime >= "

// readLogins reads the LoginHistory rows since the cursor that it has not delivered.
func (c *Connector) readLogins(ctx context.Context, r *rest, org string, cur *eventsCursor) ([]pending, error) {
	var rows []loginRecord
	soql := soqlLogins + soqlTime(cur.Login.Truncate(time.Second)) + " ORDER BY LoginTime ASC LIMIT " + strconv.Itoa(maxLoginRows)
	err := query(ctx, r, "login history", soql, func(rs []loginRecord) error {
		for _, l := range rs {
			if validSFID(l.ID, "") && !cur.seenLogin(l.ID) {
				rows = append(rows, l)
			}
		}
		return nil
	})
	if err != nil || len(rows) == 0 {
		return nil, err
	}
	apps, err := c.appsByName(ctx, r, rows)
	if err != nil {
		return nil, err
	}
	out := make([]pending, 0, len(rows))
	for _, l := range rows {
		if ev, ok := loginEvent(org, &l, apps); ok {
			out = append(out, pending{ev: ev})
		}
	}
	return out, nil
}

// appsByName returns the connected apps' IDs by name when a login names an app: a login
// row names its app, not its ID.
func (c *Connector) appsByName(ctx context.Context, r *rest, rows []loginRecord) (map[string]string, error) {
	need := false
	for _, l := range rows {
		need = need || (l.Application != "" && l.Application != "Browser" && l.Application != "N/A")
	}
	out := map[string]string{}
	if !need {
		return out, nil
	}
	err := query(ctx, r, resApps, "SELECT Id, Name FROM ConnectedApplication", func(rs []appRecord) error {
		for _, a := range rs {
			if _, dup := out[a.Name]; !dup {
				out[a.Name] = a.ID
			}
		}
		return nil
	})
	return out, err
}

// loginEvent converts a LoginHistory row; ok is false without a time.
func loginEvent(org string, l *loginRecord, apps map[string]string) (nhi.Event, bool) {
	at := parseTime(l.LoginTime)
	if at.IsZero() {
		return nhi.Event{}, false
	}
	ev := nhi.Event{ID: l.ID, Platform: nhi.PlatformSalesforce, Tenant: org, Time: at, Kind: nhi.EventSignIn,
		Activity: clip(l.LoginType, 100), Actor: clip(l.UserID, 18), AppID: apps[l.Application],
		Target: clip(l.Application, 200), SourceIP: clip(l.SourceIP, 64), Result: "failure"}
	if l.Status == "Success" {
		ev.Result = "success"
	}
	ev.Details = map[string]string{}
	for k, v := range map[string]string{"login_type": l.LoginType, "application": l.Application, "status": l.Status,
		"platform": l.Platform, "browser": l.Browser, "api_type": l.APIType, "country": l.CountryISO} {
		if v = clip(v, 200); v != "" {
			ev.Details[k] = v
		}
	}
	return ev, true
}

// deliver calls fn with evs in order, recording each in cur, and returns the cursor
// after the last event fn accepted (with fn's error), or after all of them with FilesFrom
// moved to from.
func (c *Connector) deliver(cur eventsCursor, evs []pending, from time.Time, fn func(nhi.Event) error) (nhi.Cursor, error) {
	left := map[string]int{}
	for _, p := range evs {
		if p.file != "" {
			left[p.file]++
		}
	}
	for _, p := range evs {
		if err := fn(p.ev); err != nil {
			return nhi.Cursor(cur.String()), err
		}
		if p.file == "" {
			cur.deliveredLogin(p.ev.ID, p.ev.Time)
			continue
		}
		cur.deliveredRow(p.file, p.ev.ID)
		if left[p.file]--; left[p.file] == 0 {
			cur.deliveredFile(p.file, p.logDate)
		}
	}
	cur.advance(from)
	return nhi.Cursor(cur.String()), nil
}
