package googleworkspacesim

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
)

// BenchmarkTokensList measures tokens.list over loopback, requests in parallel, each for
// another user of a 10,000-person estate. Run:
//
//	go test -run '^$' -bench TokensList ./connector/googleworkspace/googleworkspacesim/
func BenchmarkTokensList(b *testing.B) {
	e := bigEstate(10_000)
	s, u, tok := newTestServer(b, e, Options{MaxRequestLog: 1000})
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	var next atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			p := e.People[next.Add(1)%int64(len(e.People))]
			req, err := http.NewRequest(http.MethodGet, u+"/admin/directory/v1/users/"+p.Email+"/tokens", nil)
			if err != nil {
				b.Error(err)
				return
			}
			req.Header.Set("Authorization", "Bearer "+tok)
			resp, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	})
	b.StopTimer()
	if st := s.Stats(); st.Requests < b.N {
		b.Errorf("served %d requests, want %d", st.Requests, b.N)
	}
}

// BenchmarkTokensListHandler measures the handler alone, without the network.
func BenchmarkTokensListHandler(b *testing.B) {
	e := bigEstate(10_000)
	s, _, tok := newTestServer(b, e, Options{MaxRequestLog: 1000})
	req := httptest.NewRequest(http.MethodGet, "/admin/directory/v1/users/"+e.People[4].Email+"/tokens", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		s.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d", w.Code)
		}
	}
}
