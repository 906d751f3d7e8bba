package salesforcesim

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

// fuzzServer returns a simulator over the small org and its integration user, for
// calling the query engine directly.
func fuzzServer(f *testing.F) (*Server, caller) {
	s, err := New(smallOrg(), Options{})
	if err != nil {
		f.Fatal(err)
	}
	u := s.w.users[s.w.nhiUser]
	return s, caller{user: s.w.nhiUser, userID: u.ID, version: "v62.0", customizeApplication: true, viewAllUsers: true, viewEventLogFiles: true}
}

// FuzzSOQL checks that no query makes the engine panic, that refusals carry one of
// Salesforce's query error codes with the caret message, and that answers are JSON
// records of the queried type.
func FuzzSOQL(f *testing.F) {
	for _, q := range []string{
		"SELECT Id FROM User",
		"SELECT Id, Profile.Name FROM User WHERE (IsActive = true OR Name LIKE 'a%') AND CreatedDate < 2025-01-01T00:00:00Z ORDER BY Name DESC NULLS LAST LIMIT 5",
		"SELECT AppName FROM OauthToken WHERE UserId IN ('005000000000000', '005000000000001AAA') AND UseCount >= 3.5",
		"SELECT Id FROM LoginHistory WHERE LoginTime = LAST_N_DAYS:30 AND NOT Status = 'Success'",
		"SELECT Id FROM EventLogFile WHERE LogDate > YESTERDAY AND EventType NOT IN ('Login')",
		"SELECT COUNT() FROM User GROUP BY Name", "SELECT Id FROM User WHERE Name = 'a\\'b\\n'", "SELECT", "'", "SELECT Id FROM",
		"select id from user where id = null order by id, name asc nulls first", "SELECT a.b.c FROM User",
	} {
		f.Add(q)
	}
	s, c := fuzzServer(f)
	codes := []string{"MALFORMED_QUERY", "INVALID_TYPE", "INVALID_FIELD", "INVALID_QUERY_FILTER_OPERATOR"}
	f.Fuzz(func(t *testing.T, q string) {
		recs, aerr := s.run(q, c, "v62.0")
		if aerr != nil {
			if !slices.Contains(codes, aerr.Code) || !strings.Contains(aerr.Message, "ERROR at Row:") {
				t.Fatalf("run(%q) refused with %+v", q, aerr)
			}
			return
		}
		for _, r := range recs {
			var rec struct {
				Attributes struct{ Type string } `json:"attributes"`
			}
			if err := json.Unmarshal(r, &rec); err != nil || rec.Attributes.Type == "" {
				t.Fatalf("run(%q) rendered %s: %v", q, r, err)
			}
		}
	})
}

// FuzzMetadataEnvelope checks that no request body makes the Metadata API endpoint panic
// and that every answer is a SOAP envelope: a result or a fault with status 500.
func FuzzMetadataEnvelope(f *testing.F) {
	for _, b := range []string{
		`<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><listMetadata/></soapenv:Body></soapenv:Envelope>`,
		`<Envelope><Body><readMetadata><type>ConnectedApp</type></readMetadata></Body></Envelope>`, "", "<", "<a><b></a>",
	} {
		f.Add(b)
	}
	s, _ := fuzzServer(f)
	f.Fuzz(func(t *testing.T, body string) {
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/services/Soap/m/62.0", strings.NewReader(body)))
		if (rec.Code != http.StatusOK && rec.Code != http.StatusInternalServerError) || !strings.Contains(rec.Body.String(), "soapenv:Envelope") {
			t.Fatalf("body %q: %d %s", body, rec.Code, rec.Body)
		}
	})
}
