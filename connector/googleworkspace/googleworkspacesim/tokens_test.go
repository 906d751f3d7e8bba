package googleworkspacesim

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestTokensList(t *testing.T) {
	t.Parallel()
	e := smallEstate()
	s, u, tok := newTestServer(t, e, Options{})
	tests := []struct {
		name, userKey string
		person        int
	}{
		{"by email", "alice@example.com", 1},
		{"by email, any case", "Alice@Example.COM", 1},
		{"by id", e.People[1].GoogleID, 1},
		{"hostile app name", "dave@example.com", 4},
		{"suspended user", "bob@example.com", 2},
		{"no grants", "erin@example.com", 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			status, body := call(t, http.MethodGet, u+"/admin/directory/v1/users/"+url.PathEscape(tt.userKey)+"/tokens", tok)
			if status != http.StatusOK {
				t.Fatalf("status %d: %s", status, body)
			}
			var got wireTokens
			if err := json.Unmarshal(body, &got); err != nil {
				t.Fatal(err)
			}
			want := wantTokens(e, tt.person)
			if diff := cmp.Diff(want, got.Items, ignoreEtag, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("items (-want +got):\n%s", diff)
			}
			if got.Kind != "admin#directory#tokenList" || !strings.HasPrefix(got.Etag, `"`) {
				t.Errorf("envelope kind %q etag %q", got.Kind, got.Etag)
			}
			if len(want) == 0 && strings.Contains(string(body), `"items"`) {
				t.Errorf("items present on an empty list: %s", body)
			}
			fromState, err := s.Tokens(tt.userKey)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(got.Items, fromState, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Tokens() differs from the API (-api +Tokens):\n%s", diff)
			}
		})
	}
}

func TestTokensNotFound(t *testing.T) {
	t.Parallel()
	s, u, tok := newTestServer(t, smallEstate(), Options{})
	base := u + "/admin/directory/v1/users/"
	tests := []struct{ name, method, url string }{
		{"unknown user", http.MethodGet, base + "nobody@example.com/tokens"},
		{"deleted user", http.MethodGet, base + "carol@example.com/tokens"},
		{"get unknown client", http.MethodGet, base + "alice@example.com/tokens/999.apps.googleusercontent.com"},
		{"get of a deleted user", http.MethodGet, base + "carol@example.com/tokens/222-evil.apps.googleusercontent.com"},
		{"delete unknown client", http.MethodDelete, base + "alice@example.com/tokens/999.apps.googleusercontent.com"},
		{"delete of an unknown user", http.MethodDelete, base + "nobody@example.com/tokens/111-pdf.apps.googleusercontent.com"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			status, body := call(t, tt.method, tt.url, tok)
			if code, name, reason := errorOf(t, body); status != 404 || code != 404 || name != "NOT_FOUND" || reason != "notFound" {
				t.Errorf("answer %d %d %s %s, want 404 NOT_FOUND notFound", status, code, name, reason)
			}
		})
	}
	if _, err := s.Tokens("carol@example.com"); err == nil {
		t.Error("Tokens of a deleted user succeeded")
	}
}

func TestTokensGetAndDelete(t *testing.T) {
	t.Parallel()
	e := smallEstate()
	s, u, tok := newTestServer(t, e, Options{})
	path := u + "/admin/directory/v1/users/alice@example.com/tokens/111-pdf.apps.googleusercontent.com"
	var got Token
	getJSON(t, path, tok, &got)
	if diff := cmp.Diff(wantTokens(e, 1)[0], got, ignoreEtag); diff != "" {
		t.Errorf("tokens.get (-want +got):\n%s", diff)
	}
	status, body := call(t, http.MethodDelete, path, tok)
	if status != http.StatusNoContent || len(body) != 0 {
		t.Fatalf("DELETE: %d %q, want 204 and no body", status, body)
	}
	if status, _ := call(t, http.MethodGet, path, tok); status != http.StatusNotFound {
		t.Errorf("get after delete: %d, want 404", status)
	}
	if status, _ := call(t, http.MethodDelete, path, tok); status != http.StatusNotFound {
		t.Errorf("second delete: %d, want 404", status)
	}
	left, err := s.Tokens("alice@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(wantTokens(e, 1)[1:], left, ignoreEtag); diff != "" {
		t.Errorf("tokens after delete (-want +got):\n%s", diff)
	}
	if st := s.Stats(); st.Mutations != 2 {
		t.Errorf("Stats().Mutations = %d, want 2", st.Mutations)
	}
	acts := listActivities(t, u, tok, "alice@example.com", "token", url.Values{"eventName": {"revoke"},
		"filters": {"client_id==111-pdf.apps.googleusercontent.com"}})
	var revokes []string
	for _, a := range acts {
		revokes = append(revokes, a.Actor.Email+" "+a.ID.Time)
	}
	want := []string{"alice@example.com " + testNow.Format(googleTimeLayout)}
	if diff := cmp.Diff(want, revokes); diff != "" {
		t.Errorf("revoke events (-want +got):\n%s", diff)
	}
}
