package ui

import (
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestHandlerServesFilesWithTypes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, method, path string
		wantStatus         int
		wantType           string
		wantBody           string
	}{
		{"root is the console", "GET", "/", 200, "text/html; charset=utf-8", `<script type="module" src="/static/js/app.js">`},
		{"stylesheet", "GET", "/static/app.css", 200, "text/css; charset=utf-8", "--accent"},
		{"module", "GET", "/static/js/app.js", 200, "text/javascript; charset=utf-8", "export function navigate"},
		{"nested module", "GET", "/static/js/pages/plans.js", 200, "text/javascript; charset=utf-8", "'approve'"},
		{"icon", "GET", "/static/favicon.svg", 200, "image/svg+xml", "<svg"},
		{"index by its name", "GET", "/static/index.html", 200, "text/html; charset=utf-8", "<main id=\"main\""},
		{"head", "HEAD", "/static/app.css", 200, "text/css; charset=utf-8", ""},
		{"client route", "GET", "/identities/gw-0001", 200, "text/html; charset=utf-8", `id="main"`},
		{"deep client route", "GET", "/vendors/%3Cimg%20src%3Dx%3E/x", 200, "text/html; charset=utf-8", `id="main"`},
		{"missing asset", "GET", "/static/js/nope.js", 404, "text/plain; charset=utf-8", "404"},
		{"directory is not listed", "GET", "/static/js/", 404, "text/plain; charset=utf-8", "404"},
		{"asset root is not listed", "GET", "/static/", 404, "text/plain; charset=utf-8", "404"},
		{"dot-dot stays inside", "GET", "/static/../ui.go", 200, "text/html; charset=utf-8", `id="main"`},
		{"escaped dot-dot stays inside", "GET", "/static/%2e%2e/%2e%2e/ui.go", 200, "text/html; charset=utf-8", `id="main"`},
		{"go source is not embedded", "GET", "/static/ui.go", 404, "text/plain; charset=utf-8", "404"},
		{"post refused", "POST", "/", 405, "text/plain; charset=utf-8", "method not allowed"},
	}
	h := Handler()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(tc.method, tc.path, nil))
			res := rec.Result()
			body, _ := io.ReadAll(res.Body)
			if res.StatusCode != tc.wantStatus {
				t.Fatalf("status = %d, want %d (body %q)", res.StatusCode, tc.wantStatus, body)
			}
			if got := res.Header.Get("Content-Type"); got != tc.wantType {
				t.Errorf("Content-Type = %q, want %q", got, tc.wantType)
			}
			if !strings.Contains(string(body), tc.wantBody) {
				t.Errorf("body does not contain %q:\n%.300s", tc.wantBody, body)
			}
			if strings.Contains(string(body), "package ui") {
				t.Error("Go source leaked")
			}
			if tc.wantStatus == 200 && res.Header.Get("X-Content-Type-Options") != "nosniff" {
				t.Error("missing X-Content-Type-Options: nosniff")
			}
		})
	}
}

func TestConsoleHasNoInlineCodeOrStyle(t *testing.T) {
	t.Parallel()
	// The API's CSP (script-src 'self'; style-src 'self') blocks inline scripts, style
	// attributes and on* handlers: the console must not rely on any.
	bad := []string{"<script>", "style=", " onclick=", " onload=", " onerror=", "<style", "innerHTML", "outerHTML",
		"insertAdjacentHTML", "document.write", "eval(", "new Function", "http://", "https://"}
	err := walkFiles(func(name string, body []byte) {
		text := strings.ReplaceAll(string(body), "http://www.w3.org/2000/svg", "") // SVG namespace, not a fetch
		for _, b := range bad {
			if strings.Contains(text, b) {
				t.Errorf("%s contains %q", name, b)
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestIndexReferencesOnlyEmbeddedFiles(t *testing.T) {
	t.Parallel()
	body, err := files.ReadFile(indexPath)
	if err != nil {
		t.Fatal(err)
	}
	refs := 0
	for _, part := range strings.Split(string(body), `"`) {
		if !strings.HasPrefix(part, assetPrefix) {
			continue
		}
		refs++
		rec := httptest.NewRecorder()
		Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, part, nil))
		if rec.Code != http.StatusOK {
			t.Errorf("index refers to %s, which answers %d", part, rec.Code)
		}
	}
	if refs < 3 {
		t.Errorf("index refers to %d static files, want the stylesheet, icon and entry module", refs)
	}
}

// walkFiles calls fn with every embedded file's name and content.
func walkFiles(fn func(name string, body []byte)) error {
	return fs.WalkDir(files, "static", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := files.ReadFile(name)
		if err != nil {
			return err
		}
		fn(name, body)
		return nil
	})
}
