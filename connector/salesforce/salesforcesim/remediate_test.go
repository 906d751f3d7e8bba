package salesforcesim

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// revoke posts token to the revoke endpoint.
func (sm *sim) revoke(t *testing.T, token string) (int, map[string]string) {
	t.Helper()
	resp, err := http.PostForm(sm.ts.URL+"/services/oauth2/revoke", url.Values{"token": {token}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]string
	_ = json.NewDecoder(resp.Body).Decode(&body)
	return resp.StatusCode, body
}

func TestRevoke(t *testing.T) {
	t.Parallel()
	sm := newSim(t, nil, Options{})
	if n := sm.TokenCount(appDrift, ""); n != 2 {
		t.Fatalf("Drift tokens %d, want 2", n)
	}
	if status, body := sm.revoke(t, "del-bot-drift"); status != http.StatusOK {
		t.Fatalf("revoke: %d %v", status, body)
	}
	if n, m := sm.TokenCount(appDrift, userBot), sm.TokenCount("", ""); n != 0 || m != 2 {
		t.Errorf("after revoke: %d of the user's Drift tokens, %d in all; want 0 and 2", n, m)
	}
	r := sm.query(t, sm.token, "SELECT UserId FROM OauthToken WHERE AppName = 'Drift'")
	if diff := cmp.Diff([]any{userAda}, column(r, "UserId")); diff != "" {
		t.Errorf("OauthToken after revoke (-want +got):\n%s", diff)
	}
	for _, tok := range []string{"del-bot-drift", "never-issued"} {
		if status, body := sm.revoke(t, tok); status != http.StatusBadRequest || body["error"] != "invalid_token" {
			t.Errorf("revoke %q: %d %v, want 400 invalid_token", tok, status, body)
		}
	}
	if status, body := sm.revoke(t, ""); status != http.StatusBadRequest || body["error"] == "" {
		t.Errorf("revoke without token: %d %v", status, body)
	}
	status, _, _ := sm.do(t, http.MethodGet, "/services/oauth2/revoke?token=del-ada-drift", "", "")
	if status != http.StatusOK || sm.TokenCount(appDrift, userAda) != 0 {
		t.Errorf("GET revoke: %d, %d tokens left", status, sm.TokenCount(appDrift, userAda))
	}
	for _, req := range sm.Requests() {
		if strings.Contains(req.Query, "del-") {
			t.Errorf("request log holds a DeleteToken: %+v", req)
		}
	}
}

func TestRevokeAccessToken(t *testing.T) {
	t.Parallel()
	sm := newSim(t, nil, Options{})
	if status, body := sm.revoke(t, sm.token); status != http.StatusOK {
		t.Fatalf("revoke session: %d %v", status, body)
	}
	if status, _, _ := sm.do(t, http.MethodGet, "/services/data/v62.0/limits", sm.token, ""); status != http.StatusUnauthorized {
		t.Errorf("revoked session answered %d, want 401", status)
	}
}

func TestFreezeAndDeactivate(t *testing.T) {
	t.Parallel()
	sm := newSim(t, nil, Options{})
	patch := func(path, body string) (int, []byte) {
		status, _, b := sm.do(t, http.MethodPatch, "/services/data/v62.0/sobjects/"+path, sm.token, body, "Content-Type", "application/json")
		return status, b
	}
	if status, body := patch("UserLogin/"+loginBot, `{"IsFrozen":true}`); status != http.StatusNoContent {
		t.Fatalf("freeze: %d %s", status, body)
	}
	if active, frozen, ok := sm.UserState(userBot); !ok || !active || !frozen {
		t.Errorf("UserState after freeze: %v %v %v", active, frozen, ok)
	}
	r := sm.query(t, sm.token, "SELECT IsFrozen FROM UserLogin WHERE UserId = '"+userBot+"'")
	if diff := cmp.Diff([]any{true}, column(r, "IsFrozen")); diff != "" {
		t.Errorf("UserLogin after freeze (-want +got):\n%s", diff)
	}
	if status, body := patch("User/"+userBob[:15], `{"IsActive":false}`); status != http.StatusNoContent {
		t.Fatalf("deactivate: %d %s", status, body)
	}
	r = sm.query(t, sm.token, "SELECT IsActive FROM User WHERE Id = '"+userBob+"'")
	if diff := cmp.Diff([]any{false}, column(r, "IsActive")); diff != "" {
		t.Errorf("User after deactivation (-want +got):\n%s", diff)
	}
	if sm.TokenCount(appCLI, userBob) != 1 {
		t.Error("deactivation removed the user's token rows; Salesforce keeps them")
	}
	if _, _, ok := sm.UserState("0055e000000Nope"); ok {
		t.Error("UserState found an unknown user")
	}
	tests := []struct {
		path, body string
		status     int
		code       string
	}{
		{"UserLogin/" + caseSafe("0Yw5e000000None"), `{"IsFrozen":true}`, 404, "NOT_FOUND"},
		{"User/nope", `{"IsActive":false}`, 404, "NOT_FOUND"},
		{"User/" + userAda, `{"Email":"x@example.com"}`, 400, "INVALID_FIELD"},
		{"User/" + userAda, `{"IsActive":"no"}`, 400, "JSON_PARSER_ERROR"},
		{"User/" + userAda, `not json`, 400, "JSON_PARSER_ERROR"},
	}
	for _, tt := range tests {
		status, body := patch(tt.path, tt.body)
		var errs []apiError
		if status != tt.status || json.Unmarshal(body, &errs) != nil || errs[0].Code != tt.code {
			t.Errorf("PATCH %s %s: %d %s, want %d %s", tt.path, tt.body, status, body, tt.status, tt.code)
		}
	}
	if active, _, _ := sm.UserState(userAda); !active {
		t.Error("a refused PATCH changed the user")
	}
}

func TestIgnoreFault(t *testing.T) {
	t.Parallel()
	sm := newSim(t, nil, Options{})
	sm.InjectFault(Fault{Path: "/services/oauth2/revoke", Ignore: true, Times: 1})
	sm.InjectFault(Fault{Method: http.MethodPatch, Path: "/services/data/v62.0/sobjects/UserLogin/", Ignore: true})
	if status, _ := sm.revoke(t, "del-bot-drift"); status != http.StatusOK || sm.TokenCount(appDrift, userBot) != 1 {
		t.Errorf("ignored revoke: %d, %d tokens (want 200 and 1)", status, sm.TokenCount(appDrift, userBot))
	}
	if status, _ := sm.revoke(t, "del-bot-drift"); status != http.StatusOK || sm.TokenCount(appDrift, userBot) != 0 {
		t.Errorf("revoke after the fault: %d, %d tokens", status, sm.TokenCount(appDrift, userBot))
	}
	status, _, _ := sm.do(t, http.MethodPatch, "/services/data/v62.0/sobjects/UserLogin/"+loginBot, sm.token, `{"IsFrozen":true}`)
	if _, frozen, _ := sm.UserState(userBot); status != http.StatusNoContent || frozen {
		t.Errorf("ignored freeze: %d, frozen %v", status, frozen)
	}
	if r := sm.query(t, sm.token, "SELECT Id FROM User"); r.TotalSize != 4 {
		t.Errorf("an Ignore fault changed a read: %d users", r.TotalSize)
	}
}

func TestAddToken(t *testing.T) {
	t.Parallel()
	sm := newSim(t, nil, Options{})
	at := testNow.Add(-time.Hour)
	if err := sm.AddToken(appCLI, userAda, at); err != nil {
		t.Fatal(err)
	}
	r := sm.query(t, sm.token, "SELECT CreatedDate, DeleteToken FROM OauthToken WHERE UserId = '"+userAda+"' AND AppMenuItemId = '"+menuCLI+"'")
	if len(r.Records) != 1 || r.Records[0]["CreatedDate"] != "2025-09-01T11:00:00.000+0000" {
		t.Fatalf("added token %v", r.Records)
	}
	if status, _ := sm.revoke(t, r.Records[0]["DeleteToken"].(string)); status != http.StatusOK || sm.TokenCount(appCLI, userAda) != 0 {
		t.Errorf("revoking the added token: %d", status)
	}
	if err := sm.AddToken("0H4nope", userAda, at); err == nil {
		t.Error("AddToken accepted an unknown app")
	}
	if err := sm.AddToken(appCLI, "005nope", at); err == nil {
		t.Error("AddToken accepted an unknown user")
	}
}
