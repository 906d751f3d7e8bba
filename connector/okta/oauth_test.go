package okta_test

import (
	"crypto/x509"
	"encoding/pem"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/connector/connectortest"
	"github.com/nhiscope/nhi/connector/okta"
	"github.com/nhiscope/nhi/connector/okta/oktasim"
)

// oauthConnector returns a connector signing in as the simulator's service app with
// scopes, and the simulator.
func oauthConnector(t *testing.T, scopes []string, simScopes []string) (*okta.Connector, *oktasim.Server) {
	t.Helper()
	sim, url := serve(t, org(t), oktasim.Options{Scopes: simScopes})
	key, err := sim.ClientKey()
	if err != nil {
		t.Fatal(err)
	}
	pemKey := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	c, err := okta.New(okta.Config{Name: "okta-oauth", OrgURL: url, ClientID: sim.ClientID(),
		PrivateKey: secretFile(t, string(pemKey)), KeyID: "kid1", Scopes: scopes}, connector.Env{})
	if err != nil {
		t.Fatal(err)
	}
	return c, sim
}

func TestOAuthScanMatchesSSWS(t *testing.T) {
	t.Parallel()
	c, sim := oauthConnector(t, nil, nil)
	rec := connectortest.NewRecorder()
	if _, err := c.Discover(t.Context(), "", rec); err != nil {
		t.Fatalf("Discover = %v", err)
	}
	_, url := serve(t, org(t), oktasim.Options{})
	base := connectortest.NewRecorder()
	if _, err := newSSWS(t, url, oktasim.DefaultAPIToken, connector.Env{}).Discover(t.Context(), "", base); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(len(base.Identities()), len(rec.Identities())); diff != "" || len(rec.Identities()) == 0 {
		t.Errorf("OAuth scan found %d identities, SSWS %d", len(rec.Identities()), len(base.Identities()))
	}
	tokens := 0
	for _, r := range sim.Requests() {
		if r.Path == "/oauth2/v1/token" {
			tokens++
		}
	}
	if tokens != 1 {
		t.Errorf("token requests = %d, want 1 (the access token is reused)", tokens)
	}
	if got := c.Self(); len(got) != 1 || got[0] != sim.ClientID() {
		t.Errorf("Self() = %v, want the client ID", got)
	}
}

func TestOAuthFailures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name              string
		scopes, simScopes []string
		want              nhi.Code
	}{
		{"scope not granted", []string{"okta.apps.manage"}, nil, nhi.CodeForbidden},
		{"granted but too few", []string{"okta.users.read"}, []string{"okta.users.read"}, nhi.CodeForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, _ := oauthConnector(t, tt.scopes, tt.simScopes)
			_, err := c.Discover(t.Context(), "", connectortest.NewRecorder())
			if nhi.ErrorCode(err) != tt.want {
				t.Errorf("Discover = %v (code %s), want %s", err, nhi.ErrorCode(err), tt.want)
			}
		})
	}
}

func TestOAuthRemediationNeedsManageScopes(t *testing.T) {
	t.Parallel()
	all := append(okta.ReadScopes(), okta.RemediationScopes()...)
	tok := org(t).Okta.Tokens[0].ID
	a := nhi.Action{Type: nhi.ActionRevokeGrant, Platform: nhi.PlatformOkta, Kind: nhi.KindAPIKey, ExternalID: tok}

	readOnly, sim := oauthConnector(t, nil, nil)
	if _, err := readOnly.Remediate(t.Context(), a); nhi.ErrorCode(err) != nhi.CodeForbidden {
		t.Errorf("Remediate with read scopes = %v, want CodeForbidden", err)
	}
	if _, ok := sim.Token(tok); !ok {
		t.Fatal("a refused revocation removed the token")
	}

	c, sim := oauthConnector(t, all, all)
	out, err := c.Remediate(t.Context(), a)
	if err != nil || out.Changed != 1 {
		t.Fatalf("Remediate = %+v, %v", out, err)
	}
	if _, ok := sim.Token(tok); ok {
		t.Error("token still there after the revocation")
	}
	if v, err := c.Verify(t.Context(), a); err != nil || !v.Gone {
		t.Errorf("Verify = %+v, %v; want gone", v, err)
	}
}
