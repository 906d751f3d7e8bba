package salesforcesim

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/nhiscope/nhi/estate"
)

// BenchmarkQuery measures a query with a condition and an order over a generated org of
// 500 people, through ServeHTTP.
func BenchmarkQuery(b *testing.B) {
	e, err := estate.Generate(estate.Options{Seed: 7, People: 500})
	if err != nil || e.Salesforce == nil {
		b.Skip("no generated Salesforce org")
	}
	s, err := New(e, Options{DailyLimit: 1 << 30})
	if err != nil {
		b.Fatal(err)
	}
	tok := s.sessions.issue(s.w.orgID, s.w.nhiUser, e.Options.Now.Add(sessionTTL))
	target := "/services/data/v62.0/query?q=" + url.QueryEscape(
		"SELECT Id, UserId, LoginTime, SourceIp FROM LoginHistory WHERE LoginType = 'Remote Access 2.0' ORDER BY LoginTime DESC")
	for b.Loop() {
		req := httptest.NewRequest(http.MethodGet, target, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("%d %s", rec.Code, rec.Body)
		}
	}
}
