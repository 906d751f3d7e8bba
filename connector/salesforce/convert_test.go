package salesforce

import (
	"testing"
	"time"

	"github.com/nhiscope/nhi"
)

// TestScopeName checks the mapping of Metadata API scope values to catalogue names.
func TestScopeName(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"Api": "api", "RefreshToken": "refresh_token", "Full": "full", "OpenID": "openid",
		"Basic": "id", "Chatter": "chatter_api", "CustomApplications": "visualforce", "CdpQueryApi": "cdp_query_api",
		" Web ": "web"} {
		if got := scopeName(in); got != want {
			t.Errorf("scopeName(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestTokenExternalID checks that token external IDs round-trip and that others are
// refused.
func TestTokenExternalID(t *testing.T) {
	t.Parallel()
	at := time.Date(2024, 3, 2, 15, 4, 5, 123e6, time.UTC)
	ext := tokenExternalID("0055e000004IntgAAG", "0Jm5e000000Kz1ICAS", at)
	if ext != "0055e000004IntgAAG/0Jm5e000000Kz1ICAS/1709391845123" {
		t.Errorf("tokenExternalID = %q", ext)
	}
	user, item, created, ok := parseTokenExternalID(ext)
	if !ok || user != "0055e000004IntgAAG" || item != "0Jm5e000000Kz1ICAS" || !created.Equal(at) {
		t.Errorf("parseTokenExternalID(%q) = %q, %q, %v, %v", ext, user, item, created, ok)
	}
	for _, bad := range []string{"", "a/b/c", "0055e000004IntgAAG/0Jm5e000000Kz1ICAS/-1",
		"0055e000004IntgAAG/0Jm5e000000Kz1ICAS/0012", "0H45e000004IntgAAG/0Jm5e000000Kz1ICAS/1", "x/y/z/w"} {
		if _, _, _, ok := parseTokenExternalID(bad); ok {
			t.Errorf("parseTokenExternalID(%q) accepted", bad)
		}
	}
}

// TestIntegrationUser checks the rules that make a user an integration user.
func TestIntegrationUser(t *testing.T) {
	t.Parallel()
	std := userRecord{UserType: "Standard", Profile: &named{Name: "Standard User"}}
	integ := userRecord{UserType: "Standard", Profile: &named{Name: "Minimum Access - API Only Integrations"}}
	tests := []struct {
		name   string
		u      userRecord
		p      sysPerms
		tokens bool
		want   bool
	}{
		{"person", std, sysPerms{apiEnabled: true}, true, false},
		{"API only", std, sysPerms{apiOnly: true}, false, true},
		{"automated process", userRecord{UserType: "AutomatedProcess"}, sysPerms{}, false, true},
		{"integration profile holding tokens", integ, sysPerms{}, true, true},
		{"integration profile without tokens", integ, sysPerms{}, false, false},
	}
	for _, tt := range tests {
		if got := integrationUser(&tt.u, &tt.p, tt.tokens); got != tt.want {
			t.Errorf("%s: integrationUser = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestPerson checks the status of people.
func TestPerson(t *testing.T) {
	t.Parallel()
	u := userRecord{ID: "0055e000000Ada1AAA", Name: "Ada\u202e", Email: "ada@example.com", IsActive: true,
		Profile: &named{Name: "System Administrator"}}
	if p := person("00D", &u, false); p.Status != nhi.PersonActive || !p.IsAdmin || p.Name != nhi.CleanText("Ada\u202e") {
		t.Errorf("active admin = %+v", p)
	}
	if p := person("00D", &u, true); p.Status != nhi.PersonSuspended {
		t.Errorf("frozen user = %s, want suspended", p.Status)
	}
	u.IsActive = false
	if p := person("00D", &u, true); p.Status != nhi.PersonDeparted {
		t.Errorf("inactive user = %s, want departed", p.Status)
	}
}

// TestAPIKind checks which API requests are exports.
func TestAPIKind(t *testing.T) {
	t.Parallel()
	tests := []struct {
		method, uri string
		want        nhi.EventKind
	}{
		{"POST", "/services/data/v62.0/jobs/query", nhi.EventExport},
		{"GET", "/services/data/v62.0/jobs/query/750xx0000000001/results?maxRecords=50000", nhi.EventExport},
		{"DELETE", "/services/data/v62.0/jobs/query/750xx0000000001", nhi.EventExportDeleted},
		{"GET", "/services/data/v62.0/jobs/query/750xx0000000001", nhi.EventAPICall},
		{"GET", "/services/data/v62.0/query", nhi.EventAPICall},
		{"POST", "/services/Soap/u/62.0", nhi.EventAPICall},
	}
	for _, tt := range tests {
		if got := apiKind(tt.method, tt.uri); got != tt.want {
			t.Errorf("apiKind(%s %s) = %s, want %s", tt.method, tt.uri, got, tt.want)
		}
	}
}

// TestID18 checks the case-safe suffix of 15-character IDs.
func TestID18(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"001A0000006Vm9r": "001A0000006Vm9rIAC", "00D000000000001": "00D000000000001EAA",
		"0055e000004IntgAAG": "0055e000004IntgAAG", "": ""} {
		if got := id18(in); got != want {
			t.Errorf("id18(%q) = %q, want %q", in, got, want)
		}
	}
}
