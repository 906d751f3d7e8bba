package scan

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nhiscope/nhi"
)

// TestCorrelate checks how the directories' view of an email changes a person of another
// platform.
func TestCorrelate(t *testing.T) {
	t.Parallel()
	dir := directoryView{
		status: map[string]nhi.PersonStatus{"ann@example.com": nhi.PersonActive, "bob@example.com": nhi.PersonSuspended,
			"cy@example.com": nhi.PersonDeparted},
		domains: map[string]bool{"example.com": true},
	}
	tests := []struct {
		name   string
		person nhi.Person
		want   nhi.PersonStatus
	}{
		{"active in the directory", nhi.Person{Email: "Ann@Example.com", Status: nhi.PersonActive}, nhi.PersonActive},
		{"suspended in the directory", nhi.Person{Email: "bob@example.com", Status: nhi.PersonActive}, nhi.PersonSuspended},
		{"gone from the directory", nhi.Person{Email: "cy@example.com", Status: nhi.PersonActive}, nhi.PersonDeparted},
		{"no account in a covered domain", nhi.Person{Email: "dee@example.com", Status: nhi.PersonActive}, nhi.PersonDeparted},
		{"other domain", nhi.Person{Email: "eve@contractor.io", Status: nhi.PersonActive}, nhi.PersonActive},
		{"no email", nhi.Person{Status: nhi.PersonActive}, nhi.PersonActive},
		{"own status already worse", nhi.Person{Email: "ann@example.com", Status: nhi.PersonDeparted}, nhi.PersonDeparted},
	}
	people := map[string]*nhi.Person{}
	for i := range tests {
		p := tests[i].person
		people[tests[i].name] = &p
	}
	if n := correlate(people, dir); n != 3 {
		t.Errorf("correlate changed %d people, want 3", n)
	}
	for _, tt := range tests {
		if got := people[tt.name].Status; got != tt.want {
			t.Errorf("%s: status %q, want %q", tt.name, got, tt.want)
		}
	}
	// Without any directory in the store nothing changes.
	p := nhi.Person{Email: "dee@example.com", Status: nhi.PersonActive}
	if correlate(map[string]*nhi.Person{"x": &p}, directoryView{}) != 0 || p.Status != nhi.PersonActive {
		t.Error("an empty directory view changed a person")
	}
	if diff := cmp.Diff([]int{0, 1, 2}, []int{statusRank(nhi.PersonActive), statusRank(nhi.PersonSuspended),
		statusRank(nhi.PersonDeparted)}); diff != "" {
		t.Errorf("ranks (-want +got):\n%s", diff)
	}
}
