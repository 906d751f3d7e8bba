package policy

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nhiscope/nhi"
)

var evalNow = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

const (
	mailScope     = "https://mail.google.com/"
	calendarScope = "https://www.googleapis.com/auth/calendar"
	breachedApp   = "110671459871-30f1spbu0hptbs60cb4vsmv79i7bbvqj.apps.googleusercontent.com"
)

// grantInput is a suspended person's grant with mail and calendar scopes, idle 120 days.
func grantInput() Input {
	return Input{
		Identity: nhi.Identity{ID: "gws_1", Platform: nhi.PlatformGoogleWorkspace, Tenant: "C01", Kind: nhi.KindOAuthGrant,
			ExternalID: "u1/app1", Name: "Notes", AppID: "app1", OwnerID: "u1",
			Permissions: []nhi.Permission{{Scope: "openid"}, {Scope: mailScope}, {Scope: calendarScope}},
			CreatedAt:   evalNow.AddDate(0, 0, -400), LastUsedAt: evalNow.AddDate(0, 0, -120),
			Attributes: map[string]string{"client_type": "WEB"}},
		App:       nhi.App{Platform: nhi.PlatformGoogleWorkspace, Tenant: "C01", ExternalID: "app1", Name: "Notes\x1b[31m App", Users: 4, Identities: 5},
		AppAdmins: 2,
		Owner: nhi.Person{Platform: nhi.PlatformGoogleWorkspace, Tenant: "C01", ExternalID: "u1", Email: "a@example.com",
			Name: "Alice", Status: nhi.PersonSuspended, LastLogin: evalNow.AddDate(0, 0, -30)},
		Findings: []nhi.Finding{{ID: "fnd_1", Signal: "owner.suspended", Severity: nhi.SeverityMedium, OWASP: []string{"NHI1:2025"}}},
		Now:      evalNow,
	}
}

// grantAction is the base of the actions proposed for grantInput.
func grantAction(typ nhi.ActionType, policy string) nhi.Action {
	return nhi.Action{Type: typ, Platform: nhi.PlatformGoogleWorkspace, Tenant: "C01", IdentityID: "gws_1",
		Kind: nhi.KindOAuthGrant, ExternalID: "u1/app1", Name: "Notes", AppID: "app1", OwnerID: "u1",
		State: nhi.ActionPending, Reason: nhi.Reason{Kind: nhi.ReasonPolicy, Policy: policy, Text: "d"}}
}

func TestEvaluateProposesActions(t *testing.T) {
	t.Parallel()
	withScopes := grantAction(nhi.ActionReduceScope, "p")
	withScopes.Scopes = []string{mailScope}
	message := grantAction(nhi.ActionNotifyOwner, "p")
	message.Message = "Notes[31m App: 120 days, since 2026-02-01T00:00:00Z, $5"
	tests := []struct {
		name, then, extra string
		in                func(*Input)
		want              []Proposal
	}{
		{"revoke, dry run needing approval", "revoke_grant", "", nil, []Proposal{
			{Policy: "p", Mode: ModeDryRun, RequiresApproval: true, Severity: nhi.SeverityMedium, Action: grantAction(nhi.ActionRevokeGrant, "p")}}},
		{"enforce without approval", "disable_identity", "    mode: enforce\n    approval: none\n    severity: high\n", nil, []Proposal{
			{Policy: "p", Mode: ModeEnforce, Severity: nhi.SeverityHigh, Action: grantAction(nhi.ActionDisableIdentity, "p")}}},
		{"alerts never need approval", "revoke_grant", "    mode: alert\n", nil, []Proposal{
			{Policy: "p", Mode: ModeAlert, Severity: nhi.SeverityMedium, Action: grantAction(nhi.ActionRevokeGrant, "p")}}},
		{"app-wide actions target the app", "revoke_app_grants", "", nil, []Proposal{
			{Policy: "p", Mode: ModeDryRun, RequiresApproval: true, Severity: nhi.SeverityMedium, Action: nhi.Action{
				Type: nhi.ActionRevokeAppGrants, Platform: nhi.PlatformGoogleWorkspace, Tenant: "C01", AppID: "app1",
				Name: "Notes\x1b[31m App", State: nhi.ActionPending, Reason: nhi.Reason{Kind: nhi.ReasonPolicy, Policy: "p", Text: "d"}}}}},
		{"app-wide actions need an app", "uninstall_app", "", func(in *Input) { in.Identity.AppID, in.App = "", nhi.App{} }, nil},
		{"reduce scope keeps held scopes once, in order", `{type: reduce_scope, scopes: '["nope", "https://mail.google.com/", "https://mail.google.com/"]'}`, "", nil,
			[]Proposal{{Policy: "p", Mode: ModeDryRun, RequiresApproval: true, Severity: nhi.SeverityMedium, Action: withScopes}}},
		{"reduce scope with nothing held proposes nothing", `{type: reduce_scope, scopes: '["nope"]'}`, "", nil, nil},
		{"a message renders its expressions", `{type: notify_owner, message: '${app.name}: ${identity.days_idle} days, since ${identity.last_used_at}, $$5'}`, "", nil,
			[]Proposal{{Policy: "p", Mode: ModeDryRun, RequiresApproval: true, Severity: nhi.SeverityMedium, Action: message}}},
		{"remove credential names held credentials", `{type: remove_credential, credentials: '["k2", "k9"]'}`, "", func(in *Input) {
			in.Identity.Credentials = []nhi.Credential{{ID: "k1"}, {ID: "k2"}}
		}, []Proposal{{Policy: "p", Mode: ModeDryRun, RequiresApproval: true, Severity: nhi.SeverityMedium, Action: func() nhi.Action {
			a := grantAction(nhi.ActionRemoveCredential, "p")
			a.CredentialID = "k2"
			return a
		}()}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := compileSource(t, policyFile("owner.status == \"suspended\"", tt.then)+tt.extra)
			in := grantInput()
			if tt.in != nil {
				tt.in(&in)
			}
			got, err := s.Evaluate(in)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestEvaluateSeesTheInput evaluates expressions over every variable: each must hold on
// grantInput, and its negation must not.
func TestEvaluateSeesTheInput(t *testing.T) {
	t.Parallel()
	exprs := []string{
		`identity.id == "gws_1" && identity.kind == "oauth_grant" && identity.platform == "google_workspace"`,
		`identity.scopes == ["openid", "https://mail.google.com/", "https://www.googleapis.com/auth/calendar"]`,
		`identity.days_idle == 120 && identity.age_days == 400 && !identity.never_used && !identity.has_expiry`,
		`now - identity.last_used_at > days(90) && now - identity.last_used_at < duration("2881h")`,
		`identity.attributes.?client_type.orValue("") == "WEB" && !("anonymous" in identity.attributes)`,
		`identity.credentials.size() == 0 && !identity.gone && identity.expires_at == timestamp(0)`,
		`app.known && app.id == "app1" && app.users == 4 && app.identities == 5 && app.admins == 2 && !app.intel.listed`,
		`owner.known && owner.status == "suspended" && owner.email == "a@example.com" && owner.days_since_login == 30`,
		`permissions.size() == 3 && permissions[1].tier == "critical" && permissions[1].tier_rank == 4 && "mail" in permissions[1].data`,
		`permissions[0].known && !permissions.exists(p, p.tier == "unknown")`,
		`findings.size() == 1 && findings[0].signal == "owner.suspended" && findings[0].severity_rank == 3 && "NHI1:2025" in findings[0].owasp`,
		`now == timestamp("2026-06-01T00:00:00Z")`,
		`identity.name.lowerAscii() == "notes" && sets.contains(identity.scopes, ["openid"])`,
	}
	var src strings.Builder
	src.WriteString("policies:\n")
	for i, e := range exprs {
		for j, w := range []string{e, "!(" + e + ")"} {
			fmt.Fprintf(&src, "  - name: e%d-%d\n    description: d\n    when: '%s'\n    then: [revoke_grant]\n", i, j, w)
		}
	}
	s := compileSource(t, src.String())
	got, err := s.Evaluate(grantInput())
	if err != nil {
		t.Fatal(err)
	}
	hit := map[string]bool{}
	for _, p := range got {
		hit[p.Policy] = true
	}
	for i, e := range exprs {
		if !hit[fmt.Sprintf("e%d-0", i)] || hit[fmt.Sprintf("e%d-1", i)] {
			t.Errorf("%s does not hold (or its negation does)", e)
		}
	}
}

func TestEvaluateViewsOfUnknowns(t *testing.T) {
	t.Parallel()
	// An API key with no owner record, no app record and no dates but an expiry: the
	// views say what is unknown, the key is its own credential, and the app is looked up
	// in the intelligence pack by the identity's reference.
	s := compileSource(t, policyFile(`'!owner.known && owner.status == "unknown" && owner.id == "u1" && owner.days_since_login == -1 &&
      !app.known && app.id == "`+breachedApp+`" && app.intel.listed && app.intel.kind == "breached" &&
      identity.days_idle == -1 && identity.age_days == -1 && identity.never_used && identity.last_used_at == timestamp(0) &&
      identity.credentials.size() == 1 && identity.credentials[0].id == "key-1" && identity.credentials[0].expired &&
      permissions[0].tier == "unknown" && !permissions[0].known && permissions[0].tier_rank == 0'`, "revoke_grant"))
	in := Input{Identity: nhi.Identity{ID: "x", Platform: nhi.PlatformGoogleWorkspace, Kind: nhi.KindAPIKey,
		ExternalID: "key-1", AppID: breachedApp, OwnerID: "u1", ExpiresAt: evalNow.AddDate(0, 0, -1),
		Permissions: []nhi.Permission{{Scope: "made.up"}}}, Now: evalNow}
	got, err := s.Evaluate(in)
	if err != nil || len(got) != 1 {
		t.Errorf("Evaluate = %v, %v; want one proposal", got, err)
	}
}

func TestEvaluateReportsFailingPoliciesAndRunsTheOthers(t *testing.T) {
	t.Parallel()
	s := compileSource(t, `policies:
  - name: missing-key
    description: d
    when: identity.attributes["nope"] == "x"
    then: [revoke_grant]
  - name: fine
    description: d
    when: "true"
    then: [revoke_grant]
  - name: too-costly
    description: d
    when: permissions.all(p, permissions.all(q, permissions.all(r, p.scope != "" && q.scope != "" && r.scope != "")))
    then: [revoke_grant]
`)
	in := grantInput()
	for range 60 {
		in.Identity.Permissions = append(in.Identity.Permissions, nhi.Permission{Scope: "s"})
	}
	got, err := s.Evaluate(in)
	if len(got) != 1 || got[0].Policy != "fine" {
		t.Errorf("proposals %+v, want only fine's", got)
	}
	var failed []string
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var ee *EvalError
		if !errors.As(e, &ee) {
			t.Fatalf("%v is not an *EvalError", e)
		}
		failed = append(failed, ee.Policy+": "+ee.Err.Error())
	}
	want := []string{"missing-key: no such key: nope", "too-costly: operation cancelled: actual cost limit exceeded"}
	if diff := cmp.Diff(want, failed); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestEvaluateCountsTheCostOfLargeInputs(t *testing.T) {
	t.Parallel()
	// Cheap on bounded inputs, so it runs uncounted on them; an input past the bounds
	// runs counted and goes over the limit.
	s := compileSource(t, policyFile(`permissions.all(p, identity.scopes.exists(s, s == p.scope))`, "revoke_grant"))
	in := grantInput()
	if got, err := s.Evaluate(in); err != nil || len(got) != 1 {
		t.Fatalf("small input: %v, %v", got, err)
	}
	in.Identity.Permissions = nil
	for i := range 2 * maxFastList {
		in.Identity.Permissions = append(in.Identity.Permissions, nhi.Permission{Scope: fmt.Sprint(i)})
	}
	if _, err := s.Evaluate(in); err == nil || !strings.Contains(err.Error(), "cost limit exceeded") {
		t.Fatalf("large input: err = %v, want the cost limit", err)
	}
}

func TestEvaluateNeedsATime(t *testing.T) {
	t.Parallel()
	s := compilePack(t)
	in := grantInput()
	in.Now = time.Time{}
	if _, err := s.Evaluate(in); nhi.ErrorCode(err) != nhi.CodeInvalid {
		t.Fatalf("err = %v, want invalid", err)
	}
}

func TestEvaluateIsSafeForConcurrentUse(t *testing.T) {
	t.Parallel()
	s := compilePack(t)
	ins := benchInputs(64)
	want := make([][]Proposal, len(ins))
	for i, in := range ins {
		want[i], _ = s.Evaluate(in)
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range ins {
				got, _ := s.Evaluate(ins[(i+g)%len(ins)])
				if diff := cmp.Diff(want[(i+g)%len(ins)], got); diff != "" {
					t.Errorf("concurrent evaluation differs:\n%s", diff)
					return
				}
			}
		})
	}
	wg.Wait()
}
