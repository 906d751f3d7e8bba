package entra

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/connector/connectortest"
)

// TestScanFailures checks how each failing listing ends or narrows a full scan: which
// error Discover returns, which failures it reports, which scopes it leaves incomplete and
// which identities it cannot report.
func TestScanFailures(t *testing.T) {
	t.Parallel()
	lobCreds := []string{lobApp + "/" + keySoon, lobApp + "/" + keyNever, lobApp + "/" + keyCert}
	grants := []string{"grant-m-bob", "grant-v-alice", "grant-v-all"}
	tests := []struct {
		name   string
		path   string
		fault  fault
		code   nhi.Code // of Discover's error; "" for success
		msg    string   // in the error's or the failure's message
		failed []string // scopes of the failures reported ("" for none)
		// missing are identities not reported; incomplete the scopes left incomplete.
		missing, incomplete []string
		noUse               bool // identities lack their last use
	}{
		{name: "users unavailable", path: "/v1.0/users", fault: fault{status: 500, code: "UnknownError"},
			msg: "failed to answer for users", failed: []string{connector.ScopePeople}, incomplete: []string{connector.ScopePeople}},
		{name: "users denied", path: "/v1.0/users", fault: fault{status: 403, code: codeDenied},
			msg: PermissionUser, failed: []string{connector.ScopePeople}, incomplete: []string{connector.ScopePeople}},
		{name: "owners of an app failing", path: "/applications/" + lobApp + "/owners", fault: fault{status: 502},
			failed: []string{appScope(lobApp)}, missing: lobCreds, incomplete: []string{appScope(lobApp)}},
		{name: "app deleted meanwhile", path: "/applications/" + lobApp + "/owners", fault: fault{status: 404, code: codeNotFound},
			missing: lobCreds},
		{name: "assignments of a service principal failing", path: "/servicePrincipals/" + miSP + "/appRoleAssignments",
			fault: fault{status: 500}, failed: []string{spScope(miSP)}, missing: []string{miSP}, incomplete: []string{spScope(miSP)}},
		{name: "assignments denied", path: "/appRoleAssignments", fault: fault{status: 403, code: codeDenied},
			code: nhi.CodeForbidden, msg: PermissionApplication},
		{name: "service principals unavailable", path: "/servicePrincipals/delta", fault: fault{status: 503},
			code: nhi.CodeUnavailable, msg: "servicePrincipals"},
		{name: "grants unavailable", path: "/oauth2PermissionGrants/delta", fault: fault{status: 500},
			failed: []string{scopeGrants}, missing: grants, incomplete: []string{scopeGrants}},
		{name: "apps unavailable", path: "/applications/delta", fault: fault{status: 500}, failed: []string{""},
			missing: lobCreds, incomplete: []string{appScope(lobApp), appScope(bareApp)}},
		{name: "reports need a licence", path: "/servicePrincipalSignInActivities",
			fault: fault{status: 403, code: codeNonPremium}, noUse: true},
		{name: "reports unavailable", path: "/servicePrincipalSignInActivities", fault: fault{status: 500},
			failed: []string{""}, noUse: true},
		{name: "token rejected by Graph", path: "/v1.0/users", fault: fault{status: 401, code: "InvalidAuthenticationToken"},
			code: nhi.CodeUnauthorized, msg: fixClient},
		{name: "token endpoint down", path: "/oauth2/v2.0/token", fault: fault{status: 500, code: "x"},
			code: nhi.CodeUnavailable, msg: "token endpoint"},
		{name: "throttled for good", path: "/v1.0/users", fault: fault{status: 429, code: "TooManyRequests",
			header: map[string]string{"Retry-After": "1"}},
			msg: "kept throttling", failed: []string{connector.ScopePeople}, incomplete: []string{connector.ScopePeople}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			populate(f)
			f.fail(tt.path, tt.fault)
			c := f.connector(testNow)
			c.retry.throttled = 2
			rec := connectortest.NewRecorder()
			_, err := c.Discover(t.Context(), "", rec)
			if code := nhi.ErrorCode(err); code != tt.code {
				t.Fatalf("Discover = %v (code %q), want code %q", err, code, tt.code)
			}
			var msgs, scopes []string
			for _, fl := range rec.Failures() {
				msgs, scopes = append(msgs, nhi.ErrorMessage(fl.Err)), append(scopes, fl.Scope)
			}
			if err != nil {
				msgs = append(msgs, nhi.ErrorMessage(err))
				if strings.Contains(err.Error(), fixSecret) {
					t.Errorf("error reveals the secret: %v", err)
				}
			}
			if tt.msg != "" && !slices.ContainsFunc(msgs, func(m string) bool { return strings.Contains(m, tt.msg) }) {
				t.Errorf("no message mentions %q: %q", tt.msg, msgs)
			}
			if err != nil {
				return
			}
			if diff := gocmp.Diff(tt.failed, slices.Compact(scopes)); diff != "" {
				t.Errorf("scopes of the failures (-want +got):\n%s", diff)
			}
			wantIDs := slices.DeleteFunc(allExternalIDs(), func(s string) bool { return slices.Contains(tt.missing, s) })
			if diff := gocmp.Diff(wantIDs, externalIDs(rec.Identities())); diff != "" {
				t.Errorf("identities (-want +got):\n%s", diff)
			}
			wantScopes := slices.DeleteFunc(allScopes(), func(s string) bool { return slices.Contains(tt.incomplete, s) })
			if diff := gocmp.Diff(wantScopes, sortedStrings(rec.Completed())); diff != "" {
				t.Errorf("completed scopes (-want +got):\n%s", diff)
			}
			used := slices.ContainsFunc(rec.Identities(), func(id nhi.Identity) bool { return !id.LastUsedAt.IsZero() })
			if used == tt.noUse {
				t.Errorf("identities with a last use: %v, want %v", used, !tt.noUse)
			}
		})
	}
}

// TestBadSecret checks that a rejected client secret ends the scan with CodeUnauthorized,
// a message that says what to check, and no trace of the secret.
func TestBadSecret(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	populate(f)
	c := f.connector(testNow)
	f.mu.Lock()
	f.secret = "another~secret~value-0000000000"
	f.mu.Unlock()
	rec := connectortest.NewRecorder()
	_, err := c.Discover(t.Context(), "", rec)
	if code := nhi.ErrorCode(err); code != nhi.CodeUnauthorized {
		t.Fatalf("Discover = %v (code %q), want %q", err, code, nhi.CodeUnauthorized)
	}
	for _, want := range []string{fixClient, fixTenant, "invalid_client", "client secret"} {
		if !strings.Contains(nhi.ErrorMessage(err), want) {
			t.Errorf("message %q lacks %q", nhi.ErrorMessage(err), want)
		}
	}
	if !strings.Contains(err.Error(), "AADSTS7000215") || strings.Contains(err.Error(), fixSecret) ||
		strings.Contains(err.Error(), "Trace ID") {
		t.Errorf("error %q: want the AADSTS code and nothing else of the answer", err)
	}
	if n := len(rec.Identities()) + len(rec.People()); n > 0 {
		t.Errorf("%d records reported with a rejected secret", n)
	}
	if n := len(f.requestLog()); n != 1 {
		t.Errorf("%d requests made with a rejected secret, want one token request", n)
	}
}

// TestForeignNextLink checks that a page linking to another host is refused, without
// sending the token there.
func TestForeignNextLink(t *testing.T) {
	t.Parallel()
	other := newFixture(t)
	f := newFixture(t)
	populate(f)
	f.mu.Lock()
	f.srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/v1.0/users") {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"value":[],"@odata.nextLink":"` + other.srv.URL + `/v1.0/users?$skiptoken=1"}`))
			return
		}
		f.serve(w, r)
	})
	f.mu.Unlock()
	rec := connectortest.NewRecorder()
	if _, err := f.connector(testNow).Discover(t.Context(), "", rec); err != nil {
		t.Fatal(err)
	}
	if got := rec.Failures(); len(got) != 1 || got[0].Scope != connector.ScopePeople ||
		!strings.Contains(nhi.ErrorMessage(got[0].Err), "malformed") {
		t.Errorf("failures = %+v, want one malformed page of users", got)
	}
	if n := len(other.requestLog()); n > 0 {
		t.Errorf("the other host got %d requests", n)
	}
}
