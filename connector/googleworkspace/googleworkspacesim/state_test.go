package googleworkspacesim

import (
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/nhiscope/nhi/estate"
)

func TestAddGrant(t *testing.T) {
	t.Parallel()
	e := smallEstate()
	s, u, tok := newTestServer(t, e, Options{})
	at := testNow.Add(-time.Hour)
	if err := s.AddGrant("dave@example.com", "333-cal.apps.googleusercontent.com", []string{scCalendar}, at); err != nil {
		t.Fatal(err)
	}
	// Incremental authorization merges scopes into the existing grant.
	if err := s.AddGrant("dave@example.com", "222-evil.apps.googleusercontent.com", []string{scDriveRO, scMail}, at); err != nil {
		t.Fatal(err)
	}
	if err := s.AddGrant("dave@example.com", "777-new.apps.googleusercontent.com", []string{"openid"}, at); err != nil {
		t.Fatal(err)
	}
	got, err := s.Tokens("dave@example.com")
	if err != nil {
		t.Fatal(err)
	}
	want := []Token{
		{Kind: "admin#directory#token", ClientID: "222-evil.apps.googleusercontent.com", DisplayText: e.Vendors[1].Product,
			Anonymous: true, NativeApp: true, UserKey: e.People[4].GoogleID, Scopes: []string{scDriveRO, scMail}},
		{Kind: "admin#directory#token", ClientID: "333-cal.apps.googleusercontent.com", DisplayText: "Calendar Helper",
			UserKey: e.People[4].GoogleID, Scopes: []string{scCalendar}},
		{Kind: "admin#directory#token", ClientID: "777-new.apps.googleusercontent.com", DisplayText: "777-new.apps.googleusercontent.com",
			UserKey: e.People[4].GoogleID, Scopes: []string{"openid"}},
	}
	if diff := cmp.Diff(want, got, ignoreEtag); diff != "" {
		t.Errorf("tokens (-want +got):\n%s", diff)
	}
	var api wireTokens
	getJSON(t, u+"/admin/directory/v1/users/dave@example.com/tokens", tok, &api)
	if diff := cmp.Diff(got, api.Items); diff != "" {
		t.Errorf("API differs from Tokens() (-Tokens +api):\n%s", diff)
	}
	acts := listActivities(t, u, tok, "dave@example.com", "token", url.Values{"eventName": {"authorize"},
		"startTime": {at.Format(time.RFC3339)}})
	if len(acts) != 3 {
		t.Errorf("%d authorize events at %s, want 3", len(acts), at)
	}
	for _, bad := range []struct{ user, client string }{
		{"carol@example.com", "333-cal.apps.googleusercontent.com"}, // deleted
		{"bob@example.com", "333-cal.apps.googleusercontent.com"},   // suspended
		{"nobody@example.com", "333-cal.apps.googleusercontent.com"},
		{"dave@example.com", ""},
	} {
		if err := s.AddGrant(bad.user, bad.client, []string{scCalendar}, at); err == nil {
			t.Errorf("AddGrant(%q, %q) succeeded, want an error", bad.user, bad.client)
		}
	}
}

func TestRecordActivity(t *testing.T) {
	t.Parallel()
	s, u, tok := newTestServer(t, smallEstate(), Options{})
	at := testNow.Add(-time.Minute)
	if err := s.RecordActivity("alice@example.com", "333-cal.apps.googleusercontent.com", at); err != nil {
		t.Fatal(err)
	}
	acts := listActivities(t, u, tok, "all", "token", url.Values{"maxResults": {"1"}})
	var first wireActivities
	getJSON(t, u+"/admin/reports/v1/activity/users/all/applications/token?maxResults=1", tok, &first)
	client, _ := first.Items[0].param("client_id")
	if first.Items[0].Events[0].Name != "activity" || client.Value != "333-cal.apps.googleusercontent.com" ||
		first.Items[0].ID.Time != at.Format(googleTimeLayout) || acts[0].ID != first.Items[0].ID {
		t.Errorf("newest event = %+v, want the recorded activity", first.Items[0])
	}
	if err := s.RecordActivity("alice@example.com", "222-evil.apps.googleusercontent.com", at); err == nil {
		t.Error("RecordActivity without a grant succeeded")
	}
	if err := s.RecordActivity("nobody@example.com", "333-cal.apps.googleusercontent.com", at); err == nil {
		t.Error("RecordActivity of an unknown user succeeded")
	}
}

func TestSuspendUser(t *testing.T) {
	t.Parallel()
	s, u, tok := newTestServer(t, smallEstate(), Options{})
	at := testNow.Add(-2 * time.Hour)
	if err := s.SuspendUser("alice@example.com", at); err != nil {
		t.Fatal(err)
	}
	if err := s.SuspendUser("alice@example.com", at.Add(time.Minute)); err != nil {
		t.Errorf("suspending again: %v", err)
	}
	var got wireUsers
	getJSON(t, u+"/admin/directory/v1/users?customer=my_customer&query=isSuspended%3Dtrue", tok, &got)
	var emails []string
	for _, w := range got.Users {
		emails = append(emails, w.PrimaryEmail)
	}
	if diff := cmp.Diff([]string{"alice@example.com", "bob@example.com", "erin@example.com"}, emails); diff != "" {
		t.Errorf("suspended users (-want +got):\n%s", diff)
	}
	acts := listActivities(t, u, tok, "all", "admin", url.Values{"eventName": {"SUSPEND_USER"},
		"filters": {"USER_EMAIL==alice@example.com"}})
	if len(acts) != 1 || acts[0].ID.Time != at.Format(googleTimeLayout) {
		t.Errorf("SUSPEND_USER events for alice: %+v", acts)
	}
	if err := s.SuspendUser("carol@example.com", at); err == nil {
		t.Error("suspending a deleted user succeeded")
	}
	if err := s.SuspendUser("nobody@example.com", at); err == nil {
		t.Error("suspending an unknown user succeeded")
	}
}

// TestConcurrentUse revokes, adds and records grants while others list tokens and
// activities; run with -race it checks readers never see a torn state.
func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	e := bigEstate(300)
	s, u, tok := newTestServer(t, e, Options{})
	var wg sync.WaitGroup
	for i := range 40 {
		p := e.People[i]
		wg.Add(2)
		go func() {
			defer wg.Done()
			for _, gr := range e.Grants {
				if e.People[gr.Person].Email == p.Email && p.Status != estate.Departed {
					send(t, http.MethodDelete, u+"/admin/directory/v1/users/"+p.Email+"/tokens/"+e.Vendors[gr.Vendor].GoogleClientID, tok)
				}
			}
			if p.Status == estate.Active {
				_ = s.AddGrant(p.Email, e.Vendors[i%8].GoogleClientID, []string{scDrive}, testNow)
				_ = s.RecordActivity(p.Email, e.Vendors[i%8].GoogleClientID, testNow)
			}
		}()
		go func() {
			defer wg.Done()
			send(t, http.MethodGet, u+"/admin/directory/v1/users/"+p.Email+"/tokens", tok)
			send(t, http.MethodGet, u+"/admin/reports/v1/activity/users/all/applications/token?maxResults=50", tok)
		}()
	}
	wg.Wait()
	for i := range 40 {
		p := e.People[i]
		if p.Status != estate.Active {
			continue
		}
		got, err := s.Tokens(p.Email)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{e.Vendors[i%8].GoogleClientID}
		var ids []string
		for _, tk := range got {
			ids = append(ids, tk.ClientID)
		}
		if diff := cmp.Diff(want, ids); diff != "" {
			t.Errorf("tokens of %s after revoking all and adding one (-want +got):\n%s", p.Email, diff)
		}
	}
}

// send makes a request from any goroutine and reports (without stopping the test) a
// transport error or a server error.
func send(t *testing.T, method, u, token string) {
	req, err := http.NewRequest(method, u, nil)
	if err != nil {
		t.Error(err)
		return
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Error(err)
		return
	}
	resp.Body.Close()
	if resp.StatusCode >= 500 {
		t.Errorf("%s %s: %d", method, u, resp.StatusCode)
	}
}
