package googleworkspace_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector/connectortest"
	"github.com/nhiscope/nhi/estate"
)

// TestDeceptiveNames checks that the estate's hostile app names are flagged, end to end,
// and a plain name is not.
func TestDeceptiveNames(t *testing.T) {
	t.Parallel()
	e, err := estate.Generate(estate.Options{Seed: 3, People: 20})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{} // client ID -> deceptive_name
	for _, v := range e.Vendors {
		switch {
		case strings.Contains(v.Product, "<img"), strings.ContainsRune(v.Product, '\u202e'):
			want[v.GoogleClientID] = "true"
		case v.Product == "Slack", v.Product == "Zoom":
			want[v.GoogleClientID] = "false"
		}
	}
	if len(want) < 3 {
		t.Fatalf("estate has %d of the apps the test needs: %v", len(want), want)
	}
	inst, sim := startSim(t, e, connectortest.Setup{})
	user := e.FirstAdmin()
	for client := range want {
		if err := sim.AddGrant(user.Email, client, []string{"openid"}, e.Options.Now); err != nil {
			t.Fatal(err)
		}
	}
	rec := connectortest.NewRecorder()
	if _, err := inst.Connector.Discover(t.Context(), "", rec); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, id := range rec.Identities() {
		if _, ok := want[id.AppID]; ok && id.OwnerID == user.GoogleID {
			got[id.AppID] = id.Attributes["deceptive_name"]
			if id.Name != nhi.CleanText(id.Name) {
				t.Errorf("%s: name %q is not clean", id.AppID, id.Name)
			}
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("deceptive_name by client ID (-want +got):\n%s", diff)
	}
}
