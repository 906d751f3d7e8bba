package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/policy"
)

// writeFiles writes files (name to content) into a new directory and returns it.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const policyRevokeSuspended = `policies:
  - name: acme.suspended
    description: Revoke the grants of suspended people.
    when: owner.status == "suspended"
    then: [revoke_grant]
`

func TestPolicyLintChecksTheBuiltInPack(t *testing.T) {
	t.Parallel()
	files, err := policy.DefaultPack()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range files {
		n += len(f.Policies)
	}
	code, out, errOut := runCLI(t, "policy", "lint")
	if want := fmt.Sprintf("ok: %d policies in %d files\n", n, len(files)); code != exitOK || out != want {
		t.Errorf("exit %d, stdout %q, stderr %q; want %q", code, out, errOut, want)
	}
}

func TestPolicyLintReportsEveryProblemOfEveryFile(t *testing.T) {
	t.Parallel()
	dir := writeFiles(t, map[string]string{
		"a.yaml": "policies: [\n",
		"b.yml": `policies:
  - name: b
    description: d
    when: identity.ownr == "x"
    then: [revoke]
    colour: red
`,
		"c.yaml": policyRevokeSuspended,
	})
	code, out, errOut := runCLI(t, "policy", "lint", dir)
	a, b := filepath.Join(dir, "a.yaml"), filepath.Join(dir, "b.yml")
	for _, want := range []string{
		a + ":1: invalid YAML: did not find expected node content\n",
		b + `:4:19: policy "b": when: undefined field 'ownr'` + "\n",
		b + `:5:12: policy "b": then: unknown action "revoke"`,
		b + `:6:5: policy "b": unknown key "colour"`,
		"nhi: 4 problem(s) in the policy files\n",
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	if code != exitUsage || out != "" {
		t.Errorf("exit %d, stdout %q; want %d and nothing", code, out, exitUsage)
	}
	if code, out, _ := runCLI(t, "policy", "lint", filepath.Join(dir, "c.yaml")); code != exitOK || out != "ok: 1 policies in 1 files\n" {
		t.Errorf("a good file: exit %d, %q", code, out)
	}
}

func TestPolicyTestRunsTheBuiltInCases(t *testing.T) {
	t.Parallel()
	code, out, errOut := runCLI(t, "policy", "test")
	if code != exitOK || !strings.Contains(out, "PASS  policy/pack/cases/nhi01-offboarding.yaml:") ||
		strings.Contains(out, "FAIL") || !strings.Contains(out, " passed, 0 failed\n") {
		t.Errorf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
}

func TestPolicyTestReportsFailingCases(t *testing.T) {
	t.Parallel()
	dir := writeFiles(t, map[string]string{
		"p.yaml": policyRevokeSuspended,
		"cases.yaml": `now: 2026-06-01T00:00:00Z
base:
  identity: {platform: google_workspace, tenant: C01, kind: oauth_grant, external_id: u1/a, owner_id: u1}
  owner: {external_id: u1, status: suspended}
cases:
  - name: revoked
    policy: acme.suspended
    expect: [revoke_grant]
  - name: wrongly expected to be kept
    policy: acme.suspended
    expect: []
`,
	})
	code, out, errOut := runCLI(t, "policy", "test", filepath.Join(dir, "p.yaml"), "--cases", filepath.Join(dir, "cases.yaml"))
	cases := filepath.Join(dir, "cases.yaml")
	want := "PASS  " + cases + ":6  revoked\n" +
		"FAIL  " + cases + ":9  wrongly expected to be kept\n" +
		"      want: nothing\n      got:  acme.suspended revoke_grant\n" +
		"2 cases: 1 passed, 1 failed\n"
	if diff := cmp.Diff(want, out); diff != "" || code != exitError || !strings.Contains(errOut, "1 of 2 cases failed") {
		t.Errorf("exit %d, stderr %q, stdout (-want +got):\n%s", code, errOut, diff)
	}
	code, out, _ = runCLI(t, "policy", "test", filepath.Join(dir, "p.yaml"), "--cases", cases, "--output", "json")
	var results []struct {
		Case string `json:"case"`
		Pass bool   `json:"pass"`
	}
	if err := json.Unmarshal([]byte(out), &results); err != nil || code != exitError || len(results) != 2 || !results[0].Pass || results[1].Pass {
		t.Errorf("json: exit %d, %+v, %v", code, results, err)
	}
}

func TestPolicyTestUsageErrors(t *testing.T) {
	t.Parallel()
	dir := writeFiles(t, map[string]string{"p.yaml": policyRevokeSuspended, "bad-cases.yaml": "cases: [{name: x, expect: [zap]}]\n"})
	p := filepath.Join(dir, "p.yaml")
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{p}, "--cases FILE|DIR or --inventory"},
		{[]string{"--cases", p, "--inventory"}, "cannot be used together"},
		{[]string{"--output", "csv"}, `--output "csv"`},
		{[]string{filepath.Join(dir, "missing.yaml"), "--cases", p}, "cannot read"},
		{[]string{p, "--cases", filepath.Join(dir, "bad-cases.yaml")}, `expect: unknown action "zap"`},
		{[]string{"--inventory", "--db", filepath.Join(dir, "none.db")}, "no database at"},
	} {
		code, _, errOut := runCLI(t, append([]string{"policy", "test"}, tt.args...)...)
		if code != exitUsage || !strings.Contains(errOut, tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tt.args, code, errOut, exitUsage, tt.want)
		}
	}
}

// previewJSON is the part of policy test --inventory --output json the tests read.
type previewJSON struct {
	Proposals []struct {
		Policy string     `json:"policy"`
		Action nhi.Action `json:"action"`
	} `json:"proposals"`
	Counts []struct {
		Policy string `json:"policy"`
		Action string `json:"action"`
		Count  int    `json:"count"`
	} `json:"counts"`
	Identities int `json:"identities"`
}

func TestPolicyTestPreviewsTheInventory(t *testing.T) {
	t.Parallel()
	db := demoDB(t, 40, 3)
	code, out, errOut := runCLI(t, "policy", "test", "--inventory", "--db", db, "--output", "json")
	var p previewJSON
	if code != exitOK || json.Unmarshal([]byte(out), &p) != nil {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	// The offboarding policy proposes exactly the grants of suspended and departed owners.
	var got, want []string
	counted := map[[2]string]int{}
	for _, pr := range p.Proposals {
		counted[[2]string{pr.Policy, string(pr.Action.Type)}]++
		if pr.Policy == "nhi1.offboarded_owner_grant" {
			got = append(got, pr.Action.IdentityID)
		}
	}
	for _, status := range []string{"suspended", "departed"} {
		for _, id := range listJSON[nhi.Identity](t, "inventory", "list", "--db", db, "--kind", "oauth_grant", "--owner-status", status, "--limit", "0") {
			want = append(want, id.ID)
		}
	}
	sort.Strings(got)
	sort.Strings(want)
	if diff := cmp.Diff(want, got); diff != "" || len(want) == 0 {
		t.Errorf("offboarding proposals (-inventory +preview):\n%s", diff)
	}
	for _, c := range p.Counts {
		if counted[[2]string{c.Policy, c.Action}] != c.Count {
			t.Errorf("count %+v does not match the %d proposals listed", c, counted[[2]string{c.Policy, c.Action}])
		}
	}
	if all := len(listJSON[nhi.Identity](t, "inventory", "list", "--db", db, "--limit", "0")); p.Identities != all {
		t.Errorf("%d identities evaluated, inventory holds %d", p.Identities, all)
	}
	code, out, _ = runCLI(t, "policy", "test", "--inventory", "--db", db, "--limit", "2")
	if code != exitOK || !strings.Contains(out, "identities evaluated") || !slices.ContainsFunc(strings.Split(out, "\n"),
		func(l string) bool { return strings.HasPrefix(l, "  nhi1.offboarded_owner_grant  revoke_grant") }) {
		t.Errorf("table: exit %d\n%s", code, out)
	}
}
