package policy

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/risk"
)

// compilePack compiles the built-in pack with the default catalogue and intelligence.
func compilePack(t testing.TB) *Set {
	t.Helper()
	files, err := DefaultPack()
	if err != nil {
		t.Fatal(err)
	}
	cat, err := risk.DefaultCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	intel, err := risk.DefaultIntel()
	if err != nil {
		t.Fatal(err)
	}
	s, err := Compile(Options{Catalogue: cat, Intel: intel}, files...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestPackCases walks every case of the built-in pack (habit 8).
func TestPackCases(t *testing.T) {
	t.Parallel()
	s := compilePack(t)
	files, err := DefaultCases()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range s.Test(files...) {
		if !r.Pass {
			t.Errorf("%s:%d: case %q failed (err %v):\n%s", r.File, r.Line, r.Case, r.Err,
				cmp.Diff(r.Want, r.Got))
		}
	}
}

// TestPackPoliciesHaveHitsAndMisses holds every policy of the pack to at least one case
// it must act on and one it must leave alone.
func TestPackPoliciesHaveHitsAndMisses(t *testing.T) {
	t.Parallel()
	s := compilePack(t)
	files, err := DefaultCases()
	if err != nil {
		t.Fatal(err)
	}
	hits, misses := map[string]int{}, map[string]int{}
	for _, f := range files {
		for _, c := range f.Cases {
			if c.Policy != "" && len(c.Expect) == 0 {
				misses[c.Policy]++
			}
			for _, e := range c.Expect {
				hits[e.Policy]++
			}
		}
	}
	for _, p := range s.Policies() {
		if hits[p.Name] == 0 || misses[p.Name] == 0 {
			t.Errorf("policy %s has %d hit and %d miss cases; want at least one of each", p.Name, hits[p.Name], misses[p.Name])
		}
	}
}

// TestPackConventions checks what every built-in policy promises: dry-run or alert,
// approval required, an OWASP item, a description, and actions nhi knows.
func TestPackConventions(t *testing.T) {
	t.Parallel()
	s := compilePack(t)
	covered := map[string]bool{}
	for _, p := range s.Policies() {
		if p.Mode == ModeEnforce || p.Approval != ApprovalRequired {
			t.Errorf("%s: mode %s, approval %s; the pack proposes, people decide", p.Name, p.Mode, p.Approval)
		}
		if len(p.OWASP) == 0 || p.Description == "" {
			t.Errorf("%s: no OWASP item or no description", p.Name)
		}
		for _, o := range p.OWASP {
			covered[o] = true
		}
	}
	for _, want := range []string{"NHI1:2025", "NHI2:2025", "NHI3:2025", "NHI5:2025", "NHI7:2025", "NHI9:2025", "NHI10:2025"} {
		if !covered[want] {
			t.Errorf("no built-in policy covers %s", want)
		}
	}
	if !slices.ContainsFunc(s.Policies(), func(p Policy) bool {
		return slices.ContainsFunc(p.Then, func(a ActionSpec) bool { return a.Type == nhi.ActionRevokeAppGrants })
	}) {
		t.Error("no built-in policy revokes an app's grants")
	}
}
