package github

import (
	"strings"
	"testing"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector/github/githubsim"
)

// actionOf returns the first action of the harness's list on a target of kind k.
func actionOf(t *testing.T, s *simulated, k targetKind) nhi.Action {
	t.Helper()
	for _, a := range remediationActions(t, s.e) {
		if tg, ok := parseExternalID(a.Kind, a.ExternalID); ok && tg.kind == k {
			return a
		}
	}
	t.Fatalf("no action on a target of kind %d", k)
	return nhi.Action{}
}

func TestRemediateCredentialNeedsOwnerToken(t *testing.T) {
	t.Parallel()
	e := generate(t, 7)
	s := startSim(t, e, simSetup{noOwner: true})
	a := actionOf(t, s, targetCred)
	if _, err := s.c.Remediate(t.Context(), a); nhi.ErrorCode(err) != nhi.CodeForbidden || !strings.Contains(nhi.ErrorMessage(err), "token") {
		t.Errorf("Remediate without the owner token = %v, want CodeForbidden naming the token", err)
	}
	if _, err := s.c.Verify(t.Context(), a); nhi.ErrorCode(err) != nhi.CodeForbidden {
		t.Errorf("Verify without the owner token = %v, want CodeForbidden", err)
	}
	if !exists(s.sim, e, a) || mutationsOf(s) != 0 {
		t.Errorf("the credential changed (%d mutating requests)", mutationsOf(s))
	}
}

func TestRemediateWithoutWritePermission(t *testing.T) {
	t.Parallel()
	e := generate(t, 7)
	s := startSim(t, e, simSetup{})
	perms := githubsim.OwnPermissions()
	perms["organization_personal_access_tokens"] = "read"
	if err := s.sim.SetInstallationPermissions(s.orgs[0], perms); err != nil {
		t.Fatal(err)
	}
	a := actionOf(t, s, targetPAT)
	out, err := s.c.Remediate(t.Context(), a)
	if nhi.ErrorCode(err) != nhi.CodeForbidden || !strings.Contains(nhi.ErrorMessage(err), "Personal access tokens") || out.Changed != 0 {
		t.Errorf("Remediate with read-only permission = %+v, %v; want CodeForbidden naming the permission", out, err)
	}
	if !exists(s.sim, e, a) {
		t.Error("the token grant is gone")
	}
}

func TestRemediateCallsAndFallbacks(t *testing.T) {
	t.Parallel()
	e := generate(t, 7)
	s := startSim(t, e, simSetup{})
	hook := actionOf(t, s, targetHook)
	out, err := s.c.Remediate(t.Context(), hook)
	if err != nil || out.Call != "PATCH /orgs/{org}/hooks/{hook_id}" || out.Changed != 1 {
		t.Errorf("Remediate(hook) = %+v, %v", out, err)
	}
	tg, _ := parseExternalID(hook.Kind, hook.ExternalID)
	if active, ok := s.sim.HookActive(s.orgs[0], tg.id); !ok || active {
		t.Errorf("hook after disabling: active %v, exists %v; want kept and inactive", active, ok)
	}
	// A token action naming a wrong token ID still finds the grant by its pat_id.
	pat := actionOf(t, s, targetPAT)
	pat.CredentialID = "1"
	if v, err := s.c.Verify(t.Context(), pat); err != nil || v.Gone {
		t.Errorf("Verify(pat with a wrong token ID) = %+v, %v; want still there", v, err)
	}
	if out, err := s.c.Remediate(t.Context(), pat); err != nil || out.Changed != 1 || exists(s.sim, e, pat) {
		t.Errorf("Remediate(pat with a wrong token ID) = %+v, %v; want it revoked", out, err)
	}
	// A credential action without its owner's login reads the whole listing.
	cred := actionOf(t, s, targetCred)
	cred.OwnerID = ""
	if out, err := s.c.Remediate(t.Context(), cred); err != nil || out.Changed != 1 || exists(s.sim, e, cred) {
		t.Errorf("Remediate(cred without owner) = %+v, %v; want it removed", out, err)
	}
}

// mutationsOf counts the simulator's mutating API requests.
func mutationsOf(s *simulated) int {
	n := 0
	for _, r := range requests(s.sim) {
		if r.API && r.Method != "GET" && r.Method != "HEAD" {
			n++
		}
	}
	return n
}
