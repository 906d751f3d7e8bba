package github

import (
	"strings"
	"testing"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
)

func TestParseTarget(t *testing.T) {
	t.Parallel()
	c, err := New(Config{Name: "gh", Organizations: []string{"Acme"}, AppID: 42, ClientID: "Iv23self",
		PrivateKey: keyFile(t, rsaKey(t))}, connector.Env{})
	if err != nil {
		t.Fatal(err)
	}
	act := func(typ nhi.ActionType, k nhi.Kind, ext string) nhi.Action {
		return nhi.Action{Type: typ, Platform: nhi.PlatformGitHub, Tenant: "acme", Kind: k, ExternalID: ext}
	}
	good := []struct {
		a    nhi.Action
		want target
	}{
		{act(nhi.ActionRevokeGrant, nhi.KindAPIKey, "pat/5"), target{kind: targetPAT, org: "Acme", id: 5}},
		{act(nhi.ActionRevokeGrant, nhi.KindAPIKey, "patreq/6"), target{kind: targetRequest, org: "Acme", id: 6}},
		{act(nhi.ActionRevokeGrant, nhi.KindOAuthGrant, "cred/7"), target{kind: targetCred, org: "Acme", id: 7}},
		{act(nhi.ActionRemoveCredential, nhi.KindAppCredential, "cred/8"), target{kind: targetCred, org: "Acme", id: 8}},
		{act(nhi.ActionRemoveCredential, nhi.KindDeployKey, "pat/9"), target{kind: targetKey, org: "Acme", id: 9, repo: "pat"}},
		{act(nhi.ActionDisableIdentity, nhi.KindWebhook, "hook/10"), target{kind: targetHook, org: "Acme", id: 10}},
	}
	for _, tt := range good {
		got, err := c.parseTarget(tt.a)
		if err != nil || got != tt.want {
			t.Errorf("parseTarget(%s %s) = %+v, %v; want %+v", tt.a.Type, tt.a.ExternalID, got, err, tt.want)
		}
	}
	bad := []struct {
		a   nhi.Action
		msg string
	}{
		{act(nhi.ActionUninstallApp, nhi.KindIntegration, "installation/1"), "Organization settings > GitHub Apps"},
		{act(nhi.ActionDisableIdentity, nhi.KindIntegration, "installation/1"), "by hand"},
		{act(nhi.ActionRevokeGrant, nhi.KindAppCredential, "secret/NPM_TOKEN"), "cannot revoke_grant"},
		{act(nhi.ActionRevokeGrant, nhi.KindAPIKey, "pat/x"), "cannot"},
		{act(nhi.ActionRevokeGrant, nhi.KindAPIKey, "pat/5/6"), "cannot"},
		{act(nhi.ActionRevokeGrant, nhi.KindAPIKey, "hook/5"), "cannot"},
		{act(nhi.ActionRemoveCredential, nhi.KindDeployKey, "../5"), "cannot"},
		{act(nhi.ActionDisableIdentity, nhi.KindWebhook, "hook/-1"), "cannot"},
		{act(nhi.ActionNotifyOwner, nhi.KindAPIKey, "pat/5"), "cannot notify_owner"},
		{func() nhi.Action {
			a := act(nhi.ActionRevokeGrant, nhi.KindAPIKey, "pat/5")
			a.Tenant = "other"
			return a
		}(), "not one this instance scans"},
		{func() nhi.Action {
			a := act(nhi.ActionRevokeGrant, nhi.KindAPIKey, "pat/5")
			a.Platform = "slack"
			return a
		}(), "platform"},
		{func() nhi.Action {
			a := act(nhi.ActionRevokeGrant, nhi.KindOAuthGrant, "cred/5")
			a.AppID = "Iv23self"
			return a
		}(), "its own"},
	}
	for _, tt := range bad {
		_, err := c.parseTarget(tt.a)
		if nhi.ErrorCode(err) != nhi.CodeInvalid || !strings.Contains(nhi.ErrorMessage(err), tt.msg) {
			t.Errorf("parseTarget(%s %s %s) = %v, want CodeInvalid with %q", tt.a.Type, tt.a.Kind, tt.a.ExternalID, err, tt.msg)
		}
	}
}
