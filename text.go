package nhi

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxTextLen is the most runes CleanText keeps of a tenant-supplied name.
const MaxTextLen = 256

// CleanText makes a tenant-supplied string (an app name, a user name) safe to store and to
// print on a terminal: invalid UTF-8 is replaced, control and format characters (including
// ANSI escapes and bidirectional overrides) are dropped, runs of white space fold to one
// space, and the result is trimmed and cut to MaxTextLen runes. Markup is kept as text:
// escaping it is the job of whoever renders it (HTML, CSV).
func CleanText(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	var b strings.Builder
	b.Grow(len(s))
	n := 0
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		case unicode.IsControl(r), unicode.Is(unicode.Cf, r):
			continue
		}
		if n >= MaxTextLen {
			break
		}
		if space {
			b.WriteByte(' ')
			n++
			space = false
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}
