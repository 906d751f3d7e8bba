package github

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/connector/connectortest"
)

// byExt indexes identities by external ID.
func byExt(ids []nhi.Identity) map[string]nhi.Identity {
	m := map[string]nhi.Identity{}
	for _, id := range ids {
		m[id.ExternalID] = id
	}
	return m
}

// sortedExt returns the sorted external IDs of identities.
func sortedExt(ids []nhi.Identity) []string {
	var out []string
	for _, id := range ids {
		out = append(out, id.Tenant+"/"+id.ExternalID)
	}
	slices.Sort(out)
	return out
}

func TestDiscoveryDetails(t *testing.T) {
	t.Parallel()
	e := generate(t, 7)
	s := startSim(t, e, simSetup{Setup: connectortestSetup(2)})
	rec := discoverSim(t, s.c)
	got, g, org := byExt(rec.Identities()), e.GitHub, s.orgs[0]
	for _, h := range g.Hooks {
		id, ok := got["hook/"+id(h.ID)]
		if h.Org != 0 || !ok {
			continue
		}
		if want := destination(h.URL); id.Name != want || id.Attributes["destination_scheme"]+"://"+id.Attributes["destination_host"] != want ||
			strings.Count(want, "/") != 2 {
			t.Errorf("hook %d (%s): name %q, destination %q; want the scheme and host %q", h.ID, h.URL, id.Name,
				id.Attributes["destination_host"], want)
		}
	}
	var never []string
	for _, id := range rec.Identities() {
		for _, c := range id.Credentials {
			if c.NeverExpires {
				never = append(never, org+"/"+id.ExternalID)
			}
			if c.NeverExpires && c.Type != typeFineGrainedPAT && c.Type != typeClassicPAT {
				t.Errorf("%s: NeverExpires on a %s", id.ExternalID, c.Type)
			}
		}
	}
	var labelled []string
	for _, l := range e.Labels {
		if l.Platform == string(nhi.PlatformGitHub) && l.Risk == "credential.no_expiry" && strings.HasPrefix(l.Subject, org+"/") {
			labelled = append(labelled, l.Subject)
		}
	}
	slices.Sort(never)
	slices.Sort(labelled)
	if diff := cmp.Diff(labelled, never); diff != "" {
		t.Errorf("credential.no_expiry labels vs NeverExpires credentials (-labels +found):\n%s", diff)
	}
	for _, k := range g.DeployKeys {
		r := g.Repos[k.Repo]
		if id, ok := got[r.Name+"/"+id(k.ID)]; r.Org == 0 && (!ok || id.Credentials[0].Fingerprint != keyFingerprint(k.Key) ||
			!strings.HasPrefix(id.Credentials[0].Fingerprint, "SHA256:")) {
			t.Errorf("deploy key %d: %+v, want fingerprint %q", k.ID, id.Credentials, keyFingerprint(k.Key))
		}
	}
	apps := map[string]nhi.App{}
	for _, a := range rec.Apps() {
		apps[a.ExternalID] = a
	}
	own, ownOK := s.sim.InstallationID(org)
	for _, id := range rec.Identities() {
		if id.AppID != "" && apps[id.AppID].Name == "" {
			t.Errorf("%s: app %s not reported with a name", id.ExternalID, id.AppID)
		}
		if id.Kind == nhi.KindIntegration && (id.Attributes["nhi_self"] == "true") != (ownOK && id.ExternalID == "installation/"+idStr(own)) {
			t.Errorf("%s: nhi_self=%q", id.ExternalID, id.Attributes["nhi_self"])
		}
	}
	for _, r := range s.sim.Requests() {
		write := r.Method != "GET" && r.Method != "HEAD"
		if write && !(r.Method == "POST" && (r.Path == "/graphql" || strings.HasSuffix(r.Path, "/access_tokens"))) {
			t.Errorf("discovery sent %s %s", r.Method, r.Path)
		}
	}
	for _, res := range []string{resMembers, resInstalls, resPATs, resPATRequests, resCredentials, resKeys, resHooks, resSecrets, resRepos, resSAML} {
		pages := 0
		for _, p := range rec.ProgressEvents() {
			if p.Kind == connector.ProgressPage && p.Resource == res {
				pages++
			}
		}
		if pages == 0 {
			t.Errorf("no page of %s reported", res)
		}
	}
	if _, clientID, _ := s.sim.App(); !slices.Contains(s.c.Self(), clientID) || !slices.Contains(s.c.Self(), "installation/"+idStr(own)) {
		t.Errorf("Self() = %v after a scan, want the app's client ID %s and its installation", s.c.Self(), clientID)
	}
}

// idStr formats an ID.
func idStr(n int64) string { return id(n) }

func TestMultipleOrganizations(t *testing.T) {
	t.Parallel()
	e := generate(t, 7)
	if len(e.GitHub.Orgs) < 2 {
		t.Skip("the estate has one organization")
	}
	s := startSim(t, e, simSetup{orgs: []int{0, 1}})
	rec := discoverSim(t, s.c)
	var want []string
	for _, org := range s.orgs {
		for _, ti := range truth(e, s.sim, org).Identities {
			want = append(want, org+"/"+ti.ExternalID)
		}
	}
	slices.Sort(want)
	if diff := cmp.Diff(want, sortedExt(rec.Identities())); diff != "" {
		t.Errorf("identities of both organizations (-want +got):\n%s", diff)
	}
	if !rec.IsComplete(connector.ScopePeople) || len(rec.Failures()) > 0 {
		t.Errorf("people complete %v, failures %v", rec.IsComplete(connector.ScopePeople), rec.Failures())
	}
	tenants := map[string]bool{}
	for _, p := range rec.People() {
		tenants[p.Tenant] = true
	}
	if len(tenants) != 2 || s.c.Info().Tenant != s.orgs[0]+","+s.orgs[1] {
		t.Errorf("people of tenants %v, Info().Tenant %q", tenants, s.c.Info().Tenant)
	}
}

func TestDiscoverCursor(t *testing.T) {
	t.Parallel()
	e := generate(t, 7)
	s := startSim(t, e, simSetup{})
	if _, err := s.c.Discover(t.Context(), "entra1:abc", connectortest.NewRecorder()); nhi.ErrorCode(err) != nhi.CodeInvalid {
		t.Errorf("Discover from a foreign cursor = %v, want CodeInvalid", err)
	}
	rec := connectortest.NewRecorder()
	cur, err := s.c.Discover(t.Context(), nhi.Cursor(cursor{At: e.Options.Now}.String()), rec)
	if err != nil || !strings.HasPrefix(string(cur), cursorPrefix) || len(rec.Identities()) == 0 {
		t.Errorf("Discover from a cursor = %q, %v with %d identities; want a full scan and a cursor", cur, err, len(rec.Identities()))
	}
}

// TestStaleAgreesWithLabels checks that the last use and creation times reported give
// exactly the estate's usage.stale labels: last used more than 90 days ago, or never used
// and created more than 90 days ago, for identities whose last use GitHub shows.
func TestStaleAgreesWithLabels(t *testing.T) {
	t.Parallel()
	e := generate(t, 7)
	s := startSim(t, e, simSetup{})
	rec := discoverSim(t, s.c)
	cutoff := e.Options.Now.Add(-90 * 24 * time.Hour)
	var stale, labelled []string
	for _, id := range rec.Identities() {
		if id.Attributes["last_used"] == lastUsedUnknown {
			continue
		}
		if id.LastUsedAt.IsZero() && id.CreatedAt.Before(cutoff) || !id.LastUsedAt.IsZero() && id.LastUsedAt.Before(cutoff) {
			stale = append(stale, id.Tenant+"/"+id.ExternalID)
		}
	}
	for _, l := range e.Labels {
		if l.Platform == string(nhi.PlatformGitHub) && l.Risk == "usage.stale" && strings.HasPrefix(l.Subject, s.orgs[0]+"/") {
			labelled = append(labelled, l.Subject)
		}
	}
	slices.Sort(stale)
	slices.Sort(labelled)
	if diff := cmp.Diff(labelled, stale); diff != "" {
		t.Errorf("usage.stale labels vs identities the times make stale (-labels +found):\n%s", diff)
	}
}
