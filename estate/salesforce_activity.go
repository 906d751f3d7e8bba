package estate

import (
	"slices"
	"strings"
	"time"
)

// The LoginHistory values the generator uses.
const (
	sfLoginOAuth   = "Remote Access 2.0"
	sfLoginBrowser = "Application"
	sfSuccess      = "Success"
)

// addOAuthLogin adds a successful OAuth login of user u through app from ip.
func (g *sfGen) addOAuthLogin(u int32, at time.Time, app, ip, country, ua string) {
	g.s.Logins = append(g.s.Logins, SFLogin{User: u, Time: at, LoginType: sfLoginOAuth, Application: app,
		SourceIP: ip, UserAgent: ua, Platform: "Unknown", Browser: "Unknown", Status: sfSuccess, APIType: "N/A",
		CountryISO: country})
}

// addEvent adds an API event with the next REQUEST_ID and returns that ID.
func (g *sfGen) addEvent(ev SFAPIEvent) string {
	ev.RequestID = sfRequestID(g.salt, g.requests)
	g.requests++
	g.s.APIEvents = append(g.s.APIEvents, ev)
	return ev.RequestID
}

// jobID returns the ID of a new Bulk API 2.0 query job.
func (g *sfGen) jobID() string {
	g.jobs++
	return string(appendSFID(nil, sfPrefixBulkJob, g.pod, g.jobBase+g.jobs))
}

// objectSize returns how many records of an object the org holds.
func (g *sfGen) objectSize(entity string) int {
	n := len(g.people)
	switch entity {
	case "Account":
		return 5*n + 200
	case "Contact":
		return 12*n + 500
	case "Case":
		return 20*n + 1000
	case "Opportunity":
		return 4*n + 100
	case "Lead":
		return 8*n + 300
	case "User":
		return len(g.s.Users)
	}
	return n
}

// addServerActivity adds, for each day of the window, each server app's requests from
// its usual addresses and an OAuth login before the day's first, and counts them in the
// uses of the app's token in use.
func (g *sfGen) addServerActivity() {
	var ages []int64
	for a, spec := range g.specs {
		if spec.kind != sfServer {
			continue
		}
		r, u, tok := g.r, g.integ[a], &g.s.Tokens[g.primary[a]]
		objects, daily := strings.Fields(spec.objects), g.daily(spec)
		before := len(g.s.APIEvents)
		for d := g.windowAge/day - 1; d >= 0; d-- {
			ages = ages[:0]
			for range daily * (80 + r.IntN(41)) / 100 {
				ages = append(ages, d*day+1+r.Int64N(day-61))
			}
			slices.Sort(ages)
			slices.Reverse(ages)
			ip := g.hosts[a][r.IntN(2)]
			g.addOAuthLogin(u, g.at(ages[0]+1+r.Int64N(30)), g.s.Apps[a].Name, ip, spec.net.country, spec.ua)
			for _, age := range ages {
				g.addEvent(g.serverEvent(int32(a), spec, objects, age, ip))
			}
			if spec.bulk {
				g.addSyncJobs(int32(a), spec, objects, d*day+day/2, ip)
			}
		}
		tok.UseCount += len(g.s.APIEvents) - before
		tok.LastUsedAt = g.s.APIEvents[before].Time
		for _, ev := range g.s.APIEvents[before:] {
			if ev.Time.After(tok.LastUsedAt) {
				tok.LastUsedAt = ev.Time
			}
		}
	}
}

// serverEvent returns an ordinary request of server app a: mostly a REST query of one
// of its objects, some record reads and limit checks, SOAP calls for a SOAP client and
// record updates for an app that may modify all data.
func (g *sfGen) serverEvent(a int32, spec sfAppSpec, objects []string, age int64, ip string) SFAPIEvent {
	r := g.r
	ev := SFAPIEvent{Time: g.at(age), EventType: "RestApi", User: g.integ[a], App: a, APIFamily: "REST", Method: "GET",
		Resource: "/query", Entity: objects[r.IntN(len(objects))], ClientIP: ip, ClientName: spec.ua, StatusCode: 200}
	switch x := r.Float64(); {
	case spec.soap && x < 0.5:
		ev.EventType, ev.APIFamily, ev.Method, ev.Resource, ev.Rows = "ApiTotalUsage", "SOAP", "POST", "query", 1+r.IntN(100)
	case spec.modifyAll && x < 0.25:
		ev.Method, ev.Resource, ev.StatusCode, ev.Rows = "PATCH", "/sobjects", 204, 1
	case x < 0.10:
		ev.Resource, ev.Rows = "/sobjects", 1
	case x < 0.12:
		ev.Resource, ev.Entity = "/limits", ""
	default:
		ev.Rows = 1 + r.IntN(200)
	}
	if ev.Resource == "/query" || ev.Resource == "query" {
		ev.Query = sfSyncQuery(ev.Entity)
	}
	return ev
}

// sfSyncQuery returns an integration's incremental query of an object.
func sfSyncQuery(entity string) string {
	switch entity {
	case "Account":
		return "SELECT Id, Name, OwnerId, LastModifiedDate FROM Account WHERE LastModifiedDate = LAST_N_DAYS:1"
	case "Contact":
		return "SELECT Id, AccountId, Email, LastModifiedDate FROM Contact WHERE LastModifiedDate = LAST_N_DAYS:1"
	case "Case":
		return "SELECT Id, CaseNumber, Status, LastModifiedDate FROM Case WHERE LastModifiedDate = LAST_N_DAYS:1"
	case "Opportunity":
		return "SELECT Id, StageName, Amount, LastModifiedDate FROM Opportunity WHERE LastModifiedDate = LAST_N_DAYS:1"
	case "Lead":
		return "SELECT Id, Email, Status, LastModifiedDate FROM Lead WHERE LastModifiedDate = LAST_N_DAYS:1"
	}
	return "SELECT Id FROM " + entity
}

// addSyncJobs adds a day's Bulk API 2.0 sync of a bulk server app from age on: a query
// job per object, polled, its results downloaded; the jobs are left to expire.
func (g *sfGen) addSyncJobs(a int32, spec sfAppSpec, objects []string, age int64, ip string) {
	ev := SFAPIEvent{EventType: "BulkApi2", User: g.integ[a], App: a, APIFamily: "BulkV2", ClientIP: ip,
		ClientName: spec.ua, StatusCode: 200}
	for _, obj := range objects {
		ev.Entity, ev.JobID, ev.Query = obj, g.jobID(), "SELECT Id, LastModifiedDate FROM "+obj
		done := age - 30 - g.r.Int64N(120)
		for _, step := range []struct {
			age              int64
			method, resource string
			rows             int
		}{
			{age, "POST", "/jobs/query", 0},
			{age - 15, "GET", "/jobs/query/{id}", 0},
			{done, "GET", "/jobs/query/{id}/results", g.objectSize(obj)},
		} {
			ev.Time, ev.Method, ev.Resource, ev.Rows = g.at(step.age), step.method, step.resource, step.rows
			g.addEvent(ev)
		}
		age = done - 60
	}
}

// addPeopleActivity adds the people's browser logins, and the OAuth logins and
// requests of the apps they authorized.
func (g *sfGen) addPeopleActivity() {
	for u := range g.s.Users {
		if g.s.Users[u].Person >= 0 {
			g.addBrowserLogins(int32(u))
		}
	}
	for i := range g.s.Tokens {
		if g.specs[g.s.Tokens[i].App].kind != sfServer {
			g.addTokenActivity(&g.s.Tokens[i])
		}
	}
}

// addBrowserLogins adds user u's browser logins within the window: its last about when
// its person last signed in anywhere, a few before, and now and then a wrong password.
func (g *sfGen) addBrowserLogins(u int32) {
	r, user := g.r, &g.s.Users[u]
	p := &g.people[user.Person]
	if p.LastLoginAt.IsZero() {
		return
	}
	last := g.ageOf(p.LastLoginAt) + r.Int64N(day)
	limit := min(g.windowAge, g.ageOf(user.CreatedAt))
	if last >= limit-1 {
		return
	}
	place := &g.places[u]
	for k := range 1 + r.IntN(5) {
		age, status := last, sfSuccess
		if k > 0 {
			age = last + 1 + r.Int64N(limit-last-1)
			if r.Float64() < 0.04 {
				status = "Invalid Password"
			}
		}
		g.s.Logins = append(g.s.Logins, SFLogin{User: u, Time: g.at(age), LoginType: sfLoginBrowser, Application: "Browser",
			SourceIP: place.ip, UserAgent: place.browser.ua, Platform: place.browser.platform, Browser: place.browser.browser,
			Status: status, APIType: "N/A", CountryISO: place.country})
	}
}

// addTokenActivity adds the activity of a person's token used within the window: at
// its last use and up to two times before, an OAuth login and a query, from the app's
// addresses (or, for a tool on the person's computer, the person's). The token's uses
// count them.
func (g *sfGen) addTokenActivity(t *SFToken) {
	if t.LastUsedAt.IsZero() {
		return
	}
	last := g.ageOf(t.LastUsedAt)
	if last >= g.windowAge {
		return
	}
	r, spec := g.r, g.specs[t.App]
	ip, country := g.hosts[t.App][r.IntN(2)], spec.net.country
	if spec.net.a == 0 {
		ip, country = g.places[t.User].ip, g.places[t.User].country
	}
	objects := strings.Fields(spec.objects)
	limit := min(g.windowAge, g.ageOf(t.CreatedAt))
	n := 0
	for k := range 1 + r.IntN(3) {
		age := last
		if k > 0 {
			if limit-last <= 1 {
				break
			}
			age = last + 1 + r.Int64N(limit-last-1)
		}
		at := g.at(age)
		g.addOAuthLogin(t.User, at, g.s.Apps[t.App].Name, ip, country, spec.ua)
		entity := objects[r.IntN(len(objects))]
		g.addEvent(SFAPIEvent{Time: at, EventType: "RestApi", User: t.User, App: t.App, APIFamily: "REST",
			Method: "GET", Resource: "/query", Entity: entity, Query: sfSyncQuery(entity), ClientIP: ip,
			ClientName: spec.ua, StatusCode: 200, Rows: 1 + r.IntN(50)})
		n++
	}
	t.UseCount = max(t.UseCount, n)
}
