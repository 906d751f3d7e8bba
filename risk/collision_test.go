package risk

import (
	"maps"
	"testing"
	"time"

	"github.com/nhiscope/nhi"
)

func TestNameCollisions(t *testing.T) {
	t.Parallel()
	app := func(id, name string, users int) nhi.App {
		return nhi.App{Platform: nhi.PlatformGoogleWorkspace, Tenant: "C1", ExternalID: id, Name: name, Users: users}
	}
	apps := []nhi.App{
		app("gpt", "ChatGPT", 90),
		app("fake", "ChatGPT Pro Free Access", 1),
		app("zoom", "Zoom", 200),
		app("zoom2", "zoom", 2),
		app("zoomer", "Zoomerang Surveys", 4), // "zoom" is not a whole word of it
		app("box", "Box", 50),
		app("boxy", "Box Sync Helper", 1), // "box" is shorter than minCollisionName
		{Platform: nhi.PlatformGoogleWorkspace, Tenant: "C2", ExternalID: "gpt-other", Name: "ChatGPT Helper", Users: 1},
	}
	got := NameCollisions(apps)
	want := map[string]string{"fake": "gpt", "zoom2": "zoom", "zoom": "zoom2"}
	for id, other := range want {
		if got[id] == nil || got[id].ExternalID != other {
			t.Errorf("collision of %s = %v, want %s", id, got[id], other)
		}
	}
	if len(got) != len(want) {
		t.Errorf("collisions = %d, want %d: %v", len(got), len(want), got)
	}
}

func TestAddIdentityTalliesOwnersAndAppAttributes(t *testing.T) {
	t.Parallel()
	var in AppInput
	id := &nhi.Identity{Attributes: map[string]string{"deceptive_name": "true", "client_type": "WEB"}}
	in.AddIdentity(id, &nhi.Person{Status: nhi.PersonActive, IsAdmin: true})
	in.AddIdentity(id, &nhi.Person{Status: nhi.PersonSuspended})
	in.AddIdentity(id, &nhi.Person{Status: nhi.PersonActive, GoneAt: time.Unix(1, 0)})
	in.AddIdentity(id, nil)
	want := map[nhi.PersonStatus]int{nhi.PersonActive: 1, nhi.PersonSuspended: 1, nhi.PersonDeparted: 1, nhi.PersonUnknown: 1}
	if !maps.Equal(in.Owners, want) || in.Admins != 1 {
		t.Errorf("owners %v admins %d", in.Owners, in.Admins)
	}
	if in.Attributes["deceptive_name"] != "true" || in.Attributes["client_type"] != "" {
		t.Errorf("attributes %v: want the app-level ones only", in.Attributes)
	}
}
