package entrasim

import (
	"bytes"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// kv is one member of a rendered object, in Graph's order.
type kv struct {
	k string
	v any
}

// resource describes an entity type: its members in Graph's order, the ones $filter
// takes, and its names in the metadata context.
type resource struct {
	// typeName is the OData type ("servicePrincipal"); set the entity set
	// ("servicePrincipals").
	typeName, set string
	fields        []string
	// filters maps a property to the operators $filter takes on it ("eq", "ge gt le lt").
	filters map[string]string
	// defaults are the members listed without $select; nil means every member.
	defaults selection
}

// field returns the canonical spelling of member name (Graph matches names without regard
// to case), or false.
func (r *resource) field(name string) (string, bool) {
	for _, f := range r.fields {
		if strings.EqualFold(f, name) {
			return f, true
		}
	}
	return "", false
}

// selection is the members a request asked for ($select), in the request's order; nil
// means every member.
type selection []string

// has reports whether member k is selected.
func (s selection) has(k string) bool {
	if s == nil {
		return true
	}
	for _, f := range s {
		if f == k {
			return true
		}
	}
	return false
}

// appendObject appends the selected members of fields as a JSON object. extra members
// (such as "@removed") come first.
func appendObject(b *bytes.Buffer, fields []kv, sel selection, extra ...kv) {
	b.WriteByte('{')
	n := 0
	put := func(f kv) {
		if n > 0 {
			b.WriteByte(',')
		}
		n++
		appendString(b, f.k)
		b.WriteByte(':')
		appendValue(b, f.v)
	}
	for _, f := range extra {
		put(f)
	}
	for _, f := range fields {
		if sel.has(f.k) {
			put(f)
		}
	}
	b.WriteByte('}')
}

// timeFormat is how Graph writes DateTimeOffset values.
const timeFormat = "2006-01-02T15:04:05Z"

// ts renders a time as Graph does, or null for the zero time.
func ts(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format(timeFormat)
}

// nullable renders an empty string as null.
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// appendValue appends v as JSON: strings, bools and null directly, other values through
// encoding/json.
func appendValue(b *bytes.Buffer, v any) {
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case string:
		appendString(b, x)
	case bool:
		b.WriteString(strconv.FormatBool(x))
	default:
		b.Write(marshal(v))
	}
}

// appendString appends s as a JSON string, escaping as encoding/json does without HTML
// escaping: quotes, backslashes, control characters, invalid UTF-8 (as U+FFFD) and the
// JavaScript line separators.
func appendString(b *bytes.Buffer, s string) {
	const hex = "0123456789abcdef"
	b.WriteByte('"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b.WriteByte('\\')
				b.WriteByte(c)
			case c == '\n':
				b.WriteString(`\n`)
			case c == '\r':
				b.WriteString(`\r`)
			case c == '\t':
				b.WriteString(`\t`)
			case c < 0x20:
				b.WriteString(`\u00`)
				b.WriteByte(hex[c>>4])
				b.WriteByte(hex[c&0xf])
			default:
				b.WriteByte(c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteString(`\ufffd`)
		case r == '\u2028' || r == '\u2029':
			b.WriteString(`\u202`)
			b.WriteByte(hex[r&0xf])
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	b.WriteByte('"')
}
