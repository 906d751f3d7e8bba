package githubsim

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nhiscope/nhi/estate"
)

// harness serves a Server in process with a clock the test moves.
type harness struct {
	t  testing.TB
	s  *Server
	mu sync.Mutex
	at time.Time
}

// newHarness returns a harness over e (the small estate when nil) with the shared key.
func newHarness(t testing.TB, e *estate.Estate, o Options) *harness {
	t.Helper()
	if e == nil {
		e = smallEstate()
	}
	h := &harness{t: t, at: testNow}
	if o.Now == nil {
		o.Now = h.now
	}
	if o.AppKey == nil {
		o.AppKey = testKey()
	}
	s, err := New(e, o)
	if err != nil {
		t.Fatal(err)
	}
	h.s = s
	return h
}

// now is the harness clock.
func (h *harness) now() time.Time {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.at
}

// advance moves the clock.
func (h *harness) advance(d time.Duration) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.at = h.at.Add(d)
}

// answer is a recorded answer.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// json decodes the body into v.
func (a answer) json(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(a.body, v); err != nil {
		t.Fatalf("decode %s: %v", a.body, err)
	}
}

// message returns the message of an error body.
func (a answer) message() string {
	var e struct {
		Message string `json:"message"`
	}
	_ = json.Unmarshal(a.body, &e)
	return e.Message
}

// do sends a request with the given credential ("" for none) and JSON body (nil for
// none). target is a path with query, or an absolute URL from a Link header.
func (h *harness) do(method, target, cred string, body any) answer {
	h.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			h.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req := httptest.NewRequest(method, target, rd)
	req.Header.Set("X-GitHub-Api-Version", "2022-11-28")
	req.Header.Set("Accept", "application/vnd.github+json")
	if cred != "" {
		req.Header.Set("Authorization", "Bearer "+cred)
	}
	rec := httptest.NewRecorder()
	h.s.ServeHTTP(rec, req)
	return answer{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
}

// get sends a GET.
func (h *harness) get(target, cred string) answer { return h.do(http.MethodGet, target, cred, nil) }

// signJWT signs claims with key as an RS256 JWT.
func signJWT(t testing.TB, key *rsa.PrivateKey, claims map[string]any) string {
	t.Helper()
	hdr := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"RS256","typ":"JWT"}`))
	payload, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	signed := hdr + "." + base64.RawURLEncoding.EncodeToString(payload)
	sum := sha256.Sum256([]byte(signed))
	sig, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	return signed + "." + base64.RawURLEncoding.EncodeToString(sig)
}

// jwt returns a valid app JWT as GitHub advises: iat 60 s ago, exp in 9 minutes.
func (h *harness) jwt() string {
	id, _, key := h.s.App()
	now := h.now()
	return signJWT(h.t, key, map[string]any{"iss": id, "iat": now.Add(-time.Minute).Unix(), "exp": now.Add(9 * time.Minute).Unix()})
}

// token mints an installation token of nhi's installation on org.
func (h *harness) token(org string) string {
	h.t.Helper()
	id, ok := h.s.InstallationID(org)
	if !ok {
		h.t.Fatalf("no installation on %s", org)
	}
	a := h.do(http.MethodPost, "/app/installations/"+itoa(id)+"/access_tokens", h.jwt(), nil)
	if a.status != http.StatusCreated {
		h.t.Fatalf("access token: %d %s", a.status, a.body)
	}
	var out struct {
		Token string `json:"token"`
	}
	a.json(h.t, &out)
	return out.Token
}

// next returns the rel="next" URL of a Link header, or "".
func next(hdr http.Header) string {
	for _, part := range strings.Split(hdr.Get("Link"), ",") {
		u, rel, ok := strings.Cut(strings.TrimSpace(part), ";")
		if ok && strings.TrimSpace(rel) == `rel="next"` {
			return strings.Trim(u, "<>")
		}
	}
	return ""
}

// walk follows next links from target and returns every page's items (decoded as a
// JSON array each) and the number of pages.
func (h *harness) walk(target, cred string) ([]map[string]any, int) {
	h.t.Helper()
	var all []map[string]any
	pages := 0
	for target != "" {
		a := h.get(target, cred)
		if a.status != http.StatusOK {
			h.t.Fatalf("GET %s: %d %s", target, a.status, a.body)
		}
		var items []map[string]any
		a.json(h.t, &items)
		all = append(all, items...)
		pages++
		target = next(a.header)
		if u, err := url.Parse(target); err == nil && target != "" && u.Host != "example.com" {
			h.t.Fatalf("next link %q does not point at the request's host", target)
		}
	}
	return all, pages
}
