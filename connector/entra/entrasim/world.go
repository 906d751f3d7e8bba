package entrasim

import (
	"strings"
	"sync"
	"time"

	"github.com/nhiscope/nhi/estate"
)

// graphAppID is the application ID of Microsoft Graph.
const graphAppID = "00000003-0000-0000-c000-000000000000"

// meta is the change tracking of a directory object: the world version of its last change,
// and whether it is gone (kept as a tombstone for delta queries).
type meta struct {
	ver     uint64
	removed bool
}

// spState is a service principal. Its estate record is a copy whose slices are replaced,
// never changed in place.
type spState struct {
	meta
	sp estate.MSServicePrincipal
}

// appState is an app registration.
type appState struct {
	meta
	app estate.MSApplication
}

// grantState is a delegated permission grant.
type grantState struct {
	meta
	id               string
	client, resource int32 // service principals
	consentType      string
	principal        int32 // user, -1 for AllPrincipals
	scopes           []string
}

// assignState is an app role assignment to a service principal.
type assignState struct {
	meta
	id                  string
	principal, resource int32 // service principals
	appRoleID           string
	created             time.Time
}

// world is the tenant the simulator serves. Collections are append-only, in creation order,
// with removed objects kept as tombstones: a position in a collection never changes, so
// page tokens stay valid while the tenant changes. Every field below mu is guarded by it.
type world struct {
	e        *estate.Estate
	tenantID string
	domain   string
	users    []estate.MSUser
	userIdx  map[string]int32 // object ID -> user

	mu        sync.RWMutex
	ver       uint64 // bumped by every change; the estate's objects are version 1
	seq       uint64 // numbers audit records and generated IDs
	sps       []*spState
	spIdx     map[string]int32 // object ID
	spByApp   map[string]int32 // app ID
	apps      []*appState
	appIdx    map[string]int32
	appByApp  map[string]int32
	grants    []*grantState
	grantIdx  map[string]int32
	grantsBy  map[string][]int32 // "c"/"r"/"p" + object ID -> grants, for $filter
	assigns   []*assignState
	assignIdx map[string]int32
	audits    []auditRec // ascending by (at, seq)
}

// newWorld indexes the estate's Microsoft tenant; checkEstate has vetted it.
func newWorld(e *estate.Estate) *world {
	ms := e.Microsoft
	w := &world{e: e, tenantID: ms.TenantID, domain: ms.Domain, users: ms.Users, ver: 1,
		userIdx: make(map[string]int32, len(ms.Users)),
		spIdx:   map[string]int32{}, spByApp: map[string]int32{},
		appIdx: map[string]int32{}, appByApp: map[string]int32{},
		grantIdx: map[string]int32{}, grantsBy: map[string][]int32{},
		assignIdx: map[string]int32{}}
	for i, u := range ms.Users {
		w.userIdx[u.ObjectID] = int32(i)
	}
	for _, sp := range ms.ServicePrincipals {
		w.addSP(sp)
	}
	for _, a := range ms.Applications {
		w.appIdx[a.ObjectID] = int32(len(w.apps))
		w.appByApp[a.AppID] = int32(len(w.apps))
		w.apps = append(w.apps, &appState{app: a})
	}
	for _, g := range ms.Grants {
		w.addGrant(&grantState{id: g.ID, client: g.Client, resource: g.Resource, consentType: g.ConsentType,
			principal: g.Principal, scopes: g.Scopes})
	}
	for _, a := range ms.Assignments {
		w.addAssign(&assignState{id: a.ID, principal: a.Principal, resource: a.Resource, appRoleID: a.AppRoleID, created: a.Created})
	}
	w.audits = estateAudits(ms)
	return w
}

// addSP appends a service principal. w.mu is held for writing, or w is not shared yet.
func (w *world) addSP(sp estate.MSServicePrincipal) int32 {
	i := int32(len(w.sps))
	w.spIdx[sp.ObjectID] = i
	w.spByApp[sp.AppID] = i
	w.sps = append(w.sps, &spState{meta: meta{ver: w.ver}, sp: sp})
	return i
}

// addGrant appends a grant and indexes it by client, resource and principal.
func (w *world) addGrant(g *grantState) {
	i := int32(len(w.grants))
	g.ver = w.ver
	w.grantIdx[g.id] = i
	w.grants = append(w.grants, g)
	index := func(prefix, id string) {
		k := prefix + strings.ToLower(id)
		w.grantsBy[k] = append(w.grantsBy[k], i)
	}
	index("c", w.sps[g.client].sp.ObjectID)
	index("r", w.sps[g.resource].sp.ObjectID)
	if g.principal >= 0 {
		index("p", w.users[g.principal].ObjectID)
	}
}

// addAssign appends an app role assignment.
func (w *world) addAssign(a *assignState) {
	a.ver = w.ver
	w.assignIdx[a.id] = int32(len(w.assigns))
	w.assigns = append(w.assigns, a)
}

// bump starts a change and returns its version. w.mu is held for writing.
func (w *world) bump() uint64 {
	w.ver++
	return w.ver
}

// sp returns the live service principal with object ID id.
func (w *world) sp(id string) (int32, *spState, bool) {
	i, ok := w.spIdx[id]
	if !ok || w.sps[i].removed {
		return 0, nil, false
	}
	return i, w.sps[i], true
}

// app returns the live app registration with object ID id.
func (w *world) app(id string) (int32, *appState, bool) {
	i, ok := w.appIdx[id]
	if !ok || w.apps[i].removed {
		return 0, nil, false
	}
	return i, w.apps[i], true
}

// grant returns the live grant with ID id.
func (w *world) grant(id string) (*grantState, bool) {
	i, ok := w.grantIdx[id]
	if !ok || w.grants[i].removed {
		return nil, false
	}
	return w.grants[i], true
}

// spApp returns the app registration behind service principal sp, or nil.
func (w *world) spApp(sp *spState) *appState {
	if i, ok := w.appByApp[sp.sp.AppID]; ok && !w.apps[i].removed {
		return w.apps[i]
	}
	return nil
}
