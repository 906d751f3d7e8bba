package web_test

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/web"
)

// TestSuppressAndLift suppresses a finding, sees the dashboard count it no longer, lifts
// the suppression, and finds both in the audit trail with the analyst as actor.
func TestSuppressAndLift(t *testing.T) {
	t.Parallel()
	w := sharedWorld(t)
	ts := w.server(t, web.Config{})
	c := signIn(t, ts, "analyst")
	var f nhi.Finding
	var open list[nhi.Finding]
	// The last of a page: other tests suppress the first, most severe, open finding.
	c.get("/api/v1/findings?status=open&severity=high&limit=20", &open)
	if len(open.Items) < 2 {
		t.Fatalf("%d open high findings; want several", len(open.Items))
	}
	f = open.Items[len(open.Items)-1]
	sev := string(f.Severity)
	type dash struct {
		BySeverity map[string]int `json:"findings_by_severity"`
	}
	var before, after dash
	c.get("/api/v1/dashboard", &before)
	until := time.Now().Add(48 * time.Hour).UTC()
	r := c.do("POST", "/api/v1/findings/"+f.ID+"/suppress", map[string]any{"reason": "vendor under review <b>", "until": until})
	decodeInto(t, r, &f)
	if r.status != 200 || f.Status != nhi.FindingSuppressed || f.Suppression == nil || f.Suppression.Author != "analyst" ||
		!f.Suppression.Until.Equal(until.Truncate(time.Millisecond)) && !f.Suppression.Until.Equal(until) {
		t.Fatalf("suppress: %d %+v", r.status, f)
	}
	c.get("/api/v1/dashboard", &after)
	if after.BySeverity[sev] >= before.BySeverity[sev] {
		t.Errorf("%s findings: %d before, %d after suppressing one", sev, before.BySeverity[sev], after.BySeverity[sev])
	}
	for _, bad := range []time.Time{time.Now().Add(-time.Hour), time.Now().Add(400 * 24 * time.Hour)} {
		if r := c.do("POST", "/api/v1/findings/"+f.ID+"/suppress", map[string]any{"reason": "x", "until": bad}); r.status != 400 {
			t.Errorf("until %s: %d, want 400", bad, r.status)
		}
	}
	r = c.do("POST", "/api/v1/findings/"+f.ID+"/suppress", map[string]any{"reason": ""})
	decodeInto(t, r, &f)
	if r.status != 200 || f.Status != nhi.FindingOpen {
		t.Errorf("lift: %d %+v", r.status, f)
	}
	if auditCount(t, w, "finding.suppressed") == 0 || auditCount(t, w, "finding.unsuppressed") == 0 {
		t.Error("suppression or lifting not audited")
	}
}

// TestCreateUserShowsGeneratedPasswordOnce creates a user without a password and signs
// in with the one the answer gave.
func TestCreateUserShowsGeneratedPasswordOnce(t *testing.T) {
	t.Parallel()
	w := sharedWorld(t)
	ts := w.server(t, web.Config{})
	admin := signIn(t, ts, "admin")
	carol := "carol-" + strconv.FormatInt(time.Now().UnixNano(), 36) // unique when the test runs again (-count)
	r := admin.do("POST", "/api/v1/users", map[string]string{"username": carol, "email": "carol@example.com", "role": "approver"})
	var out struct {
		User     web.User `json:"user"`
		Password string   `json:"password"`
	}
	decodeInto(t, r, &out)
	if r.status != http.StatusCreated || out.User.Role != web.RoleApprover || len(out.Password) < 20 {
		t.Fatalf("create user: %d %s", r.status, r.body)
	}
	if r := admin.do("POST", "/api/v1/users", map[string]string{"username": carol, "role": "viewer"}); r.status != http.StatusConflict {
		t.Errorf("a second carol: %d, want 409", r.status)
	}
	if r := admin.do("POST", "/api/v1/users", map[string]string{"username": "dave", "role": "root"}); r.status != http.StatusBadRequest {
		t.Errorf("an unknown role: %d, want 400", r.status)
	}
	var users list[web.User]
	admin.get("/api/v1/users", &users)
	for _, u := range users.Items {
		if u.Name == carol && u.Email != "carol@example.com" {
			t.Errorf("carol = %+v", u)
		}
	}
	c := newClient(t, ts)
	if r := c.do("POST", "/api/v1/session", map[string]string{"username": carol, "password": out.Password}); r.status != http.StatusNoContent {
		t.Errorf("sign in with the generated password: %d %s", r.status, r.body)
	}
	if auditCount(t, w, "user.created") < 5 {
		t.Error("user creation is not audited")
	}
}
