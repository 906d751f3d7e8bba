package github

import (
	"bytes"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/connector/connectortest"
	"github.com/nhiscope/nhi/connector/github/githubsim"
)

// syncBuffer is a log sink safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p.
func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String returns what was written.
func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// fineGrained reports whether an ExternalID names a fine-grained token grant or request.
func fineGrained(ext string) bool {
	return strings.HasPrefix(ext, "pat/") || strings.HasPrefix(ext, "patreq/")
}

// externalIDs returns the sorted ExternalIDs of the identities rec holds, keeping those keep accepts.
func externalIDs(rec *connectortest.Recorder, keep func(string) bool) []string {
	var out []string
	for _, id := range rec.Identities() {
		if keep(id.ExternalID) {
			out = append(out, id.ExternalID)
		}
	}
	slices.Sort(out)
	return out
}

func TestTokenModeDiscover(t *testing.T) {
	t.Parallel()
	e := generate(t, 7)
	app := discoverSim(t, startSim(t, e, simSetup{orgs: []int{0, 1}}).c)
	var log syncBuffer
	s := startSim(t, e, simSetup{orgs: []int{0, 1}, tokenOnly: true,
		Setup: connectortest.Setup{Logger: slog.New(slog.NewTextHandler(&log, nil))}})
	rec := discoverSim(t, s.c)

	// Everything the app reads but fine-grained tokens, and nothing else.
	want := externalIDs(app, func(ext string) bool { return !fineGrained(ext) })
	if diff := cmp.Diff(want, externalIDs(rec, func(string) bool { return true })); diff != "" {
		t.Errorf("token-mode identities (-app mode without fine-grained tokens +token mode):\n%s", diff)
	}
	if n := len(externalIDs(app, fineGrained)); n == 0 {
		t.Fatal("the estate has no fine-grained token grant or request: the test proves nothing")
	}
	if diff := cmp.Diff(len(app.People()), len(rec.People())); diff != "" {
		t.Errorf("people count (-app +token):\n%s", diff)
	}
	// One Failure naming why, no fine-grained scope complete, everything else as in App mode.
	f := rec.Failures()
	if len(f) != 1 || nhi.ErrorCode(f[0].Err) != nhi.CodeForbidden ||
		!strings.Contains(nhi.ErrorMessage(f[0].Err), fineGrainedReason) || !strings.Contains(f[0].Resource, s.orgs[1]) {
		t.Errorf("failures = %+v, want one CodeForbidden naming %q and both organizations", f, fineGrainedReason)
	}
	for _, org := range s.orgs {
		for _, scope := range []string{scopeTokens(org), scopeRequests(org)} {
			if rec.IsComplete(scope) || !app.IsComplete(scope) {
				t.Errorf("scope %s complete: token mode %v, app mode %v; want only app mode", scope, rec.IsComplete(scope),
					app.IsComplete(scope))
			}
		}
	}
	appScopes := slices.DeleteFunc(app.Completed(), func(sc string) bool {
		return strings.HasPrefix(sc, "tokens:") || strings.HasPrefix(sc, "token-requests:")
	})
	if diff := cmp.Diff(sortedCopy(appScopes), sortedCopy(rec.Completed())); diff != "" {
		t.Errorf("completed scopes (-app without fine-grained +token):\n%s", diff)
	}
	// Every request carried the token; none asked for what needs an installation token.
	for _, r := range s.sim.Requests() {
		if r.Token != "owner-pat" || strings.Contains(r.Path, "/personal-access-token") || strings.HasPrefix(r.Path, "/app/") {
			t.Errorf("request %s %s with %q, want only the owner token and no app endpoint", r.Method, r.Path, r.Token)
		}
	}
	if got := strings.Count(log.String(), "token mode: fine-grained"); got != 1 {
		t.Errorf("log mentions fine-grained tokens %d times, want once per scan:\n%s", got, log.String())
	}
	if strings.Contains(log.String(), s.sim.OwnerToken()) {
		t.Error("the log reveals the token")
	}
}

// sortedCopy returns a sorted copy of ss.
func sortedCopy(ss []string) []string {
	out := slices.Clone(ss)
	slices.Sort(out)
	return out
}

func TestTokenModeFailures(t *testing.T) {
	t.Parallel()
	e := generate(t, 7)
	tests := []struct {
		name  string
		edit  func(*simulated)
		fault *githubsim.Fault
		code  nhi.Code
		want  string
	}{
		{"rejected token", func(s *simulated) { s.c.creds.owner = "ghp_" + strings.Repeat("0", 36) }, nil,
			nhi.CodeUnauthorized, "rejected the owner token"},
		{"unknown organization", func(s *simulated) { s.c.cfg.Organizations = []string{"no-such-org"} }, nil,
			nhi.CodeNotFound, "no organization no-such-org"},
		{"SAML enforcement", nil, &githubsim.Fault{Method: http.MethodGet, Path: "/orgs/", Status: http.StatusForbidden, Times: 1},
			nhi.CodeForbidden, "authorized for SAML SSO"},
		{"hooks refused", nil, &githubsim.Fault{Method: http.MethodGet, Path: "/orgs/" + e.GitHub.Orgs[0].Login + "/hooks",
			Status: http.StatusForbidden}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := startSim(t, e, simSetup{tokenOnly: true})
			if tt.edit != nil {
				tt.edit(s)
			}
			if tt.fault != nil {
				s.sim.InjectFault(*tt.fault)
			}
			rec := connectortest.NewRecorder()
			_, err := s.c.Discover(t.Context(), "", rec)
			if tt.code == "" {
				assertHooksRefused(t, s, rec, err)
				return
			}
			if nhi.ErrorCode(err) != tt.code || !strings.Contains(nhi.ErrorMessage(err), tt.want) {
				t.Errorf("Discover = %v (code %s), want %s containing %q", err, nhi.ErrorCode(err), tt.code, tt.want)
			}
			if err != nil && strings.Contains(err.Error(), "ghp_") {
				t.Errorf("error reveals a token: %v", err)
			}
		})
	}
}

// assertHooksRefused checks a token-mode scan whose webhook listing GitHub refused: the
// failure names the classic scope, and the scan goes on.
func assertHooksRefused(t *testing.T, s *simulated, rec *connectortest.Recorder, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("Discover = %v, want the scan done without the webhooks", err)
	}
	found := false
	for _, f := range rec.Failures() {
		if f.Scope == scopeHooks(s.orgs[0]) {
			found = nhi.ErrorCode(f.Err) == nhi.CodeForbidden && strings.Contains(nhi.ErrorMessage(f.Err), "admin:org_hook")
		}
	}
	if !found || rec.IsComplete(scopeHooks(s.orgs[0])) || len(rec.Failures()) != 2 {
		t.Errorf("failures = %+v, want the fine-grained one and a CodeForbidden of the webhooks naming admin:org_hook",
			rec.Failures())
	}
}

func TestTokenModeEvents(t *testing.T) {
	t.Parallel()
	e := generate(t, 7)
	s := startSim(t, e, simSetup{tokenOnly: true})
	got, _ := readEvents(t, s, "")
	want := wantAudits(s, s.orgs[0], e.Options.Now.Add(-EventWindow))
	if len(want) == 0 {
		t.Fatal("the estate's audit log holds no event of interest")
	}
	if diff := cmp.Diff(want, ids(got)); diff != "" {
		t.Errorf("token-mode events (-want +got):\n%s", diff)
	}
}

func TestTokenModeNew(t *testing.T) {
	t.Parallel()
	cfg := Config{Name: "gh", Organizations: []string{"acme"}, Token: secretFile(t, "ghp_"+strings.Repeat("a", 36))}
	c, err := New(cfg, connector.Env{})
	if err != nil {
		t.Fatalf("New(token only) = %v", err)
	}
	if !c.cfg.tokenOnly() || c.creds.key != nil || c.clients(func(connector.Progress) {}).app != nil {
		t.Error("token mode built an app client or read a key")
	}
	cfg.Token = secretFile(t, "\n")
	if _, err := New(cfg, connector.Env{}); nhi.ErrorCode(err) != nhi.CodeInvalid {
		t.Errorf("New(empty token only) = %v, want CodeInvalid", err)
	}
}
