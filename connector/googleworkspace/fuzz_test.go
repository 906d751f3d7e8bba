package googleworkspace

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"golang.org/x/oauth2"
	admin "google.golang.org/api/admin/directory/v1"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
)

// Answers in the shape of saas-apis.md 1.2 to 1.4, the seeds of the fuzzers.
const (
	seedUsers = `{"kind":"admin#directory#users","etag":"\"nMQ7\"","users":[{"kind":"admin#directory#user",
"id":"104729385610473829156","primaryEmail":"noa.friedman@globallogis.com",
"name":{"givenName":"Noa","familyName":"Friedman","fullName":"Noa Friedman"},"isAdmin":false,
"lastLoginTime":"2025-08-11T07:42:10.000Z","creationTime":"2021-03-04T10:00:00.000Z","suspended":false,
"archived":false,"orgUnitPath":"/Sales","customerId":"C045p8dnk"}]}`
	seedTokens = `{"kind":"admin#directory#tokenList","etag":"\"tl-1\"","items":[{"kind":"admin#directory#token",
"clientId":"418273650912-7kq2d9vbn3m5x8r1t4w6y0z2a4c6e8g0.apps.googleusercontent.com","displayText":"PDF Docs Sync",
"anonymous":false,"nativeApp":false,"userKey":"104729385610473829156",
"scopes":["https://mail.google.com/","https://www.googleapis.com/auth/drive","openid"]}]}`
	seedActivities = `{"kind":"admin#reports#activities","items":[{"kind":"admin#reports#activity",
"id":{"time":"2025-08-12T10:01:02.123Z","uniqueQualifier":"5153173006988512167","applicationName":"token","customerId":"C045p8dnk"},
"actor":{"callerType":"USER","email":"noa.friedman@globallogis.com","profileId":"104729385610473829156"},
"events":[{"type":"auth","name":"authorize","parameters":[
{"name":"client_id","value":"418273650912-7kq2d9vbn3m5x8r1t4w6y0z2a4c6e8g0.apps.googleusercontent.com"},
{"name":"client_type","value":"WEB"},{"name":"scope","multiValue":["https://mail.google.com/"]}]}]},
{"id":{"time":"2025-08-12T11:00:00.000Z","uniqueQualifier":"-2817364518273645"},
"actor":{"profileId":"104729385610473829156"},"events":[{"name":"activity","parameters":[
{"name":"client_id","value":"418273650912-7kq2d9vbn3m5x8r1t4w6y0z2a4c6e8g0.apps.googleusercontent.com"},
{"name":"client_type","value":"NATIVE_QUANTUM"},{"name":"num_response_bytes","intValue":"1223"}]}]}]}`
)

// hostileSeeds are answers a broken or malicious server might give.
var hostileSeeds = []string{
	``, `null`, `[]`, `{`, `<html><body>502 Bad Gateway</body></html>`, `{"items":null,"users":null}`,
	`{"items":[null,{}],"users":[null,{}]}`,
	`{"users":[{"id":"1/2","customerId":"C0<script>"},{"id":"\u001b[31m"}]}`,
	`{"items":[{"clientId":"a b","scopes":[1,2]}]}`,
	`{"items":[{"clientId":"c1","displayText":"\u202eevil\u0007\u001b]8;;http://x\u0007","scopes":["\u0000",""]}]}`,
	`{"items":[{"id":{"time":"yesterday","uniqueQualifier":"x"}}]}`,
	`{"items":[{"id":{"time":"2025-08-12T10:01:02Z","uniqueQualifier":"99999999999999999999"}}]}`,
	`{"users":[{"id":"1","customerId":"C01"}],"nextPageToken":"same"}`,
	`{"items":[{"id":{"time":"2025-08-12T10:01:02Z"},"actor":{"profileId":"1"},"events":[null,{"name":"authorize","parameters":[null]}]}]}`,
	`{"users":[{"id":"1","isAdmin":"yes"}]}`, `{"items":` + strings.Repeat(`[`, 10000),
}

// FuzzDecodeTokens holds tokenList.decode to encoding/json over the Directory client's
// types (decode may accept more: it does not check the types of members it skips) and
// checks that any answer converts to well-formed identities or none, never a panic.
func FuzzDecodeTokens(f *testing.F) {
	for _, s := range append([]string{seedTokens}, hostileSeeds...) {
		f.Add([]byte(s))
	}
	f.Add([]byte(`{"Items":[null,{"clientId":"c\u0031","scopes":[null,"a","a"," b "],"anonymous":null,"nativeApp":true,"etag":{"x":[]}}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		l := &tokenList{body: body}
		err := l.decode(&interner{})
		if err != nil && !errors.Is(err, errJSON) {
			t.Fatalf("decode error %v is not errJSON", err)
		}
		var ref admin.Tokens
		if json.Unmarshal(body, &ref) == nil && !hasDuplicateKeys(body) {
			if err != nil {
				t.Fatalf("encoding/json decodes %q, decode fails: %v", body, err)
			}
			if diff := cmp.Diff(referenceTokens(&ref), l.items, cmp.AllowUnexported(token{}), cmpopts.EquateEmpty()); diff != "" && !l.null {
				t.Fatalf("decode differs from encoding/json on %q (-want +got):\n%s", body, diff)
			}
		}
		for i := range l.items {
			g := grant{tenant: "C01", userID: "104729385610473829156", scope: "user:104729385610473829156", token: &l.items[i], times: grantTimes{authorized: 1}}
			id, ok := g.identity()
			if !ok {
				continue
			}
			checkIdentity(t, id)
			if a := g.app(id.Name); a.ExternalID != id.AppID || a.Name != id.Name {
				t.Errorf("app %+v does not match identity %+v", a, id)
			}
		}
	})
}

// referenceTokens converts the Directory client's tokens to the connector's.
func referenceTokens(ref *admin.Tokens) []token {
	var out []token
	for _, t := range ref.Items {
		if t == nil {
			out = append(out, token{null: true})
			continue
		}
		out = append(out, token{clientID: t.ClientId, displayText: t.DisplayText, anonymous: t.Anonymous,
			nativeApp: t.NativeApp, scopes: t.Scopes})
	}
	return out
}

// FuzzDecodeUsers checks that any users.list answer converts to well-formed people.
func FuzzDecodeUsers(f *testing.F) {
	for _, s := range append([]string{seedUsers}, hostileSeeds...) {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var page admin.Users
		if json.Unmarshal(body, &page) != nil {
			return
		}
		tenant := tenantOf(page.Users)
		if tenant != "" && !validCustomer(tenant) {
			t.Errorf("tenant %q is no customer ID", tenant)
		}
		for _, u := range page.Users {
			p, ok := person("C01", u)
			if !ok {
				continue
			}
			if !validID(p.ExternalID) || p.Name != nhi.CleanText(p.Name) || p.Email != nhi.CleanText(p.Email) ||
				p.OrgUnit != nhi.CleanText(p.OrgUnit) {
				t.Errorf("unsafe person %+v", p)
			}
		}
	})
}

// FuzzCursor checks that parseCursor accepts exactly what String produces.
func FuzzCursor(f *testing.F) {
	for _, s := range []string{"gws1:0", "gws1:1754992862123:-2817364518273645,5153173006988512167", "gws1:1:", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := parseCursor(nhi.Cursor(s))
		if err != nil {
			if nhi.ErrorCode(err) != nhi.CodeInvalid {
				t.Errorf("parseCursor(%q) error code %q", s, nhi.ErrorCode(err))
			}
			return
		}
		if c.String() != s {
			t.Errorf("parseCursor(%q) then String() = %q", s, c.String())
		}
	})
}

// checkIdentity fails t if id is not well-formed.
func checkIdentity(t *testing.T, id nhi.Identity) {
	t.Helper()
	user, client, ok := strings.Cut(id.ExternalID, "/")
	if !ok || !validID(user) || !validID(client) || id.AppID != client || id.OwnerID != user || id.Scope != "user:"+user {
		t.Errorf("malformed identity references %+v", id)
	}
	if id.ID != nhi.NewIdentityID(id.Platform, id.Tenant, id.Kind, id.ExternalID) || id.Name == "" || id.Name != nhi.CleanText(id.Name) {
		t.Errorf("malformed identity %+v", id)
	}
	for _, p := range id.Permissions {
		if p.Scope == "" || p.Scope != nhi.CleanText(p.Scope) {
			t.Errorf("unsafe scope %q", p.Scope)
		}
	}
}

// FuzzDiscover serves hostile answers through the official clients: one endpoint (chosen
// by which) answers the fuzzed status and body, the others answer well. Discover must end
// with success or an *nhi.Error with a message, and report only well-formed records.
func FuzzDiscover(f *testing.F) {
	for i, s := range append([]string{seedUsers, seedTokens, seedActivities}, hostileSeeds...) {
		f.Add(uint8(i), uint16(200), []byte(s))
	}
	f.Add(uint8(1), uint16(403), []byte(`{"error":{"code":403,"errors":[{"reason":"insufficientPermissions"}]}}`))
	f.Add(uint8(0), uint16(401), []byte(`{"error":{"code":401}}`))
	f.Add(uint8(3), uint16(400), []byte(`{"error":"invalid_grant"}`))
	key := writeKey(f, "https://unused.example/token")
	f.Fuzz(func(t *testing.T, which uint8, status uint16, body []byte) {
		hs := httptest.NewServer(hostileHandler(int(which%4), int(status), body))
		defer hs.Close()
		c, err := New(Config{Name: "fuzz", AdminEmail: "admin@example.com", Credentials: key, BaseURL: hs.URL,
			TokenURL: hs.URL + "/token", Concurrency: 2}, connector.Env{HTTPClient: hs.Client()})
		if err != nil {
			t.Fatal(err)
		}
		noSleep := func(ctx context.Context, _ time.Duration) error { return ctx.Err() }
		c.limiters = [apiCount]*limiter{newLimiter(time.Now, noSleep), newLimiter(time.Now, noSleep)}
		c.retry = retryPolicy{throttled: 2, failures: 1, backoff: time.Millisecond, maxBackoff: time.Millisecond}
		if which%4 != 3 {
			// Signing JWTs is slow under the fuzzer's instrumentation; only the token
			// endpoint case needs it.
			c.source = func(context.Context) oauth2.TokenSource {
				return oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "ya29.test", TokenType: "Bearer"})
			}
		}
		ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
		defer cancel()
		rec := &fuzzReporter{t: t}
		if _, err := c.Discover(ctx, "", rec); err != nil {
			if code := nhi.ErrorCode(err); code == nhi.CodeCanceled || nhi.ErrorMessage(err) == "" {
				t.Errorf("Discover = %v (code %q)", err, code)
			}
		}
	})
}

// hostileHandler answers the Admin SDK: endpoint which (0 users, 1 tokens, 2 activities,
// 3 token endpoint) with status and body, the others with the seeds.
func hostileHandler(which, status int, body []byte) http.Handler {
	if status < 200 || status > 599 {
		status = 200
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		endpoint, good := 0, seedUsers
		switch p := r.URL.Path; {
		case p == "/token":
			endpoint, good = 3, `{"access_token":"ya29.test","token_type":"Bearer","expires_in":3600}`
		case strings.HasSuffix(p, "/tokens"):
			endpoint, good = 1, seedTokens
		case strings.Contains(p, "/reports/"):
			endpoint, good = 2, seedActivities
		}
		w.Header().Set("Content-Type", "application/json")
		if endpoint != which {
			_, _ = io.WriteString(w, good)
			return
		}
		w.WriteHeader(status)
		_, _ = w.Write(body)
	})
}

// fuzzReporter checks every record it is given.
type fuzzReporter struct{ t *testing.T }

func (r *fuzzReporter) Person(_ context.Context, p nhi.Person) error {
	if !validID(p.ExternalID) || p.Tenant == "" || p.Name != nhi.CleanText(p.Name) {
		r.t.Errorf("malformed person %+v", p)
	}
	return nil
}

func (r *fuzzReporter) App(_ context.Context, a nhi.App) error {
	if !validID(a.ExternalID) || a.Name == "" || a.Name != nhi.CleanText(a.Name) {
		r.t.Errorf("malformed app %+v", a)
	}
	return nil
}

func (r *fuzzReporter) Identity(_ context.Context, id nhi.Identity) error {
	checkIdentity(r.t, id)
	return nil
}

func (r *fuzzReporter) ScopeComplete(context.Context, string) error { return nil }

func (r *fuzzReporter) Fail(_ context.Context, f connector.Failure) {
	if (f.Scope == "") != (f.Resource == resAuditLog) || nhi.ErrorMessage(f.Err) == "" {
		r.t.Errorf("failure without scope or message: %+v", f)
	}
}

func (r *fuzzReporter) Progress(connector.Progress) {}
