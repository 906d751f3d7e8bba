package oktasim

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/nhiscope/nhi/estate"
)

func TestSystemLog(t *testing.T) {
	t.Parallel()
	e := org(t)
	s, ts := start(t, Options{})
	since := e.Options.Now.Add(-estate.OktaLogWindow).Format(time.RFC3339)
	q := url.Values{"since": {since}, "limit": {"5"}, "filter": {`eventType eq "app.oauth2.token.grant.access_token" or eventType eq "application.lifecycle.deactivate" or eventType eq "system.api_token.create"`}}
	var got []string
	u := ts.URL + "/api/v1/logs?" + q.Encode()
	for range 1000 {
		resp, body := call(t, "GET", u, ssws)
		var page []struct{ UUID string }
		if err := json.Unmarshal(body, &page); err != nil || resp.StatusCode != 200 {
			t.Fatalf("logs: %d %s", resp.StatusCode, body)
		}
		for _, p := range page {
			got = append(got, p.UUID)
		}
		u = nextLink(resp)
		if len(page) == 0 {
			break
		}
	}
	if u == "" {
		t.Error("a polling query has no next link")
	}
	var want []string
	for _, ev := range s.Events() {
		if ev.EventType == "app.oauth2.token.grant.access_token" || ev.EventType == "application.lifecycle.deactivate" || ev.EventType == "system.api_token.create" {
			want = append(want, ev.UUID)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" || len(want) == 0 {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	if _, err := s.AddToken(e.Okta.Users[0].ID, "new"); err != nil {
		t.Fatal(err)
	}
	resp, body := call(t, "GET", u, ssws)
	if !strings.Contains(string(body), "system.api_token.create") || nextLink(resp) == "" {
		t.Errorf("polling after a change: %s", body)
	}
	until := url.Values{"since": {since}, "limit": {"1000"}, "until": {e.Options.Now.Format(time.RFC3339)}}
	if resp, _ := call(t, "GET", ts.URL+"/api/v1/logs?"+until.Encode(), ssws); nextLink(resp) != "" {
		t.Error("a bounded query that is done has a next link")
	}
}

func TestSystemLogDescending(t *testing.T) {
	t.Parallel()
	e := org(t)
	s, ts := start(t, Options{})
	evs := s.Events()
	q := url.Values{"until": {e.Options.Now.Add(time.Hour).Format(time.RFC3339)}, "since": {e.Options.Now.Add(-estate.OktaLogWindow).Format(time.RFC3339)},
		"sortOrder": {"DESCENDING"}, "limit": {"1"}}
	resp, body := call(t, "GET", ts.URL+"/api/v1/logs?"+q.Encode(), ssws)
	var page []struct{ UUID string }
	if err := json.Unmarshal(body, &page); err != nil || len(page) != 1 || page[0].UUID != evs[len(evs)-1].UUID {
		t.Errorf("newest event = %s, want %s", body, evs[len(evs)-1].UUID)
	}
	if nextLink(resp) == "" {
		t.Error("no next link though older events remain")
	}
	q.Del("until")
	if resp, _ := call(t, "GET", ts.URL+"/api/v1/logs?"+q.Encode(), ssws); resp.StatusCode != 400 {
		t.Errorf("descending poll: %d, want 400", resp.StatusCode)
	}
}
