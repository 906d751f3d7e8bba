package githubsim

import (
	"maps"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/nhiscope/nhi/estate"
)

// install is an app installation: one of the estate's, or nhi's own.
type install struct {
	in   estate.GHInstallation // Permissions and Events are replaced, never changed in place
	app  *estate.GHApp
	own  bool // nhi's own app
	gone bool // uninstalled
}

// grant is a fine-grained token's access to an organization, or a request for it.
type grant struct {
	t    estate.GHToken
	gone bool // revoked, or a request denied or approved
}

// cred is a SAML credential authorization.
type cred struct {
	c    estate.GHCredential
	gone bool
}

// key is a deploy key.
type key struct {
	k    estate.GHDeployKey
	gone bool
}

// hook is an organization webhook; its Events are replaced, never changed in place.
type hook struct{ h estate.GHHook }

// auditRec is an audit-log event, with the sequence number that orders events sharing a
// time.
type auditRec struct {
	a   estate.GHAudit
	seq uint64
}

// world is the GitHub the simulator serves. What the estate fixes (organizations, users,
// members, repositories, apps, secrets) is read without a lock; everything a request can
// change is below mu. Collections only grow: removed things stay as tombstones, so
// indexes never move.
type world struct {
	gh      *estate.GitHub
	users   []estate.GHUser // the estate's, then the simulator's own (nhi's bot, ...)
	orgIdx  map[string]int32
	userIdx map[string]int32
	repoIdx map[string]int32 // "org/repo", lower case
	members [][]int32        // per org: indexes of gh.Members, estate order
	repos   [][]int32        // per org: indexes of gh.Repos
	secrets [][]int32        // per org: its organization secrets
	repoSec [][]int32        // per repo: its secrets
	app     estate.GHApp     // nhi's own app
	bot     int32            // nhi's bot user
	owner   int32            // the owner of OwnerToken

	mu       sync.RWMutex
	seq      uint64
	nextID   int64
	installs []*install
	instIdx  map[int64]int32
	tokens   []*grant
	tokIdx   map[int64]int32
	requests []*grant
	reqIdx   map[int64]int32
	// tokOrder and reqOrder list each organization's grants and requests in order of
	// GrantedAt (then creation), the order the listings sort by.
	tokOrder, reqOrder [][]int32
	creds              []*cred
	credIdx            map[int64]int32
	keys               []*key
	keyIdx             map[int64]int32
	hooks              []*hook
	hookIdx            map[int64]int32
	audits             [][]auditRec // per org, ascending by (time, seq)
}

// newWorld indexes the estate's GitHub; checkEstate has vetted it.
func newWorld(gh *estate.GitHub, now time.Time) *world {
	w := &world{gh: gh, users: slices.Clone(gh.Users), orgIdx: map[string]int32{}, userIdx: map[string]int32{},
		repoIdx: map[string]int32{}, members: make([][]int32, len(gh.Orgs)), repos: make([][]int32, len(gh.Orgs)),
		secrets: make([][]int32, len(gh.Orgs)), repoSec: make([][]int32, len(gh.Repos)),
		instIdx: map[int64]int32{}, tokIdx: map[int64]int32{}, reqIdx: map[int64]int32{}, credIdx: map[int64]int32{},
		keyIdx: map[int64]int32{}, hookIdx: map[int64]int32{}, audits: make([][]auditRec, len(gh.Orgs)),
		tokOrder: make([][]int32, len(gh.Orgs)), reqOrder: make([][]int32, len(gh.Orgs))}
	for i, o := range gh.Orgs {
		w.orgIdx[strings.ToLower(o.Login)] = int32(i)
	}
	for i, u := range gh.Users {
		w.userIdx[strings.ToLower(u.Login)] = int32(i)
	}
	for i, m := range gh.Members {
		w.members[m.Org] = append(w.members[m.Org], int32(i))
	}
	for i, r := range gh.Repos {
		w.repos[r.Org] = append(w.repos[r.Org], int32(i))
		w.repoIdx[strings.ToLower(gh.Orgs[r.Org].Login+"/"+r.Name)] = int32(i)
	}
	for i, s := range gh.Secrets {
		if s.Repo < 0 {
			w.secrets[s.Org] = append(w.secrets[s.Org], int32(i))
		} else {
			w.repoSec[s.Repo] = append(w.repoSec[s.Repo], int32(i))
		}
	}
	w.copyChangeable()
	w.nextID = maxID(gh) + 1
	w.addOwnApp(now)
	return w
}

// copyChangeable copies what requests can change.
func (w *world) copyChangeable() {
	gh := w.gh
	for i := range gh.Installations {
		in := gh.Installations[i]
		in.Permissions = maps.Clone(in.Permissions)
		w.addInstall(&install{in: in, app: &gh.Apps[in.App]})
	}
	for _, t := range gh.Tokens {
		w.addGrant(t, false)
	}
	for _, t := range gh.Requests {
		w.addGrant(t, true)
	}
	for _, c := range gh.Credentials {
		w.credIdx[c.ID] = int32(len(w.creds))
		w.creds = append(w.creds, &cred{c: c})
	}
	for _, k := range gh.DeployKeys {
		w.keyIdx[k.ID] = int32(len(w.keys))
		w.keys = append(w.keys, &key{k: k})
	}
	for _, h := range gh.Hooks {
		w.hookIdx[h.ID] = int32(len(w.hooks))
		w.hooks = append(w.hooks, &hook{h: h})
	}
	for _, a := range gh.Audits {
		w.seq++
		w.audits[a.Org] = append(w.audits[a.Org], auditRec{a: a, seq: w.seq})
	}
	for _, log := range w.audits {
		slices.SortStableFunc(log, func(x, y auditRec) int { return x.a.Time.Compare(y.a.Time) })
	}
}

// addGrant appends a token grant (or a request) and places it in its organization's
// order. w.mu is held or w is not shared yet.
func (w *world) addGrant(t estate.GHToken, request bool) *grant {
	list, idx, order := &w.tokens, w.tokIdx, w.tokOrder
	if request {
		list, idx, order = &w.requests, w.reqIdx, w.reqOrder
	}
	i := int32(len(*list))
	g := &grant{t: t}
	*list = append(*list, g)
	idx[t.ID] = i
	o := order[t.Org]
	at := sort.Search(len(o), func(k int) bool { return (*list)[o[k]].t.GrantedAt.After(t.GrantedAt) })
	order[t.Org] = slices.Insert(o, at, i)
	return g
}

// addInstall appends an installation. w.mu is held or w is not shared yet.
func (w *world) addInstall(in *install) {
	w.instIdx[in.in.ID] = int32(len(w.installs))
	w.installs = append(w.installs, in)
}

// maxID returns the largest numeric ID in the estate, so that the simulator's own IDs
// (nhi's app, its installations, new keys and hooks) collide with none.
func maxID(gh *estate.GitHub) int64 {
	var m int64
	up := func(id int64) { m = max(m, id) }
	for _, o := range gh.Orgs {
		up(o.ID)
	}
	for _, u := range gh.Users {
		up(u.ID)
	}
	for _, r := range gh.Repos {
		up(r.ID)
	}
	for _, a := range gh.Apps {
		up(a.ID)
	}
	for _, in := range gh.Installations {
		up(in.ID)
	}
	for _, ts := range [][]estate.GHToken{gh.Tokens, gh.Requests} {
		for _, t := range ts {
			up(t.ID)
			up(t.TokenID)
		}
	}
	for _, c := range gh.Credentials {
		up(c.ID)
		up(c.AuthorizedCredentialID)
	}
	for _, k := range gh.DeployKeys {
		up(k.ID)
	}
	for _, h := range gh.Hooks {
		up(h.ID)
	}
	return m
}

// newID returns a fresh numeric ID. w.mu is held or w is not shared yet.
func (w *world) newID() int64 {
	w.nextID++
	return w.nextID - 1
}

// org returns the organization with the given login (any case).
func (w *world) org(login string) (int32, bool) {
	i, ok := w.orgIdx[strings.ToLower(login)]
	return i, ok
}

// repo returns the repository owner/name (any case).
func (w *world) repo(owner, name string) (int32, bool) {
	i, ok := w.repoIdx[strings.ToLower(owner+"/"+name)]
	return i, ok
}

// user returns the account with the given login (any case).
func (w *world) user(login string) (int32, bool) {
	i, ok := w.userIdx[strings.ToLower(login)]
	return i, ok
}

// login returns the login of user i, "" for -1.
func (w *world) login(i int32) string {
	if i < 0 || int(i) >= len(w.users) {
		return ""
	}
	return w.users[i].Login
}
