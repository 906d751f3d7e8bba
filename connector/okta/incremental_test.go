package okta_test

import (
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/connector/connectortest"
	"github.com/nhiscope/nhi/connector/okta"
	"github.com/nhiscope/nhi/connector/okta/oktasim"
)

// change sends one change to the simulator with the API token.
func change(t *testing.T, method, u string) {
	t.Helper()
	req, err := http.NewRequest(method, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "SSWS "+oktasim.DefaultAPIToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode >= 300 {
		t.Fatalf("%s %s: %d", method, u, resp.StatusCode)
	}
}

func TestIncrementalFollowsTheLog(t *testing.T) {
	t.Parallel()
	e := org(t)
	o := e.Okta
	_, url := serve(t, e, oktasim.Options{})
	var clock atomic.Int64
	clock.Store(e.Options.Now.Unix())
	c := newSSWS(t, url, oktasim.DefaultAPIToken, connector.Env{Now: func() time.Time { return time.Unix(clock.Load(), 0) }})
	scan := func(since nhi.Cursor) (*connectortest.Recorder, nhi.Cursor) {
		rec := connectortest.NewRecorder()
		cur, err := c.Discover(t.Context(), since, rec)
		if err != nil {
			t.Fatalf("Discover(%q) = %v", since, err)
		}
		return rec, cur
	}
	_, cur := scan("")
	if cur == "" {
		t.Fatal("full scan returned no cursor")
	}

	consent := o.Consents[0]
	uid, cid := o.Users[consent.User].ID, o.Apps[consent.App].ID
	change(t, "DELETE", url+"/api/v1/users/"+uid+"/clients/"+cid+"/grants")
	var service string
	for _, a := range o.Apps {
		if a.Service() && a.Status == "ACTIVE" {
			service = a.ID
			break
		}
	}
	change(t, "POST", url+"/api/v1/apps/"+service+"/lifecycle/deactivate")

	rec, next := scan(cur)
	if next == "" || len(rec.People()) != 0 {
		t.Errorf("incremental scan: cursor %q, %d people; want a cursor and no people", next, len(rec.People()))
	}
	var deactivated bool
	for _, id := range rec.Identities() {
		if id.ExternalID == uid+"/"+cid {
			t.Errorf("revoked grant %s reported", id.ExternalID)
		}
		if id.ExternalID == service {
			deactivated = id.Attributes["status"] == "INACTIVE"
		}
	}
	if !deactivated {
		t.Errorf("service app %s not reported INACTIVE", service)
	}
	if !rec.IsComplete(connector.PersonScope(uid)) {
		t.Errorf("scope of %s not completed: the revoked grant would never be marked gone", uid)
	}

	clock.Add(int64(okta.FullScanInterval/time.Second) + 1)
	if full, _ := scan(next); len(full.People()) != len(o.Users) {
		t.Errorf("a stale cursor made a scan of %d people, want a full scan of %d", len(full.People()), len(o.Users))
	}
}
