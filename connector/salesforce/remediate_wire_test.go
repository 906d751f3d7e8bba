package salesforce_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector/connectortest"
	"github.com/nhiscope/nhi/connector/salesforce/salesforcesim"
)

// TestRemediationRefusals checks what remediation refuses before any change: uninstalling
// an app (with the manual step), nhi's own integration user, another org, malformed IDs.
func TestRemediationRefusals(t *testing.T) {
	t.Parallel()
	e := generate(t, 7)
	sf := e.Salesforce
	v := newEnv(t, e, salesforcesim.Options{}, connectortest.Setup{})
	c := v.connector(t, nil)
	self := nhiUser(t, v).ExternalID
	base := nhi.Action{Platform: nhi.PlatformSalesforce, Tenant: sf.OrgID}
	tests := []struct {
		name   string
		edit   func(a *nhi.Action)
		inText string
	}{
		{"uninstall", func(a *nhi.Action) { a.Type, a.AppID = nhi.ActionUninstallApp, sf.Apps[0].ID },
			"Setup > Connected Apps OAuth Usage > Block"},
		{"own user", func(a *nhi.Action) {
			a.Type, a.Kind, a.ExternalID = nhi.ActionDisableIdentity, nhi.KindServiceAccount, self
		}, "own integration user"},
		{"other org", func(a *nhi.Action) {
			a.Type, a.Kind, a.ExternalID, a.Tenant = nhi.ActionDisableIdentity, nhi.KindServiceAccount, sf.Users[0].ID,
				"00D000000000001AAA"
		}, "org"},
		{"malformed token", func(a *nhi.Action) {
			a.Type, a.Kind, a.ExternalID = nhi.ActionRevokeGrant, nhi.KindOAuthGrant, "not/a/token"
		}, "not a Salesforce ID"},
	}
	for _, tt := range tests {
		a := base
		tt.edit(&a)
		_, err := c.Remediate(t.Context(), a)
		if nhi.ErrorCode(err) != nhi.CodeInvalid || !strings.Contains(nhi.ErrorMessage(err), tt.inText) {
			t.Errorf("%s: Remediate = %v, want CodeInvalid saying %q", tt.name, err, tt.inText)
		}
	}
	for _, r := range v.mw.requests() {
		if r.API && r.Method != http.MethodGet {
			t.Errorf("refused actions sent %s %s", r.Method, r.Path)
		}
	}
	if _, frozen, _ := v.sim.UserState(self); frozen {
		t.Error("nhi's own integration user was frozen")
	}
}

// TestRevokeAppGrantsTouchesEveryUser checks that revoking an app's tokens revokes all of
// them and names their users.
func TestRevokeAppGrantsTouchesEveryUser(t *testing.T) {
	t.Parallel()
	e := generate(t, 7)
	sf := e.Salesforce
	v := newEnv(t, e, salesforcesim.Options{}, connectortest.Setup{})
	app := busiestApp(e)
	var users []string
	n := 0
	for _, tk := range sf.Tokens {
		if int(tk.App) == app {
			n++
			if u := sf.Users[tk.User].ID; !slices.Contains(users, u) {
				users = append(users, u)
			}
		}
	}
	slices.Sort(users)
	out, err := v.connector(t, nil).Remediate(t.Context(), nhi.Action{Type: nhi.ActionRevokeAppGrants,
		Platform: nhi.PlatformSalesforce, Tenant: sf.OrgID, AppID: sf.Apps[app].ID})
	if err != nil {
		t.Fatal(err)
	}
	if out.Changed != n || !cmp.Equal(out.Touched, users) || v.sim.TokenCount(sf.Apps[app].ID, "") != 0 {
		t.Errorf("Remediate = %+v, want %d changed, users %v; %d tokens left", out, n, users, v.sim.TokenCount(sf.Apps[app].ID, ""))
	}
}
