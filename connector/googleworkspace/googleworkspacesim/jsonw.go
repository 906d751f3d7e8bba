package googleworkspacesim

import (
	"encoding/base64"
	"encoding/binary"
	"strconv"
	"time"
	"unicode/utf8"
)

// The simulator renders its answers with the small appenders below instead of encoding/json:
// the tokens endpoint must serve thousands of requests a second, and the users and activities
// pages are built from compact internal records, not from structs worth reflecting over.
// appendString escapes exactly as encoding/json does (a fuzz test holds it to that).

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string: quotes, backslashes and control characters are
// escaped, as are <, > and & (as encoding/json does); invalid UTF-8 becomes U+FFFD.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := plainPrefix(s); i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if !needsEscape(c) {
				i++
				continue
			}
			b = appendEscapedByte(append(b, s[start:i]...), c)
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// The ASCII bytes appendString escapes, as bit sets: control characters, '"', '&', '<'
// and '>' below 64, '\\' above.
const (
	escapeLow  uint64 = 1<<32 - 1 | 1<<'"' | 1<<'&' | 1<<'<' | 1<<'>'
	escapeHigh uint64 = 1 << ('\\' - 64)
)

// needsEscape reports whether the ASCII byte c needs an escape in a JSON string.
func needsEscape(c byte) bool {
	if c < 64 {
		return escapeLow>>c&1 != 0
	}
	return escapeHigh>>(c-64)&1 != 0
}

// plainPrefix returns the length of the longest prefix of s that needs no escape, eight
// bytes at a time: identifiers and scopes, most of what the simulator writes, are plain.
func plainPrefix(s string) int {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	// zero reports whether a byte of v is zero.
	zero := func(v uint64) bool { return (v-ones)&^v&highs != 0 }
	i := 0
	for ; i+8 <= len(s); i += 8 {
		w := binary.LittleEndian.Uint64([]byte(s[i : i+8]))
		if w&highs != 0 || (w-ones*0x20)&^w&highs != 0 || zero(w^ones*'"') || zero(w^ones*'\\') ||
			zero(w^ones*'<') || zero(w^ones*'>') || zero(w^ones*'&') {
			break
		}
	}
	for ; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || needsEscape(c) {
			break
		}
	}
	return i
}

// appendEscapedByte appends the JSON escape of an ASCII byte that needs one.
func appendEscapedByte(b []byte, c byte) []byte {
	switch c {
	case '"', '\\':
		return append(b, '\\', c)
	case '\n':
		return append(b, '\\', 'n')
	case '\r':
		return append(b, '\\', 'r')
	case '\t':
		return append(b, '\\', 't')
	case '\b':
		return append(b, '\\', 'b')
	case '\f':
		return append(b, '\\', 'f')
	}
	return append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
}

// appendKey appends a comma when the object already has a member, then "key":.
// Keys are constants of this package and need no escaping.
func appendKey(b []byte, key string) []byte {
	if n := len(b); n > 0 && b[n-1] != '{' && b[n-1] != '[' {
		b = append(b, ',')
	}
	b = append(b, '"')
	b = append(b, key...)
	return append(b, '"', ':')
}

// appendStringField appends "key":"value".
func appendStringField(b []byte, key, value string) []byte {
	return appendString(appendKey(b, key), value)
}

// appendInt64String appends an int64 the way Google's JSON carries it: as a string.
func appendInt64String(b []byte, v int64) []byte {
	b = append(b, '"')
	b = strconv.AppendInt(b, v, 10)
	return append(b, '"')
}

// appendStrings appends a JSON array of strings.
func appendStrings(b []byte, ss []string) []byte {
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, s)
	}
	return append(b, ']')
}

// googleTimeLayout is the timestamp format of the Admin SDK: RFC 3339, UTC, milliseconds.
const googleTimeLayout = "2006-01-02T15:04:05.000Z"

// appendTime appends t as a JSON string in Google's format.
func appendTime(b []byte, t time.Time) []byte {
	t = t.UTC()
	y, mo, d := t.Date()
	if y < 0 || y > 9999 {
		b = append(b, '"')
		b = t.AppendFormat(b, googleTimeLayout)
		return append(b, '"')
	}
	h, mi, s := t.Clock()
	ms := t.Nanosecond() / int(time.Millisecond)
	b = append(b, '"')
	b = appendDigits(b, y, 4)
	b = appendDigits(append(b, '-'), int(mo), 2)
	b = appendDigits(append(b, '-'), d, 2)
	b = appendDigits(append(b, 'T'), h, 2)
	b = appendDigits(append(b, ':'), mi, 2)
	b = appendDigits(append(b, ':'), s, 2)
	b = appendDigits(append(b, '.'), ms, 3)
	return append(b, 'Z', '"')
}

// appendDigits appends v, which is not negative, as exactly n decimal digits.
func appendDigits(b []byte, v, n int) []byte {
	var d [4]byte
	for i := n - 1; i >= 0; i-- {
		d[i] = byte('0' + v%10)
		v /= 10
	}
	return append(b, d[:n]...)
}

// Entity tags are computed on every answer and must not allocate; hashString folds a
// string into a 64-bit hash eight bytes at a time (multiply and xor-shift), the tail byte by
// byte (FNV-1a). It is deterministic, so answers are reproducible; it is not for security.
const (
	fnvOffset uint64 = 14695981039346656037
	fnvPrime  uint64 = 1099511628211
	wordPrime uint64 = 0x9e3779b97f4a7c15
)

// hashString folds s and its length into the hash h.
func hashString(h uint64, s string) uint64 {
	for ; len(s) >= 8; s = s[8:] {
		h = (h ^ binary.LittleEndian.Uint64([]byte(s[:8]))) * wordPrime
		h ^= h >> 29
	}
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= fnvPrime
	}
	return (h ^ uint64(len(s))) * fnvPrime
}

// etagValue returns the entity tag made from hash h, quotes included.
func etagValue(h uint64) string {
	b := appendEtag(nil, h)
	return `"` + string(b[3:len(b)-3]) + `"`
}

// appendEtag appends an entity tag made from hash h as a JSON string. Google's entity tags
// carry their own quotes: the value is "\"...\"".
func appendEtag(b []byte, h uint64) []byte {
	var raw [8]byte
	for i := range raw {
		raw[i] = byte(h >> (56 - 8*i))
	}
	var enc [11]byte
	base64.RawURLEncoding.Encode(enc[:], raw[:])
	b = append(b, '"', '\\', '"')
	b = append(b, enc[:]...)
	return append(b, '\\', '"', '"')
}

// listPage builds a list answer: {"kind":...,"<field>":[...],"etag":...,"nextPageToken":...},
// the field omitted when the page is empty, as Google does, and the members a fields
// parameter leaves out omitted too.
type listPage struct {
	b     []byte
	field string
	m     *fieldMask
	items bool // whether m selects field
	// skip receives the items m leaves out, which are rendered only for the entity tag.
	skip []byte
	n    int
	h    uint64
}

// newListPage starts a list answer of the given kind whose items go in field, filtered by
// m, in buf.
func newListPage(buf []byte, kind, field string, m *fieldMask) *listPage {
	return &listPage{b: m.str(append(buf[:0], '{'), "kind", kind), field: field, m: m, items: m.has(field), h: fnvOffset}
}

// add appends one item, rendered by render, which returns the item's hash.
func (p *listPage) add(render func([]byte) ([]byte, uint64)) {
	var h uint64
	switch {
	case !p.items:
		p.skip, h = render(p.skip[:0])
	case p.n == 0:
		p.b, h = render(append(appendKey(p.b, p.field), '['))
	default:
		p.b, h = render(append(p.b, ','))
	}
	p.h = p.h*fnvPrime ^ h
	p.n++
}

// finish closes the answer, with nextPageToken unless it is empty.
func (p *listPage) finish(next string) []byte {
	if p.n > 0 && p.items {
		p.b = append(p.b, ']')
	}
	p.b = p.m.etag(p.b, p.h)
	if next != "" {
		p.b = p.m.str(p.b, "nextPageToken", next)
	}
	return append(p.b, "}\n"...)
}
