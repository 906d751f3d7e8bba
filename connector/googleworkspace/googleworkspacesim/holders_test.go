package googleworkspacesim

import (
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The apps of smallEstate.
const (
	pdfApp  = "111-pdf.apps.googleusercontent.com"
	evilApp = "222-evil.apps.googleusercontent.com"
	calApp  = "333-cal.apps.googleusercontent.com"
)

func TestHasGrantAndHolders(t *testing.T) {
	t.Parallel()
	e := smallEstate()
	s, u, tok := newTestServer(t, e, Options{})
	tests := []struct {
		name, user, client string
		want               bool
	}{
		{"by email", "alice@example.com", pdfApp, true},
		{"by id", e.People[1].GoogleID, calApp, true},
		{"suspended user", "bob@example.com", pdfApp, true},
		{"deleted user", "carol@example.com", evilApp, false},
		{"revoked grant", "dave@example.com", pdfApp, false},
		{"unknown app", "alice@example.com", "999.apps.googleusercontent.com", false},
		{"unknown user", "nobody@example.com", pdfApp, false},
	}
	for _, tt := range tests {
		if got := s.HasGrant(tt.user, tt.client); got != tt.want {
			t.Errorf("%s: HasGrant(%q, %q) = %v, want %v", tt.name, tt.user, tt.client, got, tt.want)
		}
	}
	id := func(p int) string { return e.People[p].GoogleID }
	if diff := cmp.Diff([]string{id(1), id(2)}, s.Holders(pdfApp)); diff != "" {
		t.Errorf("Holders(pdf) (-want +got):\n%s", diff)
	}
	if status, _ := call(t, http.MethodDelete, u+"/admin/directory/v1/users/bob@example.com/tokens/"+pdfApp, tok); status != http.StatusNoContent {
		t.Fatalf("DELETE: %d", status)
	}
	if diff := cmp.Diff([]string{id(1)}, s.Holders(pdfApp)); diff != "" {
		t.Errorf("Holders(pdf) after a delete (-want +got):\n%s", diff)
	}
	if got := s.Holders("999.apps.googleusercontent.com"); got != nil {
		t.Errorf("Holders(unknown app) = %q, want none", got)
	}
}

func TestIgnoredDeletes(t *testing.T) {
	t.Parallel()
	s, u, tok := newTestServer(t, smallEstate(), Options{})
	base := u + "/admin/directory/v1/users/"
	s.InjectFault(Fault{Method: http.MethodDelete, Path: "/tokens/" + pdfApp, Ignore: true, Times: 1})
	// An Ignore fault neither answers reads nor deletes of other apps.
	if st := statusOf(t, base+"alice@example.com/tokens/"+pdfApp, tok); st != http.StatusOK {
		t.Errorf("tokens.get past an Ignore fault: %d", st)
	}
	var got []int
	for _, path := range []string{
		"alice@example.com/tokens/" + calApp,  // another app: deleted
		"nobody@example.com/tokens/" + pdfApp, // unknown user: 404 before the fault
		"alice@example.com/tokens/" + pdfApp,  // ignored
		"alice@example.com/tokens/" + pdfApp,  // the fault is used up: deleted
		"alice@example.com/tokens/" + pdfApp,  // gone
	} {
		status, body := call(t, http.MethodDelete, base+path, tok)
		if status == http.StatusNoContent && len(body) != 0 {
			t.Errorf("DELETE %s: 204 with a body %q", path, body)
		}
		got = append(got, status)
		if len(got) == 3 && !s.HasGrant("alice@example.com", pdfApp) {
			t.Error("an ignored delete removed the grant")
		}
	}
	if diff := cmp.Diff([]int{204, 404, 204, 204, 404}, got); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
	if st := s.Stats(); st.Faults != 1 || st.Mutations != 5 {
		t.Errorf("Stats() = %+v, want 1 fault and 5 mutations", st)
	}
}

func TestFaultAfter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		fault Fault
		want  []int
	}{
		{"fail the third", Fault{Method: http.MethodGet, Path: "/tokens", Status: 503, After: 2, Times: 1},
			[]int{200, 200, 503, 200, 200}},
		{"fail from the fourth on", Fault{Path: "/tokens", Status: 500, After: 3},
			[]int{200, 200, 200, 500, 500}},
		{"other requests do not count", Fault{Path: "/no-such-path", Status: 500, After: 1},
			[]int{200, 200, 200, 200, 200}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, u, tok := newTestServer(t, smallEstate(), Options{})
			s.InjectFault(tt.fault)
			var got []int
			for range len(tt.want) {
				got = append(got, statusOf(t, u+"/admin/directory/v1/users/alice@example.com/tokens", tok))
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("statuses (-want +got):\n%s", diff)
			}
		})
	}
}
