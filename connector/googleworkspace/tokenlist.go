package googleworkspace

// tokenList is a tokens.list answer reduced to what the connector reads, decoded by decode.
type tokenList struct {
	items []token
	// scopes holds the scopes of all items, which share it.
	scopes []string
	body   []byte
	// null says the answer was JSON null, which Google never sends.
	null bool
}

// token is one of a user's OAuth grants, as tokens.list shows it.
type token struct {
	clientID, displayText string
	anonymous, nativeApp  bool
	scopes                []string
	// null marks a JSON null in items: no token at all.
	null bool
}

// decode reads l.body, a tokens.list answer: {"items":[{"clientId":...},...]}. Strings
// come from in.
func (l *tokenList) decode(in *interner) error {
	l.items, l.scopes, l.null = l.items[:0], l.scopes[:0], false
	s := &jsonScanner{b: l.body}
	return s.document(func() bool {
		if s.null() {
			l.null = true
			return true
		}
		return s.object(func(k []byte) bool {
			if !keyIs(k, "items") {
				return s.skip()
			}
			l.items = l.items[:0] // a repeated member replaces the first, as in encoding/json
			return s.array(func() bool {
				var t token
				ok := l.token(s, in, &t)
				l.items = append(l.items, t)
				return ok
			})
		})
	})
}

// token reads one token into t.
func (l *tokenList) token(s *jsonScanner, in *interner, t *token) bool {
	if s.null() {
		t.null = true
		return true
	}
	return s.object(func(k []byte) bool {
		switch {
		case keyIs(k, "clientId"):
			return s.internedStr(in, &t.clientID)
		case keyIs(k, "displayText"):
			return s.internedStr(in, &t.displayText)
		case keyIs(k, "anonymous"):
			return s.boolInto(&t.anonymous)
		case keyIs(k, "nativeApp"):
			return s.boolInto(&t.nativeApp)
		case keyIs(k, "scopes"):
			start := len(l.scopes)
			ok := s.array(func() bool {
				var sc string
				ok := s.internedStr(in, &sc)
				l.scopes = append(l.scopes, sc)
				return ok
			})
			t.scopes = l.scopes[start:len(l.scopes):len(l.scopes)] // later appends leave it be
			return ok
		}
		return s.skip()
	})
}

// internedStr reads a string (null leaves *dst as it is, as encoding/json does) into *dst.
func (s *jsonScanner) internedStr(in *interner, dst *string) bool {
	if s.null() {
		return true
	}
	b, ok := s.rawString()
	if ok {
		*dst = in.str(b)
	}
	return ok
}

// boolInto reads a boolean (null leaves *dst as it is) into *dst.
func (s *jsonScanner) boolInto(dst *bool) bool {
	if s.null() {
		return true
	}
	v, ok := s.boolean()
	if ok {
		*dst = v
	}
	return ok
}
