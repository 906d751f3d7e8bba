package nhi_test

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/nhiscope/nhi"

// goPackage is the part of `go list -json` the dependency rules need.
type goPackage struct {
	ImportPath string
	Imports    []string
}

// listPackages lists the module's packages with their non-test imports.
func listPackages(t *testing.T) []goPackage {
	t.Helper()
	out, err := exec.Command("go", "list", "-json=ImportPath,Imports", "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	var pkgs []goPackage
	for dec.More() {
		var p goPackage
		if err := dec.Decode(&p); err != nil {
			t.Fatalf("decode go list output: %v", err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

// rel returns a package path relative to the module ("" for the root), or false for
// packages outside the module.
func rel(path string) (string, bool) {
	if path == module {
		return "", true
	}
	r, ok := strings.CutPrefix(path, module+"/")
	return r, ok
}

// isStdlib reports whether an import path is in the standard library.
func isStdlib(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".")
}

// isImplementation reports whether a module package is a connector or store backend.
func isImplementation(r string) bool {
	parts := strings.Split(r, "/")
	switch {
	case len(parts) >= 2 && parts[0] == "connector" && parts[1] != "connectortest":
		return true
	case len(parts) >= 2 && parts[0] == "store" && parts[1] != "storetest":
		return true
	}
	return false
}

// violation returns why pkg may not import imp, or "".
func violation(pkg, imp string) string {
	r, _ := rel(pkg)
	ir, internal := rel(imp)
	top, _, _ := strings.Cut(r, "/")
	switch {
	case r == "" && !isStdlib(imp):
		return "the root package uses the standard library only"
	case !internal:
		return ""
	case (top == "connector" || top == "store" || top == "estate") && !strings.Contains(r, "/") && ir != "":
		return "interface packages and estate depend on package nhi only"
	case strings.HasSuffix(r, "sim") && strings.HasPrefix(ir, "connector/") && strings.HasPrefix(r, ir+"/"):
		return "a simulator never imports its connector"
	case isImplementation(ir) && top != "cmd" && top != "bench" && !strings.HasPrefix(r, ir+"/"):
		return "only the composition root (cmd/nhi, bench) imports implementations"
	case (top == "risk" || top == "policy" || top == "graph" || top == "export") && (ir == "scan" || isImplementation(ir) || strings.HasPrefix(ir, "cmd")):
		return "pure engines import no orchestration or implementation"
	case top != "cmd" && top != "bench" && strings.HasPrefix(ir, "cmd"):
		return "nothing imports the CLI"
	case (top == "scan" || top == "remediate" || top == "monitor") && ir == "web":
		return "orchestration does not import web"
	}
	return ""
}

func TestDependencyDirection(t *testing.T) {
	t.Parallel()
	pkgs := listPackages(t)
	if len(pkgs) < 5 {
		t.Fatalf("go list found %d packages; expected the whole module", len(pkgs))
	}
	for _, p := range pkgs {
		for _, imp := range p.Imports {
			if why := violation(p.ImportPath, imp); why != "" {
				t.Errorf("%s imports %s: %s", p.ImportPath, imp, why)
			}
		}
	}
}

func TestDependencyRulesCatchViolations(t *testing.T) {
	t.Parallel()
	bad := [][2]string{
		{module, "github.com/spf13/cobra"},
		{module + "/connector", module + "/store"},
		{module + "/estate", module + "/risk"},
		{module + "/connector/googleworkspace/googleworkspacesim", module + "/connector/googleworkspace"},
		{module + "/scan", module + "/store/sqlite"},
		{module + "/risk", module + "/scan"},
		{module + "/scan", module + "/cmd/nhi"},
	}
	for _, b := range bad {
		if violation(b[0], b[1]) == "" {
			t.Errorf("%s importing %s passed the rules", b[0], b[1])
		}
	}
	good := [][2]string{
		{module + "/cmd/nhi", module + "/store/sqlite"},
		{module + "/connector/googleworkspace", module + "/connector"},
		{module + "/connector/googleworkspace/googleworkspacesim", module + "/estate"},
		{module + "/scan", module + "/store"},
		{module + "/store/sqlite", "modernc.org/sqlite"},
	}
	for _, g := range good {
		if why := violation(g[0], g[1]); why != "" {
			t.Errorf("%s importing %s rejected: %s", g[0], g[1], why)
		}
	}
}
