package policy

import (
	"errors"
	"io/fs"
	"testing"

	"github.com/nhiscope/nhi"
)

// addPackSeeds adds the embedded files matching pattern to the corpus.
func addPackSeeds(f *testing.F, pattern string) {
	names, err := fs.Glob(pack, pattern)
	if err != nil || len(names) == 0 {
		f.Fatalf("no seeds for %s: %v", pattern, err)
	}
	for _, n := range names {
		b, err := fs.ReadFile(pack, n)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

// FuzzParse holds Parse to its contract on any input: no panic, problems as an *Error.
func FuzzParse(f *testing.F) {
	addPackSeeds(f, "pack/*.yaml")
	for _, s := range []string{"", "policies:", "policies: [a]", "x: &a [*a]", "policies: [{name: x, when: '${', then: [{type: notify_owner, message: '${x'}]}]",
		"policies:\n  - {name: x, <<: {when: a}}\n", "policies: !!binary aGk=\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		file, err := Parse("f.yaml", b)
		var pe *Error
		if err != nil && !errors.As(err, &pe) {
			t.Fatalf("Parse error %v is not an *Error", err)
		}
		if err == nil && (file == nil || len(file.Policies) == 0) {
			t.Fatalf("Parse accepted a file without policies")
		}
	})
}

// FuzzCompile holds Compile and Evaluate to their contract on any when and message: no
// panic, problems as an *Error, and a set that evaluates.
func FuzzCompile(f *testing.F) {
	files, err := DefaultPack()
	if err != nil {
		f.Fatal(err)
	}
	for _, file := range files {
		for _, p := range file.Policies {
			msg := ""
			for _, a := range p.Then {
				msg += a.Message
			}
			f.Add(p.When, msg)
		}
	}
	f.Add(`lists.range(1000).map(i, lists.range(1000).map(j, i * j)).size() > 0`, "${days(100001)}")
	f.Add(`identity.attributes["x"] == ""`, "${identity.name + identity.name}")
	cat := catalogue(f)
	f.Fuzz(func(t *testing.T, when, message string) {
		file := &File{Name: "f.yaml", Policies: []Policy{{Name: "p", When: when, Mode: ModeDryRun,
			Approval: ApprovalRequired, Severity: nhi.SeverityLow, whenAt: pos{line: 1, col: 1},
			Then: []ActionSpec{{Type: nhi.ActionNotifyOwner, Message: message, messageAt: pos{line: 2, col: 1}}}}}}
		s, err := Compile(Options{Catalogue: cat}, file)
		var pe *Error
		if err != nil {
			if !errors.As(err, &pe) {
				t.Fatalf("Compile error %v is not an *Error", err)
			}
			return
		}
		props, err := s.Evaluate(grantInput())
		for _, p := range props {
			if len(p.Action.Message) > MaxMessageSize {
				t.Fatalf("a message of %d bytes", len(p.Action.Message))
			}
		}
		if err != nil && len(Failures(err)) == 0 {
			t.Fatalf("Evaluate error %v names no policy", err)
		}
	})
}

// FuzzParseCases holds ParseCases to its contract on any input.
func FuzzParseCases(f *testing.F) {
	addPackSeeds(f, "pack/cases/*.yaml")
	f.Add([]byte(caseSource))
	f.Fuzz(func(t *testing.T, b []byte) {
		cf, err := ParseCases("c.yaml", b)
		var pe *Error
		if err != nil && (cf != nil || !errors.As(err, &pe)) {
			t.Fatalf("ParseCases = %v, %v; want nil and an *Error", cf, err)
		}
	})
}

// FuzzSplitTemplate holds splitTemplate to its contract: expressions are found in the
// text where it says, or a problem is reported.
func FuzzSplitTemplate(f *testing.F) {
	for _, s := range []string{"a ${x} b", "$$${'}'}", "${", "é\n${ {1:2}[1] }"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		parts, bad := splitTemplate(s)
		if bad != nil {
			return
		}
		for _, p := range parts {
			if p.expr && p.text == "" {
				t.Fatalf("empty expression in %q", s)
			}
		}
	})
}
