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
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
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

// appendBoolField appends "key":true or "key":false.
func appendBoolField(b []byte, key string, v bool) []byte {
	return strconv.AppendBool(appendKey(b, key), v)
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
	b = append(b, '"')
	b = t.UTC().AppendFormat(b, googleTimeLayout)
	return append(b, '"')
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
// the field omitted when the page is empty, as Google does.
type listPage struct {
	b     []byte
	field string
	n     int
	h     uint64
}

// newListPage starts a list answer of the given kind whose items go in field.
func newListPage(kind, field string) *listPage {
	return &listPage{b: appendStringField([]byte("{"), "kind", kind), field: field, h: fnvOffset}
}

// add appends one item, rendered by render, which returns the item's hash.
func (p *listPage) add(render func([]byte) ([]byte, uint64)) {
	if p.n == 0 {
		p.b = append(appendKey(p.b, p.field), '[')
	} else {
		p.b = append(p.b, ',')
	}
	var h uint64
	p.b, h = render(p.b)
	p.h = p.h*fnvPrime ^ h
	p.n++
}

// finish closes the answer, with nextPageToken unless it is empty.
func (p *listPage) finish(next string) []byte {
	if p.n > 0 {
		p.b = append(p.b, ']')
	}
	p.b = appendEtag(appendKey(p.b, "etag"), p.h)
	if next != "" {
		p.b = appendStringField(p.b, "nextPageToken", next)
	}
	return append(p.b, "}\n"...)
}
