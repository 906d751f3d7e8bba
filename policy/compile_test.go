package policy

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nhiscope/nhi"
)

// policyFile wraps a when and a then entry in a one-policy file.
func policyFile(when, then string) string {
	return "policies:\n  - name: p\n    description: d\n    when: " + when + "\n    then:\n      - " + then + "\n"
}

func TestCompileReportsExpressionProblemsAtTheirPlace(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, src string
		want      []string
	}{
		{"misspelled field", policyFile("identity.ownr == \"x\"", "revoke_grant"),
			[]string{`f.yaml:4:19: policy "p": when: undefined field 'ownr'`}},
		{"misspelled field, quoted", policyFile(`'owner.status == "x" && app.intel.knd == ""'`, "revoke_grant"),
			[]string{`f.yaml:4:44: policy "p": when: undefined field 'knd'`}},
		{"misspelled field on line 2 of a block", "policies:\n  - name: p\n    description: d\n    when: |\n      owner.known &&\n        permissions.exists(p, p.tiers == \"x\")\n    then: [revoke_grant]\n",
			[]string{`f.yaml:6: policy "p": when: undefined field 'tiers'`}},
		{"type mismatch", policyFile("identity.days_idle > \"90\"", "revoke_grant"),
			[]string{`f.yaml:4:30: policy "p": when: found no matching overload for '_>_' applied to '(int, string)'`}},
		{"not a bool", policyFile("identity.name", "revoke_grant"),
			[]string{`f.yaml:4:11: policy "p": when: the expression is a string, want a bool`}},
		{"unknown variable", policyFile("user.name == \"x\"", "revoke_grant"),
			[]string{`f.yaml:4:11: policy "p": when: undeclared reference to 'user'`}},
		{"syntax error", policyFile("owner.known )", "revoke_grant"),
			[]string{`f.yaml:4:23: policy "p": when: Syntax error: extraneous input ')' expecting <EOF>`}},
		{"scopes of the wrong type", policyFile("true", "{type: reduce_scope, scopes: permissions}"),
			[]string{`f.yaml:6:38: policy "p": scopes: the expression is a list(policy.permission), want a list(string)`}},
		{"credentials of the wrong type", policyFile("true", "{type: remove_credential, credentials: identity.name}"),
			[]string{`f.yaml:6:48: policy "p": credentials: the expression is a string, want a list(string)`}},
		{"message with a bad field", policyFile("true", "{type: notify_owner, message: 'hi ${app.nme}'}"),
			[]string{`f.yaml:6:48: policy "p": message: ${app.nme}: undefined field 'nme'`}},
		{"message with a list", policyFile("true", "{type: notify_owner, message: 'hi ${identity.scopes}'}"),
			[]string{`f.yaml:6:45: policy "p": message: ${identity.scopes} is a list(string); a message can show a string, number, bool, timestamp or duration`}},
		{"message never closed", policyFile("true", "{type: notify_owner, message: 'hi ${app.name'}"),
			[]string{`f.yaml:6:43: policy "p": message: unterminated ${ (close it with })`}},
		{"expression too long", policyFile(strings.Repeat("true && ", 600)+"true", "revoke_grant"),
			[]string{`f.yaml:4:11: policy "p": when: expression code point size exceeds limit: size: 4804, limit 4096`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f, err := Parse("f.yaml", []byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			_, err = Compile(Options{Catalogue: catalogue(t)}, f)
			if diff := cmp.Diff(tt.want, problemLines(t, err)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestCompileRejectsNamesUsedTwice(t *testing.T) {
	t.Parallel()
	a, err := Parse("a.yaml", []byte(policyFile("true", "revoke_grant")))
	if err != nil {
		t.Fatal(err)
	}
	b, err := Parse("b.yaml", []byte("# another\n"+policyFile("false", "revoke_grant")))
	if err != nil {
		t.Fatal(err)
	}
	_, err = Compile(Options{Catalogue: catalogue(t)}, a, b)
	want := []string{`b.yaml:3:5: policy "p" is also defined at a.yaml:2`}
	if diff := cmp.Diff(want, problemLines(t, err)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestCompileNeedsACatalogue(t *testing.T) {
	t.Parallel()
	if _, err := Compile(Options{}); nhi.ErrorCode(err) != nhi.CodeInvalid {
		t.Fatalf("err = %v, want invalid", err)
	}
}

func TestCompileKeepsThePoliciesInOrder(t *testing.T) {
	t.Parallel()
	s := compilePack(t)
	files, err := DefaultPack()
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, f := range files {
		for _, p := range f.Policies {
			want = append(want, p.Name)
		}
	}
	var got []string
	for _, p := range s.Policies() {
		got = append(got, p.Name)
	}
	if diff := cmp.Diff(want, got); diff != "" || len(got) < 10 {
		t.Errorf("%d policies (-files +set):\n%s", len(got), diff)
	}
}

func TestCompileChecksFilesBuiltByHand(t *testing.T) {
	t.Parallel()
	f := &File{Name: "hand", Policies: []Policy{
		{Name: "Bad", When: " ", Then: []ActionSpec{{Type: "zap"}, {Type: nhi.ActionRevokeGrant, Message: "m"}, {Type: nhi.ActionNotifyOwner}}, OWASP: []string{"x"}},
		{Name: "ok", Description: "d", When: "true", Then: []ActionSpec{{Type: nhi.ActionReduceScope, Scopes: " "}},
			Mode: ModeDryRun, Approval: ApprovalRequired, Severity: nhi.SeverityLow},
	}}
	_, err := Compile(Options{Catalogue: catalogue(t)}, f)
	want := []string{
		`hand: policy "Bad": name must be 1 to 100 of a-z, 0-9, '_', '.', '-'`,
		`hand: policy "Bad": description and then are required`,
		`hand: policy "Bad": owasp: "x" is not an OWASP NHI Top 10 item such as NHI1:2025`,
		`hand: policy "Bad": bad mode "", approval "" or severity ""`,
		`hand: policy "Bad": then: unknown action "zap" (want revoke_grant, revoke_app_grants, reduce_scope, disable_identity, remove_credential, uninstall_app, notify_owner)`,
		`hand: policy "Bad": then: revoke_grant takes no "message"`,
		`hand: policy "Bad": then: notify_owner needs "message"`,
		`hand: policy "Bad": when is empty`,
		`hand: policy "Bad": message: the message is empty`,
		`hand: policy "ok": scopes is empty`,
	}
	if diff := cmp.Diff(want, problemLines(t, err)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestParseReportsEmptyParameters(t *testing.T) {
	t.Parallel()
	_, err := Parse("f.yaml", []byte(policyFile("true", "{type: reduce_scope, scopes: ''}")))
	want := []string{`f.yaml:6:38: policy "p": then: scopes is empty`}
	if diff := cmp.Diff(want, problemLines(t, err)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
