package entrasim

import (
	"bytes"
	"encoding/json"
	"testing"
	"unicode/utf8"
)

// FuzzAppendString checks the JSON string writer against encoding/json: the output is
// valid JSON that decodes to the input (invalid UTF-8 replaced, as encoding/json does).
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "plain", `quote " and \ backslash`, "ctl \x00\x07\n\r\t\x1f", "bidi \u202e \u2028 \u2029",
		"<script>&amp;</script>", "bad \xff utf8", "émoji 🙂"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var b bytes.Buffer
		appendString(&b, s)
		var got string
		if err := json.Unmarshal(b.Bytes(), &got); err != nil {
			t.Fatalf("appendString(%q) = %s: not JSON: %v", s, b.Bytes(), err)
		}
		want := s
		if !utf8.ValidString(s) {
			if err := json.Unmarshal(marshal(s), &want); err != nil {
				t.Fatal(err)
			}
		}
		if got != want {
			t.Errorf("appendString(%q) decodes to %q, want %q", s, got, want)
		}
	})
}

// FuzzParseFilter checks that no $filter makes the parser panic or accept a clause on a
// property the resource does not filter by.
func FuzzParseFilter(f *testing.F) {
	for _, s := range []string{"clientId eq 'x'", "clientId eq 'a''b' and consentType eq 'Principal'", "principalId eq null",
		"scope eq 'x'", "clientId eq 'unterminated", "(", "a b c d e", "activityDateTime ge 2025-01-01T00:00:00Z"} {
		f.Add(s)
	}
	res := newCatalog().grant
	f.Fuzz(func(t *testing.T, s string) {
		cs, gerr := parseFilter(s, res)
		if gerr != nil {
			if gerr.Status != 400 {
				t.Errorf("parseFilter(%q) refused with status %d, want 400", s, gerr.Status)
			}
			return
		}
		for _, c := range cs {
			if _, ok := res.filters[c.prop]; !ok {
				t.Errorf("parseFilter(%q) accepted property %q", s, c.prop)
			}
		}
	})
}
