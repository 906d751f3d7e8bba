package entra

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nhiscope/nhi/connector"
)

// obj is a Graph object as the fixture serves it.
type obj = map[string]any

// change is one entry of a collection's change log, for delta rounds.
type change struct {
	version int
	id      string
	removed bool
}

// fixture is a small Graph-shaped tenant: the collections, owners and assignments the
// connector reads, with nextLink paging, delta rounds over a change log, faults and a
// request log. It is not the simulator: it serves exactly what a test puts in it.
type fixture struct {
	t *testing.T

	mu          sync.Mutex
	tenant      string
	secret      string
	pageSize    int
	collections map[string][]obj
	owners      map[string][]obj
	assignments map[string][]obj
	log         map[string][]change
	version     int
	// expired is the version below which delta tokens are refused.
	expired int
	// faults answer requests whose path ends with the key with the status and code.
	faults   map[string]fault
	requests []string
	srv      *httptest.Server
}

// fault is a canned error answer.
type fault struct {
	status int
	code   string
	header map[string]string
}

// Collection paths of the fixture, below /v1.0/ (or /beta/ for the reports).
const (
	cUsers = "users"
	cSPs   = "servicePrincipals"
	cApps  = "applications"
	cGrant = "oauth2PermissionGrants"
	cSPUse = "reports/servicePrincipalSignInActivities"
	cKeys  = "reports/appCredentialSignInActivities"
)

const (
	fixTenant = "11111111-2222-4333-8444-555555555555"
	fixClient = "99999999-8888-4777-8666-555555555555"
	fixSecret = "fixture~secret~Qx8.value-0123456789"
)

// newFixture starts an empty fixture tenant.
func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{t: t, tenant: fixTenant, secret: fixSecret, pageSize: 100, collections: map[string][]obj{},
		owners: map[string][]obj{}, assignments: map[string][]obj{}, log: map[string][]change{}, faults: map[string]fault{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

// put adds or replaces an object of a collection, logging the change.
func (f *fixture) put(coll string, o obj) {
	f.mu.Lock()
	defer f.mu.Unlock()
	id := o["id"].(string)
	objs := f.collections[coll]
	if i := slices.IndexFunc(objs, func(x obj) bool { return x["id"] == id }); i >= 0 {
		objs[i] = o
	} else {
		f.collections[coll] = append(objs, o)
	}
	f.version++
	f.log[coll] = append(f.log[coll], change{version: f.version, id: id})
}

// remove deletes an object of a collection, logging the change.
func (f *fixture) remove(coll, id string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.collections[coll] = slices.DeleteFunc(f.collections[coll], func(x obj) bool { return x["id"] == id })
	f.version++
	f.log[coll] = append(f.log[coll], change{version: f.version, id: id, removed: true})
}

// fail makes requests whose path ends with suffix answer with ft.
func (f *fixture) fail(suffix string, ft fault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults[suffix] = ft
}

// expire refuses every delta token issued so far.
func (f *fixture) expire() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.expired = f.version + 1
}

// requestLog returns the paths requested so far, with their queries.
func (f *fixture) requestLog() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.requests)
}

// connector returns a connector over the fixture, at time now.
func (f *fixture) connector(now time.Time) *Connector {
	f.t.Helper()
	path := filepath.Join(f.t.TempDir(), "secret")
	if err := os.WriteFile(path, []byte(f.secret+"\n"), 0o600); err != nil {
		f.t.Fatal(err)
	}
	c, err := New(Config{Name: "entra-test", TenantID: f.tenant, ClientID: fixClient,
		ClientSecret: connector.SecretRef("file:" + path), GraphURL: f.srv.URL, TokenURL: f.srv.URL + "/" + f.tenant + "/oauth2/v2.0/token"},
		connector.Env{HTTPClient: f.srv.Client(), Now: func() time.Time { return now }})
	if err != nil {
		f.t.Fatal(err)
	}
	c.sleep = func(ctx context.Context, _ time.Duration) error { return ctx.Err() }
	return c
}

// serve answers one request.
func (f *fixture) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests = append(f.requests, r.URL.RequestURI())
	for suffix, ft := range f.faults {
		if strings.HasSuffix(r.URL.Path, suffix) {
			for k, v := range ft.header {
				w.Header().Set(k, v)
			}
			writeError(w, ft.status, ft.code)
			return
		}
	}
	if strings.HasSuffix(r.URL.Path, "/oauth2/v2.0/token") {
		f.token(w, r)
		return
	}
	if r.Header.Get("Authorization") != "Bearer fixture-token" {
		writeError(w, http.StatusUnauthorized, "InvalidAuthenticationToken")
		return
	}
	path := strings.TrimPrefix(strings.TrimPrefix(r.URL.Path, "/v1.0/"), "/beta/")
	segs := strings.Split(path, "/")
	switch {
	case len(segs) == 3 && segs[2] == "owners":
		f.page(w, r, f.owners[segs[1]])
	case len(segs) == 3 && segs[2] == "appRoleAssignments":
		f.page(w, r, f.assignments[segs[1]])
	case len(segs) == 2 && segs[1] == "delta":
		f.delta(w, r, segs[0])
	default:
		objs, ok := f.collections[path]
		if !ok && !slices.Contains([]string{cUsers, cSPs, cApps, cGrant, cSPUse, cKeys}, path) {
			writeError(w, http.StatusBadRequest, "BadRequest")
			return
		}
		f.page(w, r, objs)
	}
}

// token answers the client-credentials token request.
func (f *fixture) token(w http.ResponseWriter, r *http.Request) {
	if r.PostFormValue("client_id") != fixClient || r.PostFormValue("client_secret") != f.secret ||
		r.PostFormValue("scope") != GraphScope {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprintf(w, `{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided. Trace ID: x"}`)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprint(w, `{"access_token":"fixture-token","token_type":"Bearer","expires_in":3600}`)
}

// page answers one page of objs, from the offset in $skiptoken; the last page of a delta
// round carries the delta link.
func (f *fixture) page(w http.ResponseWriter, r *http.Request, objs []obj) {
	f.writePage(w, r, objs, "")
}

// writePage writes a page of objs; deltaLink, if set, goes on the last page.
func (f *fixture) writePage(w http.ResponseWriter, r *http.Request, objs []obj, deltaLink string) {
	skip, _ := strconv.Atoi(r.URL.Query().Get("$skiptoken"))
	end := min(skip+f.pageSize, len(objs))
	body := map[string]any{"value": append([]obj{}, objs[min(skip, len(objs)):end]...)}
	if end < len(objs) {
		q := r.URL.Query()
		q.Set("$skiptoken", strconv.Itoa(end))
		body["@odata.nextLink"] = f.srv.URL + r.URL.Path + "?" + q.Encode()
	} else if deltaLink != "" {
		body["@odata.deltaLink"] = deltaLink
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(body)
}

// delta answers a delta round: every object when there is no $deltatoken, else the
// changes logged after it (removed ones as an ID with @removed).
func (f *fixture) delta(w http.ResponseWriter, r *http.Request, coll string) {
	link := fmt.Sprintf("%s/v1.0/%s/delta?$deltatoken=%d", f.srv.URL, coll, f.version)
	tok := r.URL.Query().Get("$deltatoken")
	if tok == "" {
		f.writePage(w, r, f.collections[coll], link)
		return
	}
	since, err := strconv.Atoi(tok)
	if err != nil || since < f.expired {
		writeError(w, http.StatusBadRequest, "syncStateNotFound")
		return
	}
	latest := map[string]change{}
	var order []string
	for _, ch := range f.log[coll] {
		if ch.version > since {
			if _, ok := latest[ch.id]; !ok {
				order = append(order, ch.id)
			}
			latest[ch.id] = ch
		}
	}
	var out []obj
	for _, id := range order {
		if latest[id].removed {
			out = append(out, obj{"id": id, "@removed": obj{"reason": "deleted"}})
			continue
		}
		i := slices.IndexFunc(f.collections[coll], func(x obj) bool { return x["id"] == id })
		out = append(out, f.collections[coll][i])
	}
	f.writePage(w, r, out, link)
}

// writeError writes a Graph error envelope.
func writeError(w http.ResponseWriter, status int, code string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"error":{"code":%q,"message":"fixture says %s","innerError":{"request-id":"r"}}}`, code, code)
}
