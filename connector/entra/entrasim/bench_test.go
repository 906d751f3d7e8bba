package entrasim

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"
)

// BenchmarkListGrants measures a full listing of a large tenant's delegated grants, 999
// to a page, as a scan reads them.
func BenchmarkListGrants(b *testing.B) {
	e := generated(b, 1, 20_000)
	s, err := New(e, Options{})
	if err != nil {
		b.Fatal(err)
	}
	id, _ := s.ClientCredentials()
	tok, err := s.AccessToken(id)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		link := "http://sim/v1.0/oauth2PermissionGrants?$top=999"
		for link != "" {
			req, _ := http.NewRequest(http.MethodGet, link, nil)
			req.Header.Set("Authorization", "Bearer "+tok)
			rec := &bodyRecorder{header: http.Header{}}
			s.ServeHTTP(rec, req)
			if rec.status != http.StatusOK {
				b.Fatalf("status %d", rec.status)
			}
			link = nextLink(rec.body)
		}
	}
}

// bodyRecorder is a minimal http.ResponseWriter for benchmarks.
type bodyRecorder struct {
	header http.Header
	status int
	body   []byte
}

func (r *bodyRecorder) Header() http.Header { return r.header }
func (r *bodyRecorder) WriteHeader(s int)   { r.status = s }
func (r *bodyRecorder) Write(p []byte) (int, error) {
	r.body = append(r.body, p...)
	return len(p), nil
}

// nextLink extracts @odata.nextLink from a page, or "", without decoding the page.
func nextLink(body []byte) string {
	const key = `"@odata.nextLink":`
	i := bytes.Index(body, []byte(key))
	if i < 0 {
		return ""
	}
	var link string
	if err := json.NewDecoder(bytes.NewReader(body[i+len(key):])).Decode(&link); err != nil {
		return ""
	}
	return link
}
