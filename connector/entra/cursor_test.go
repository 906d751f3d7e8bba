package entra

import (
	"encoding/base64"
	"strings"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/nhiscope/nhi"
)

// validCursor is a cursor as a scan issues it.
func validCursor() cursor {
	return cursor{Full: 1754992862, SPs: "v1.0/servicePrincipals/delta?$deltatoken=abc_-1",
		Apps: "v1.0/applications/delta?$deltatoken=x", Grants: "v1.0/oauth2PermissionGrants/delta?$deltatoken=9"}
}

// TestCursorRoundTrip checks that a cursor reads back as it was written.
func TestCursorRoundTrip(t *testing.T) {
	t.Parallel()
	c := validCursor()
	s := nhi.Cursor(c.String())
	if !strings.HasPrefix(string(s), cursorPrefix) {
		t.Fatalf("cursor %q lacks the prefix", s)
	}
	got, err := parseCursor(s)
	if err != nil {
		t.Fatal(err)
	}
	if diff := gocmp.Diff(c, got); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}

// TestParseCursorRejects checks that anything but a cursor of this connector is refused
// with CodeInvalid.
func TestParseCursorRejects(t *testing.T) {
	t.Parallel()
	enc := func(json string) nhi.Cursor {
		return nhi.Cursor(cursorPrefix + base64.RawURLEncoding.EncodeToString([]byte(json)))
	}
	mod := func(f func(*cursor)) nhi.Cursor {
		c := validCursor()
		f(&c)
		return nhi.Cursor(c.String())
	}
	tests := map[string]nhi.Cursor{
		"google cursor":      "gws1:1754992862123",
		"no payload":         cursorPrefix,
		"not base64":         cursorPrefix + "!!!",
		"not json":           enc("[1,2]"),
		"unknown member":     enc(`{"full":1,"sps":"v1.0/a?b","apps":"v1.0/a?b","grants":"v1.0/a?b","x":1}`),
		"trailing data":      enc(`{"full":1,"sps":"v1.0/a?b","apps":"v1.0/a?b","grants":"v1.0/a?b"} {}`),
		"no full time":       mod(func(c *cursor) { c.Full = 0 }),
		"absolute link":      mod(func(c *cursor) { c.SPs = "https://evil.example/v1.0/x?y" }),
		"beta link":          mod(func(c *cursor) { c.Apps = "beta/applications/delta?x" }),
		"link without query": mod(func(c *cursor) { c.Grants = "v1.0/oauth2PermissionGrants/delta" }),
		"dot dot":            mod(func(c *cursor) { c.Grants = "v1.0/../x?y" }),
		"space":              mod(func(c *cursor) { c.Grants = "v1.0/x?y z" }),
		"empty link":         mod(func(c *cursor) { c.Apps = "" }),
		"too long":           nhi.Cursor(cursorPrefix + strings.Repeat("A", maxCursor)),
	}
	for name, s := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if _, err := parseCursor(s); nhi.ErrorCode(err) != nhi.CodeInvalid {
				t.Errorf("parseCursor = %v, want CodeInvalid", err)
			}
		})
	}
}

// FuzzParseCursor checks that parseCursor never panics and that what it accepts writes
// back to a cursor that reads the same.
func FuzzParseCursor(f *testing.F) {
	f.Add(validCursor().String())
	f.Add("entra1:e30")
	f.Add("gws1:1")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := parseCursor(nhi.Cursor(s))
		if err != nil {
			return
		}
		again, err := parseCursor(nhi.Cursor(c.String()))
		if err != nil || again != c {
			t.Errorf("cursor %q reads back as %+v, %v", s, again, err)
		}
	})
}
