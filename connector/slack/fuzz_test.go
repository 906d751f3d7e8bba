package slack

import (
	"testing"

	"github.com/nhiscope/nhi"
)

// FuzzDecode feeds arbitrary answers to the envelope check: it never panics, and an
// answer it accepts says ok:true.
func FuzzDecode(f *testing.F) {
	f.Add(200, []byte(`{"ok":true,"members":[]}`))
	f.Add(200, []byte(`{"ok":false,"error":"missing_scope","needed":"admin"}`))
	f.Add(429, []byte(`{"ok":false,"error":"ratelimited"}`))
	f.Add(200, []byte(`{"ok":true,"logs":[{"date":"x"}],"paging":{"page":"1"}}`))
	f.Add(500, []byte("<html>\u202e</html>"))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		var page logsPage
		err := decode(status, body, "team.integrationLogs", &page)
		if err == nil && status != 200 {
			t.Errorf("status %d accepted", status)
		}
		if se := asSlack(err); se != nil && se.Code != nhi.CleanText(se.Code) {
			t.Errorf("error code %q is not clean text", se.Code)
		}
	})
}

// FuzzParseCursor checks that any cursor parses or is refused with CodeInvalid, and that
// a parsed one round-trips.
func FuzzParseCursor(f *testing.F) {
	f.Add("")
	f.Add("1723459200:a,b")
	f.Add("-1:x")
	f.Add("junk")
	f.Fuzz(func(t *testing.T, s string) {
		at, done, err := parseCursor(nhi.Cursor(s))
		if err != nil {
			if nhi.ErrorCode(err) != nhi.CodeInvalid {
				t.Errorf("parseCursor(%q) = %v, want CodeInvalid", s, err)
			}
			return
		}
		if at < 0 || (s == "" && (at != 0 || done != nil)) {
			t.Errorf("parseCursor(%q) = %d, %q", s, at, done)
		}
	})
}
