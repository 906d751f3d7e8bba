package policy

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/nhiscope/nhi"
)

func TestParseDecodesPolicies(t *testing.T) {
	t.Parallel()
	src := `policies:
  - name: a.one
    description: first
    owasp: [NHI1:2025, NHI10:2025]
    when: owner.status == "departed"
    then:
      - revoke_grant
      - type: reduce_scope
        scopes: identity.scopes
      - type: remove_credential
        credentials: identity.credentials.map(c, c.id)
      - type: notify_owner
        message: hello ${owner.name}
    mode: enforce
    approval: none
    severity: critical
  - name: b-2
    description: second
    when: "true"
    then: [uninstall_app]
`
	f, err := Parse("p.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := &File{Name: "p.yaml", Policies: []Policy{
		{Name: "a.one", Description: "first", OWASP: []string{"NHI1:2025", "NHI10:2025"}, When: `owner.status == "departed"`,
			Then: []ActionSpec{{Type: nhi.ActionRevokeGrant}, {Type: nhi.ActionReduceScope, Scopes: "identity.scopes"},
				{Type: nhi.ActionRemoveCredential, Credentials: "identity.credentials.map(c, c.id)"},
				{Type: nhi.ActionNotifyOwner, Message: "hello ${owner.name}"}},
			Mode: ModeEnforce, Approval: ApprovalNone, Severity: nhi.SeverityCritical},
		{Name: "b-2", Description: "second", When: "true", Then: []ActionSpec{{Type: nhi.ActionUninstallApp}},
			Mode: ModeDryRun, Approval: ApprovalRequired, Severity: nhi.SeverityMedium},
	}}
	if diff := cmp.Diff(want, f, cmpopts.IgnoreUnexported(File{}, Policy{}, ActionSpec{})); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestParseReportsEveryProblemWithItsPlace(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, src string
		want      []string
	}{
		{"empty file", "", []string{"f.yaml: empty file"}},
		{"invalid YAML", "policies: [", []string{"f.yaml:1: invalid YAML: did not find expected node content"}},
		{"two documents", "policies: []\n---\npolicies: []\n", []string{"f.yaml:2:1: a file holds one YAML document"}},
		{"not a mapping", "- a\n", []string{"f.yaml:1:1: policy file: want a mapping, got a list"}},
		{"no policies key", "rules: []\n", []string{
			`f.yaml:1:1: policy file: unknown key "rules" (want policies)`, `f.yaml:1:1: policy file: "policies" is required`}},
		{"empty list", "policies: []\n", []string{"f.yaml:1:1: policies: the list is empty"}},
		{"alias", "x: &a 1\npolicies: *a\n", []string{`f.yaml:1:1: policy file: unknown key "x" (want policies)`,
			"f.yaml:2:11: policy file: YAML aliases are not supported"}},
		{"missing keys", "policies:\n  - name: x\n", []string{
			`f.yaml:2:5: policy "x": "description" is required`, `f.yaml:2:5: policy "x": "when" is required`,
			`f.yaml:2:5: policy "x": "then" is required`}},
		{"every bad value at once", `policies:
  - name: Bad Name
    description: d
    owasp: [NHI11:2025]
    when: ""
    then: []
    mode: yolo
    approval: maybe
    severity: huge
    colour: red
    name: again
`, []string{
			`f.yaml:2:11: policy "Bad Name": name must be 1 to 100 of a-z, 0-9, '_', '.', '-'`,
			`f.yaml:4:13: policy "Bad Name": owasp: "NHI11:2025" is not an OWASP NHI Top 10 item such as NHI1:2025`,
			`f.yaml:5:11: policy "Bad Name": when is empty`,
			`f.yaml:6:11: policy "Bad Name": then: list at least one action`,
			`f.yaml:7:11: policy "Bad Name": mode: "yolo" is not one of alert, dry_run, enforce`,
			`f.yaml:8:15: policy "Bad Name": approval: "maybe" is not one of required, none`,
			`f.yaml:9:15: policy "Bad Name": severity: "huge" is not one of info, low, medium, high, critical`,
			`f.yaml:10:5: policy "Bad Name": unknown key "colour" (want approval, description, mode, name, owasp, severity, then, when)`,
			`f.yaml:11:5: policy "Bad Name": duplicate key "name"`}},
		{"bad actions", `policies:
  - name: x
    description: d
    when: "true"
    then:
      - revoke
      - reduce_scope
      - type: revoke_grant
        message: hi
      - type: notify_owner
      - [a]
`, []string{
			`f.yaml:6:9: policy "x": then: unknown action "revoke" (want revoke_grant, revoke_app_grants, reduce_scope, disable_identity, remove_credential, uninstall_app, notify_owner)`,
			`f.yaml:7:9: policy "x": then: reduce_scope needs "scopes"`,
			`f.yaml:9:18: policy "x": then: revoke_grant takes no "message"`,
			`f.yaml:10:9: policy "x": then: notify_owner needs "message"`,
			`f.yaml:11:9: policy "x": then: want a mapping, got a list`}},
		{"too large", "policies: []\n" + strings.Repeat("#", MaxFileSize), []string{"f.yaml: file is larger than 1048576 bytes"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse("f.yaml", []byte(tt.src))
			if diff := cmp.Diff(tt.want, problemLines(t, err)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// problemLines returns the problems of err, which must be an *Error with CodeInvalid.
func problemLines(t *testing.T, err error) []string {
	t.Helper()
	var pe *Error
	if !errors.As(err, &pe) {
		t.Fatalf("err = %v, want an *Error", err)
	}
	if nhi.ErrorCode(err) != nhi.CodeInvalid || nhi.ErrorMessage(err) != err.Error() {
		t.Errorf("code %q, message %q: want invalid with the problems as the message", nhi.ErrorCode(err), nhi.ErrorMessage(err))
	}
	var out []string
	for _, p := range pe.Problems {
		out = append(out, p.String())
	}
	return out
}

func TestParseKeepsWhatItCouldReadForCompile(t *testing.T) {
	t.Parallel()
	src := "policies:\n  - name: x\n    description: d\n    when: identity.ownr\n    then: [revoke_grant]\n    mode: yolo\n"
	f, err := Parse("f.yaml", []byte(src))
	if err == nil || f == nil || len(f.Policies) != 1 {
		t.Fatalf("Parse = %v, %v; want the file and its problem", f, err)
	}
	_, err = Compile(Options{Catalogue: catalogue(t)}, f)
	want := []string{
		`f.yaml:4:19: policy "x": when: undefined field 'ownr'`,
		`f.yaml:6:11: policy "x": mode: "yolo" is not one of alert, dry_run, enforce`,
	}
	if diff := cmp.Diff(want, problemLines(t, err)); diff != "" {
		t.Errorf("Compile reports the parse problems and its own (-want +got):\n%s", diff)
	}
}
