package githubsim

import (
	"strings"
	"testing"
	"time"
)

// FuzzParseAuthorization checks that no header makes the parser panic or accept a
// credential with whitespace or another scheme.
func FuzzParseAuthorization(f *testing.F) {
	for _, s := range []string{"", "Bearer x", "token ghs_abc", "bearer  eyJ.a.b ", "Basic dXNlcjpwYXNz", "token a b", "Bearer\tx", "token"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		scheme, cred, ok := parseAuthorization(h)
		if !ok {
			return
		}
		if scheme != "bearer" && scheme != "token" {
			t.Errorf("parseAuthorization(%q) scheme %q", h, scheme)
		}
		if cred == "" || strings.ContainsAny(cred, " \t\r\n") {
			t.Errorf("parseAuthorization(%q) credential %q", h, cred)
		}
	})
}

// FuzzVerifyJWT checks that no string makes JWT parsing or verification panic, and that
// none but a correctly signed token passes.
func FuzzVerifyJWT(f *testing.F) {
	h := newHarness(f, nil, Options{})
	good := h.jwt()
	f.Add(good)
	f.Add("eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOjF9.c2ln")
	f.Add("eyJ.eyJ.")
	f.Add("a.b.c")
	f.Fuzz(func(t *testing.T, raw string) {
		_, _ = parseJWT(raw)
		if e := h.s.verifyJWT(raw, testNow); e == nil && raw != good {
			// Only the seed signed by the app's key can pass; fuzzed mutations break the
			// signature.
			tk, err := parseJWT(raw)
			if err != nil || !verifyRS256(&h.s.appKey().PublicKey, tk.signed, tk.sig) {
				t.Errorf("verifyJWT accepted %q", raw)
			}
		}
	})
}

// FuzzParsePhrase checks that no phrase makes the parser panic, and that accepted
// phrases hold only the terms the simulator understands.
func FuzzParsePhrase(f *testing.F) {
	for _, s := range []string{"", "action:hook", "created:>=2025-01-01", "created:<2025-01-01T00:00:00Z action:a.b actor:x",
		"repo:x", "created:2025-13-01", "action:", "created:>=", "created:>>2025-01-01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := parsePhrase(s)
		if err != nil {
			return
		}
		terms := strings.Fields(s)
		if len(p.actions)+len(p.actors) > len(terms) {
			t.Errorf("parsePhrase(%q) = %+v: more values than terms", s, p)
		}
		for _, term := range terms {
			k, _, _ := strings.Cut(term, ":")
			if k = strings.ToLower(k); k != "action" && k != "actor" && k != "created" {
				t.Errorf("parsePhrase(%q) accepted term %q", s, term)
			}
		}
		if !p.from.IsZero() && !p.until.IsZero() && p.matchTime(p.until) {
			t.Errorf("parsePhrase(%q): the exclusive bound %v matches", s, p.until)
		}
		_ = p.matchTime(time.Time{})
		_ = p.matchAction("hook.create")
	})
}
