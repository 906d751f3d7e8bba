package salesforcesim

import (
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nhiscope/nhi/estate"
)

// generated returns a generated estate of 500 people.
func generated(t *testing.T) *estate.Estate {
	t.Helper()
	e, err := estate.Generate(estate.Options{Seed: 7, People: 500})
	if err != nil {
		t.Fatal(err)
	}
	if e.Salesforce == nil {
		t.Skip("estate.Generate made no Salesforce org")
	}
	return e
}

// queryAll follows every nextRecordsUrl of a query.
func (sm *sim) queryAll(t *testing.T, soql string) []map[string]any {
	t.Helper()
	r := sm.page(t, "/services/data/v62.0/query?q="+url.QueryEscape(soql))
	recs := r.Records
	for next := r.NextRecordsURL; next != ""; {
		p := sm.page(t, next)
		recs = append(recs, p.Records...)
		next = p.NextRecordsURL
	}
	if len(recs) != r.TotalSize {
		t.Fatalf("%s: %d records, totalSize %d", soql, len(recs), r.TotalSize)
	}
	return recs
}

func TestGeneratedOrg(t *testing.T) {
	t.Parallel()
	e := generated(t)
	sf := e.Salesforce
	sm := newSim(t, e, Options{MaxBatch: 100})
	for _, tt := range []struct {
		soql string
		want int
	}{
		{"SELECT Id, Username, Name, Email, IsActive, UserType, Profile.Name, ProfileId, LastLoginDate, CreatedDate FROM User",
			len(sf.Users) + 1},
		{"SELECT Id, UserId, IsFrozen, IsPasswordLocked FROM UserLogin", len(sf.Users) + 1},
		{"SELECT Id, Name, CreatedDate, OptionsAllowAdminApprovedUsersOnly, OptionsRefreshTokenValidityMetric, " +
			"RefreshTokenValidityPeriod, OptionsIsInternal, OptionsHasSessionLevelPolicy, StartUrl FROM ConnectedApplication", len(sf.Apps)},
		{"SELECT Id, ApplicationId, Label, Name, Type FROM AppMenuItem WHERE Type = 'ConnectedApplication'", len(sf.Apps)},
		{"SELECT Id, AppName, AppMenuItemId, UserId, CreatedDate, LastUsedDate, UseCount, DeleteToken FROM OauthToken " +
			"ORDER BY LastUsedDate DESC", len(sf.Tokens)},
		{"SELECT Id, UserId, LoginTime, LoginType, Application, SourceIp, Platform, Browser, Status, ApiType, CountryIso " +
			"FROM LoginHistory WHERE LoginTime = LAST_N_DAYS:180 ORDER BY LoginTime", len(sf.Logins)},
	} {
		if got := len(sm.queryAll(t, tt.soql)); got != tt.want {
			t.Errorf("%s: %d records, want %d", tt.soql, got, tt.want)
		}
	}
	psa := sm.queryAll(t, "SELECT AssigneeId, PermissionSet.PermissionsModifyAllData FROM PermissionSetAssignment "+
		"WHERE PermissionSet.PermissionsModifyAllData = true")
	holders := map[string]bool{}
	for _, r := range psa {
		holders[r["AssigneeId"].(string)] = true
	}
	for _, u := range sf.Users {
		if u.ModifyAllData != holders[u.ID] {
			t.Errorf("user %s: Modify All Data %v, assignments say %v", u.Username, u.ModifyAllData, holders[u.ID])
		}
	}
	checkGeneratedLogs(t, sm, e)
	checkGeneratedAttack(t, sm, e)
}

// checkGeneratedLogs checks that the event log files hold every login and API event of
// their window once, each in the file of its type and hour.
func checkGeneratedLogs(t *testing.T, sm *sim, e *estate.Estate) {
	t.Helper()
	now := e.Options.Now
	visible := func(at time.Time) bool {
		h := at.Truncate(time.Hour)
		return !h.Before(now.Add(-logRetention).Truncate(time.Hour)) && !h.Add(2*time.Hour).After(now)
	}
	var want []string
	for _, ev := range e.Salesforce.APIEvents {
		if visible(ev.Time) {
			want = append(want, ev.EventType+" "+ev.RequestID)
		}
	}
	logins := 0
	for _, l := range e.Salesforce.Logins {
		if visible(l.Time) {
			logins++
		}
	}
	var got []string
	gotLogins := 0
	for _, r := range sm.queryAll(t, "SELECT Id, EventType, LogDate FROM EventLogFile WHERE Interval = 'Hourly' ORDER BY LogDate") {
		rows := sm.logFile(t, r["Id"].(string))
		for _, row := range rows[1:] {
			if row[0] != r["EventType"] {
				t.Fatalf("row of type %s in a %s file", row[0], r["EventType"])
			}
			if !strings.HasPrefix(row[1], strings.NewReplacer("-", "", "T", "", ":", "").Replace(r["LogDate"].(string)[:13])) {
				t.Fatalf("row at %s in the file of %s", row[1], r["LogDate"])
			}
			if row[0] == "Login" {
				gotLogins++
			} else {
				got = append(got, row[0]+" "+row[2])
			}
		}
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) || gotLogins != logins {
		t.Errorf("files hold %d API rows and %d logins; the estate has %d and %d in the window", len(got), gotLogins, len(want), logins)
	}
}

// checkGeneratedAttack revokes the stolen app's tokens and reads its metadata.
func checkGeneratedAttack(t *testing.T, sm *sim, e *estate.Estate) {
	t.Helper()
	sf := e.Salesforce
	if sf.Attack == nil {
		return
	}
	app := sf.Apps[sf.Attack.App]
	recs := sm.queryAll(t, "SELECT DeleteToken FROM OauthToken WHERE AppMenuItemId = '"+app.MenuItemID+"'")
	if len(recs) == 0 || len(recs) != sm.TokenCount(app.ID, "") {
		t.Fatalf("%d tokens of %s by query, %d by TokenCount", len(recs), app.Name, sm.TokenCount(app.ID, ""))
	}
	for _, r := range recs {
		if status, body := sm.revoke(t, r["DeleteToken"].(string)); status != 200 {
			t.Fatalf("revoke: %d %v", status, body)
		}
	}
	if n := sm.TokenCount(app.ID, ""); n != 0 {
		t.Errorf("%d tokens of %s left after revoking them all", n, app.Name)
	}
	_, body := sm.soapCall(t, sm.token, `<met:readMetadata><met:type>ConnectedApp</met:type><met:fullNames>`+
		app.FullName+`</met:fullNames></met:readMetadata>`)
	recsMeta := decodeSOAP(t, body).Body.Read
	if len(recsMeta) != 1 || recsMeta[0].FullName != app.FullName || recsMeta[0].OauthPolicy.RefreshTokenPolicy != "infinite" {
		t.Errorf("readMetadata %s: %s", app.FullName, body)
	}
}
