package storetest

import (
	"maps"
	"testing"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/store"
)

// testUpsertIdentity walks one identity through scans that change, forget, lose and find
// it again, checking the stored record after every step.
func testUpsertIdentity(t *testing.T, s suite) {
	st := s.store(t)
	base := ident(gws, "C01", nhi.KindAPIKey, "key-1", func(id *nhi.Identity) { id.Scope = "keys" })
	first := base
	first.Name, first.Permissions = "old", []nhi.Permission{{Scope: "read"}}
	first.CreatedAt, first.LastUsedAt, first.ExpiresAt = at(-10*day), at(-5*day), at(30*day)
	want := stored(first, at(0))
	steps := []struct {
		name string
		seen time.Time
		put  func(*nhi.Identity) // what the scan reports; nil means it does not see it
		gone bool                // the scan completes the scope "keys"
		want func(*nhi.Identity) // how the stored record changes
	}{
		{"first seen", at(0), func(id *nhi.Identity) { *id = first }, false, func(*nhi.Identity) {}},
		{"unknown times keep known ones", at(time.Hour), func(id *nhi.Identity) {
			id.Name, id.Permissions = "new", []nhi.Permission{{Scope: "write"}}
		}, false, func(w *nhi.Identity) {
			w.Name, w.Permissions, w.LastSeen = "new", []nhi.Permission{{Scope: "write"}}, at(time.Hour)
		}},
		{"last used never moves back", at(2 * time.Hour), func(id *nhi.Identity) {
			id.CreatedAt, id.LastUsedAt, id.ExpiresAt = at(-11*day), at(-9*day), at(60*day)
		}, false, func(w *nhi.Identity) {
			w.Name, w.Permissions, w.LastSeen = base.Name, nil, at(2*time.Hour)
			w.CreatedAt, w.ExpiresAt = at(-11*day), at(60*day)
		}},
		{"last used moves forward", at(3 * time.Hour), func(id *nhi.Identity) {
			id.LastUsedAt = at(-day)
		}, false, func(w *nhi.Identity) { w.LastUsedAt, w.LastSeen = at(-day), at(3*time.Hour) }},
		{"attributes merge by key", at(3 * time.Hour), func(id *nhi.Identity) {
			id.LastUsedAt, id.Attributes = at(-day), map[string]string{"client_type": "WEB", "zz": "1"}
		}, false, func(w *nhi.Identity) {
			w.Attributes = merged(w.Attributes, map[string]string{"client_type": "WEB", "zz": "1"})
		}},
		{"a later report without an attribute keeps it", at(3 * time.Hour), func(id *nhi.Identity) {
			id.LastUsedAt, id.Attributes = at(-day), map[string]string{"zz": "2"}
		}, false, func(w *nhi.Identity) { w.Attributes = merged(w.Attributes, map[string]string{"zz": "2"}) }},
		{"complete scan without it marks it gone", at(4 * time.Hour), nil, true,
			func(w *nhi.Identity) { w.GoneAt = at(4 * time.Hour) }},
		{"seen again is present again", at(5 * time.Hour), func(*nhi.Identity) {}, false,
			func(w *nhi.Identity) { w.GoneAt, w.LastSeen = time.Time{}, at(5*time.Hour) }},
		{"an older sighting does not move last seen back", at(time.Hour), func(*nhi.Identity) {}, false,
			func(*nhi.Identity) {}},
	}
	for _, step := range steps {
		scan := begin(t, st, gws, "C01")
		if step.put != nil {
			id := base
			step.put(&id)
			putIDs(t, st, scan, step.seen, id)
		}
		if step.gone {
			g := store.MarkGone{ScanID: scan, Platform: gws, Tenant: "C01", Scopes: []string{"keys"}, At: step.seen}
			if n, err := st.MarkGone(t.Context(), g); err != nil || n != 1 {
				t.Fatalf("%s: MarkGone = %d, %v; want 1", step.name, n, err)
			}
		}
		step.want(&want)
		got, err := st.Identity(t.Context(), want.ID)
		if err != nil {
			t.Fatalf("%s: Identity: %v", step.name, err)
		}
		if d := diff(want, got); d != "" {
			t.Errorf("%s: Identity (-want +got):\n%s", step.name, d)
		}
		present := listAll(t, st, store.IdentityFilter{})
		if isGone := !got.GoneAt.IsZero(); isGone != (len(present) == 0) {
			t.Errorf("%s: gone %v but listed as present: %v", step.name, isGone, idsOf(present))
		}
	}
}

// testUpsertPersonAndApp checks that people and apps keep FirstSeen and known facts, and
// that a person seen again is present again.
func testUpsertPersonAndApp(t *testing.T, s suite) {
	st := s.store(t)
	p := person(gws, "C01", "u1", "a@example.com", nhi.PersonActive)
	p.CreatedAt, p.LastLogin = at(-100*day), at(-day)
	s1 := begin(t, st, gws, "C01")
	putPeople(t, st, s1, at(0), p)
	putApps(t, st, s1, at(0), nhi.App{Platform: gws, Tenant: "C01", ExternalID: "app", Name: "Old"})

	s2 := begin(t, st, gws, "C01")
	g := store.MarkGone{ScanID: s2, Platform: gws, Tenant: "C01", Scopes: []string{connector.ScopePeople}, At: at(time.Hour)}
	if n, err := st.MarkGone(t.Context(), g); err != nil || n != 1 {
		t.Fatalf("MarkGone(people) = %d, %v; want 1", n, err)
	}
	gone, err := st.Person(t.Context(), gws, "C01", "u1")
	if err != nil || !gone.GoneAt.Equal(at(time.Hour)) {
		t.Errorf("Person after MarkGone = %+v, %v; want GoneAt %v", gone, err, at(time.Hour))
	}

	s3 := begin(t, st, gws, "C01")
	again := person(gws, "C01", "u1", "A@Example.com", nhi.PersonSuspended)
	again.LastLogin = at(-2 * day) // older than the one stored
	putPeople(t, st, s3, at(2*time.Hour), again)
	putApps(t, st, s3, at(2*time.Hour), nhi.App{Platform: gws, Tenant: "C01", ExternalID: "app", Name: "New"})

	wantP := again
	wantP.CreatedAt, wantP.LastLogin = p.CreatedAt, p.LastLogin
	wantP.FirstSeen, wantP.LastSeen = at(0), at(2*time.Hour)
	gotP, err := st.Person(t.Context(), gws, "C01", "u1")
	if err != nil {
		t.Fatalf("Person: %v", err)
	}
	if d := diff(wantP, gotP); d != "" {
		t.Errorf("Person seen again (-want +got):\n%s", d)
	}
	wantA := nhi.App{Platform: gws, Tenant: "C01", ExternalID: "app", Name: "New", FirstSeen: at(0), LastSeen: at(2 * time.Hour)}
	gotA, err := st.App(t.Context(), gws, "C01", "app")
	if err != nil {
		t.Fatalf("App: %v", err)
	}
	if d := diff(wantA, gotA); d != "" {
		t.Errorf("App seen again (-want +got):\n%s", d)
	}
}

// merged returns a copy of a with the keys of b set over it.
func merged(a, b map[string]string) map[string]string {
	out := make(map[string]string, len(a)+len(b))
	maps.Copy(out, a)
	maps.Copy(out, b)
	return out
}
