package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
	"github.com/nhiscope/nhi/store/sqlite"
	"github.com/nhiscope/nhi/web"
)

// Run the benchmark (about a minute, most of it building the store) with:
//
//	go test ./web -run '^$' -bench BenchmarkPagesAtOneMillion -benchtime 50x
//
// It measures server time: the handler is called directly, without a network.

// benchIdentities is the size of the benchmark's inventory.
const benchIdentities = 1_000_000

// benchGrant is the i-th grant of a large tenant: 10 grants per person, 500 apps.
func benchGrant(i int) nhi.Identity {
	u, a := i/10, (i*7919)%500
	id := nhi.Identity{Platform: nhi.PlatformGoogleWorkspace, Tenant: "C01", Kind: nhi.KindOAuthGrant,
		ExternalID: fmt.Sprintf("user-%d:client-%d-%d", u, a, i), Name: fmt.Sprintf("App %d", a),
		AppID: fmt.Sprintf("client-%d", a), OwnerID: fmt.Sprintf("user-%d", u), Scope: fmt.Sprintf("user:user-%d", u),
		Permissions: []nhi.Permission{{Scope: "https://www.googleapis.com/auth/drive.readonly"}, {Scope: "openid"}},
		LastUsedAt:  time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Minute)}
	if i%3 == 0 {
		id.Kind = nhi.KindServiceAccount
	}
	// Two in three were created at a known time, one in ten expires, one in seven was
	// never used: the sorted pages meet unknown values at either end.
	if i%3 != 2 {
		id.CreatedAt = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i*7919%benchIdentities) * time.Second)
	}
	if i%10 == 0 {
		id.ExpiresAt = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i*104729%benchIdentities) * time.Second)
	}
	if i%7 == 0 {
		id.LastUsedAt = time.Time{}
	}
	id.ID = nhi.NewIdentityID(id.Platform, id.Tenant, id.Kind, id.ExternalID)
	return id
}

// seedLarge fills a store with benchIdentities identities, their owners (one in 20
// departed), 500 apps and a finding for every fourth identity.
func seedLarge(b *testing.B) *sqlite.DB {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "nhi.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	sc, err := st.BeginScan(ctx, nhi.Scan{Connector: "bench", Platform: nhi.PlatformGoogleWorkspace, Tenant: "C01", Full: true})
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now()
	var apps []nhi.App
	for a := range 500 {
		apps = append(apps, nhi.App{Platform: nhi.PlatformGoogleWorkspace, Tenant: "C01", ExternalID: fmt.Sprintf("client-%d", a), Name: fmt.Sprintf("App %d", a)})
	}
	if err := st.PutApps(ctx, sc.ID, now, apps); err != nil {
		b.Fatal(err)
	}
	const batch = 2000
	for start := 0; start < benchIdentities; start += batch {
		ids := make([]nhi.Identity, 0, batch)
		var people []nhi.Person
		var findings []nhi.Finding
		for i := start; i < start+batch; i++ {
			id := benchGrant(i)
			ids = append(ids, id)
			if i%10 == 0 {
				status := nhi.PersonActive
				if i%200 == 0 {
					status = nhi.PersonDeparted
				}
				people = append(people, nhi.Person{Platform: id.Platform, Tenant: id.Tenant, ExternalID: id.OwnerID,
					Email: id.OwnerID + "@example.com", Status: status})
			}
			if i%4 == 0 {
				sev := []nhi.Severity{nhi.SeverityLow, nhi.SeverityMedium, nhi.SeverityHigh, nhi.SeverityCritical}[i/4%4]
				findings = append(findings, nhi.Finding{ID: nhi.NewFindingID("usage.stale", nhi.SubjectIdentity, id.ID),
					Signal: "usage.stale", Title: "Unused", Severity: sev, Points: 10, OWASP: []string{"NHI7:2025"},
					SubjectKind: nhi.SubjectIdentity, SubjectID: id.ID, Platform: id.Platform, Tenant: id.Tenant,
					AppID: id.AppID, OwnerID: id.OwnerID, Evidence: []string{"not used for 200 days"}})
			}
		}
		if err := st.PutPeople(ctx, sc.ID, now, people); err != nil {
			b.Fatal(err)
		}
		if err := st.PutIdentities(ctx, sc.ID, now, ids); err != nil {
			b.Fatal(err)
		}
		if err := st.PutFindings(ctx, sc.ID, now, findings); err != nil {
			b.Fatal(err)
		}
	}
	sc.Status, sc.FinishedAt = nhi.ScanSucceeded, time.Now()
	if err := st.FinishScan(ctx, sc); err != nil {
		b.Fatal(err)
	}
	return st
}

// BenchmarkPagesAtOneMillion measures the inventory, findings, dashboard and apps pages the
// console asks for, over 1,000,000 identities and 250,000 findings.
func BenchmarkPagesAtOneMillion(b *testing.B) {
	if testing.Short() {
		b.Skip("building 1,000,000 identities takes a minute")
	}
	ctx := context.Background()
	start := time.Now()
	st := seedLarge(b)
	auth, err := web.OpenSQLiteAuth(ctx, filepath.Join(b.TempDir(), "auth.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { auth.Close() })
	b.Logf("seeded %d identities in %s", benchIdentities, time.Since(start).Round(time.Second))
	srv, err := web.New(web.Config{Store: st, Auth: auth})
	if err != nil {
		b.Fatal(err)
	}
	h := srv.Handler()
	if err := web.CreateUser(ctx, auth, st, "bench", web.User{Name: "bench", Role: web.RoleViewer}, password, time.Now()); err != nil {
		b.Fatal(err)
	}
	bearer := benchToken(b, h)
	deep := deepCursor(b, st, store.IdentityFilter{})
	// A page: its path, and for deep pages the filter whose cursor half-way through the
	// inventory ends the path (found when the page is measured, so that -bench can skip it).
	type page struct {
		name, path string
		deep       *store.IdentityFilter
	}
	var sorted []page
	for _, sort := range store.IdentitySorts() {
		for _, v := range []string{string(sort), "-" + string(sort)} {
			sorted = append(sorted, page{"identities/sort=" + v, "/api/v1/identities?limit=50&sort=" + v, nil})
		}
		sorted = append(sorted,
			page{"identities/sort=" + string(sort) + "/deep", "/api/v1/identities?limit=50&sort=" + string(sort) + "&cursor=",
				&store.IdentityFilter{Sort: sort}},
			page{"identities/sort=" + string(sort) + "/kind", "/api/v1/identities?limit=50&kind=service_account&sort=" + string(sort), nil})
	}
	for _, path := range []string{"/api/v1/dashboard", "/api/v1/apps?sort=risk"} {
		began := time.Now()
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", path, nil)
		req.Header.Set("Authorization", "Bearer "+bearer)
		h.ServeHTTP(rec, req)
		b.Logf("first %s (computes the figures the pages reuse): %d in %s", path, rec.Code, time.Since(began).Round(time.Millisecond))
	}
	// The dashboard and the apps by risk reuse figures a server computes once; a new server
	// per call measures computing them.
	for _, path := range []string{"/api/v1/dashboard", "/api/v1/apps?sort=risk&limit=50"} {
		b.Run("computed"+path[len("/api/v1"):], func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				fresh, err := web.New(web.Config{Store: st, Auth: auth})
				if err != nil {
					b.Fatal(err)
				}
				rec := httptest.NewRecorder()
				req := httptest.NewRequest("GET", path, nil)
				req.Header.Set("Authorization", "Bearer "+bearer)
				h := fresh.Handler()
				b.StartTimer()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("%s: %d %s", path, rec.Code, rec.Body)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/page")
		})
	}
	for _, tc := range append([]page{
		{"identities/first", "/api/v1/identities?limit=50", nil},
		{"identities/deep", "/api/v1/identities?limit=50&cursor=" + deep, nil},
		{"identities/kind", "/api/v1/identities?kind=service_account&limit=50", nil},
		{"identities/platform", "/api/v1/identities?platform=google_workspace&limit=50", nil},
		{"identities/platform_kind", "/api/v1/identities?platform=google_workspace&kind=service_account&limit=50", nil},
		{"identities/app", "/api/v1/identities?app=client-7&limit=50", nil},
		{"identities/owner_departed", "/api/v1/identities?owner_status=departed&limit=50", nil},
		{"identities/search", "/api/v1/identities?q=client-7-&limit=50", nil},
		{"findings/first", "/api/v1/findings?limit=50", nil},
		{"findings/high", "/api/v1/findings?severity=high&limit=50", nil},
		{"findings/app", "/api/v1/findings?app=client-0&limit=50", nil},
		{"findings/platform", "/api/v1/findings?platform=google_workspace&limit=50", nil},
		{"findings/open_critical", "/api/v1/findings?status=open&severity=critical&limit=50", nil},
		{"findings/signal", "/api/v1/findings?signal=usage.stale&limit=50", nil},
		{"dashboard", "/api/v1/dashboard", nil},
		{"apps/users", "/api/v1/apps?limit=50", nil},
		{"apps/risk", "/api/v1/apps?sort=risk&limit=50", nil},
	}, sorted...) {
		b.Run(tc.name, func(b *testing.B) {
			if tc.deep != nil {
				tc.path += deepCursor(b, st, *tc.deep)
				tc.deep = nil
			}
			for b.Loop() {
				rec := httptest.NewRecorder()
				req := httptest.NewRequest("GET", tc.path, nil)
				req.Header.Set("Authorization", "Bearer "+bearer)
				h.ServeHTTP(rec, req)
				body := rec.Body.Bytes()
				if rec.Code != http.StatusOK || !bytes.Contains(body, []byte(`"items":[{`)) && !bytes.Contains(body, []byte(`"counts":[{`)) {
					b.Fatalf("%s: %d %s", tc.path, rec.Code, rec.Body)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/page")
		})
	}
}

// benchToken signs in as the bench user and mints a read token.
func benchToken(b *testing.B, h http.Handler) string {
	b.Helper()
	ts := httptest.NewServer(h)
	defer ts.Close()
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar}
	call := func(method, path, csrf string, body any, out any) {
		raw, _ := json.Marshal(body)
		req, _ := http.NewRequest(method, ts.URL+path, bytes.NewReader(raw))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-CSRF-Token", csrf)
		res, err := hc.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		defer res.Body.Close()
		if res.StatusCode >= 300 {
			b.Fatalf("%s %s: %d", method, path, res.StatusCode)
		}
		if out != nil {
			if err := json.NewDecoder(res.Body).Decode(out); err != nil {
				b.Fatal(err)
			}
		}
	}
	call("POST", "/api/v1/session", "", map[string]string{"username": "bench", "password": password}, nil)
	var me struct {
		CSRF string `json:"csrf_token"`
	}
	call("GET", "/api/v1/me", "", nil, &me)
	var tok struct {
		Secret string `json:"secret"`
	}
	call("POST", "/api/v1/tokens", me.CSRF, map[string]any{"name": "bench", "scopes": []string{"read"}}, &tok)
	return tok.Secret
}

// deepCursor returns the API cursor of the identities page half-way through the store in
// the order of f.
func deepCursor(b *testing.B, st *sqlite.DB, f store.IdentityFilter) string {
	b.Helper()
	f.Limit = store.MaxLimit
	for range benchIdentities / 2 / store.MaxLimit {
		p, err := st.ListIdentities(context.Background(), f)
		if err != nil {
			b.Fatal(err)
		}
		f.After = p.Next
	}
	after := f.After
	return web.EncodeCursor(after)
}
