package web_test

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/web"
)

// TestReadEndpoints reads every read endpoint as a viewer and checks the shape of each
// answer against the scanned tenant.
func TestReadEndpoints(t *testing.T) {
	t.Parallel()
	w := sharedWorld(t)
	c := signIn(t, w.server(t, web.Config{}), "viewer")

	var ids list[nhi.Identity]
	c.get("/api/v1/identities?kind=oauth_grant&limit=5", &ids)
	if len(ids.Items) != 5 || ids.NextCursor == "" {
		t.Fatalf("identities: %d items, cursor %q; want 5 and a cursor", len(ids.Items), ids.NextCursor)
	}
	grant := someGrant(t, w, 0)
	var detail struct {
		Identity nhi.Identity     `json:"identity"`
		Owner    *nhi.Person      `json:"owner"`
		App      *nhi.App         `json:"app"`
		Findings []nhi.Finding    `json:"findings"`
		Actions  []nhi.ActionType `json:"actions"`
		Score    struct {
			Total         int    `json:"total"`
			Severity      string `json:"severity"`
			Contributions []struct {
				Signal   string   `json:"signal"`
				Points   int      `json:"points"`
				Evidence []string `json:"evidence"`
			} `json:"contributions"`
		} `json:"score"`
	}
	c.get("/api/v1/identities/"+grant.ID, &detail)
	if detail.Identity.ID != grant.ID || detail.Owner == nil || detail.App == nil || detail.Score.Severity == "" {
		t.Errorf("identity detail = %+v", detail)
	}
	if diff := cmp.Diff([]nhi.ActionType{nhi.ActionRevokeGrant}, detail.Actions); diff != "" {
		t.Errorf("actions of a Google grant (-want +got):\n%s", diff)
	}
	sum := 0
	for _, ct := range detail.Score.Contributions {
		sum += ct.Points
	}
	if sum < detail.Score.Total {
		t.Errorf("contributions add up to %d, less than the total %d", sum, detail.Score.Total)
	}

	var people list[nhi.Person]
	c.get("/api/v1/people?status=active&limit=3", &people)
	if len(people.Items) != 3 || people.Items[0].Status != nhi.PersonActive {
		t.Errorf("people = %+v", people.Items)
	}
	for _, sort := range []string{"users", "name", "risk"} {
		var apps list[struct {
			nhi.App
			Risk int `json:"risk"`
		}]
		c.get("/api/v1/apps?limit=4&sort="+sort, &apps)
		if len(apps.Items) != 4 || apps.NextCursor == "" {
			t.Fatalf("apps sort=%s: %d items, cursor %q", sort, len(apps.Items), apps.NextCursor)
		}
		if sort == "risk" && apps.Items[0].Risk < apps.Items[3].Risk {
			t.Errorf("apps by risk are not descending: %d then %d", apps.Items[0].Risk, apps.Items[3].Risk)
		}
		if sort == "users" && apps.Items[0].Users < apps.Items[3].Users {
			t.Errorf("apps by users are not descending")
		}
	}
	app := detail.App
	var appDetail struct {
		App        nhi.App             `json:"app"`
		Identities int                 `json:"identities"`
		Findings   []nhi.Finding       `json:"findings"`
		Score      struct{ Total int } `json:"score"`
	}
	c.get("/api/v1/apps/"+string(app.Platform)+"/"+url.PathEscape(app.Tenant)+"/"+url.PathEscape(app.ExternalID), &appDetail)
	if appDetail.App.ExternalID != app.ExternalID || appDetail.Identities != app.Identities || appDetail.Identities == 0 {
		t.Errorf("app detail = %+v, want app %s with %d identities", appDetail, app.ExternalID, app.Identities)
	}

	var vendor struct {
		Apps            []nhi.App      `json:"apps"`
		Identities      []nhi.Identity `json:"identities"`
		IdentitiesTotal int            `json:"identities_total"`
		KillSwitch      nhi.Plan       `json:"kill_switch"`
	}
	c.get("/api/v1/vendors/"+url.PathEscape(app.Name), &vendor)
	if len(vendor.Apps) == 0 || vendor.IdentitiesTotal != len(vendor.Identities) || vendor.KillSwitch.ID != "" ||
		len(vendor.KillSwitch.Actions) < vendor.IdentitiesTotal || vendor.KillSwitch.State != nhi.PlanProposed {
		t.Errorf("vendor %q: %d apps, %d/%d identities, kill switch %s %s with %d actions", app.Name, len(vendor.Apps),
			len(vendor.Identities), vendor.IdentitiesTotal, vendor.KillSwitch.ID, vendor.KillSwitch.State, len(vendor.KillSwitch.Actions))
	}
	plans := list[nhi.Plan]{}
	c.get("/api/v1/plans?state=proposed", &plans)
	for _, p := range plans.Items {
		if p.Title == vendor.KillSwitch.Title && p.CreatedAt.IsZero() {
			t.Errorf("the vendor page saved its preview: %+v", p)
		}
	}

	var findings list[nhi.Finding]
	c.get("/api/v1/findings?severity=high&limit=10", &findings)
	if len(findings.Items) == 0 {
		t.Fatal("no high findings in the scanned tenant")
	}
	for _, f := range findings.Items {
		if f.Severity.Rank() < nhi.SeverityHigh.Rank() {
			t.Errorf("finding %s is %s, below high", f.ID, f.Severity)
		}
	}
	var one nhi.Finding
	c.get("/api/v1/findings/"+findings.Items[0].ID, &one)
	if one.ID != findings.Items[0].ID {
		t.Errorf("finding = %s, want %s", one.ID, findings.Items[0].ID)
	}

	var dash struct {
		Counts             []struct{ Count int }    `json:"counts"`
		FindingsBySeverity map[string]int           `json:"findings_by_severity"`
		Trend              []struct{ Findings int } `json:"trend"`
		RiskiestVendors    []struct {
			Vendor string `json:"vendor"`
			Points int    `json:"points"`
		} `json:"riskiest_vendors"`
		OffboardingDebt struct{ Suspended, Departed int } `json:"offboarding_debt"`
	}
	c.get("/api/v1/dashboard", &dash)
	if len(dash.Counts) == 0 || len(dash.Trend) == 0 || dash.Trend[len(dash.Trend)-1].Findings == 0 || len(dash.RiskiestVendors) == 0 ||
		dash.FindingsBySeverity["high"] == 0 || dash.OffboardingDebt.Suspended+dash.OffboardingDebt.Departed == 0 {
		t.Errorf("dashboard = %+v", dash)
	}

	var scans list[nhi.Scan]
	c.get("/api/v1/scans", &scans)
	if len(scans.Items) == 0 || scans.Items[0].Connector != "google" {
		t.Errorf("scans = %+v", scans.Items)
	}
	var conns list[struct {
		Name, Tenant   string
		Remediates     bool
		LastScanStatus string `json:"last_scan_status"`
	}]
	c.get("/api/v1/connectors", &conns)
	if len(conns.Items) != 1 || conns.Items[0].Tenant != w.tenant || !conns.Items[0].Remediates || conns.Items[0].LastScanStatus == "" {
		t.Errorf("connectors = %+v", conns.Items)
	}
	var audit list[nhi.AuditEntry]
	c.get("/api/v1/audit?limit=2", &audit)
	if len(audit.Items) != 2 || audit.NextCursor == "" {
		t.Fatalf("audit: %d entries, cursor %q", len(audit.Items), audit.NextCursor)
	}
	var more list[nhi.AuditEntry]
	c.get("/api/v1/audit?limit=2&cursor="+audit.NextCursor, &more)
	if len(more.Items) == 0 || more.Items[0].Seq != audit.Items[1].Seq+1 {
		t.Errorf("the second audit page starts at %+v, want seq %d", more.Items, audit.Items[1].Seq+1)
	}
	c.get("/api/v1/changes", &list[nhi.Change]{})
}

// TestListsPageThroughEverything walks identities in small pages, with and without a
// text search, and gets exactly what the store holds.
func TestListsPageThroughEverything(t *testing.T) {
	t.Parallel()
	w := sharedWorld(t)
	c := signIn(t, w.server(t, web.Config{}), "viewer")
	walk := func(query string) []string {
		var got []string
		cur := ""
		for range 1000 {
			var page list[nhi.Identity]
			c.get("/api/v1/identities?limit=7&"+query+"&cursor="+url.QueryEscape(cur), &page)
			for _, id := range page.Items {
				got = append(got, id.ID)
			}
			if cur = page.NextCursor; cur == "" {
				return got
			}
		}
		t.Fatal("paging never ends")
		return nil
	}
	all, err := w.db.ListIdentities(t.Context(), storeAll())
	if err != nil {
		t.Fatal(err)
	}
	// Search for a word of some app's name, in upper case: the search ignores case.
	term := strings.ToLower(strings.Fields(someGrant(t, w, 3).Name)[0])
	var want, wantQ []string
	for _, id := range all.Items {
		want = append(want, id.ID)
		for _, f := range []string{id.ID, id.Name, id.ExternalID, id.AppID} {
			if strings.Contains(strings.ToLower(f), term) {
				wantQ = append(wantQ, id.ID)
				break
			}
		}
	}
	if diff := cmp.Diff(want, walk("")); diff != "" {
		t.Errorf("paged identities differ from the store (-want +got):\n%s", diff)
	}
	if len(wantQ) == 0 || len(wantQ) == len(want) {
		t.Fatalf("%d of %d identities mention %q: not a useful search", len(wantQ), len(want), term)
	}
	if diff := cmp.Diff(wantQ, walk("q="+url.QueryEscape(strings.ToUpper(term)))); diff != "" {
		t.Errorf("paged search differs (-want +got):\n%s", diff)
	}
}

// TestHostileNamesStayText returns an app named with markup through the JSON API and
// checks it comes back escaped, never as markup, in JSON, CSV and error messages.
func TestHostileNamesStayText(t *testing.T) {
	t.Parallel()
	w := sharedWorld(t)
	c := signIn(t, w.server(t, web.Config{}), "viewer")
	for _, path := range []string{"/api/v1/identities?q=onerror", "/api/v1/identities/" + w.hostileID,
		"/api/v1/vendors/" + url.PathEscape(hostile), "/api/v1/apps?sort=name&limit=1000"} {
		r := c.get(path, nil)
		if bytes.Contains(r.body, []byte("<")) || bytes.Contains(r.body, []byte(">")) {
			t.Errorf("GET %s: raw markup in the body", path)
		}
		if !bytes.Contains(r.body, []byte(`\u003cimg src=x onerror=window.__pwned=1\u003e`)) {
			t.Errorf("GET %s: the hostile name is not there, escaped", path)
		}
		var v any
		if err := json.Unmarshal(r.body, &v); err != nil || !strings.Contains(string(mustJSON(v)), hostile) {
			t.Errorf("GET %s: the name does not decode back to itself", path)
		}
	}
	r := c.do("GET", "/api/v1/identities/"+url.PathEscape(hostile), nil)
	if code, _ := errorOf(t, r); r.status != http.StatusNotFound || code != "not_found" || bytes.Contains(r.body, []byte("<")) {
		t.Errorf("unknown hostile ID: %d %s", r.status, r.body)
	}
	r = c.get("/api/v1/export/identities?format=csv", nil)
	rows, err := csv.NewReader(bytes.NewReader(r.body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, row := range rows {
		found = found || row[0] == w.hostileID && row[5] == hostile
	}
	if !found || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") {
		t.Errorf("CSV export: hostile row found %v, content type %q", found, r.header.Get("Content-Type"))
	}
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	var out bytes.Buffer
	_ = json.Indent(&out, b, "", "")
	s := strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&").Replace(out.String())
	return []byte(s)
}

// TestExportsStream checks that exports hold every record, one JSON object a line.
func TestExportsStream(t *testing.T) {
	t.Parallel()
	w := sharedWorld(t)
	c := signIn(t, w.server(t, web.Config{}), "viewer")
	all, err := w.db.ListIdentities(t.Context(), storeAll())
	if err != nil {
		t.Fatal(err)
	}
	r := c.get("/api/v1/export/identities", nil)
	n := 0
	sc := bufio.NewScanner(bytes.NewReader(r.body))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var id nhi.Identity
		if err := json.Unmarshal(sc.Bytes(), &id); err != nil || id.ID == "" {
			t.Fatalf("line %d: %v", n+1, err)
		}
		n++
	}
	if n != len(all.Items) {
		t.Errorf("NDJSON export has %d identities, want %d", n, len(all.Items))
	}
	r = c.get("/api/v1/export/findings?format=csv&severity=critical", nil)
	if !bytes.HasPrefix(r.body, []byte("id,severity,signal")) {
		t.Errorf("findings CSV starts %q", r.body[:min(40, len(r.body))])
	}
}

// TestErrorsHaveOneShape sends bad requests of every kind and checks the status and code.
func TestErrorsHaveOneShape(t *testing.T) {
	t.Parallel()
	w := sharedWorld(t)
	ts := w.server(t, web.Config{})
	c := signIn(t, ts, "analyst")
	anon := newClient(t, ts)
	for _, tc := range []struct {
		name, method, path string
		c                  *client
		body               any
		status             int
		code               string
	}{
		{"unknown endpoint", "GET", "/api/v1/nothing", c, nil, 404, "not_found"},
		{"unknown auth path", "GET", "/auth/nothing", c, nil, 404, "not_found"},
		{"wrong method", "PUT", "/api/v1/plans", c, nil, 405, "invalid"},
		{"unknown identity", "GET", "/api/v1/identities/gws_nope", c, nil, 404, "not_found"},
		{"unknown plan", "POST", "/api/v1/plans/pln_nope/approve", signIn(t, ts, "approver"), nil, 404, "not_found"},
		{"bad kind", "GET", "/api/v1/identities?kind=robot", c, nil, 400, "invalid"},
		{"unknown parameter", "GET", "/api/v1/findings?colour=red", c, nil, 400, "invalid"},
		{"bad limit", "GET", "/api/v1/people?limit=0", c, nil, 400, "invalid"},
		{"bad cursor", "GET", "/api/v1/identities?cursor=!!", c, nil, 400, "invalid"},
		{"signed out", "GET", "/api/v1/identities", anon, nil, 401, "unauthorized"},
		{"me signed out", "GET", "/api/v1/me", anon, nil, 401, "unauthorized"},
		{"unknown field", "POST", "/api/v1/plans", c, map[string]any{"identities": []string{"x"}}, 400, "invalid"},
		{"no identities", "POST", "/api/v1/plans", c, map[string]any{"action": "revoke_grant"}, 400, "invalid"},
		{"unknown vendor", "POST", "/api/v1/plans", c, map[string]any{"vendor": "Nobody Inc"}, 404, "not_found"},
		{"huge user name", "POST", "/api/v1/session", anon, map[string]string{"username": strings.Repeat("a", 300), "password": "x"}, 400, "invalid"},
		{"suppress without until", "POST", "/api/v1/findings/fnd_x/suppress", c, map[string]any{"reason": "ok"}, 400, "invalid"},
	} {
		r := tc.c.do(tc.method, tc.path, tc.body)
		code, _ := errorOf(t, r)
		if r.status != tc.status || code != tc.code {
			t.Errorf("%s: %d %s, want %d %s (%s)", tc.name, r.status, code, tc.status, tc.code, r.body)
		}
	}
	r := c.do("PUT", "/api/v1/plans", nil)
	if got := r.header.Get("Allow"); got != "GET, POST, HEAD" {
		t.Errorf("Allow = %q", got)
	}
	req, _ := http.NewRequest("POST", ts.URL+"/api/v1/session", strings.NewReader("username=a&password=b"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnsupportedMediaType {
		t.Errorf("a form-encoded sign-in = %d, want 415", res.StatusCode)
	}
}

// TestSecurityHeaders checks the headers of API, console and error answers.
func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	w := sharedWorld(t)
	const csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; " +
		"base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
	for _, secure := range []bool{false, true} {
		ts := w.server(t, web.Config{Secure: secure, UI: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			_, _ = w.Write([]byte("console"))
		})})
		c := newClient(t, ts)
		for _, path := range []string{"/api/v1/me", "/api/v1/openapi.json", "/", "/inventory"} {
			r := c.do("GET", path, nil)
			h := r.header
			want := map[string]string{"Content-Security-Policy": csp, "X-Content-Type-Options": "nosniff",
				"Referrer-Policy": "no-referrer", "Cross-Origin-Opener-Policy": "same-origin"}
			if strings.HasPrefix(path, "/api/") {
				want["Cache-Control"] = "no-store"
			}
			for k, v := range want {
				if h.Get(k) != v {
					t.Errorf("secure=%v %s: %s = %q, want %q", secure, path, k, h.Get(k), v)
				}
			}
			if hsts := h.Get("Strict-Transport-Security"); (hsts != "") != secure {
				t.Errorf("secure=%v %s: HSTS %q", secure, path, hsts)
			}
		}
		r := c.do("POST", "/api/v1/session", map[string]string{"username": "viewer", "password": password})
		cookie := r.header.Get("Set-Cookie")
		for _, attr := range []string{"nhi_session=", "HttpOnly", "SameSite=Strict", "Path=/"} {
			if !strings.Contains(cookie, attr) {
				t.Errorf("secure=%v: cookie %q lacks %s", secure, cookie, attr)
			}
		}
		if strings.Contains(cookie, "Secure") != secure {
			t.Errorf("secure=%v: cookie %q", secure, cookie)
		}
	}
}
