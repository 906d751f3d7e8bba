package policy

import (
	"testing"

	"github.com/nhiscope/nhi/risk"
)

// catalogue returns the default permission catalogue.
func catalogue(t testing.TB) *risk.Catalogue {
	t.Helper()
	cat, err := risk.DefaultCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

// compileSource parses and compiles one policy file with the default catalogue and
// intelligence.
func compileSource(t testing.TB, src string) *Set {
	t.Helper()
	f, err := Parse("t.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	intel, err := risk.DefaultIntel()
	if err != nil {
		t.Fatal(err)
	}
	s, err := Compile(Options{Catalogue: catalogue(t), Intel: intel}, f)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
