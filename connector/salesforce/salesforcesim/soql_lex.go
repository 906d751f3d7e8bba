package salesforcesim

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// tokKind is the kind of a SOQL token.
type tokKind int

// The kinds of SOQL tokens.
const (
	tokEOF      tokKind = iota
	tokIdent            // a name or keyword, possibly dotted: Profile.Name
	tokString           // 'quoted', unescaped
	tokNumber           // 12, -3, 4.5
	tokDate             // 2025-08-01
	tokDateTime         // 2025-08-01T00:00:00Z
	tokPunct            // ( ) , :
	tokOp               // = != <> < <= > >=
)

// token is one lexeme with its byte offset in the query.
type token struct {
	kind tokKind
	text string
	pos  int
}

// lexError is a lexing failure at a byte offset.
type lexError struct {
	pos int
	msg string
}

// lex splits a SOQL query into tokens.
func lex(q string) ([]token, *lexError) {
	var toks []token
	for i := 0; i < len(q); {
		c := q[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '\'':
			s, n, err := lexString(q, i)
			if err != nil {
				return nil, err
			}
			toks = append(toks, token{tokString, s, i})
			i += n
		case isIdentStart(c):
			j := i
			for j < len(q) && (isIdentPart(q[j]) || q[j] == '.') {
				j++
			}
			toks = append(toks, token{tokIdent, q[i:j], i})
			i = j
		case isDigit(c) || (c == '-' || c == '+') && i+1 < len(q) && isDigit(q[i+1]):
			t := lexNumberOrDate(q, i)
			toks = append(toks, t)
			i += len(t.text)
		case strings.ContainsRune("(),:", rune(c)):
			toks = append(toks, token{tokPunct, string(c), i})
			i++
		case strings.ContainsRune("=!<>", rune(c)):
			op := string(c)
			if i+1 < len(q) && (q[i+1] == '=' || c == '<' && q[i+1] == '>') {
				op = q[i : i+2]
			}
			if op == "!" {
				return nil, &lexError{i, "unexpected token: '!'"}
			}
			toks = append(toks, token{tokOp, op, i})
			i += len(op)
		default:
			r, _ := utf8.DecodeRuneInString(q[i:])
			return nil, &lexError{i, "unexpected token: '" + string(r) + "'"}
		}
	}
	return append(toks, token{tokEOF, "", len(q)}), nil
}

// lexString reads a single-quoted string at q[i], with SOQL's backslash escapes; it
// returns the value and the length consumed.
func lexString(q string, i int) (string, int, *lexError) {
	var sb strings.Builder
	for j := i + 1; j < len(q); j++ {
		switch q[j] {
		case '\'':
			return sb.String(), j + 1 - i, nil
		case '\\':
			if j+1 == len(q) {
				return "", 0, &lexError{j, "Invalid string literal: unterminated escape sequence"}
			}
			j++
			switch e := q[j]; e {
			case 'n':
				sb.WriteByte('\n')
			case 'r':
				sb.WriteByte('\r')
			case 't':
				sb.WriteByte('\t')
			case 'b':
				sb.WriteByte('\b')
			case 'f':
				sb.WriteByte('\f')
			case '"', '\'', '\\', '_', '%':
				if e == '_' || e == '%' {
					sb.WriteByte('\\')
				}
				sb.WriteByte(e)
			default:
				return "", 0, &lexError{j - 1, "Invalid string literal '\\" + string(e) + "'. Illegal character sequence '\\" + string(e) + "' in string literal."}
			}
		default:
			sb.WriteByte(q[j])
		}
	}
	return "", 0, &lexError{i, "line 1:" + strconv.Itoa(i) + " mismatched character '<EOF>' expecting '''"}
}

// lexNumberOrDate reads a number, a date (YYYY-MM-DD) or a datetime
// (YYYY-MM-DDThh:mm:ss[.fff](Z|±hh:mm)) at q[i].
func lexNumberOrDate(q string, i int) token {
	if d := dateLen(q[i:]); d > 0 {
		j := i + d
		if t := timeLen(q[j:]); t > 0 {
			return token{tokDateTime, q[i : j+t], i}
		}
		return token{tokDate, q[i:j], i}
	}
	j := i + 1
	for j < len(q) && (isDigit(q[j]) || q[j] == '.') {
		j++
	}
	return token{tokNumber, q[i:j], i}
}

// dateLen returns 10 if s starts with YYYY-MM-DD, else 0.
func dateLen(s string) int {
	if len(s) < 10 || !digits(s[0:4]) || s[4] != '-' || !digits(s[5:7]) || s[7] != '-' || !digits(s[8:10]) {
		return 0
	}
	if len(s) > 10 && (isIdentPart(s[10]) && s[10] != 'T') {
		return 0
	}
	return 10
}

// timeLen returns the length of a "Thh:mm:ss[.fff](Z|±hh:mm)" prefix of s, or 0.
func timeLen(s string) int {
	if len(s) < 10 || s[0] != 'T' || !digits(s[1:3]) || s[3] != ':' || !digits(s[4:6]) || s[6] != ':' || !digits(s[7:9]) {
		return 0
	}
	n := 9
	if n < len(s) && s[n] == '.' {
		n++
		for n < len(s) && isDigit(s[n]) {
			n++
		}
	}
	switch {
	case n < len(s) && s[n] == 'Z':
		return n + 1
	case n+6 <= len(s) && (s[n] == '+' || s[n] == '-') && digits(s[n+1:n+3]) && s[n+3] == ':' && digits(s[n+4:n+6]):
		return n + 6
	}
	return 0
}

func isDigit(c byte) bool      { return c >= '0' && c <= '9' }
func isIdentStart(c byte) bool { return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isIdentPart(c byte) bool  { return isIdentStart(c) || isDigit(c) }

// digits reports whether s is all ASCII digits.
func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return s != ""
}
