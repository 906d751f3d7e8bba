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
	ImportPath   string
	Imports      []string
	TestImports  []string
	XTestImports []string
}

// listPackages lists the module's packages with their non-test imports.
func listPackages(t *testing.T) []goPackage {
	t.Helper()
	out, err := exec.Command("go", "list", "-json=ImportPath,Imports,TestImports,XTestImports", "./...").Output()
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

// isImplementation reports whether a module package is a connector or store backend;
// the internal packages the backends share (connector/internal, store/internal) are not.
func isImplementation(r string) bool {
	parts := strings.Split(r, "/")
	switch {
	case len(parts) >= 2 && parts[0] == "connector" && parts[1] != "connectortest" && parts[1] != "internal":
		return true
	case len(parts) >= 2 && parts[0] == "store" && parts[1] != "storetest" && parts[1] != "internal":
		return true
	}
	return false
}

// isTestSuite reports whether a module package is a conformance suite.
func isTestSuite(r string) bool {
	return r == "connector/connectortest" || r == "store/storetest" || r == "internal/pgtest"
}

// testViolation returns why a test of pkg may not import imp, or "". Tests may import
// implementations, simulators and conformance suites; a simulator's tests still never
// import its connector, so the simulator is checked by the real client only through the
// connector's own tests.
func testViolation(pkg, imp string) string {
	r, _ := rel(pkg)
	ir, internal := rel(imp)
	switch {
	case !internal:
		return ""
	case strings.HasSuffix(r, "sim") && strings.HasPrefix(ir, "connector/") && strings.HasPrefix(r, ir+"/"):
		return "a simulator never imports its connector"
	case ir == "bench" || strings.HasPrefix(ir, "cmd"):
		return "nothing imports a command"
	}
	return ""
}

// violation returns why pkg may not import imp, or "".
func violation(pkg, imp string) string {
	r, _ := rel(pkg)
	ir, internal := rel(imp)
	top, _, _ := strings.Cut(r, "/")
	itop, _, _ := strings.Cut(ir, "/")
	switch {
	case r == "" && !isStdlib(imp):
		return "the root package uses the standard library only"
	case !internal:
		return ""
	case isTestSuite(ir) && !isTestSuite(r):
		return "conformance suites are used from _test.go files only"
	case top == "connector" && (itop == "store" || itop == "scan" || itop == "remediate" || itop == "monitor" || itop == "web"):
		return "connectors depend on the connector contract, not on storage or orchestration"
	case (top == "connector" || top == "store" || top == "estate") && !strings.Contains(r, "/") && ir != "":
		return "interface packages and estate depend on package nhi only"
	case strings.HasSuffix(r, "sim") && strings.HasPrefix(ir, "connector/") && strings.HasPrefix(r, ir+"/"):
		return "a simulator never imports its connector"
	case isImplementation(ir) && top != "cmd" && top != "bench" && r != "web/e2e/server" && !strings.HasPrefix(r, ir+"/"):
		return "only the composition roots (cmd/nhi, bench, the console's browser-test server) import implementations"
	case (top == "risk" || top == "policy" || top == "graph" || top == "export") &&
		(itop == "scan" || itop == "store" || itop == "connector" || itop == "remediate" || itop == "monitor" || itop == "cmd"):
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
		for _, imp := range append(p.TestImports, p.XTestImports...) {
			if why := testViolation(p.ImportPath, imp); why != "" {
				t.Errorf("a test of %s imports %s: %s", p.ImportPath, imp, why)
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
		{module + "/scan", module + "/connector/connectortest"},
		{module + "/connector/googleworkspace", module + "/store"},
		{module + "/connector/googleworkspace", module + "/scan"},
		{module + "/risk", module + "/store"},
		{module + "/risk", module + "/connector"},
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
		{module + "/connector/entra", module + "/connector/internal/answers"},
	}
	if testViolation(module+"/connector/googleworkspace/googleworkspacesim", module+"/connector/googleworkspace") == "" {
		t.Error("a simulator's test importing its connector passed the rules")
	}
	if why := testViolation(module+"/scan", module+"/store/sqlite"); why != "" {
		t.Errorf("tests may use real implementations: %s", why)
	}
	for _, g := range good {
		if why := violation(g[0], g[1]); why != "" {
			t.Errorf("%s importing %s rejected: %s", g[0], g[1], why)
		}
	}
}
