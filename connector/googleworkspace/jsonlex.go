package googleworkspace

import (
	"encoding/binary"
	"unicode/utf16"
	"unicode/utf8"
)

// The lexical side of jsonScanner: numbers, and strings with their escapes, read as
// encoding/json reads them.

// number consumes a number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
func (s *jsonScanner) number() bool {
	if s.i < len(s.b) && s.b[s.i] == '-' {
		s.i++
	}
	switch {
	case s.i < len(s.b) && s.b[s.i] == '0':
		s.i++
	case !s.digits():
		return s.fail("invalid number")
	}
	if s.i < len(s.b) && s.b[s.i] == '.' {
		s.i++
		if !s.digits() {
			return s.fail("invalid number")
		}
	}
	if s.i < len(s.b) && (s.b[s.i] == 'e' || s.b[s.i] == 'E') {
		s.i++
		if s.i < len(s.b) && (s.b[s.i] == '+' || s.b[s.i] == '-') {
			s.i++
		}
		if !s.digits() {
			return s.fail("invalid number")
		}
	}
	return true
}

// digits consumes one or more decimal digits.
func (s *jsonScanner) digits() bool {
	start := s.i
	for s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9' {
		s.i++
	}
	return s.i > start
}

// rawString reads a string, which must come next, decoding escapes and replacing invalid
// UTF-8 with U+FFFD as encoding/json does.
func (s *jsonScanner) rawString() ([]byte, bool) {
	if s.ws() != '"' {
		return nil, s.fail("expected a string")
	}
	s.i++
	start := s.i
	s.i += plainRun(s.b[s.i:])
	for s.i < len(s.b) {
		switch c := s.b[s.i]; {
		case c == '"':
			s.i++
			return s.b[start : s.i-1], true
		case c == '\\' || c >= utf8.RuneSelf:
			return s.slowString(start)
		case c < 0x20:
			return nil, s.fail("control character in a string")
		default:
			s.i++
		}
	}
	return nil, s.fail("unterminated string")
}

// plainRun returns how many bytes at the start of b, eight at a time, are plain string
// bytes: printable ASCII other than '"' and '\\'. Most of a string is.
func plainRun(b []byte) int {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	i := 0
	for ; i+8 <= len(b); i += 8 {
		w := binary.LittleEndian.Uint64(b[i:])
		quote, backslash := w^(ones*'"'), w^(ones*'\\')
		if w&highs != 0 || (w-ones*0x20)&^w&highs != 0 || (quote-ones)&^quote&highs != 0 ||
			(backslash-ones)&^backslash&highs != 0 {
			break // a byte of these eight is not plain (or, rarely, looks so)
		}
	}
	return i
}

// slowString finishes a string with escapes or non-ASCII bytes from start into s.buf.
func (s *jsonScanner) slowString(start int) ([]byte, bool) {
	s.buf = append(s.buf[:0], s.b[start:s.i]...)
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			s.i++
			return s.buf, true
		case c == '\\':
			if !s.escape() {
				return nil, false
			}
		case c < 0x20:
			return nil, s.fail("control character in a string")
		case c < utf8.RuneSelf:
			s.buf = append(s.buf, c)
			s.i++
		default:
			r, size := utf8.DecodeRune(s.b[s.i:])
			s.buf = utf8.AppendRune(s.buf, r) // RuneError for invalid bytes, as encoding/json
			s.i += size
		}
	}
	return nil, s.fail("unterminated string")
}

// escape decodes the escape sequence at s.i into s.buf.
func (s *jsonScanner) escape() bool {
	if s.i+1 >= len(s.b) {
		return s.fail("unterminated string")
	}
	c := s.b[s.i+1]
	s.i += 2
	switch c {
	case '"', '\\', '/':
		s.buf = append(s.buf, c)
	case 'b':
		s.buf = append(s.buf, '\b')
	case 'f':
		s.buf = append(s.buf, '\f')
	case 'n':
		s.buf = append(s.buf, '\n')
	case 'r':
		s.buf = append(s.buf, '\r')
	case 't':
		s.buf = append(s.buf, '\t')
	case 'u':
		if len(s.b)-s.i < 4 {
			return s.fail("invalid \\u escape")
		}
		r, ok := hex4(s.b[s.i : s.i+4])
		if !ok {
			return s.fail("invalid \\u escape")
		}
		s.i += 4
		if utf16.IsSurrogate(r) {
			r = s.lowSurrogate(r)
		}
		s.buf = utf8.AppendRune(s.buf, r)
	default:
		return s.fail("invalid escape")
	}
	return true
}

// lowSurrogate completes the high surrogate hi with a following \uXXXX low surrogate, if
// there is one; otherwise the result is U+FFFD and what follows is read on its own, as
// encoding/json decodes it.
func (s *jsonScanner) lowSurrogate(hi rune) rune {
	if len(s.b)-s.i >= 6 && s.b[s.i] == '\\' && s.b[s.i+1] == 'u' {
		if lo, ok := hex4(s.b[s.i+2 : s.i+6]); ok {
			if r := utf16.DecodeRune(hi, lo); r != utf8.RuneError {
				s.i += 6
				return r
			}
		}
	}
	return utf8.RuneError
}

// hex4 decodes four hexadecimal digits.
func hex4(b []byte) (rune, bool) {
	var r rune
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}
