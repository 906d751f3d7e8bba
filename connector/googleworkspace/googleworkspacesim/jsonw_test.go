package googleworkspacesim

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestAppendStringMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	tests := []string{
		"", "plain", `quote " and \ backslash`, "<script>alert(1)</script> & co",
		"\x00\x01\x07\b\f\n\r\t\x1b[31m\x7f", "\u2028\u2029", "bidi \u202e override", "invalid \xff\xfe utf-8",
		"truncated \xe2\x82", "emoji 🙂 and ü",
	}
	for _, s := range tests {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendString(nil, s); string(got) != string(want) {
			t.Errorf("appendString(%q) = %s, want %s", s, got, want)
		}
	}
}

func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "a\"b", "\x00<>&", "\xff", "\u2028"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, err := json.Marshal(s)
		if err != nil {
			t.Skip()
		}
		if got := appendString(nil, s); string(got) != string(want) {
			t.Errorf("appendString(%q) = %s, want %s", s, got, want)
		}
	})
}

func TestEtagValue(t *testing.T) {
	t.Parallel()
	for _, h := range []uint64{0, 1, 1 << 63, 0xdeadbeefcafebabe} {
		var decoded string
		if err := json.Unmarshal(appendEtag(nil, h), &decoded); err != nil {
			t.Fatal(err)
		}
		if decoded != etagValue(h) || len(decoded) != 13 || decoded[0] != '"' || decoded[12] != '"' {
			t.Errorf("etag of %x: wire %q, value %q", h, decoded, etagValue(h))
		}
	}
	if etagValue(1) == etagValue(2) {
		t.Error("different hashes give the same etag")
	}
}

func FuzzPageToken(f *testing.F) {
	s, err := New(smallEstate(), Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(s.encodePageToken(pageUsers, 7, 3, 0))
	f.Add("")
	f.Add("AAAA")
	f.Fuzz(func(t *testing.T, tok string) {
		a, b, ok := s.decodePageToken(tok, pageUsers, 7)
		if ok && s.encodePageToken(pageUsers, 7, a, b) != tok {
			t.Errorf("accepted token %q is not one the server issues", tok)
		}
	})
}

// FuzzQueries sends arbitrary query strings and paths to the list endpoints and the token
// endpoint: the simulator must answer every one with a 2xx or 4xx and a JSON body (or, for
// a path that is not clean, net/http's redirect to the clean one).
func FuzzQueries(f *testing.F) {
	s, err := New(smallEstate(), Options{})
	if err != nil {
		f.Fatal(err)
	}
	tok, err := s.AccessToken("admin@example.com", DefaultDelegatedScopes()...)
	if err != nil {
		f.Fatal(err)
	}
	f.Add("/admin/directory/v1/users", "customer=my_customer&query=email%3Aa*&maxResults=2")
	f.Add("/admin/reports/v1/activity/users/all/applications/token", "filters=client_id%3D%3Dx,app_name%3C%3Ey&startTime=2025-01-01T00:00:00Z")
	f.Add("/admin/directory/v1/users/alice@example.com/tokens/x", "")
	f.Add("/token", "grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=a.b.c")
	f.Fuzz(func(t *testing.T, path, query string) {
		method := http.MethodGet
		if path == "/token" {
			method = http.MethodPost
		}
		u := &url.URL{Path: "/" + strings.TrimLeft(path, "/"), RawQuery: query}
		req := httptest.NewRequest(method, "/", strings.NewReader(query))
		req.URL = u
		req.RequestURI = u.RequestURI()
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		w := httptest.NewRecorder()
		s.ServeHTTP(w, req)
		if w.Code >= 500 {
			t.Fatalf("%s %s?%s: %d %s", method, path, query, w.Code, w.Body)
		}
		plain := w.Code == http.StatusNoContent || w.Code == http.StatusMethodNotAllowed ||
			w.Code == http.StatusTemporaryRedirect || w.Code == http.StatusMovedPermanently
		if !plain && !json.Valid(w.Body.Bytes()) {
			t.Fatalf("%s %s?%s: %d, body not JSON: %q", method, path, query, w.Code, w.Body)
		}
	})
}

func TestAppendTimeMatchesFormat(t *testing.T) {
	t.Parallel()
	for _, tm := range []time.Time{
		time.Date(2025, 8, 12, 10, 1, 2, 123_456_789, time.UTC), time.Unix(0, 0),
		time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(9999, 12, 31, 23, 59, 59, 999_999_999, time.UTC),
		time.Date(2024, 2, 29, 7, 8, 9, 5_000_000, time.FixedZone("x", -5*3600)),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC),
	} {
		want := `"` + tm.UTC().Format(googleTimeLayout) + `"`
		if got := string(appendTime(nil, tm)); got != want {
			t.Errorf("appendTime(%v) = %s, want %s", tm, got, want)
		}
	}
}

func TestPlainPrefix(t *testing.T) {
	t.Parallel()
	tests := []struct {
		s    string
		want int
	}{
		{"", 0}, {"abc", 3}, {"https://www.googleapis.com/auth/drive", 37}, {"0123456\"89", 7}, {"01234567\\9", 8},
		{"0123456789<", 10}, {"a>", 1}, {"&", 0}, {"0123456789abcde\x1f", 15}, {"0123456789abcdef\x7f", 17},
		{"caf\u00e9 au lait", 3}, {"01234567\x00", 8},
	}
	for _, tt := range tests {
		if got := plainPrefix(tt.s); got != tt.want {
			t.Errorf("plainPrefix(%q) = %d, want %d", tt.s, got, tt.want)
		}
	}
}
