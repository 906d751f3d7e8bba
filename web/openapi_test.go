package web_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	stdcmp "cmp"
	"github.com/google/go-cmp/cmp"

	"github.com/nhiscope/nhi/web"
)

// TestOpenAPIMatchesRoutes compares the served OpenAPI document with the routes the
// server registers, methods and roles included, and sends a request for every documented
// operation through the server's handler to check that the mux routes it.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	t.Parallel()
	w := sharedWorld(t)
	s, err := web.New(web.Config{Store: w.db, Auth: w.auth, Engine: w.engine})
	if err != nil {
		t.Fatal(err)
	}
	ts := w.server(t, web.Config{})
	admin := signIn(t, ts, "admin")
	var doc struct {
		OpenAPI    string                                `json:"openapi"`
		Paths      map[string]map[string]json.RawMessage `json:"paths"`
		Components struct {
			Schemas map[string]json.RawMessage `json:"schemas"`
		} `json:"components"`
	}
	raw := admin.get("/api/v1/openapi.json", &doc).body
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi = %q", doc.OpenAPI)
	}
	var documented, registered []string
	for path, ops := range doc.Paths {
		for method, op := range ops {
			var o struct {
				Role string `json:"x-nhi-role"`
			}
			if err := json.Unmarshal(op, &o); err != nil {
				t.Fatalf("%s %s: %v", method, path, err)
			}
			documented = append(documented, strings.ToUpper(method)+" "+path+" "+o.Role)
		}
	}
	for _, r := range web.RouteList(s) {
		registered = append(registered, r[0]+" "+r[1]+" "+r[2])
	}
	slices.Sort(documented)
	slices.Sort(registered)
	if diff := cmp.Diff(registered, documented); diff != "" {
		t.Errorf("routes (-registered +documented):\n%s", diff)
	}
	for _, m := range regexp.MustCompile(`"#/components/schemas/([A-Za-z]+)"`).FindAllSubmatch(raw, -1) {
		if _, ok := doc.Components.Schemas[string(m[1])]; !ok {
			t.Errorf("reference to a missing schema %s", m[1])
		}
	}
	// Every documented operation reaches a handler: no mux 404 or 405. Signing out goes
	// last, since it ends the session the others use.
	slices.SortFunc(documented, func(a, b string) int {
		last := func(s string) int { return boolInt(strings.HasPrefix(s, "DELETE /api/v1/session")) }
		return stdcmp.Compare(last(a), last(b))
	})
	for _, d := range documented {
		f := strings.Fields(d)
		path := regexp.MustCompile(`\{[a-z_]+\}`).ReplaceAllString(f[1], "x")
		r := admin.do(f[0], path, nil)
		if r.status == http.StatusMethodNotAllowed {
			t.Errorf("%s %s: 405", f[0], path)
		}
		if r.status == http.StatusNotFound {
			if _, msg := errorOf(t, r); msg == "no such endpoint" {
				t.Errorf("%s %s: not routed", f[0], path)
			}
		}
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
