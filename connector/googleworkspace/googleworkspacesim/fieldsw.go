package googleworkspacesim

import (
	"strconv"
	"time"
)

// The appenders below write one member of an object if the field mask selects it: the
// renderers apply a fields parameter as they write, without rendering the whole answer
// first. With a nil mask (no fields parameter) they write every member.

// str appends "key":"value" if m selects key.
func (m *fieldMask) str(b []byte, key, value string) []byte {
	if !m.has(key) {
		return b
	}
	return appendStringField(b, key, value)
}

// boolean appends "key":true or "key":false if m selects key.
func (m *fieldMask) boolean(b []byte, key string, v bool) []byte {
	if !m.has(key) {
		return b
	}
	return strconv.AppendBool(appendKey(b, key), v)
}

// time appends "key":"<Google timestamp>" if m selects key.
func (m *fieldMask) time(b []byte, key string, t time.Time) []byte {
	if !m.has(key) {
		return b
	}
	return appendTime(appendKey(b, key), t)
}

// etag appends "etag":<entity tag of h> if m selects etag.
func (m *fieldMask) etag(b []byte, h uint64) []byte {
	if !m.has("etag") {
		return b
	}
	return appendEtag(appendKey(b, "etag"), h)
}

// strings appends "key":[...] if m selects key.
func (m *fieldMask) strings(b []byte, key string, values []string) []byte {
	if !m.has(key) {
		return b
	}
	return appendStrings(appendKey(b, key), values)
}

// open appends "key": and the opening bracket c ('{' or '[') if m selects key, and returns
// the mask of key's members; ok is false (and nothing is written) if m does not select key.
func (m *fieldMask) open(b []byte, key string, c byte) (out []byte, sub *fieldMask, ok bool) {
	if !m.has(key) {
		return b, nil, false
	}
	return append(appendKey(b, key), c), m.sub(key), true
}

// element starts an element of an array: a comma unless it is the first, then '{'.
func element(b []byte) []byte {
	if b[len(b)-1] != '[' {
		b = append(b, ',')
	}
	return append(b, '{')
}
