package github

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	gh "github.com/google/go-github/v89/github"

	"github.com/nhiscope/nhi"
)

func TestDestination(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"https://hooks.example.net/gh?token=s3cret":      "https://hooks.example.net",
		"https://user:pass@Hooks.Example.NET:8443/a/b#x": "https://hooks.example.net:8443",
		"http://10.0.0.1/path":                           "http://10.0.0.1",
		"  https://ok.example/ ":                         "https://ok.example",
		"ftp://files.example/x":                          "",
		"not a url":                                      "",
		"":                                               "",
		"https://evil\u202e.example/":                    "",
		"https://xn--e1afmkfd.example/<script>alert</script>": "https://xn--e1afmkfd.example",
	}
	for in, want := range tests {
		if got := destination(in); got != want {
			t.Errorf("destination(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestKeyFingerprint(t *testing.T) {
	t.Parallel()
	// ssh-keygen -lf of this key prints SHA256:Le7lzhDOdmnPWJsJOtbbmtnuj4Wt6qUJd8Nt1sdrt5Q.
	key := "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHb0fUXDOBvmiVwx/eYcTUdNtt3g8cIdSrBCaAR7iCmo test@example"
	got := keyFingerprint(key)
	if len(got) != len("SHA256:")+43 || got[:7] != "SHA256:" {
		t.Errorf("keyFingerprint = %q, want SHA256: and 43 base64 characters", got)
	}
	if keyFingerprint(key) != got || keyFingerprint("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHb0fUXDOBvmiVwx/eYcTUdNtt3g8cIdSrBCaAR7iCmp") == got {
		t.Error("fingerprint is not a function of the key")
	}
	for _, bad := range []string{"", "ssh-ed25519", "ssh-ed25519 !!!notbase64"} {
		if got := keyFingerprint(bad); got != "" {
			t.Errorf("keyFingerprint(%q) = %q, want empty", bad, got)
		}
	}
}

func TestTokenIdentity(t *testing.T) {
	t.Parallel()
	granted := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	tok := &gh.PersonalAccessToken{ID: gh.Ptr(int64(25381)), Owner: &gh.User{Login: gh.Ptr("OctoCat")},
		RepositorySelection: gh.Ptr("all"), TokenID: gh.Ptr(int64(98716)), TokenName: gh.Ptr("deploy\u202e bot"),
		Permissions: &gh.PersonalAccessTokenPermissions{Org: map[string]string{"members": "read"},
			Repo: map[string]string{"contents": "write", "metadata": "read"}, Other: map[string]string{"gists": "write"}},
		AccessGrantedAt: &gh.Timestamp{Time: granted}}
	got := tokenIdentity("acme", tok)
	if got.ExternalID != "pat/25381" || got.OwnerID != "octocat" || got.Kind != nhi.KindAPIKey || got.Tenant != "acme" {
		t.Errorf("identity = %+v", got)
	}
	if got.Name != nhi.CleanText(got.Name) {
		t.Errorf("name %q is not clean", got.Name)
	}
	if diff := cmp.Diff([]string{"contents:write", "members:read", "metadata:read"}, got.Scopes()); diff != "" {
		t.Errorf("scopes (-want +got):\n%s", diff)
	}
	want := nhi.Credential{ID: "98716", Type: typeFineGrainedPAT, CreatedAt: granted, NeverExpires: true}
	if diff := cmp.Diff([]nhi.Credential{want}, got.Credentials); diff != "" {
		t.Errorf("credentials (-want +got):\n%s", diff)
	}
	tok.TokenExpiresAt = &gh.Timestamp{Time: granted.AddDate(0, 3, 0)}
	if got := tokenIdentity("acme", tok); got.Credentials[0].NeverExpires || !got.ExpiresAt.Equal(granted.AddDate(0, 3, 0)) {
		t.Errorf("token with expiry: %+v", got.Credentials[0])
	}
}

func TestCredentialIdentity(t *testing.T) {
	t.Parallel()
	at := &gh.Timestamp{Time: time.Date(2024, 10, 17, 21, 55, 7, 0, time.UTC)}
	tests := []struct {
		ca       credentialAuthorization
		kind     nhi.Kind
		name     string
		credType string
		fp       string
		never    bool
		app      string
	}{
		{credentialAuthorization{Login: "Hubot", CredentialID: 1, CredentialType: credPAT, TokenLastEight: "yXXXXXXo",
			Scopes: []string{"repo", "admin:org"}, AuthorizedAt: at}, nhi.KindAPIKey, "personal access token …XXXo",
			typeClassicPAT, "…XXXo", true, ""},
		{credentialAuthorization{Login: "u", CredentialID: 2, CredentialType: credSSH, Fingerprint: "SHA256:abc",
			Title: "work key"}, nhi.KindAppCredential, "work key", typeSSHKey, "SHA256:abc", false, ""},
		{credentialAuthorization{Login: "u", CredentialID: 3, CredentialType: credOAuth, ApplicationName: "Drift",
			ApplicationClientID: "Ov23abc", Scopes: []string{"repo"}}, nhi.KindOAuthGrant, "Drift", typeOAuthToken, "", false, "Ov23abc"},
	}
	for _, tt := range tests {
		got, app, ok := credentialIdentity("acme", tt.ca)
		if !ok || got.Kind != tt.kind || got.Name != tt.name || got.Credentials[0].Type != tt.credType ||
			got.Credentials[0].Fingerprint != tt.fp || got.Credentials[0].NeverExpires != tt.never || got.AppID != tt.app {
			t.Errorf("credentialIdentity(%s) = %+v", tt.ca.CredentialType, got)
		}
		if (app != nil) != (tt.app != "") || app != nil && app.ExternalID != tt.app {
			t.Errorf("credentialIdentity(%s) app = %+v", tt.ca.CredentialType, app)
		}
	}
	if _, _, ok := credentialIdentity("acme", credentialAuthorization{CredentialID: 4, CredentialType: "GitHub app token"}); ok {
		t.Error("unknown credential type converted")
	}
}

func TestHookIdentity(t *testing.T) {
	t.Parallel()
	h := &gh.Hook{ID: gh.Ptr(int64(12345678)), Events: []string{"push", "pull_request"}, Active: gh.Ptr(true),
		Config: &gh.HookConfig{URL: gh.Ptr("https://u:p@hooks.example.net/gh/SECRETPATH?key=SECRETQ"),
			ContentType: gh.Ptr("json"), InsecureSSL: gh.Ptr("1"), Secret: gh.Ptr("********")}}
	got := hookIdentity("acme", h)
	want := map[string]string{"destination_host": "hooks.example.net", "destination_scheme": "https", "events": "pull_request,push",
		"active": "true", "insecure_ssl": "true", "has_secret": "true", "content_type": "json", "last_used": "unknown"}
	if diff := cmp.Diff(want, got.Attributes); diff != "" {
		t.Errorf("attributes (-want +got):\n%s", diff)
	}
	if got.Name != "https://hooks.example.net" || got.ExternalID != "hook/12345678" {
		t.Errorf("identity = %+v", got)
	}
}

func TestPermissionsSortedAndClean(t *testing.T) {
	t.Parallel()
	got := permissions(map[string]string{"b": "write", "a": "read", "": "x", "c\u202e": "admin"}, map[string]string{"a": "read"})
	if diff := cmp.Diff([]string{"a:read", "b:write", "c:admin"}, scopeList2(got)); diff != "" {
		t.Errorf("permissions (-want +got):\n%s", diff)
	}
}

// scopeList2 returns the scopes of ps.
func scopeList2(ps []nhi.Permission) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Scope)
	}
	return out
}
