package googleworkspacesim

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/oauth2/google"
	admin "google.golang.org/api/admin/directory/v1"
	reports "google.golang.org/api/admin/reports/v1"
	"google.golang.org/api/googleapi"
	"google.golang.org/api/option"

	"github.com/nhiscope/nhi/estate"
)

// officialClients returns Google's Directory and Reports clients authenticated against s
// as the connector authenticates against Google: a service-account key, the JWT-bearer
// grant and domain-wide delegation to the estate's first admin.
func officialClients(t *testing.T, s *Server, e *estate.Estate) (*admin.Service, *reports.Service) {
	t.Helper()
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	ctx := context.Background()
	cfg, err := google.JWTConfigFromJSON(s.ServiceAccountKey(hs.URL), ScopeUserReadonly, ScopeUserSecurity, ScopeAuditReadonly)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Subject = e.FirstAdmin().Email
	opts := []option.ClientOption{option.WithEndpoint(hs.URL + "/"), option.WithHTTPClient(cfg.Client(ctx))}
	dir, err := admin.NewService(ctx, opts...)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := reports.NewService(ctx, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return dir, rep
}

// TestOfficialClients proves the simulator faithful to Google's own Go clients: users.list
// paging, tokens list, get and delete, and activities.list, decoded by the generated types.
func TestOfficialClients(t *testing.T) {
	t.Parallel()
	e := generated(t, 120)
	s, err := New(e, Options{MaxPageSize: 40})
	if err != nil {
		t.Fatal(err)
	}
	dir, rep := officialClients(t, s, e)
	ctx := context.Background()
	t.Run("users", func(t *testing.T) {
		var ids []string
		err := dir.Users.List().Customer("my_customer").MaxResults(500).OrderBy("email").Pages(ctx, func(u *admin.Users) error {
			for _, usr := range u.Users {
				ids = append(ids, usr.Id)
				if usr.Name == nil || usr.LastLoginTime == "" || usr.CustomerId != e.CustomerID {
					t.Errorf("user %s decoded incompletely: %+v", usr.PrimaryEmail, usr)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatalf("users.list: %v", err)
		}
		if diff := cmp.Diff(wantUserIDs(e, false), ids); diff != "" {
			t.Errorf("users (-want +got):\n%s", diff)
		}
	})
	g := e.Grants[slices.IndexFunc(e.Grants, func(g estate.Grant) bool { return e.People[g.Person].Status == estate.Active })]
	holder := e.People[g.Person]
	t.Run("tokens", func(t *testing.T) {
		checkOfficialTokens(t, dir, e, int(g.Person))
	})
	t.Run("activities", func(t *testing.T) {
		var acts, negative int
		err := rep.Activities.List("all", "token").MaxResults(1000).Pages(ctx, func(a *reports.Activities) error {
			for _, act := range a.Items {
				acts++
				if act.Id.UniqueQualifier < 0 {
					negative++
				}
				if act.Actor.Email == "" || act.Id.Time == "" || len(act.Events) != 1 || len(act.Events[0].Parameters) == 0 {
					t.Errorf("activity decoded incompletely: %+v", act)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatalf("activities.list: %v", err)
		}
		if acts < 100 || negative == 0 {
			t.Errorf("%d activities decoded, %d with negative qualifiers", acts, negative)
		}
		revokes, err := rep.Activities.List(holder.Email, "token").EventName("revoke").
			StartTime(e.Options.Now.Format(time.RFC3339)).
			Filters("client_id==" + e.Vendors[g.Vendor].GoogleClientID).Context(ctx).Do()
		if err != nil || len(revokes.Items) != 1 {
			t.Errorf("revoke events of %s after tokens.delete: %+v, %v", holder.Email, revokes, err)
		}
	})
	if st := s.Stats(); st.Mutations != 1 {
		t.Errorf("Stats().Mutations = %d, want 1", st.Mutations)
	}
}

// checkOfficialTokens lists, gets and deletes person p's first grant with the official
// client and checks a get after the delete is a decoded 404.
func checkOfficialTokens(t *testing.T, dir *admin.Service, e *estate.Estate, p int) {
	t.Helper()
	ctx := context.Background()
	holder := e.People[p]
	want := wantTokens(e, p)
	toks, err := dir.Tokens.List(holder.Email).Context(ctx).Do()
	if err != nil {
		t.Fatalf("tokens.list: %v", err)
	}
	if len(toks.Items) != len(want) || toks.Items[0].ClientId != want[0].ClientID ||
		!cmp.Equal(toks.Items[0].Scopes, want[0].Scopes) || toks.Items[0].UserKey != holder.GoogleID {
		t.Errorf("tokens.list decoded %+v, want %+v", toks.Items, want)
	}
	one, err := dir.Tokens.Get(holder.GoogleID, want[0].ClientID).Context(ctx).Do()
	if err != nil || one.DisplayText != want[0].DisplayText || one.NativeApp != want[0].NativeApp {
		t.Errorf("tokens.get: %+v, %v", one, err)
	}
	if err := dir.Tokens.Delete(holder.Email, want[0].ClientID).Context(ctx).Do(); err != nil {
		t.Errorf("tokens.delete: %v", err)
	}
	_, err = dir.Tokens.Get(holder.Email, want[0].ClientID).Context(ctx).Do()
	var gerr *googleapi.Error
	if !errors.As(err, &gerr) || gerr.Code != http.StatusNotFound || len(gerr.Errors) != 1 || gerr.Errors[0].Reason != "notFound" {
		t.Errorf("tokens.get after delete: %v, want a decoded 404 notFound", err)
	}
}
