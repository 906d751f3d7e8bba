package salesforcesim

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestQueries(t *testing.T) {
	t.Parallel()
	sm := newSim(t, nil, Options{})
	tests := []struct {
		soql  string
		field string
		want  []any
	}{
		{"SELECT Id FROM User WHERE IsActive = true AND UserType = 'Standard' ORDER BY Username", "Id",
			[]any{userAda, userBob, userBot, sm.w.users[3].ID}},
		{"select username from user where Name = 'ADA ADMIN'", "Username", []any{"ada@example.com"}},
		{"SELECT Username FROM User WHERE Id = '" + userBob[:15] + "'", "Username", []any{"bob@example.com"}},
		{"SELECT Username FROM User WHERE Id IN ('" + userBob + "', '" + userAda + "') ORDER BY CreatedDate DESC", "Username",
			[]any{"bob@example.com", "ada@example.com"}},
		{"SELECT Username FROM User WHERE LastLoginDate = null AND (Profile.Name = 'Standard User' OR Name LIKE 'drift%')",
			"Username", []any{"bob@example.com", "drift@example.com.integration"}},
		{"SELECT Username FROM User WHERE NOT Profile.Name IN ('System Administrator', 'Standard User') ORDER BY Username DESC LIMIT 1",
			"Username", []any{"nhi-integration@example.sim"}},
		{"SELECT AppName FROM OauthToken WHERE UseCount > 10 ORDER BY UseCount DESC", "AppName", []any{"Drift", "Drift"}},
		{"SELECT UseCount FROM OauthToken ORDER BY LastUsedDate DESC NULLS LAST", "UseCount", []any{48211.0, 12.0, 0.0}},
		{"SELECT UseCount FROM OauthToken ORDER BY LastUsedDate ASC", "UseCount", []any{0.0, 12.0, 48211.0}},
		{"SELECT UserId FROM OauthToken WHERE CreatedDate < 2025-05-01T00:00:00Z", "UserId", []any{userAda}},
		{"SELECT UserId FROM OauthToken WHERE CreatedDate >= 2025-05-01T00:00:00.000+00:00 AND LastUsedDate != null", "UserId",
			[]any{userBot}},
		{"SELECT Id FROM LoginHistory WHERE LoginTime = LAST_N_DAYS:30 AND LoginType = 'Remote Access 2.0' ORDER BY LoginTime",
			"Id", []any{caseSafe("0Ya5e0000000002"), caseSafe("0Ya5e0000000004")}},
		{"SELECT Status FROM LoginHistory WHERE LoginTime = TODAY AND Status != 'Success'", "Status", []any{"Invalid Password"}},
		{"SELECT Status FROM LoginHistory WHERE LoginTime < LAST_N_DAYS:30", "Status", []any{"Success"}},
		{"SELECT Name FROM AppMenuItem WHERE Type = 'ConnectedApplication' AND ApplicationId = '" + appCLI + "'", "Name",
			[]any{"sfdx__Salesforce_CLI"}},
		{"SELECT RefreshTokenValidityPeriod FROM ConnectedApplication ORDER BY Name", "RefreshTokenValidityPeriod", []any{nil, 90.0}},
		{"SELECT Id FROM UserLogin WHERE UserId = '" + userBob + "' AND IsFrozen = false", "Id", []any{loginBob}},
		{"SELECT Id FROM User WHERE Name LIKE '%\\_%'", "Id", []any{}},
	}
	for _, tt := range tests {
		t.Run(tt.soql, func(t *testing.T) {
			r := sm.query(t, sm.token, tt.soql)
			if diff := cmp.Diff(tt.want, column(r, tt.field)); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tt.soql, diff)
			}
			if r.TotalSize != len(tt.want) || !r.Done {
				t.Errorf("totalSize %d done %v, want %d true", r.TotalSize, r.Done, len(tt.want))
			}
		})
	}
}

func TestRecordShape(t *testing.T) {
	t.Parallel()
	sm := newSim(t, nil, Options{})
	r := sm.query(t, sm.token, "SELECT Id, Profile.Name, Username, CreatedDate FROM User WHERE Id = '"+userAda+"'")
	want := map[string]any{
		"attributes": map[string]any{"type": "User", "url": "/services/data/v62.0/sobjects/User/" + userAda},
		"Id":         userAda, "Username": "ada@example.com", "CreatedDate": "2023-03-16T12:00:00.000+0000",
		"Profile": map[string]any{"Name": "System Administrator", "attributes": map[string]any{"type": "Profile",
			"url": "/services/data/v62.0/sobjects/Profile/" + hashID("00e", orgID, "System Administrator")}},
	}
	if diff := cmp.Diff([]map[string]any{want}, r.Records); diff != "" {
		t.Errorf("record (-want +got):\n%s", diff)
	}
	_, _, body := sm.do(t, http.MethodGet, "/services/data/v62.0/query?q=SELECT+Username,Id,Profile.Name+FROM+User+LIMIT+1", sm.token, "")
	if !strings.Contains(string(body), `"url":"/services/data/v62.0/sobjects/User/`+userAda+`"},"Username":"ada@example.com","Id":`) {
		t.Errorf("fields not in SELECT order: %s", body)
	}
	tok := sm.query(t, sm.token, "SELECT Id, AppName, DeleteToken FROM OauthToken WHERE UserId = '"+userBob+"'")
	if len(tok.Records) != 1 || tok.Records[0]["Id"] != nil || tok.Records[0]["DeleteToken"] != "del-bob-cli" {
		t.Errorf("OauthToken row %v: Id must be null", tok.Records)
	}
}

func TestPermissionSetAssignments(t *testing.T) {
	t.Parallel()
	sm := newSim(t, nil, Options{})
	r := sm.query(t, sm.token, "SELECT AssigneeId, PermissionSet.Name, PermissionSet.IsOwnedByProfile, "+
		"PermissionSet.PermissionsViewAllData, PermissionSet.PermissionsApiUserOnly FROM PermissionSetAssignment "+
		"WHERE PermissionSet.PermissionsViewAllData = true ORDER BY AssigneeId")
	got := map[string]bool{}
	for _, rec := range r.Records {
		ps := rec["PermissionSet"].(map[string]any)
		got[rec["AssigneeId"].(string)] = ps["IsOwnedByProfile"].(bool)
	}
	// Ada's profile grants View All Data; the Drift user's profile (shared with nhi's
	// user, who lacks it) does not, so an extra set does.
	if diff := cmp.Diff(map[string]bool{userAda: true, userBot: false}, got); diff != "" {
		t.Errorf("holders of View All Data (-want +got):\n%s", diff)
	}
	all := sm.query(t, sm.token, "SELECT Id FROM PermissionSetAssignment WHERE PermissionSet.IsOwnedByProfile = true")
	if all.TotalSize != 4 {
		t.Errorf("%d profile assignments, want one per user (4)", all.TotalSize)
	}
}

func TestQueryErrors(t *testing.T) {
	t.Parallel()
	sm := newSim(t, nil, Options{})
	tests := []struct {
		soql, code, msg string
	}{
		{"", "MALFORMED_QUERY", "A query string has to be specified"},
		{"SELECT Id FROM User GROUP BY Name", "MALFORMED_QUERY", "ERROR at Row:1:Column:21\nunexpected token: 'GROUP'"},
		{"SELECT COUNT() FROM User", "MALFORMED_QUERY", "unexpected token: '('"},
		{"SELECT Id, (SELECT Id FROM PermissionSetAssignments) FROM User", "MALFORMED_QUERY", "unexpected token: '('"},
		{"SELECT TYPEOF Owner WHEN User THEN Name END FROM User", "MALFORMED_QUERY", "unexpected token: 'TYPEOF'"},
		{"SELECT Id FROM User WHERE IsActive = true AND Name = 'a' OR Name = 'b'", "MALFORMED_QUERY", "unexpected token: 'OR'"},
		{"SELECT Id FROM User LIMIT", "MALFORMED_QUERY", "unexpected token: '<EOF>'"},
		{"SELECT Id FROM User WHERE Name = 'open", "MALFORMED_QUERY", "mismatched character '<EOF>'"},
		{"SELECT Id FROM User OFFSET 5", "MALFORMED_QUERY", "unexpected token: 'OFFSET'"},
		{"SELECT Id FROM Account", "INVALID_TYPE", "sObject type 'Account' is not supported."},
		{"SELECT Id, Nickname FROM User", "INVALID_FIELD", "ERROR at Row:1:Column:12\nNo such column 'Nickname' on entity 'User'."},
		{"SELECT Manager.Name FROM User", "INVALID_FIELD", "Didn't understand relationship 'Manager' in field path."},
		{"SELECT Profile.Id FROM User", "INVALID_FIELD", "No such column 'Id' on entity 'Profile'."},
		{"SELECT AccessToken FROM OauthToken", "INVALID_FIELD", "No such column 'AccessToken' on entity 'OauthToken'."},
		{"SELECT Id FROM User ORDER BY Bogus", "INVALID_FIELD", "No such column 'Bogus'"},
		{"SELECT Id, Id FROM User", "MALFORMED_QUERY", "duplicate field selected: Id"},
		{"SELECT Id FROM User WHERE IsActive = 'true'", "INVALID_FIELD",
			"value of filter criterion for field 'IsActive' must be of type boolean and should not be enclosed in quotes"},
		{"SELECT Id FROM User WHERE Name = 5", "INVALID_FIELD", "must be of type string and should be enclosed in quotes"},
		{"SELECT Id FROM User WHERE CreatedDate > 2025-08-01", "INVALID_FIELD", "must be of type dateTime"},
		{"SELECT Id FROM User WHERE Id = 'nope'", "INVALID_QUERY_FILTER_OPERATOR", "invalid ID field: nope"},
		{"SELECT Id FROM User WHERE IsActive > true", "INVALID_QUERY_FILTER_OPERATOR", "invalid operator on boolean field"},
		{"SELECT Id FROM EventLogFile WHERE LogFile = 'x'", "INVALID_FIELD", "field 'LogFile' can not be filtered in a query call"},
		{"SELECT Id FROM EventLogFile ORDER BY LogFile", "INVALID_FIELD", "field 'LogFile' can not be sorted in a query call"},
		{"SELECT Id FROM User\nWHERE Bogus = 1", "INVALID_FIELD", "\nWHERE Bogus = 1\n      ^\nERROR at Row:2:Column:7\n"},
	}
	for _, tt := range tests {
		t.Run(tt.soql, func(t *testing.T) {
			status, e := sm.queryError(t, sm.token, tt.soql)
			if status != http.StatusBadRequest || e.Code != tt.code || !strings.Contains(e.Message, tt.msg) {
				t.Errorf("got %d %s %q, want 400 %s containing %q", status, e.Code, e.Message, tt.code, tt.msg)
			}
		})
	}
}

func TestQueryLogsDecodedSOQL(t *testing.T) {
	t.Parallel()
	sm := newSim(t, nil, Options{})
	sm.ResetRequests()
	const soql = "SELECT Id FROM User WHERE Name = 'Ada Admin'"
	sm.query(t, sm.token, soql)
	reqs := sm.Requests()
	if len(reqs) != 1 || reqs[0].SOQL != soql || reqs[0].Path != "/services/data/v62.0/query" || reqs[0].Status != 200 {
		t.Errorf("log %+v", reqs)
	}
}
