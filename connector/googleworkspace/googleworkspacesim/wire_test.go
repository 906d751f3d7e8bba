package googleworkspacesim

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/nhiscope/nhi/estate"
)

// wireUser is the users.list user resource as the tests read it.
type wireUser struct {
	Kind         string `json:"kind"`
	ID           string `json:"id"`
	Etag         string `json:"etag"`
	PrimaryEmail string `json:"primaryEmail"`
	Name         struct {
		GivenName  string `json:"givenName"`
		FamilyName string `json:"familyName"`
		FullName   string `json:"fullName"`
	} `json:"name"`
	IsAdmin          *bool  `json:"isAdmin"`
	LastLoginTime    string `json:"lastLoginTime"`
	CreationTime     string `json:"creationTime"`
	Suspended        bool   `json:"suspended"`
	SuspensionReason string `json:"suspensionReason"`
	Archived         bool   `json:"archived"`
	OrgUnitPath      string `json:"orgUnitPath"`
	CustomerID       string `json:"customerId"`
	DeletionTime     string `json:"deletionTime"`
}

// wireUsers is a users.list page.
type wireUsers struct {
	Kind          string     `json:"kind"`
	Etag          string     `json:"etag"`
	Users         []wireUser `json:"users"`
	NextPageToken string     `json:"nextPageToken"`
}

// listAllUsers pages through users.list with the given query and returns the user IDs.
func listAllUsers(t *testing.T, base, token string, q url.Values) []string {
	t.Helper()
	var ids []string
	for page := 0; ; page++ {
		if page > 10_000 {
			t.Fatal("users.list does not end")
		}
		var got wireUsers
		getJSON(t, base+"/admin/directory/v1/users?"+q.Encode(), token, &got)
		for _, u := range got.Users {
			ids = append(ids, u.ID)
		}
		if got.NextPageToken == "" {
			return ids
		}
		q.Set("pageToken", got.NextPageToken)
	}
}

// wantUserIDs returns the IDs of the people with (or without) the departed status, sorted
// by email.
func wantUserIDs(e *estate.Estate, departed bool) []string {
	var ps []estate.Person
	for _, p := range e.People {
		if (p.Status == estate.Departed) == departed {
			ps = append(ps, p)
		}
	}
	slices.SortFunc(ps, func(a, b estate.Person) int { return strings.Compare(a.Email, b.Email) })
	ids := make([]string, len(ps))
	for i, p := range ps {
		ids[i] = p.GoogleID
	}
	return ids
}

// wireTokens is a tokens.list answer.
type wireTokens struct {
	Kind  string  `json:"kind"`
	Etag  string  `json:"etag"`
	Items []Token `json:"items"`
}

// wantTokens derives the tokens the API should show for person p from the estate.
func wantTokens(e *estate.Estate, p int) []Token {
	var out []Token
	for _, g := range e.Grants {
		if int(g.Person) != p {
			continue
		}
		v := e.Vendors[g.Vendor]
		out = append(out, Token{Kind: "admin#directory#token", ClientID: v.GoogleClientID, DisplayText: v.Product,
			Anonymous: v.Anonymous, NativeApp: v.Native, UserKey: e.People[p].GoogleID, Scopes: g.Scopes})
	}
	return out
}

// ignoreEtag compares tokens without their entity tags.
var ignoreEtag = cmpopts.IgnoreFields(Token{}, "Etag")

// wireParam is an activity event parameter.
type wireParam struct {
	Name              string   `json:"name"`
	Value             string   `json:"value"`
	IntValue          string   `json:"intValue"`
	MultiValue        []string `json:"multiValue"`
	MultiMessageValue []struct {
		Parameter []wireParam `json:"parameter"`
	} `json:"multiMessageValue"`
}

// wireActivity is a Reports API activity.
type wireActivity struct {
	Kind string `json:"kind"`
	Etag string `json:"etag"`
	ID   struct {
		Time            string `json:"time"`
		UniqueQualifier string `json:"uniqueQualifier"`
		ApplicationName string `json:"applicationName"`
		CustomerID      string `json:"customerId"`
	} `json:"id"`
	Actor struct {
		CallerType string `json:"callerType"`
		Email      string `json:"email"`
		ProfileID  string `json:"profileId"`
	} `json:"actor"`
	OwnerDomain string `json:"ownerDomain"`
	IPAddress   string `json:"ipAddress"`
	Events      []struct {
		Type       string      `json:"type"`
		Name       string      `json:"name"`
		Parameters []wireParam `json:"parameters"`
	} `json:"events"`
}

// param returns the named parameter of the activity's first event.
func (a *wireActivity) param(name string) (wireParam, bool) {
	for _, p := range a.Events[0].Parameters {
		if p.Name == name {
			return p, true
		}
	}
	return wireParam{}, false
}

// wireActivities is an activities.list page.
type wireActivities struct {
	Kind          string         `json:"kind"`
	Items         []wireActivity `json:"items"`
	NextPageToken string         `json:"nextPageToken"`
}

// listActivities pages through activities.list and returns every activity.
func listActivities(t *testing.T, base, token, userKey, app string, q url.Values) []wireActivity {
	t.Helper()
	var out []wireActivity
	for page := 0; ; page++ {
		if page > 100_000 {
			t.Fatal("activities.list does not end")
		}
		var got wireActivities
		getJSON(t, base+"/admin/reports/v1/activity/users/"+url.PathEscape(userKey)+"/applications/"+app+"?"+q.Encode(), token, &got)
		if got.Kind != "admin#reports#activities" {
			t.Fatalf("kind = %q", got.Kind)
		}
		out = append(out, got.Items...)
		if got.NextPageToken == "" {
			return out
		}
		q.Set("pageToken", got.NextPageToken)
	}
}

// keys returns "time qualifier" of each activity, to compare listings.
func keys(acts []wireActivity) []string {
	out := make([]string, len(acts))
	for i, a := range acts {
		out[i] = a.ID.Time + " " + a.ID.UniqueQualifier
	}
	return out
}

// parseTime parses an activity time.
func parseTime(t *testing.T, s string) time.Time {
	t.Helper()
	at, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatalf("time %q: %v", s, err)
	}
	return at
}

// checkNewestFirst fails unless the activities are ordered newest first.
func checkNewestFirst(t *testing.T, acts []wireActivity) {
	t.Helper()
	for i := 1; i < len(acts); i++ {
		if acts[i].ID.Time > acts[i-1].ID.Time {
			t.Fatalf("activity %d (%s) is newer than activity %d (%s)", i, acts[i].ID.Time, i-1, acts[i-1].ID.Time)
		}
	}
}

// subset returns the activities for which keep is true.
func subset(acts []wireActivity, keep func(*wireActivity) bool) []wireActivity {
	var out []wireActivity
	for i := range acts {
		if keep(&acts[i]) {
			out = append(out, acts[i])
		}
	}
	return out
}

// qualifier parses an activity's uniqueQualifier.
func qualifier(t *testing.T, a *wireActivity) int64 {
	t.Helper()
	q, err := strconv.ParseInt(a.ID.UniqueQualifier, 10, 64)
	if err != nil {
		t.Fatalf("uniqueQualifier %q: %v", a.ID.UniqueQualifier, err)
	}
	return q
}

// statusOf returns the status of a GET.
func statusOf(t *testing.T, u, token string) int {
	t.Helper()
	status, _ := call(t, http.MethodGet, u, token)
	return status
}
