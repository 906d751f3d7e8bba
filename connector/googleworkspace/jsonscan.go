package googleworkspace

import (
	"errors"
	"fmt"
)

// jsonScanner reads the few members the connector needs out of a JSON document without
// reflection or an allocation per value: the token audit log runs to hundreds of
// thousands of events a scan, and encoding/json spent most of the scan's CPU decoding them
// into the Reports client's structs. It validates the whole document as encoding/json does
// (a fuzz test holds it to that) and reports the first problem as a *jsonError.
type jsonScanner struct {
	b     []byte
	i     int
	depth int
	err   error
	// buf holds the last string that needed unescaping.
	buf []byte
}

// maxJSONDepth is the deepest nesting accepted, as in encoding/json.
const maxJSONDepth = 10000

// jsonError is a malformed or unexpected answer.
type jsonError struct {
	off int
	msg string
}

// Error describes the problem and where it is.
func (e *jsonError) Error() string { return fmt.Sprintf("json at offset %d: %s", e.off, e.msg) }

// errJSON matches every *jsonError with errors.Is.
var errJSON = errors.New("malformed json")

// Is makes errors.Is(err, errJSON) true.
func (e *jsonError) Is(target error) bool { return target == errJSON }

// fail records the first problem and returns false.
func (s *jsonScanner) fail(msg string) bool {
	if s.err == nil {
		s.err = &jsonError{off: s.i, msg: msg}
	}
	s.i = len(s.b) // stop everything
	return false
}

// ws skips white space and returns the next byte, or 0 at the end.
func (s *jsonScanner) ws() byte {
	for s.i < len(s.b) {
		switch c := s.b[s.i]; c {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return c
		}
	}
	return 0
}

// document reads a whole document whose top value is read by value, and checks nothing
// but white space follows it.
func (s *jsonScanner) document(value func() bool) error {
	if value() && s.ws() != 0 {
		s.fail("data after the top value")
	}
	return s.err
}

// null consumes a null if one comes next and reports whether it did.
func (s *jsonScanner) null() bool {
	if s.ws() == 'n' {
		return s.literal("null")
	}
	return false
}

// literal consumes the literal word, which must come next.
func (s *jsonScanner) literal(word string) bool {
	if len(s.b)-s.i < len(word) || string(s.b[s.i:s.i+len(word)]) != word {
		return s.fail("invalid literal")
	}
	s.i += len(word)
	return true
}

// object reads an object (or null), calling member with each key; member must consume the
// value (or skip it) and return false to stop on an error.
func (s *jsonScanner) object(member func(key []byte) bool) bool {
	if s.null() {
		return true
	}
	if s.ws() != '{' {
		return s.fail("expected an object")
	}
	if s.depth++; s.depth > maxJSONDepth {
		return s.fail("nested too deeply")
	}
	s.i++
	if s.ws() == '}' {
		s.i++
		s.depth--
		return true
	}
	for {
		key, ok := s.rawString()
		if !ok || s.ws() != ':' {
			return s.fail("expected a member")
		}
		s.i++
		if !member(key) {
			return false
		}
		switch s.ws() {
		case ',':
			s.i++
		case '}':
			s.i++
			s.depth--
			return true
		default:
			return s.fail("expected , or } after a member")
		}
	}
}

// array reads an array (or null), calling elem at each element; elem must consume it.
func (s *jsonScanner) array(elem func() bool) bool {
	if s.null() {
		return true
	}
	if s.ws() != '[' {
		return s.fail("expected an array")
	}
	if s.depth++; s.depth > maxJSONDepth {
		return s.fail("nested too deeply")
	}
	s.i++
	if s.ws() == ']' {
		s.i++
		s.depth--
		return true
	}
	for {
		if !elem() {
			return false
		}
		switch s.ws() {
		case ',':
			s.i++
		case ']':
			s.i++
			s.depth--
			return true
		default:
			return s.fail("expected , or ] after an element")
		}
	}
}

// str reads a string (or null, as ""). The bytes are valid until the next call of str.
func (s *jsonScanner) str() ([]byte, bool) {
	if s.null() {
		return nil, true
	}
	return s.rawString()
}

// boolean reads true, false or null (as false).
func (s *jsonScanner) boolean() (bool, bool) {
	switch s.ws() {
	case 't':
		return true, s.literal("true")
	case 'f':
		return false, s.literal("false")
	case 'n':
		return false, s.literal("null")
	}
	return false, s.fail("expected a boolean")
}

// skip consumes any value.
func (s *jsonScanner) skip() bool {
	switch c := s.ws(); {
	case c == '{':
		return s.object(func([]byte) bool { return s.skip() })
	case c == '[':
		return s.array(s.skip)
	case c == '"':
		_, ok := s.rawString()
		return ok
	case c == 't':
		return s.literal("true")
	case c == 'f':
		return s.literal("false")
	case c == 'n':
		return s.literal("null")
	case c == '-' || c >= '0' && c <= '9':
		return s.number()
	}
	return s.fail("expected a value")
}
