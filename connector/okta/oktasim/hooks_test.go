package oktasim

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/nhiscope/nhi/estate"
)

// hookAuth is the Authorization value the test hooks are registered with.
const hookAuth = "Bearer test-hook-value"

// tokenGrant is the event type of an access token a custom authorization server issued.
const tokenGrant = "app.oauth2.as.token.grant.access_token"

// receiver is an event hook endpoint that records what it is sent. fail answers the
// first fail deliveries 500; wrong makes it answer the challenge with another value.
type receiver struct {
	mu     sync.Mutex
	fail   int
	wrong  bool
	gets   []http.Header
	posts  []http.Header
	bodies []hookDelivery
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if r.Method == http.MethodGet {
		rc.gets = append(rc.gets, r.Header.Clone())
		ch := r.Header.Get("X-Okta-Verification-Challenge")
		if rc.wrong {
			ch = "not-" + ch
		}
		writeJSON(w, http.StatusOK, map[string]string{"verification": ch})
		return
	}
	rc.posts = append(rc.posts, r.Header.Clone())
	var d hookDelivery
	b, _ := io.ReadAll(r.Body)
	if err := json.Unmarshal(b, &d); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	rc.bodies = append(rc.bodies, d)
	if rc.fail > 0 {
		rc.fail--
		http.Error(w, "down", http.StatusInternalServerError)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// hooked serves a simulator with an event hook to rc, verified unless rc refuses, and
// returns it with the hook's ID and the simulator's URL.
func hooked(t *testing.T, rc *receiver, types ...string) (*Server, string, string) {
	t.Helper()
	s, ts := start(t, Options{})
	hs := httptest.NewServer(rc)
	t.Cleanup(hs.Close)
	id, err := s.AddEventHook(EventHook{Name: "nhi", URI: hs.URL + "/hooks/okta", Authorization: hookAuth,
		Events: types, OrgURL: s.OrgURL(ts.URL)})
	if err != nil {
		t.Fatal(err)
	}
	return s, id, ts.URL
}

// serviceApp returns the ID of an active service app of the shared estate.
func serviceApp(t *testing.T) string {
	t.Helper()
	for _, a := range org(t).Okta.Apps {
		if a.Service() && a.Status == estate.OktaAppActive {
			return a.ID
		}
	}
	t.Fatal("the estate has no active service app")
	return ""
}

// settle waits until the hook has no event pending and returns its stats.
func settle(t *testing.T, s *Server, id string) HookStats {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(2 * time.Millisecond) {
		if st, _ := s.HookStats(id); st.Pending == 0 {
			return st
		}
	}
	t.Fatal("deliveries still pending")
	return HookStats{}
}

// TestEventHookVerification checks the one-time verification: the challenge with the
// hook's Authorization header, its echo, a refused echo and an unknown hook.
func TestEventHookVerification(t *testing.T) {
	t.Parallel()
	rc := &receiver{}
	s, id, _ := hooked(t, rc, tokenGrant)
	if st, _ := s.HookStats(id); st.Verified {
		t.Fatal("a new hook is verified before its challenge")
	}
	if err := s.VerifyEventHook(context.Background(), id); err != nil {
		t.Fatal(err)
	}
	if st, ok := s.HookStats(id); !ok || !st.Verified {
		t.Errorf("stats after verification = %+v, %v", st, ok)
	}
	if len(rc.gets) != 1 || rc.gets[0].Get("Authorization") != hookAuth || len(rc.gets[0].Get("X-Okta-Verification-Challenge")) < 16 {
		t.Errorf("verification requests = %v", rc.gets)
	}

	bad := &receiver{wrong: true}
	s2, id2, _ := hooked(t, bad, tokenGrant)
	if err := s2.VerifyEventHook(context.Background(), id2); err == nil {
		t.Error("a hook that does not echo the challenge was verified")
	}
	if len(bad.gets) != hookAttempts {
		t.Errorf("verification attempts = %d, want %d (one retry)", len(bad.gets), hookAttempts)
	}
	if _, err := s2.AppendEvent(LogEvent{EventType: tokenGrant, ActorID: serviceApp(t), TargetID: serviceApp(t)}); err != nil {
		t.Fatal(err)
	}
	if st := settle(t, s2, id2); st.Verified || st.Deliveries != 0 || len(bad.posts) != 0 {
		t.Errorf("an unverified hook got deliveries: %+v", st)
	}
	if err := s2.VerifyEventHook(context.Background(), "whosim00000000000999"); err == nil {
		t.Error("verifying an unknown hook succeeded")
	}
	if _, err := s2.AddEventHook(EventHook{URI: "http://127.0.0.1:1/x"}); err == nil {
		t.Error("a hook without event types was registered")
	}
}

// TestEventHookDelivery checks that an event of a subscribed type is POSTed as it becomes
// visible, in Okta's envelope, with the Authorization header, and others are not.
func TestEventHookDelivery(t *testing.T) {
	t.Parallel()
	rc := &receiver{}
	s, id, base := hooked(t, rc, tokenGrant, "application.lifecycle.deactivate")
	if err := s.VerifyEventHook(context.Background(), id); err != nil {
		t.Fatal(err)
	}
	app := serviceApp(t)
	at := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	uuid, err := s.AppendEvent(LogEvent{EventType: tokenGrant, Published: at, ActorID: app, TargetID: app, IP: "203.0.113.9", Scope: "okta.users.read"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddToken(org(t).Okta.Users[0].ID, "not subscribed"); err != nil {
		t.Fatal(err)
	}
	if resp, body := call(t, "POST", base+"/api/v1/apps/"+app+"/lifecycle/deactivate", ssws); resp.StatusCode != 200 {
		t.Fatalf("deactivate: %d %s", resp.StatusCode, body)
	}
	st := settle(t, s, id)
	if st.Events != 2 || st.Failed != 0 {
		t.Errorf("stats = %+v, want 2 events delivered", st)
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	var types []string
	for i, d := range rc.bodies {
		if d.EventType != "com.okta.event_hook" || d.EventTypeVersion != "1.0" || d.CloudEventsVersion != "0.1" ||
			d.ContentType != "application/json" || d.EventID == "" || d.Source != base+"/api/v1/eventHooks/"+id {
			t.Errorf("delivery %d envelope = %+v", i, d)
		}
		h := rc.posts[i]
		if h.Get("Authorization") != hookAuth || h.Get("Content-Type") != "application/json" {
			t.Errorf("delivery %d headers = %v", i, h)
		}
		for _, e := range d.Data.Events {
			types = append(types, e.EventType)
		}
	}
	if diff := cmp.Diff([]string{tokenGrant, "application.lifecycle.deactivate"}, types); diff != "" {
		t.Errorf("delivered types (-want +got):\n%s", diff)
	}
	e := rc.bodies[0].Data.Events[0]
	if e.UUID != uuid || e.Published != "2026-11-30T10:00:00.000Z" || e.Client["ipAddress"] != "203.0.113.9" ||
		e.Actor["type"] != "PublicClientApp" || e.Actor["id"] != app || e.Target[0]["type"] != "AppInstance" || e.Target[0]["id"] != app {
		t.Errorf("delivered event = %+v", e)
	}
	if _, body := call(t, "GET", base+"/api/v1/logs?filter="+strings.ReplaceAll(`eventType eq "`+tokenGrant+`"`, " ", "%20"), ssws); !strings.Contains(string(body), uuid) {
		t.Error("the appended event is not in the System Log")
	}
}

// TestEventHookRetry checks one retry, with the same eventId, after an error answer, and
// a delivery given up after its retry fails too.
func TestEventHookRetry(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name            string
		fail            int
		posts           int
		delivered, lost int
	}{
		{"retried", 1, 2, 1, 0},
		{"given up", 5, 2, 0, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rc := &receiver{fail: tc.fail}
			s, id, _ := hooked(t, rc, tokenGrant)
			if err := s.VerifyEventHook(context.Background(), id); err != nil {
				t.Fatal(err)
			}
			app := serviceApp(t)
			if _, err := s.AppendEvent(LogEvent{EventType: tokenGrant, ActorID: app, TargetID: app}); err != nil {
				t.Fatal(err)
			}
			st := settle(t, s, id)
			rc.mu.Lock()
			defer rc.mu.Unlock()
			if len(rc.bodies) != tc.posts || st.Deliveries != tc.delivered || st.Failed != tc.lost {
				t.Fatalf("posts %d, stats %+v; want %d posts, %d delivered, %d lost", len(rc.bodies), st, tc.posts, tc.delivered, tc.lost)
			}
			if rc.bodies[0].EventID != rc.bodies[1].EventID {
				t.Errorf("the retry has eventId %s, the first attempt %s", rc.bodies[1].EventID, rc.bodies[0].EventID)
			}
		})
	}
}

// TestAppendEventRefuses checks AppendEvent's refusals.
func TestAppendEventRefuses(t *testing.T) {
	t.Parallel()
	s, _ := start(t, Options{})
	app := serviceApp(t)
	token := org(t).Okta.Tokens[0].ID
	for name, e := range map[string]LogEvent{
		"bad type":       {EventType: "Token Grant", ActorID: app, TargetID: app},
		"unknown actor":  {EventType: tokenGrant, ActorID: "0oanobody", TargetID: app},
		"unknown target": {EventType: tokenGrant, ActorID: app, TargetID: "0oanobody"},
		"token actor":    {EventType: tokenGrant, ActorID: token, TargetID: app},
		"bad address":    {EventType: tokenGrant, ActorID: app, TargetID: app, IP: "203.0.113"},
	} {
		if _, err := s.AppendEvent(e); err == nil {
			t.Errorf("%s: appended", name)
		}
	}
	n := len(s.Events())
	if _, err := s.AppendEvent(LogEvent{EventType: tokenGrant, ActorID: app, TargetID: app}); err != nil {
		t.Fatal(err)
	}
	evs := s.Events()
	if len(evs) != n+1 || evs[n].EventType != tokenGrant || !evs[n].Published.Equal(org(t).Options.Now) {
		t.Errorf("appended event = %+v", evs[len(evs)-1])
	}
}
