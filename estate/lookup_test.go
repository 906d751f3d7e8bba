package estate

import (
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestPersonLookups(t *testing.T) {
	t.Parallel()
	e := mustGenerate(t, Options{Seed: 12, People: 800})
	for i, p := range e.People {
		for name, find := range map[string]func(string) (int, bool){
			"PersonByEmail": e.PersonByEmail, "PersonByGoogleID": e.PersonByGoogleID, "PersonByKey": e.PersonByKey,
		} {
			key := p.GoogleID
			if name == "PersonByEmail" || (name == "PersonByKey" && i%2 == 0) {
				key = strings.ToUpper(p.Email)
			}
			if got, ok := find(key); !ok || got != i {
				t.Errorf("%s(%q) = %d, %v; want %d", name, key, got, ok, i)
			}
		}
	}
	for _, key := range []string{"nobody@example.com", "", "100000000000000000000", "199999999999999999999", "zzz"} {
		if i, ok := e.PersonByKey(key); ok || i != -1 {
			t.Errorf("PersonByKey(%q) = %d, %v; want -1, false", key, i, ok)
		}
	}
	if e.Person(3) != &e.People[3] {
		t.Error("Person(3) is not &People[3]")
	}
}

func TestPersonByEmailWithoutIndex(t *testing.T) {
	t.Parallel()
	e := &Estate{People: []Person{{Email: "b@x.example"}, {Email: "a@x.example"}}}
	if i, ok := e.PersonByEmail("A@x.example"); !ok || i != 1 {
		t.Errorf("PersonByEmail = %d, %v; want 1, true", i, ok)
	}
	if i, ok := e.PersonByEmail("c@x.example"); ok || i != -1 {
		t.Errorf("PersonByEmail(unknown) = %d, %v; want -1, false", i, ok)
	}
}

func TestVendorLookups(t *testing.T) {
	t.Parallel()
	e := mustGenerate(t, Options{People: MinPeople})
	for v := range e.Vendors {
		if got, ok := e.VendorByClientID(e.Vendors[v].GoogleClientID); !ok || got != v {
			t.Errorf("VendorByClientID(%q) = %d, %v; want %d", e.Vendors[v].GoogleClientID, got, ok, v)
		}
		if e.Vendor(v) != &e.Vendors[v] {
			t.Errorf("Vendor(%d) is not &Vendors[%d]", v, v)
		}
	}
	if i, ok := e.VendorByClientID("1-x.apps.googleusercontent.com"); ok || i != -1 {
		t.Errorf("VendorByClientID(unknown) = %d, %v", i, ok)
	}
}

func TestFirstAdmin(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		people []Person
		want   int // -1 for none
	}{
		{"none", []Person{{Email: "a"}, {Email: "b", Admin: true, Status: Departed}}, -1},
		{"skips suspended", []Person{{Email: "a", Admin: true, Status: Suspended}, {Email: "b"}, {Email: "c", Admin: true, Status: Active}}, 2},
		{"first", []Person{{Email: "a", Admin: true, Status: Active}, {Email: "b", Admin: true, Status: Active}}, 0},
	}
	for _, tt := range tests {
		e := &Estate{People: tt.people}
		got := e.FirstAdmin()
		if (tt.want < 0) != (got == nil) || (got != nil && got != &e.People[tt.want]) {
			t.Errorf("%s: FirstAdmin() = %+v, want person %d", tt.name, got, tt.want)
		}
	}
	if e := mustGenerate(t, Options{Seed: 2}); e.FirstAdmin() != &e.People[0] {
		t.Error("a generated estate's first admin is not its first person")
	}
}

func TestGrantsOf(t *testing.T) {
	t.Parallel()
	e := mustGenerate(t, Options{Seed: 13, People: 600})
	// Group by a plain scan: want[i+1] holds the grants of person i.
	want := make([][]Grant, len(e.People)+2)
	wantRevoked := make([][]Grant, len(e.People)+2)
	for _, g := range e.Grants {
		want[g.Person+1] = append(want[g.Person+1], g)
	}
	for _, g := range e.Revoked {
		wantRevoked[g.Person+1] = append(wantRevoked[g.Person+1], g)
	}
	for i := -1; i <= len(e.People); i++ {
		got, gotRevoked := e.GrantsOf(i), e.RevokedOf(i)
		if !sameGrants(want[i+1], got) {
			t.Errorf("GrantsOf(%d) (-want +got):\n%s", i, cmp.Diff(want[i+1], got, cmpopts.EquateEmpty()))
		}
		if !sameGrants(wantRevoked[i+1], gotRevoked) {
			t.Errorf("RevokedOf(%d) (-want +got):\n%s", i, cmp.Diff(wantRevoked[i+1], gotRevoked, cmpopts.EquateEmpty()))
		}
		if cap(got) != len(got) {
			t.Errorf("GrantsOf(%d) has spare capacity %d: an append would overwrite the next person's grants", i, cap(got)-len(got))
		}
	}
}

// sameGrants reports whether a and b hold equal grants, a nil and an empty slice alike.
func sameGrants(a, b []Grant) bool { return len(a) == 0 && len(b) == 0 || reflect.DeepEqual(a, b) }
