package salesforcesim

import (
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nhiscope/nhi/estate"
)

// The nhi integration user the simulator adds to the org: the run-as user of nhi's
// connected app.
const (
	nhiProfile  = "Minimum Access - API Only Integrations"
	nhiUserName = "nhi Integration"
)

// user is a Salesforce user with the permissions the simulator checks: the estate's
// system permissions plus View All Users and View Event Log Files.
type user struct {
	estate.SFUser
	viewAllUsers, viewEventLogFiles bool
}

// oauthToken is an OauthToken row; revoked rows are gone from every answer.
type oauthToken struct {
	app, user   int
	id          string // the 0CQ ID of attributes.url; the Id field is always null
	created     time.Time
	lastUsed    time.Time
	useCount    int
	deleteToken string
	revoked     bool
}

// world is the org's state: the estate's users, apps, tokens and activity, plus the
// simulator's integration user, as changed through the API and the change methods.
type world struct {
	mu       sync.RWMutex
	orgID    string
	myDomain string
	users    []*user
	byID     map[string]int // 15-character user ID
	byName   map[string]int // lower-case username
	byLogin  map[string]int // 15-character UserLogin ID
	apps     []estate.SFApp
	appByID  map[string]int // 15-character ConnectedApplication ID
	tokens   []*oauthToken
	logins   []estate.SFLogin
	events   []estate.SFAPIEvent
	nhiUser  int
	version  uint64 // bumped by every change
}

// newWorld copies the org of e, so that changes never touch the estate, and adds the
// integration user.
func newWorld(sf *estate.Salesforce) *world {
	w := &world{orgID: sf.OrgID, myDomain: sf.MyDomain, byID: map[string]int{}, byName: map[string]int{},
		byLogin: map[string]int{}, appByID: map[string]int{}}
	for _, u := range sf.Users {
		w.addUser(&user{SFUser: u, viewAllUsers: u.ManageUsers || u.ViewAllData, viewEventLogFiles: u.ViewAllData})
	}
	w.nhiUser = len(w.users)
	w.addUser(w.integrationUser(sf))
	w.apps = slices.Clone(sf.Apps)
	for i, a := range w.apps {
		w.appByID[id15(a.ID)] = i
	}
	for i, t := range sf.Tokens {
		w.tokens = append(w.tokens, &oauthToken{app: int(t.App), user: int(t.User), created: t.CreatedAt,
			lastUsed: t.LastUsedAt, useCount: t.UseCount, deleteToken: t.DeleteToken,
			id: hashID("0CQ", sf.OrgID, strconv.Itoa(i))})
	}
	w.logins = slices.Clone(sf.Logins)
	w.events = slices.Clone(sf.APIEvents)
	return w
}

// integrationUser returns the user nhi's connected app runs as: API only, allowed to see
// every user's tokens, users and event log files, and nothing more.
func (w *world) integrationUser(sf *estate.Salesforce) *user {
	domain := sf.MyDomain
	if domain == "" {
		domain = "example"
	}
	created := time.Date(2024, 1, 2, 9, 0, 0, 0, time.UTC)
	return &user{SFUser: estate.SFUser{ID: hashID("005", sf.OrgID, "nhi"), LoginID: hashID("0Yw", sf.OrgID, "nhi"),
		Username: "nhi-integration@" + domain + ".sim", Name: nhiUserName, Email: "nhi-integration@" + domain + ".sim",
		Person: -1, UserType: "Standard", Profile: nhiProfile, IsActive: true, Integration: true,
		APIEnabled: true, APIOnly: true, CustomizeApplication: true, CreatedAt: created},
		viewAllUsers: true, viewEventLogFiles: true}
}

// addUser indexes u.
func (w *world) addUser(u *user) {
	w.byID[id15(u.ID)] = len(w.users)
	w.byName[strings.ToLower(u.Username)] = len(w.users)
	if u.LoginID != "" {
		w.byLogin[id15(u.LoginID)] = len(w.users)
	}
	w.users = append(w.users, u)
}

// user returns the index of the user with ID id (either form).
func (w *world) user(id string) (int, bool) {
	i, ok := w.byID[id15(id)]
	return i, ok
}

// liveTokens returns the tokens not revoked.
func (w *world) liveTokens() []*oauthToken {
	var out []*oauthToken
	for _, t := range w.tokens {
		if !t.revoked {
			out = append(out, t)
		}
	}
	return out
}

// appOf returns the app at index i, or nil.
func (w *world) appOf(i int) *estate.SFApp {
	if i < 0 || i >= len(w.apps) {
		return nil
	}
	return &w.apps[i]
}
