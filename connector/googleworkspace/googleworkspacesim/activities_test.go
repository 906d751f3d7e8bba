package googleworkspacesim

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/nhiscope/nhi/estate"
)

func TestTokenActivitiesFollowTheEstate(t *testing.T) {
	t.Parallel()
	e := smallEstate()
	_, u, tok := newTestServer(t, e, Options{})
	acts := listActivities(t, u, tok, "all", "token", url.Values{})
	checkNewestFirst(t, acts)
	cutoff := testNow.Add(-lookBack)
	type grantKey struct{ email, client string }
	authorized := map[grantKey]bool{}
	lastUse := map[grantKey]time.Time{}
	firstAuth := map[grantKey]time.Time{}
	for _, gs := range [][]estate.Grant{e.Grants, e.Revoked} {
		for _, g := range gs {
			k := grantKey{e.People[g.Person].Email, e.Vendors[g.Vendor].GoogleClientID}
			firstAuth[k] = g.AuthorizedAt
			if !g.AuthorizedAt.Before(cutoff) {
				authorized[k] = true
			}
			if !g.LastUsedAt.IsZero() && !g.LastUsedAt.Before(cutoff) {
				lastUse[k] = g.LastUsedAt
			}
		}
	}
	gotAuthorized := map[grantKey]bool{}
	gotLastUse := map[grantKey]time.Time{}
	revokes := 0
	for i := range acts {
		a := &acts[i]
		client, _ := a.param("client_id")
		k := grantKey{a.Actor.Email, client.Value}
		at := parseTime(t, a.ID.Time)
		if at.Before(cutoff) || at.After(testNow) {
			t.Errorf("event at %s outside the look-back", at)
		}
		if a.Kind != "admin#reports#activity" || a.ID.ApplicationName != "token" || a.ID.CustomerID != e.CustomerID ||
			a.Actor.CallerType != "USER" || a.OwnerDomain != "example.com" || a.IPAddress == "" || a.Events[0].Type != "auth" {
			t.Errorf("activity envelope: %+v", a)
		}
		switch a.Events[0].Name {
		case "authorize":
			gotAuthorized[k] = true
		case "activity":
			if at.After(gotLastUse[k]) {
				gotLastUse[k] = at
			}
			if !at.After(firstAuth[k]) {
				t.Errorf("activity of %v at %s before its authorization %s", k, at, firstAuth[k])
			}
		case "revoke":
			revokes++
			if k != (grantKey{"dave@example.com", "111-pdf.apps.googleusercontent.com"}) || !at.After(firstAuth[k]) {
				t.Errorf("unexpected revoke %v at %s", k, at)
			}
		}
	}
	if diff := cmp.Diff(authorized, gotAuthorized); diff != "" {
		t.Errorf("authorize events (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(lastUse, gotLastUse); diff != "" {
		t.Errorf("latest activity per grant (-want +got):\n%s", diff)
	}
	if revokes != 1 {
		t.Errorf("%d revoke events, want 1", revokes)
	}
}

func TestTokenActivityShape(t *testing.T) {
	t.Parallel()
	e := smallEstate()
	_, u, tok := newTestServer(t, e, Options{})
	acts := listActivities(t, u, tok, "dave@example.com", "token", url.Values{})
	names := func(a *wireActivity) []string {
		var out []string
		for _, p := range a.Events[0].Parameters {
			out = append(out, p.Name)
		}
		return out
	}
	seen := map[string]bool{}
	for i := range acts {
		a := &acts[i]
		seen[a.Events[0].Name] = true
		app, _ := a.param("app_name")
		if app.Value != e.Vendors[1].Product && app.Value != e.Vendors[0].Product {
			t.Errorf("app_name %q is not verbatim", app.Value)
		}
		switch a.Events[0].Name {
		case "authorize", "revoke":
			if diff := cmp.Diff([]string{"client_id", "app_name", "client_type", "scope_data", "scope"}, names(a)); diff != "" {
				t.Errorf("%s parameters (-want +got):\n%s", a.Events[0].Name, diff)
			}
			sd, _ := a.param("scope_data")
			sc, _ := a.param("scope")
			if len(sd.MultiMessageValue) != len(sc.MultiValue) || len(sd.MultiMessageValue[0].Parameter) != 2 ||
				sd.MultiMessageValue[0].Parameter[0].Value != sc.MultiValue[0] {
				t.Errorf("scope_data %+v does not match scope %v", sd, sc.MultiValue)
			}
		case "activity":
			if diff := cmp.Diff([]string{"api_name", "method_name", "client_id", "app_name", "client_type",
				"num_response_bytes", "product_bucket"}, names(a)); diff != "" {
				t.Errorf("activity parameters (-want +got):\n%s", diff)
			}
			n, _ := a.param("num_response_bytes")
			pb, _ := a.param("product_bucket")
			api, _ := a.param("api_name")
			if _, err := strconv.ParseInt(n.IntValue, 10, 64); err != nil || len(pb.MultiValue) != 1 || pb.MultiValue[0] != "DRIVE" || api.Value != "drive" {
				t.Errorf("activity values: bytes %q bucket %v api %q", n.IntValue, pb.MultiValue, api.Value)
			}
		}
	}
	if !seen["authorize"] || !seen["activity"] || !seen["revoke"] {
		t.Errorf("event names seen %v, want authorize, activity and revoke", seen)
	}
}

func TestActivitiesPagingAndQualifiers(t *testing.T) {
	t.Parallel()
	e := bigEstate(400)
	_, u, tok := newTestServer(t, e, Options{})
	full := listActivities(t, u, tok, "all", "token", url.Values{})
	if len(full) < 500 {
		t.Fatalf("only %d events; the test needs more", len(full))
	}
	checkNewestFirst(t, full)
	negative := 0
	for i := range full {
		if qualifier(t, &full[i]) < 0 {
			negative++
		}
	}
	if negative == 0 || negative == len(full) {
		t.Errorf("%d of %d qualifiers negative, want some but not all", negative, len(full))
	}
	for _, size := range []string{"1", "2", "7", "1000"} {
		got := listActivities(t, u, tok, "all", "token", url.Values{"maxResults": {size}})
		if diff := cmp.Diff(keys(full), keys(got)); diff != "" {
			t.Errorf("maxResults=%s (-want +got):\n%s", size, diff)
		}
	}
	_, uCapped, tokCapped := newTestServer(t, e, Options{MaxPageSize: 50})
	var page wireActivities
	getJSON(t, uCapped+"/admin/reports/v1/activity/users/all/applications/token", tokCapped, &page)
	if len(page.Items) != 50 || page.NextPageToken == "" {
		t.Errorf("capped page: %d items, next %q; want 50 and a next page", len(page.Items), page.NextPageToken)
	}
}

func TestActivitiesFilters(t *testing.T) {
	t.Parallel()
	e := bigEstate(200)
	_, u, tok := newTestServer(t, e, Options{})
	full := listActivities(t, u, tok, "all", "token", url.Values{})
	client := e.Vendors[3].GoogleClientID
	var user estate.Person // the actor of the newest event
	for _, p := range e.People {
		if p.Email == full[0].Actor.Email {
			user = p
		}
	}
	start, end := days(60), days(30)
	paramIs := func(name, value string) func(*wireActivity) bool {
		return func(a *wireActivity) bool { p, ok := a.param(name); return ok && p.Value == value }
	}
	tests := []struct {
		name, userKey string
		q             url.Values
		keep          func(*wireActivity) bool
	}{
		{"client_id==", "all", url.Values{"filters": {"client_id==" + client}}, paramIs("client_id", client)},
		{"client_id<>", "all", url.Values{"filters": {"client_id<>" + client}},
			func(a *wireActivity) bool { return !paramIs("client_id", client)(a) }},
		{"two filters", "all", url.Values{"filters": {"client_id==" + client + ",app_name==App 3"}}, paramIs("client_id", client)},
		{"eventName", "all", url.Values{"eventName": {"activity"}}, func(a *wireActivity) bool { return a.Events[0].Name == "activity" }},
		{"userKey by email", user.Email, url.Values{}, func(a *wireActivity) bool { return a.Actor.Email == user.Email }},
		{"userKey by id", user.GoogleID, url.Values{}, func(a *wireActivity) bool { return a.Actor.ProfileID == user.GoogleID }},
		{"time window", "all", url.Values{"startTime": {start.Format(time.RFC3339)}, "endTime": {end.Format(time.RFC3339)}},
			func(a *wireActivity) bool { at := parseTime(t, a.ID.Time); return !at.Before(start) && !at.After(end) }},
		{"start before the look-back", "all", url.Values{"startTime": {days(400).Format(time.RFC3339)}},
			func(*wireActivity) bool { return true }},
		{"actorIpAddress", "all", url.Values{"actorIpAddress": {full[0].IPAddress}},
			func(a *wireActivity) bool { return a.IPAddress == full[0].IPAddress }},
		{"customerId", "all", url.Values{"customerId": {e.CustomerID}}, func(*wireActivity) bool { return true }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.q.Set("maxResults", "37")
			want := subset(full, tt.keep)
			if len(want) == 0 {
				t.Fatal("the filter keeps nothing; the test proves nothing")
			}
			got := listActivities(t, u, tok, tt.userKey, "token", tt.q)
			if diff := cmp.Diff(keys(want), keys(got)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestActivitiesErrors(t *testing.T) {
	t.Parallel()
	_, u, tok := newTestServer(t, smallEstate(), Options{})
	var first wireActivities
	getJSON(t, u+"/admin/reports/v1/activity/users/all/applications/token?maxResults=1", tok, &first)
	base := u + "/admin/reports/v1/activity/users/"
	tests := []struct {
		name, url string
		status    int
	}{
		{"start after end", base + "all/applications/token?startTime=2025-08-02T00:00:00Z&endTime=2025-08-01T00:00:00Z", 400},
		{"start at end", base + "all/applications/token?startTime=2025-08-01T00:00:00Z&endTime=2025-08-01T00:00:00.000Z", 400},
		{"bad startTime", base + "all/applications/token?startTime=yesterday", 400},
		{"maxResults 0", base + "all/applications/token?maxResults=0", 400},
		{"maxResults 1001", base + "all/applications/token?maxResults=1001", 400},
		{"bad filter", base + "all/applications/token?filters=client_id~x", 400},
		{"bad page token", base + "all/applications/token?pageToken=Zm9v", 400},
		{"page token of another query", base + "all/applications/token?eventName=revoke&pageToken=" + first.NextPageToken, 400},
		{"unknown application", base + "all/applications/drive", 400},
		{"other customer", base + "all/applications/token?customerId=C0other99", 400},
		{"unknown user", base + "nobody@example.com/applications/token", 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			status, body := call(t, http.MethodGet, tt.url, tok)
			if code, _, _ := errorOf(t, body); status != tt.status || code != tt.status {
				t.Errorf("status %d (envelope %d), want %d: %s", status, code, tt.status, body)
			}
		})
	}
}

func TestAdminActivities(t *testing.T) {
	t.Parallel()
	e := smallEstate()
	s, u, tok := newTestServer(t, e, Options{})
	acts := listActivities(t, u, tok, "all", "admin", url.Values{})
	checkNewestFirst(t, acts)
	var got []string
	for i := range acts {
		a := &acts[i]
		if a.ID.ApplicationName != "admin" || a.Actor.Email != "admin@example.com" {
			t.Errorf("admin activity envelope: %+v", a.ID)
		}
		ev := a.Events[0]
		got = append(got, ev.Type+" "+ev.Name+" "+ev.Parameters[0].Value)
	}
	want := []string{
		"USER_SETTINGS DELETE_USER carol@example.com",
		"USER_SETTINGS SUSPEND_USER bob@example.com",
		"DOMAIN_SETTINGS AUTHORIZE_API_CLIENT_ACCESS " + s.ServiceAccountClientID(),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("admin events (-want +got):\n%s", diff)
	}
	dwd := listActivities(t, u, tok, "all", "admin", url.Values{"eventName": {"AUTHORIZE_API_CLIENT_ACCESS"},
		"filters": {"API_CLIENT_NAME==" + s.ServiceAccountClientID()}})
	if len(dwd) != 1 {
		t.Fatalf("%d DWD events, want 1", len(dwd))
	}
	if sc, _ := dwd[0].param("API_SCOPES"); !cmp.Equal(sc.MultiValue, DefaultDelegatedScopes()) {
		t.Errorf("API_SCOPES = %v", sc.MultiValue)
	}
}
