package estate

import (
	_ "embed"
	"strings"
	"unicode"
)

// The embedded name lists, one name per line. They mix many languages on purpose,
// including names outside ASCII ("José", "Zoë", "Łukasz", "Nguyễn"), so that every
// consumer of the estate meets them.
var (
	//go:embed first_names.txt
	firstNamesText string
	//go:embed last_names.txt
	lastNamesText string
)

// nameList is a list of names with the ASCII e-mail form of each. Names that fold to the
// same form (José and Jose) share a slug index, so that their e-mail addresses are
// numbered together.
type nameList struct {
	names []string
	// slug[i] indexes slugs for names[i].
	slug  []int
	slugs []string
}

// loadNames parses a newline-separated list of names.
func loadNames(text string) nameList {
	var l nameList
	index := make(map[string]int)
	for line := range strings.Lines(text) {
		name := strings.TrimSpace(line)
		if name == "" {
			continue
		}
		s := asciiFold(name)
		i, ok := index[s]
		if !ok {
			i = len(l.slugs)
			index[s] = i
			l.slugs = append(l.slugs, s)
		}
		l.names = append(l.names, name)
		l.slug = append(l.slug, i)
	}
	return l
}

// asciiFold returns the lowercase ASCII letters of name, with accented Latin letters
// replaced by their base letter and everything else (spaces, apostrophes, hyphens,
// letters of other scripts) dropped: "Ó Súilleabháin" becomes "osuilleabhain".
func asciiFold(name string) string {
	var b strings.Builder
	b.Grow(len(name))
	for _, r := range name {
		r = unicode.ToLower(r)
		switch {
		case r >= 'a' && r <= 'z':
			b.WriteRune(r)
		case r == 'ß':
			b.WriteString("ss")
		case r == 'æ':
			b.WriteString("ae")
		default:
			if f := foldRune(r); f != 0 {
				b.WriteByte(f)
			}
		}
	}
	return b.String()
}

// foldRune maps a lowercase accented Latin letter to its ASCII base letter, or returns 0.
func foldRune(r rune) byte {
	switch r {
	case 'à', 'á', 'â', 'ã', 'ä', 'å', 'ą', 'ạ', 'ấ', 'ầ', 'ă':
		return 'a'
	case 'ç', 'č', 'ć':
		return 'c'
	case 'đ', 'ď':
		return 'd'
	case 'è', 'é', 'ê', 'ë', 'ę', 'ě', 'ễ', 'ệ':
		return 'e'
	case 'ğ':
		return 'g'
	case 'ì', 'í', 'î', 'ï', 'ı':
		return 'i'
	case 'ł':
		return 'l'
	case 'ñ', 'ń', 'ň':
		return 'n'
	case 'ò', 'ó', 'ô', 'õ', 'ö', 'ø', 'ơ', 'ő':
		return 'o'
	case 'ř':
		return 'r'
	case 'ś', 'š', 'ş':
		return 's'
	case 'ť':
		return 't'
	case 'ù', 'ú', 'û', 'ü', 'ư', 'ů', 'ű':
		return 'u'
	case 'ý', 'ÿ':
		return 'y'
	case 'ź', 'ż', 'ž':
		return 'z'
	}
	return 0
}
