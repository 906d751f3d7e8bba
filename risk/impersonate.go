package risk

import (
	"bytes"
	"unicode"
)

// maxNameBytes bounds the work Impersonates does on a hostile name. Display names are
// far shorter (nhi.CleanText keeps 256 runes).
const maxNameBytes = 4096

// Impersonates reports whether an app display name imitates a well-known brand without
// being it: homoglyphs (Cyrillic "Zооm"), digit swaps ("Micros0ft"), mixed scripts. It
// returns the brand imitated.
//
// The name is folded to a Latin skeleton: Cyrillic, Greek and Armenian look-alikes,
// fullwidth and mathematical letters and accented letters become plain letters; inside a
// word that has letters, 0 1 3 4 5 7 8 9 @ $ | ! become the letters they imitate; i and l
// are one letter, and so are rn and m, vv and w; separators go. The name imitates a brand
// when its skeleton contains the brand's, and either the name as written (ASCII letters
// and digits only) does not spell the brand, or a word of the name mixes Latin letters
// with Cyrillic, Greek or Armenian ones. "Zoom for Gmail" imitates nothing.
func Impersonates(name string) (brand string, ok bool) {
	if len(name) > maxNameBytes {
		name = name[:maxNameBytes]
	}
	folded, plain, mixed := skeleton(name)
	for _, b := range brands {
		if bytes.Contains(folded, []byte(b.folded)) && (mixed || !bytes.Contains(plain, []byte(b.plain))) {
			return b.name, true
		}
	}
	return "", false
}

// skeleton returns the folded form of a name, its plain form (lowercase ASCII letters,
// digits and symbols as written, '#' for anything else) and whether a word mixes scripts.
func skeleton(name string) (folded, plain []byte, mixed bool) {
	folded = make([]byte, 0, len(name))
	plain = make([]byte, 0, len(name))
	start := -1
	for i, r := range name {
		switch {
		case isWordRune(r):
			if start < 0 {
				start = i
			}
		case unicode.Is(unicode.Cf, r): // invisible: neither letter nor separator
		case start >= 0:
			var m bool
			folded, plain, m = appendWord(folded, plain, name[start:i])
			mixed = mixed || m
			start = -1
		}
	}
	if start >= 0 {
		var m bool
		folded, plain, m = appendWord(folded, plain, name[start:])
		mixed = mixed || m
	}
	return foldPairs(folded), plain, mixed
}

// appendWord appends one word's folded and plain forms and reports whether it mixes
// Latin letters with letters of a look-alike script.
func appendWord(folded, plain []byte, w string) ([]byte, []byte, bool) {
	hasLetter, latin, other := false, false, false
	for _, r := range w {
		n := narrow(r)
		if !unicode.IsLetter(n) {
			continue
		}
		hasLetter = true
		switch {
		case n < 0x80 || unicode.Is(unicode.Latin, n):
			latin = true
		case unicode.In(n, unicode.Cyrillic, unicode.Greek, unicode.Armenian):
			other = true
		}
	}
	for _, r := range w {
		n := narrow(r)
		switch {
		case unicode.Is(unicode.Cf, n):
			continue
		case unicode.IsMark(n):
			plain = append(plain, '#')
			continue
		}
		folded = append(folded, foldRune(n, hasLetter))
		plain = append(plain, plainByte(r))
	}
	return folded, plain, latin && other
}

// isWordRune reports whether r belongs to a word: a letter, digit, mark or one of the
// symbols that stand in for letters.
func isWordRune(r rune) bool {
	n := narrow(r)
	return unicode.IsLetter(n) || unicode.IsDigit(n) || unicode.IsMark(n) ||
		n == '@' || n == '$' || n == '|' || n == '!'
}

// plainByte is a rune as written: ASCII lowercased, anything else '#'.
func plainByte(r rune) byte {
	switch {
	case r >= 'A' && r <= 'Z':
		return byte(r) + 'a' - 'A'
	case r < 0x80:
		return byte(r)
	}
	return '#'
}

// foldRune maps a narrowed rune to its skeleton letter. Digits and letter-like symbols
// fold only inside words that have letters, so "365" and "App 1" stay as they are.
func foldRune(n rune, inWord bool) byte {
	switch {
	case n >= 'A' && n <= 'Z':
		return canonical(byte(n) + 'a' - 'A')
	case n >= 'a' && n <= 'z':
		return canonical(byte(n))
	case n < 0x80:
		if c := leet(byte(n)); inWord && c != 0 {
			return canonical(c)
		}
		return byte(n)
	}
	if c := lookAlike(n); c != 0 {
		return canonical(c)
	}
	return '#'
}

// canonical merges letters that look the same: i and l.
func canonical(c byte) byte {
	if c == 'i' {
		return 'l'
	}
	return c
}

// leet maps the digits and symbols used as letters, or returns 0.
func leet(c byte) byte {
	const from, to = "01345789@$|!", "oleastbgasll"
	for i := 0; i < len(from); i++ {
		if from[i] == c {
			return to[i]
		}
	}
	return 0
}

// foldPairs folds the letter pairs that read as one letter: rn as m, vv as w.
func foldPairs(b []byte) []byte {
	out := b[:0]
	for i := 0; i < len(b); i++ {
		if i+1 < len(b) {
			switch {
			case b[i] == 'r' && b[i+1] == 'n':
				out, i = append(out, 'm'), i+1
				continue
			case b[i] == 'v' && b[i+1] == 'v':
				out, i = append(out, 'w'), i+1
				continue
			}
		}
		out = append(out, b[i])
	}
	return out
}
