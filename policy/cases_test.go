package policy

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nhiscope/nhi"
)

const caseSource = `now: 2026-06-01T00:00:00Z
base:
  identity: {platform: google_workspace, tenant: C01, kind: oauth_grant, external_id: u1/app1, app_id: app1, owner_id: u1,
             permissions: [{scope: openid}], last_used_at: 2026-05-30T00:00:00Z}
  owner: {external_id: u1, status: active}
cases:
  - name: suspended
    policy: p
    owner: {status: suspended}
    expect: [revoke_grant]
  - name: active
    policy: p
    now: 2026-07-01T00:00:00Z
    findings:
      - {signal: usage.stale, owasp: [NHI1:2025]}
    expect: []
  - name: all policies
    owner: {status: suspended}
    expect:
      - {policy: p, type: revoke_grant}
      - {policy: q, type: notify_owner, message: "hi u1"}
`

func TestParseCasesMergesTheBase(t *testing.T) {
	t.Parallel()
	cf, err := ParseCases("c.yaml", []byte(caseSource))
	if err != nil {
		t.Fatal(err)
	}
	id := nhi.Identity{ID: nhi.NewIdentityID(nhi.PlatformGoogleWorkspace, "C01", nhi.KindOAuthGrant, "u1/app1"),
		Platform: nhi.PlatformGoogleWorkspace, Tenant: "C01", Kind: nhi.KindOAuthGrant, ExternalID: "u1/app1", AppID: "app1",
		OwnerID: "u1", Permissions: []nhi.Permission{{Scope: "openid"}}, LastUsedAt: time.Date(2026, 5, 30, 0, 0, 0, 0, time.UTC)}
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	want := &CaseFile{Name: "c.yaml", Cases: []Case{
		{Name: "suspended", Policy: "p", Line: 7, Input: Input{Identity: id, Now: now,
			Owner: nhi.Person{ExternalID: "u1", Status: nhi.PersonSuspended}},
			Expect: []Expectation{{Policy: "p", Type: nhi.ActionRevokeGrant}}},
		{Name: "active", Policy: "p", Line: 11, Input: Input{Identity: id, Now: now.AddDate(0, 1, 0),
			Owner:    nhi.Person{ExternalID: "u1", Status: nhi.PersonActive},
			Findings: []nhi.Finding{{Signal: "usage.stale", OWASP: []string{"NHI1:2025"}, Status: nhi.FindingOpen}}}},
		{Name: "all policies", Line: 17, Input: Input{Identity: id, Now: now,
			Owner: nhi.Person{ExternalID: "u1", Status: nhi.PersonSuspended}},
			Expect: []Expectation{{Policy: "p", Type: nhi.ActionRevokeGrant}, {Policy: "q", Type: nhi.ActionNotifyOwner, Message: "hi u1"}}},
	}}
	if diff := cmp.Diff(want, cf); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestParseCasesReportsEveryProblem(t *testing.T) {
	t.Parallel()
	src := `now: yesterday
base:
  identity: {ownr: u1}
cases:
  - name: one
    expect: [revoke]
    colour: red
  - name: two
    policy: p
    app: [a]
    findings: [{signal: x, severity: .inf}]
    expect: [{type: revoke_grant, scopes: [a], credential: c, message: m}]
  - name: three
    now: 2026-06-01T00:00:00Z
    owner: {status: 3}
    expect: [{policy: p, type: revoke_grant, extra: 1}]
`
	_, err := ParseCases("c.yaml", []byte(src))
	want := []string{
		`c.yaml:1:6: now: "yesterday" is not an RFC 3339 time such as 2026-06-01T00:00:00Z`,
		`c.yaml:5:5: case "one": no evaluation time: set now in the case or at the top of the file`,
		`c.yaml:5:5: case "one": identity: unknown field "ownr"`,
		`c.yaml:6:14: case "one": expect: unknown action "revoke"`,
		`c.yaml:6:14: case "one": expect: say which policy proposes revoke (policy: NAME here or in the case)`,
		`c.yaml:7:5: case "one": unknown key "colour" (want app, expect, findings, identity, name, now, owner, policy)`,
		`c.yaml:8:5: case "two": no evaluation time: set now in the case or at the top of the file`,
		`c.yaml:8:5: case "two": identity: unknown field "ownr"`,
		`c.yaml:10:10: case "two": app: want a mapping, got a list`,
		`c.yaml:11:38: case "two": findings: ".inf" is not a finite number`,
		`c.yaml:13:5: case "three": identity: unknown field "ownr"`,
		`c.yaml:13:5: case "three": owner: cannot unmarshal number into Go struct field Person.status of type nhi.PersonStatus`,
		`c.yaml:16:46: case "three": expect: unknown key "extra" (want credential, message, policy, scopes, type)`,
	}
	if diff := cmp.Diff(want, problemLines(t, err)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestTestComparesProposalsWithExpectations(t *testing.T) {
	t.Parallel()
	s := compileSource(t, `policies:
  - name: p
    description: d
    when: owner.status == "suspended"
    then: [revoke_grant]
  - name: q
    description: d
    when: owner.status == "suspended"
    then: [{type: notify_owner, message: "hi ${owner.id}"}]
  - name: broken
    description: d
    when: identity.attributes["nope"] == ""
    then: [revoke_grant]
`)
	cf, err := ParseCases("c.yaml", []byte(caseSource+`  - name: wrong
    policy: p
    expect: [disable_identity]
  - name: wrong message
    policy: q
    owner: {status: suspended}
    expect: [{type: notify_owner, message: "hello"}]
  - name: unknown policy
    policy: nope
    expect: []
  - name: failing policy
    policy: broken
    expect: []
`))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range s.Test(cf) {
		line := r.Case + ": " + map[bool]string{true: "pass", false: "fail"}[r.Pass]
		if r.Err != nil {
			line += ": " + r.Err.Error()
		}
		if !r.Pass && r.Err == nil {
			line += ": got " + expectationText(r.Got)
		}
		got = append(got, line)
	}
	want := []string{
		"suspended: pass", "active: pass", "all policies: fail: " + `policy "broken": no such key: nope`,
		"wrong: fail: got []", `wrong message: fail: got [q notify_owner "hi u1"]`,
		`unknown policy: fail: no policy "nope" in the set`, `failing policy: fail: policy "broken": no such key: nope`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if !Failed(s.Test(cf)) || Failed(s.Test(&CaseFile{Cases: cf.Cases[:2]})) {
		t.Error("Failed does not tell failing runs from passing ones")
	}
}

// expectationText formats expectations for a test.
func expectationText(es []Expectation) string {
	var parts []string
	for _, e := range es {
		s := e.Policy + " " + string(e.Type)
		if e.Message != "" {
			s += ` "` + e.Message + `"`
		}
		parts = append(parts, s)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

func TestDefaultCasesParse(t *testing.T) {
	t.Parallel()
	files, err := DefaultCases()
	var pe *Error
	if err != nil || errors.As(err, &pe) || len(files) < 5 {
		t.Fatalf("DefaultCases: %d files, %v", len(files), err)
	}
}

func TestTestFailsACaseThatCannotRun(t *testing.T) {
	t.Parallel()
	s := compileSource(t, policyFile("true", "revoke_grant"))
	r := s.Test(&CaseFile{Name: "hand", Cases: []Case{{Name: "no time", Policy: "p"}}})
	if len(r) != 1 || r[0].Pass || nhi.ErrorCode(r[0].Err) != nhi.CodeInvalid {
		t.Errorf("results %+v; want a failure for the missing time", r)
	}
}
