package github

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/connector/connectortest"
	"github.com/nhiscope/nhi/connector/github/githubsim"
)

func TestWithoutOwnerToken(t *testing.T) {
	t.Parallel()
	e := generate(t, 7)
	full := discoverSim(t, startSim(t, e, simSetup{}).c)
	s := startSim(t, e, simSetup{noOwner: true})
	rec := discoverSim(t, s.c)
	var want []nhi.Identity
	for _, id := range full.Identities() {
		if !strings.HasPrefix(id.ExternalID, "cred/") {
			want = append(want, id)
		}
	}
	if diff := cmp.Diff(sortedExt(want), sortedExt(rec.Identities())); diff != "" {
		t.Errorf("identities without the owner token (-want +got):\n%s", diff)
	}
	f := rec.Failures()
	if len(f) != 1 || f[0].Scope != "" || nhi.ErrorCode(f[0].Err) != nhi.CodeForbidden || !strings.Contains(nhi.ErrorMessage(f[0].Err), "owner") {
		t.Errorf("failures = %+v, want one saying the owner token is missing", f)
	}
	if e.GitHub.Orgs[0].SAML && rec.IsComplete(scopeCredentials(s.orgs[0])) {
		t.Error("credential scope completed though credentials were not listed")
	}
	for _, r := range s.sim.Requests() {
		if r.Token == "owner-pat" {
			t.Errorf("request %s %s sent with an owner token", r.Method, r.Path)
		}
	}
}

func TestMissingPermissions(t *testing.T) {
	t.Parallel()
	e := generate(t, 7)
	full := discoverSim(t, startSim(t, e, simSetup{}).c)
	s := startSim(t, e, simSetup{})
	perms := githubsim.OwnPermissions()
	delete(perms, "organization_hooks")
	delete(perms, "administration")
	if err := s.sim.SetInstallationPermissions(s.orgs[0], perms); err != nil {
		t.Fatal(err)
	}
	rec := discoverSim(t, s.c)
	var want []nhi.Identity
	for _, id := range full.Identities() {
		if id.Kind != nhi.KindWebhook && id.Kind != nhi.KindDeployKey {
			want = append(want, id)
		}
	}
	if diff := cmp.Diff(sortedExt(want), sortedExt(rec.Identities())); diff != "" {
		t.Errorf("identities (-want +got):\n%s", diff)
	}
	var msgs []string
	for _, f := range rec.Failures() {
		if nhi.ErrorCode(f.Err) != nhi.CodeForbidden {
			t.Errorf("failure %s: code %s", f.Resource, nhi.ErrorCode(f.Err))
		}
		msgs = append(msgs, nhi.ErrorMessage(f.Err))
	}
	if len(msgs) != 2 || !strings.Contains(strings.Join(msgs, "|"), "Webhooks: read") ||
		!strings.Contains(strings.Join(msgs, "|"), "Administration: read") {
		t.Errorf("failures = %q, want one for webhooks and one (not one per repository) for deploy keys", msgs)
	}
	if rec.IsComplete(scopeHooks(s.orgs[0])) {
		t.Error("webhook scope completed though the listing was refused")
	}
}

func TestTransientFaultsAreRetried(t *testing.T) {
	t.Parallel()
	e := generate(t, 7)
	base := discoverSim(t, startSim(t, e, simSetup{}).c)
	org := e.GitHub.Orgs[0].Login
	tests := []struct {
		name  string
		fault githubsim.Fault
		opts  func(*githubsim.Options)
	}{
		{name: "502 twice", fault: githubsim.Fault{Path: "/orgs/" + org + "/hooks", Status: http.StatusBadGateway, Times: 2}},
		{name: "429 retry-after", fault: githubsim.Fault{Path: "/orgs/" + org + "/personal-access-tokens", Status: 429, Times: 2, RetryAfter: 3}},
		{name: "403 secondary", fault: githubsim.Fault{Path: "/graphql", Status: 403, Times: 1, RetryAfter: 1}},
		{name: "token exchange 503", fault: githubsim.Fault{Path: "/app/installations/", Status: 503, Times: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := startSim(t, e, simSetup{})
			s.sim.InjectFault(tt.fault)
			rec := discoverSim(t, s.c)
			if diff := cmp.Diff(sortedExt(base.Identities()), sortedExt(rec.Identities())); diff != "" {
				t.Errorf("identities differ from an undisturbed scan (-want +got):\n%s", diff)
			}
			if f := rec.Failures(); len(f) > 0 {
				t.Errorf("failures: %+v", f)
			}
		})
	}
}

func TestPrimaryLimitWaitsForReset(t *testing.T) {
	t.Parallel()
	e := generate(t, 7)
	s := startSim(t, e, simSetup{})
	sim, err := githubsim.New(e, githubsim.Options{Now: s.clock.Now, HourlyLimit: 25, AppKey: rsaKey(t)})
	if err != nil {
		t.Fatal(err)
	}
	s2 := rewire(t, s, sim)
	// One listing at a time: concurrent waits would each move the shared virtual clock,
	// past the lifetime of tokens another listing just obtained.
	s2.c.retry.maxWait, s2.c.cfg.Concurrency = MaxMaxWait, 1
	start := s2.clock.Now()
	rec := discoverSim(t, s2.c)
	if len(rec.Failures()) > 0 {
		t.Errorf("failures: %+v", rec.Failures())
	}
	if waited := s2.clock.Now().Sub(start); waited < 50*60e9 {
		t.Errorf("virtual time passed %v; a 25-request hourly limit should make the scan wait for resets", waited)
	}
	if rec.Count(connector.ProgressThrottled) == 0 || rec.Count(connector.ProgressWait) == 0 {
		t.Error("no throttled or wait progress reported")
	}
	// With a cap below the reset, the scan gives up on the listings with CodeRateLimited.
	s3 := startSim(t, e, simSetup{})
	sim3, _ := githubsim.New(e, githubsim.Options{Now: s3.clock.Now, HourlyLimit: 25, AppKey: rsaKey(t)})
	s3 = rewire(t, s3, sim3)
	s3.c.retry.maxWait = 10 * 60e9
	rec3 := connectortest.NewRecorder()
	_, err = s3.c.Discover(t.Context(), "", rec3)
	limited := 0
	for _, f := range rec3.Failures() {
		if nhi.ErrorCode(f.Err) == nhi.CodeRateLimited {
			limited++
		}
	}
	if err == nil && limited == 0 {
		t.Errorf("capped scan: err %v, failures %+v; want rate-limited failures", err, rec3.Failures())
	}
	if err != nil && nhi.ErrorCode(err) != nhi.CodeRateLimited {
		t.Errorf("capped scan = %v, want CodeRateLimited", err)
	}
}

func TestRejectedOwnerTokenFailsCredentialsOnly(t *testing.T) {
	t.Parallel()
	e := generate(t, 7)
	if !e.GitHub.Orgs[0].SAML {
		t.Skip("the first organization has no SAML SSO")
	}
	s := startSim(t, e, simSetup{})
	s.c.creds.owner = "ghp_" + strings.Repeat("0", 36) // a token GitHub does not know
	rec := connectortest.NewRecorder()
	if _, err := s.c.Discover(t.Context(), "", rec); err != nil {
		t.Fatalf("Discover with a rejected owner token = %v, want the app's part of the scan done", err)
	}
	f := rec.Failures()
	if len(f) != 1 || f[0].Scope != scopeCredentials(s.orgs[0]) || nhi.ErrorCode(f[0].Err) != nhi.CodeUnauthorized ||
		!strings.Contains(nhi.ErrorMessage(f[0].Err), "owner token") {
		t.Errorf("failures = %+v, want one CodeUnauthorized failure of the credentials naming the owner token", f)
	}
	if strings.Contains(f[0].Err.Error(), s.c.creds.owner) {
		t.Error("failure reveals the token")
	}
}
