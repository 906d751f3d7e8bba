package salesforce

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/nhiscope/nhi"
)

// FuzzParseError checks that no error body makes the parser panic or keep unclean text.
func FuzzParseError(f *testing.F) {
	f.Add(`[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]`)
	f.Add(`{"error":"invalid_grant","error_description":"x"}`)
	f.Add(`<Envelope><Body><Fault><faultcode>sf:X</faultcode><faultstring>y</faultstring></Fault></Body></Envelope>`)
	f.Fuzz(func(t *testing.T, body string) {
		e := parseError(500, []byte(body))
		if e.Code != nhi.CleanText(e.Code) || e.Message != nhi.CleanText(e.Message) || len(e.Message) > 300 {
			t.Errorf("unclean or long error %+v", e)
		}
	})
}

// FuzzQueryPage checks that no query answer makes the decoders panic.
func FuzzQueryPage(f *testing.F) {
	f.Add(`{"totalSize":1,"done":true,"records":[{"AppName":"Drift","UserId":"005","UseCount":3,"CreatedDate":"2024-03-02T15:04:05.000+0000"}]}`)
	f.Add(`{"records":[{"Profile":null,"PermissionSet":{"PermissionsViewAllData":true}}]}`)
	f.Fuzz(func(t *testing.T, body string) {
		var tokens queryPage[tokenRecord]
		var users queryPage[userRecord]
		var perms queryPage[assignmentRecord]
		if json.Unmarshal([]byte(body), &tokens) == nil {
			for i := range tokens.Records {
				tokenIdentity("00D", &tokens.Records[i], "", appFacts{}, true)
			}
		}
		if json.Unmarshal([]byte(body), &users) == nil {
			for i := range users.Records {
				person("00D", &users.Records[i], false)
			}
		}
		if json.Unmarshal([]byte(body), &perms) == nil {
			var p sysPerms
			for i := range perms.Records {
				p.add(&perms.Records[i])
			}
		}
	})
}

// FuzzReadAPIFile checks that no CSV makes the reader panic or deliver events without
// an ID and a time.
func FuzzReadAPIFile(f *testing.F) {
	f.Add("\"EVENT_TYPE\",\"TIMESTAMP_DERIVED\",\"REQUEST_ID\"\n\"RestApi\",\"2025-10-12T03:14:15.123Z\",\"r1\"\n")
	f.Add("REQUEST_ID,TIMESTAMP\nr,20251012031415.123\n\"unterminated")
	f.Fuzz(func(t *testing.T, body string) {
		rows, _ := readAPIFile(strings.NewReader(body), "00D")
		for _, r := range rows {
			if r.requestID == "" || r.ev.Time.IsZero() || !utf8.ValidString(r.ev.UserAgent) {
				t.Errorf("bad row %+v", r)
			}
		}
	})
}

// FuzzCursors checks that the cursor parsers accept only what they issue: whatever they
// accept prints back to an equivalent cursor.
func FuzzCursors(f *testing.F) {
	f.Add("salesforce1:2026-11-01T00:00:00Z")
	f.Add("salesforce-events1:eyJsb2dpbiI6IjIwMjYtMTEtMDFUMDA6MDA6MDBaIiwiZmlsZXNfZnJvbSI6IjIwMjYtMTEtMDFUMDA6MDA6MDBaIn0")
	f.Fuzz(func(t *testing.T, s string) {
		if at, err := parseScanCursor(nhi.Cursor(s)); err == nil {
			if again, err := parseScanCursor(scanCursor(at)); err != nil || !again.Equal(at) {
				t.Errorf("scan cursor %q does not round-trip: %v", s, err)
			}
		}
		if c, err := parseEventsCursor(nhi.Cursor(s)); err == nil {
			if _, err := parseEventsCursor(nhi.Cursor(c.String())); err != nil {
				t.Errorf("events cursor %q does not round-trip: %v", s, err)
			}
		}
	})
}

// FuzzLimitInfo checks the Sforce-Limit-Info parser.
func FuzzLimitInfo(f *testing.F) {
	f.Add("api-usage=12/100000")
	f.Fuzz(func(t *testing.T, h string) {
		if used, max, ok := parseLimitInfo(h); ok && (used < 0 || max <= 0) {
			t.Errorf("parseLimitInfo(%q) = %d, %d", h, used, max)
		}
	})
}
