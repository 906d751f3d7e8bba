package okta_test

import (
	"slices"
	"testing"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/connector/connectortest"
	"github.com/nhiscope/nhi/connector/okta/oktasim"
	"github.com/nhiscope/nhi/estate"
)

// TestLabelSubjectsAreReported checks that every Okta label of the estate names an
// identity a scan reports, and that the facts the labels rest on are in the records.
func TestLabelSubjectsAreReported(t *testing.T) {
	t.Parallel()
	e := org(t)
	_, url := serve(t, e, oktasim.Options{})
	rec := connectortest.NewRecorder()
	if _, err := newSSWS(t, url, oktasim.DefaultAPIToken, connector.Env{}).Discover(t.Context(), "", rec); err != nil {
		t.Fatal(err)
	}
	ids := map[string]nhi.Identity{}
	for _, id := range rec.Identities() {
		ids[id.ExternalID] = id
	}
	people := map[string]nhi.Person{}
	for _, p := range rec.People() {
		people[p.ExternalID] = p
	}
	if len(e.Okta.Labels) == 0 {
		t.Fatal("the estate has no Okta labels")
	}
	for _, l := range e.Okta.Labels {
		id, ok := ids[l.Subject]
		if !ok {
			t.Errorf("label %s of %s: no such identity reported", l.Risk, l.Subject)
			continue
		}
		switch l.Risk {
		case estate.RiskPermissionCritical:
			crit := func(p nhi.Permission) bool {
				return estate.IsCriticalOktaScope(p.Scope) || estate.IsCriticalOktaRole(p.Scope)
			}
			if !slices.ContainsFunc(id.Permissions, crit) {
				t.Errorf("%s labelled critical, but reported with %v", l.Subject, id.Scopes())
			}
		case estate.RiskOwnerSuspended, estate.RiskOwnerDeparted:
			want := map[string]nhi.PersonStatus{estate.RiskOwnerSuspended: nhi.PersonSuspended, estate.RiskOwnerDeparted: nhi.PersonDeparted}[l.Risk]
			if got := people[id.OwnerID].Status; got != want {
				t.Errorf("%s labelled %s, but its owner %s is %s", l.Subject, l.Risk, id.OwnerID, got)
			}
		}
	}
}

// TestHostileNamesAreCleaned checks that a token name with markup and bidi overrides is
// reported as clean text.
func TestHostileNamesAreCleaned(t *testing.T) {
	t.Parallel()
	e := org(t)
	sim, url := serve(t, e, oktasim.Options{})
	name := "<script>x</script>\u202eevil\x07"
	id, err := sim.AddToken(e.Okta.Users[0].ID, name)
	if err != nil {
		t.Fatal(err)
	}
	rec := connectortest.NewRecorder()
	if _, err := newSSWS(t, url, oktasim.DefaultAPIToken, connector.Env{}).Discover(t.Context(), "", rec); err != nil {
		t.Fatal(err)
	}
	for _, got := range rec.Identities() {
		if got.ExternalID == id {
			if got.Name != nhi.CleanText(name) || got.Name == name {
				t.Errorf("name = %q, want CleanText of the hostile name", got.Name)
			}
			return
		}
	}
	t.Errorf("token %s not reported", id)
}
