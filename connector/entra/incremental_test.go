package entra

import (
	"slices"
	"strings"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
)

// externalIDs returns the sorted external IDs of ids.
func externalIDs(ids []nhi.Identity) []string {
	var out []string
	for _, id := range ids {
		out = append(out, id.ExternalID)
	}
	slices.Sort(out)
	return out
}

// allExternalIDs are the external IDs of a full scan of the test tenant.
func allExternalIDs() []string { return externalIDs(fullScanWant()) }

// allScopes are the scopes a full scan of the test tenant completes.
func allScopes() []string {
	return sortedStrings([]string{connector.ScopePeople, scopeGrants, appScope(bareApp), appScope(lobApp), spScope(graphSP),
		spScope(vendorSP), spScope(lobSP), spScope(psSP), spScope(miSP)})
}

// TestIncremental checks what a scan from a cursor reports after each kind of change,
// which scopes it completes and which listings it makes.
func TestIncremental(t *testing.T) {
	t.Parallel()
	without := func(ids []string, drop ...string) []string {
		return slices.DeleteFunc(ids, func(s string) bool { return slices.Contains(drop, s) })
	}
	lobCreds := []string{lobApp + "/" + keySoon, lobApp + "/" + keyCert}
	tests := []struct {
		name   string
		later  time.Duration
		mutate func(f *fixture)
		ids    []string
		scopes []string
		// want and avoid are listings (paths with their queries) the scan must and must not make.
		want, avoid []string
	}{
		{name: "nothing changed", mutate: func(*fixture) {}, scopes: []string{connector.ScopePeople},
			want:  []string{"/v1.0/users?", "/v1.0/servicePrincipals?"},
			avoid: []string{"/v1.0/oauth2PermissionGrants?", "/v1.0/applications?", "/owners", "/appRoleAssignments", "/beta/"}},
		{name: "grant added", mutate: func(f *fixture) {
			f.put(cGrant, grantObj("grant-new", vendorSP, "Principal", bob, "Files.Read"))
		}, ids: []string{"grant-new"}, scopes: []string{connector.ScopePeople},
			want: []string{"/beta/reports/servicePrincipalSignInActivities"}, avoid: []string{"/v1.0/oauth2PermissionGrants?"}},
		{name: "grant removed", mutate: func(f *fixture) { f.remove(cGrant, "grant-v-alice") },
			ids: []string{"grant-m-bob", "grant-v-all"}, scopes: []string{connector.ScopePeople, scopeGrants},
			want: []string{"/v1.0/oauth2PermissionGrants?"}},
		{name: "app credential removed", mutate: func(f *fixture) {
			a := f.collections[cApps][0]
			a["passwordCredentials"] = a["passwordCredentials"].([]obj)[:1]
			f.put(cApps, a)
		}, ids: lobCreds, scopes: []string{connector.ScopePeople, appScope(lobApp)},
			want: []string{"/v1.0/applications?", "/v1.0/applications/" + lobApp + "/owners", "appCredentialSignInActivities"}},
		{name: "app removed", mutate: func(f *fixture) { f.remove(cApps, lobApp) },
			scopes: []string{connector.ScopePeople, appScope(lobApp)}, avoid: []string{"/owners"}},
		{name: "service principal removed", mutate: func(f *fixture) { f.remove(cSPs, miSP) },
			scopes: []string{connector.ScopePeople, spScope(miSP)}, avoid: []string{"/appRoleAssignments"}},
		{name: "service principal disabled", mutate: func(f *fixture) {
			s := f.collections[cSPs][2]
			s["accountEnabled"] = false
			f.put(cSPs, s)
		}, ids: []string{lobSP, lobSP + "/" + keySP}, scopes: []string{connector.ScopePeople, spScope(lobSP)},
			want: []string{"/v1.0/servicePrincipals/" + lobSP + "/appRoleAssignments"}},
		{name: "delta links expired", mutate: func(f *fixture) { f.remove(cGrant, "grant-v-alice"); f.expire() },
			ids: without(allExternalIDs(), "grant-v-alice"), scopes: allScopes(), want: []string{"/v1.0/servicePrincipals/delta?$select"}},
		{name: "full scan due", later: 25 * time.Hour, mutate: func(*fixture) {},
			ids: allExternalIDs(), scopes: allScopes()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			populate(f)
			_, cur := scanFixture(t, f.connector(testNow), "")
			tt.mutate(f)
			n := len(f.requestLog())
			rec, next := scanFixture(t, f.connector(testNow.Add(tt.later)), cur)
			if diff := gocmp.Diff(tt.ids, externalIDs(rec.Identities())); diff != "" {
				t.Errorf("identities reported (-want +got):\n%s", diff)
			}
			if diff := gocmp.Diff(sortedStrings(tt.scopes), sortedStrings(rec.Completed())); diff != "" {
				t.Errorf("completed scopes (-want +got):\n%s", diff)
			}
			if len(rec.Failures()) > 0 {
				t.Errorf("failures: %+v", rec.Failures())
			}
			reqs := f.requestLog()[n:]
			has := func(s string) bool {
				return slices.ContainsFunc(reqs, func(r string) bool { return strings.Contains(r, s) })
			}
			for _, w := range tt.want {
				if !has(w) {
					t.Errorf("no request for %s; requests:\n%s", w, strings.Join(reqs, "\n"))
				}
			}
			for _, a := range tt.avoid {
				if has(a) {
					t.Errorf("requested %s; requests:\n%s", a, strings.Join(reqs, "\n"))
				}
			}
			if next == "" || next == cur && len(tt.ids) > 0 {
				t.Errorf("cursor after the scan = %.30q, before %.30q", next, cur)
			}
		})
	}
}

// TestIncrementalResumes checks that the cursor of an incremental scan resumes where it
// ended: a second scan sees the change the first one reported no more.
func TestIncrementalResumes(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	populate(f)
	c := f.connector(testNow)
	_, cur := scanFixture(t, c, "")
	f.put(cGrant, grantObj("grant-new", vendorSP, "Principal", bob, "Files.Read"))
	first, cur := scanFixture(t, c, cur)
	second, _ := scanFixture(t, c, cur)
	if got := externalIDs(first.Identities()); !slices.Equal(got, []string{"grant-new"}) {
		t.Errorf("first incremental scan reported %v, want [grant-new]", got)
	}
	if got := externalIDs(second.Identities()); len(got) > 0 {
		t.Errorf("second incremental scan reported %v again", got)
	}
}
